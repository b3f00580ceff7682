//! The outbox publisher: sends pending taps to the bus in PutEvents batches (at
//! most 10 entries and 256 KB a call), resends only the entries that failed for a
//! reason that may pass, sets aside the ones the bus refuses as invalid, and keeps
//! each order's taps in tap order.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use kitchen_store::{OutboxEntry, Store};
use serde::Serialize;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

use crate::ports::aws::EventBus;
use crate::ports::{Bus, BusEntry, EntryAnswer};
use crate::writer::StoreAccess;
use kitchen_aws::supervisor::{backoff, run_loop, CancellationToken, Loop, Pace};

use crate::DeviceError;

/// PutEvents takes at most 10 entries a call.
pub const MAX_BATCH_ENTRIES: usize = 10;
/// Calls in flight at once. Each carries distinct orders, so order is kept.
const DEFAULT_CONCURRENCY: usize = 4;
const MAX_IDLE_WAIT: Duration = Duration::from_secs(2);

/// What one pass over the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DrainReport {
    pub published: usize,
    /// Entries that failed for a passing reason and wait for their next try.
    pub retrying: usize,
    /// Entries the bus refused as invalid: kept in the outbox with the reason.
    pub rejected: usize,
    pub calls: usize,
}

impl DrainReport {
    fn add(&mut self, other: DrainReport) {
        self.published += other.published;
        self.retrying += other.retrying;
        self.rejected += other.rejected;
        self.calls += other.calls;
    }
}

/// How the publisher last found the bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum PublisherHealth {
    /// The last call went through.
    Online,
    /// The bus answered, but with errors (throttling, access, missing bus).
    Degraded { reason: String },
    /// The bus could not be reached.
    Offline { reason: String },
}

/// Error codes of a failed entry that are worth sending again.
pub fn is_retryable_code(code: &str) -> bool {
    [
        "Throttl",
        "Internal",
        "Unavailable",
        "Timeout",
        "LimitExceeded",
    ]
    .iter()
    .any(|mark| code.contains(mark))
}

/// What became of one entry of a call, written back to the outbox.
enum EntryOutcome {
    Retry {
        event_id: String,
        reason: String,
        at: chrono::DateTime<Utc>,
    },
    Rejected {
        event_id: String,
        reason: String,
    },
}

pub struct Publisher<S = Store> {
    bus: Arc<dyn Bus>,
    store: S,
    concurrency: usize,
}

impl<S: StoreAccess> Publisher<S> {
    /// A publisher to the EventBridge bus `bus` through `events`.
    pub fn new(events: aws_sdk_eventbridge::Client, bus: &str, store: S) -> Publisher<S> {
        Publisher::to(Arc::new(EventBus::new(events, bus)), store)
    }

    /// A publisher of `store`'s outbox to `bus`.
    pub fn to(bus: Arc<dyn Bus>, store: S) -> Publisher<S> {
        Publisher {
            bus,
            store,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// Calls in flight at once (1 sends strictly one batch after another).
    pub fn with_concurrency(mut self, calls: usize) -> Publisher<S> {
        self.concurrency = calls.max(1);
        self
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// Publishes until nothing is ready to send now. Entries waiting out a back-off
    /// stay pending. Fails only when the bus cannot be called at all.
    pub async fn drain(&mut self) -> Result<DrainReport, DeviceError> {
        let mut total = DrainReport::default();
        loop {
            let round = self.publish_round().await?;
            total.add(round);
            if round.calls == 0 {
                return Ok(total);
            }
        }
    }

    /// One round: up to `concurrency` calls of up to 10 entries each, distinct orders.
    pub async fn publish_round(&mut self) -> Result<DrainReport, DeviceError> {
        let limit = MAX_BATCH_ENTRIES * self.concurrency;
        let heads = self
            .store
            .with(move |store| store.next_batch(Utc::now(), limit))
            .await?;
        if heads.is_empty() {
            return Ok(DrainReport::default());
        }
        let mut batches: Vec<Vec<OutboxEntry>> = Vec::new();
        let mut bytes = 0;
        for entry in heads {
            let size = kitchen_domain::entry_size(&entry.detail);
            match batches.last_mut() {
                Some(batch)
                    if batch.len() < MAX_BATCH_ENTRIES
                        && bytes + size <= kitchen_domain::MAX_ENTRY_BYTES =>
                {
                    bytes += size;
                    batch.push(entry);
                }
                _ => {
                    bytes = size;
                    batches.push(vec![entry]);
                }
            }
        }
        let mut calls = JoinSet::new();
        for batch in batches {
            let entries = batch
                .iter()
                .map(|entry| BusEntry {
                    detail: entry.detail.clone(),
                    time: entry.tapped_at,
                })
                .collect();
            let call = self.bus.put_events(entries);
            calls.spawn(async move { (batch, call.await) });
        }
        let mut report = DrainReport::default();
        let mut call_error = None;
        while let Some(joined) = calls.join_next().await {
            let (batch, result) = joined.expect("a PutEvents task never panics");
            report.calls += 1;
            match result {
                Ok(answers) => {
                    let outcome = self.record_outcome(&batch, &answers).await?;
                    report.add(outcome);
                }
                Err(err) => {
                    tracing::warn!(entries = batch.len(), "PutEvents failed: {err}");
                    // Nothing in this call was accepted: all of it stays pending.
                    let reason = err.to_string();
                    let ids: Vec<String> = batch.iter().map(|e| e.event_id.clone()).collect();
                    self.store
                        .relaxed(move |store| {
                            for id in &ids {
                                store.mark_retry(id, &reason, Utc::now())?;
                            }
                            Ok(())
                        })
                        .await?;
                    call_error.get_or_insert(err);
                }
            }
        }
        match call_error {
            Some(err) => Err(err.into()),
            None => Ok(report),
        }
    }

    /// Result entries answer request entries by position.
    async fn record_outcome(
        &mut self,
        batch: &[OutboxEntry],
        answers: &[EntryAnswer],
    ) -> Result<DrainReport, DeviceError> {
        let mut report = DrainReport::default();
        let mut accepted = Vec::new();
        let mut outcomes = Vec::new();
        for (index, entry) in batch.iter().enumerate() {
            match answers.get(index) {
                Some(EntryAnswer::Accepted) => accepted.push(entry.event_id.clone()),
                None => {
                    outcomes.push(EntryOutcome::Retry {
                        event_id: entry.event_id.clone(),
                        reason: "no result for this entry".into(),
                        at: retry_time(entry.attempts),
                    });
                    report.retrying += 1;
                }
                Some(EntryAnswer::Failed { code, message }) => {
                    let reason = format!("{code}: {message}");
                    if is_retryable_code(code) {
                        tracing::debug!(event_id = %entry.event_id, "entry will be retried: {reason}");
                        outcomes.push(EntryOutcome::Retry {
                            event_id: entry.event_id.clone(),
                            reason,
                            at: retry_time(entry.attempts),
                        });
                        report.retrying += 1;
                    } else {
                        tracing::warn!(event_id = %entry.event_id, "entry refused by the bus: {reason}");
                        outcomes.push(EntryOutcome::Rejected {
                            event_id: entry.event_id.clone(),
                            reason,
                        });
                        report.rejected += 1;
                    }
                }
            }
        }
        report.published = accepted.len();
        // One job: the outbox moves for the whole call at once. Should a power
        // cut undo it, the taps go again under the same event ids.
        self.store
            .relaxed(move |store| {
                for outcome in &outcomes {
                    match outcome {
                        EntryOutcome::Retry {
                            event_id,
                            reason,
                            at,
                        } => store.mark_retry(event_id, reason, *at)?,
                        EntryOutcome::Rejected { event_id, reason } => {
                            store.mark_rejected(event_id, reason)?
                        }
                    }
                }
                let accepted: Vec<&str> = accepted.iter().map(String::as_str).collect();
                store.mark_published(&accepted, Utc::now())
            })
            .await?;
        Ok(report)
    }

    /// Publishes for as long as the app runs: wakes on `wake` (a new tap) or every
    /// few seconds, backs off while the bus is unreachable, and reports health.
    pub async fn run(
        self,
        wake: Arc<Notify>,
        stop: CancellationToken,
        health: watch::Sender<PublisherHealth>,
    ) where
        S: 'static,
    {
        run_loop(self.publishing(wake, health), stop).await
    }

    /// The publisher as a loop of the supervisor.
    pub fn publishing(
        self,
        wake: Arc<Notify>,
        health: watch::Sender<PublisherHealth>,
    ) -> Publishing<S> {
        Publishing {
            publisher: self,
            wake,
            health,
        }
    }
}

/// The publisher as a [`Loop`]: a turn drains what is ready, reporting health.
pub struct Publishing<S> {
    publisher: Publisher<S>,
    wake: Arc<Notify>,
    health: watch::Sender<PublisherHealth>,
}

impl<S: StoreAccess + 'static> Loop for Publishing<S> {
    type Error = DeviceError;

    fn name(&self) -> &'static str {
        "publisher"
    }

    async fn turn(&mut self, _stop: &CancellationToken) -> Result<Pace, DeviceError> {
        // Never cut short: a publish in flight records its outcome.
        match self.publisher.drain().await {
            Ok(report) => {
                self.health.send_replace(PublisherHealth::Online);
                Ok(Pace::After(if report.retrying > 0 {
                    Duration::from_millis(250)
                } else {
                    MAX_IDLE_WAIT
                }))
            }
            Err(err) => {
                let reason = err.to_string();
                self.health.send_replace(if err.is_unreachable() {
                    PublisherHealth::Offline { reason }
                } else {
                    PublisherHealth::Degraded { reason }
                });
                Err(err)
            }
        }
    }

    fn woken(&self) -> impl std::future::Future<Output = ()> + Send {
        self.wake.notified()
    }
}

fn retry_time(attempts: u32) -> chrono::DateTime<Utc> {
    let wait = backoff(attempts + 1);
    Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_and_internal_errors_are_retried_and_invalid_ones_are_not() {
        for code in [
            "ThrottlingException",
            "InternalFailure",
            "InternalException",
            "ServiceUnavailable",
        ] {
            assert!(is_retryable_code(code), "{code}");
        }
        for code in [
            "MalformedDetail",
            "InvalidArgument",
            "AccessDeniedException",
            "NotAuthorizedForSourceException",
        ] {
            assert!(!is_retryable_code(code), "{code}");
        }
    }
}

//! The outbox publisher: sends pending taps to the bus in PutEvents batches (at
//! most 10 entries and 256 KB a call), resends only the entries that failed for a
//! reason that may pass, sets aside the ones the bus refuses as invalid, and keeps
//! each order's taps in tap order.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_eventbridge::types::{PutEventsRequestEntry, PutEventsResultEntry};
use chrono::Utc;
use kitchen_domain::{DETAIL_TYPE, SOURCE};
use kitchen_store::{OutboxEntry, Store};
use rand::Rng;
use serde::Serialize;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

use crate::CloudError;

/// PutEvents takes at most 10 entries a call.
pub const MAX_BATCH_ENTRIES: usize = 10;
/// Calls in flight at once. Each carries distinct orders, so order is kept.
const DEFAULT_CONCURRENCY: usize = 4;
const MAX_ENTRY_BACKOFF: Duration = Duration::from_secs(30);
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

pub struct Publisher {
    events: aws_sdk_eventbridge::Client,
    bus: String,
    store: Store,
    concurrency: usize,
}

impl Publisher {
    pub fn new(
        events: aws_sdk_eventbridge::Client,
        bus: impl Into<String>,
        store: Store,
    ) -> Publisher {
        Publisher {
            events,
            bus: bus.into(),
            store,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// Calls in flight at once (1 sends strictly one batch after another).
    pub fn with_concurrency(mut self, calls: usize) -> Publisher {
        self.concurrency = calls.max(1);
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Publishes until nothing is ready to send now. Entries waiting out a back-off
    /// stay pending. Fails only when the bus cannot be called at all.
    pub async fn drain(&mut self) -> Result<DrainReport, CloudError> {
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
    pub async fn publish_round(&mut self) -> Result<DrainReport, CloudError> {
        let heads = self
            .store
            .next_batch(Utc::now(), MAX_BATCH_ENTRIES * self.concurrency)?;
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
            let request = self
                .events
                .put_events()
                .set_entries(Some(batch.iter().map(|e| self.request_entry(e)).collect()));
            calls.spawn(async move { (batch, request.send().await) });
        }
        let mut report = DrainReport::default();
        let mut call_error = None;
        while let Some(joined) = calls.join_next().await {
            let (batch, result) = joined.expect("a PutEvents task never panics");
            report.calls += 1;
            match result {
                Ok(output) => {
                    let outcome = self.record_outcome(&batch, output.entries())?;
                    report.add(outcome);
                }
                Err(err) => {
                    let err = CloudError::call("PutEvents", &self.bus, err);
                    tracing::warn!(entries = batch.len(), "PutEvents failed: {err}");
                    // Nothing in this call was accepted: all of it stays pending.
                    for entry in &batch {
                        self.store
                            .mark_retry(&entry.event_id, &err.to_string(), Utc::now())?;
                    }
                    call_error.get_or_insert(err);
                }
            }
        }
        match call_error {
            Some(err) => Err(err),
            None => Ok(report),
        }
    }

    fn request_entry(&self, entry: &OutboxEntry) -> PutEventsRequestEntry {
        PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus)
            .source(SOURCE)
            .detail_type(DETAIL_TYPE)
            .detail(&entry.detail)
            // The moment of the tap, so taps made offline keep their time.
            .time(aws_smithy_types::DateTime::from_millis(
                entry.tapped_at.timestamp_millis(),
            ))
            .build()
    }

    /// Result entries answer request entries by position.
    fn record_outcome(
        &mut self,
        batch: &[OutboxEntry],
        results: &[PutEventsResultEntry],
    ) -> Result<DrainReport, CloudError> {
        let mut report = DrainReport::default();
        let mut accepted = Vec::new();
        for (index, entry) in batch.iter().enumerate() {
            let result = results.get(index);
            match result.and_then(|r| r.error_code()) {
                None if result.is_some() => accepted.push(entry.event_id.as_str()),
                None => {
                    self.store.mark_retry(
                        &entry.event_id,
                        "no result for this entry",
                        retry_time(entry.attempts),
                    )?;
                    report.retrying += 1;
                }
                Some(code) => {
                    let message = result.and_then(|r| r.error_message()).unwrap_or("");
                    let reason = format!("{code}: {message}");
                    if is_retryable_code(code) {
                        tracing::debug!(event_id = %entry.event_id, "entry will be retried: {reason}");
                        self.store.mark_retry(
                            &entry.event_id,
                            &reason,
                            retry_time(entry.attempts),
                        )?;
                        report.retrying += 1;
                    } else {
                        tracing::warn!(event_id = %entry.event_id, "entry refused by the bus: {reason}");
                        self.store.mark_rejected(&entry.event_id, &reason)?;
                        report.rejected += 1;
                    }
                }
            }
        }
        self.store.mark_published(&accepted, Utc::now())?;
        report.published = accepted.len();
        Ok(report)
    }

    /// Publishes for as long as the app runs: wakes on `wake` (a new tap) or every
    /// few seconds, backs off while the bus is unreachable, and reports health.
    pub async fn run(
        mut self,
        wake: Arc<Notify>,
        mut shutdown: watch::Receiver<bool>,
        health: watch::Sender<PublisherHealth>,
    ) {
        let mut failures = 0u32;
        loop {
            let wait = match self.drain().await {
                Ok(report) => {
                    failures = 0;
                    health.send_replace(PublisherHealth::Online);
                    if report.retrying > 0 {
                        Duration::from_millis(250)
                    } else {
                        MAX_IDLE_WAIT
                    }
                }
                Err(err) => {
                    failures += 1;
                    let reason = err.to_string();
                    health.send_replace(if err.is_unreachable() {
                        PublisherHealth::Offline { reason }
                    } else {
                        PublisherHealth::Degraded { reason }
                    });
                    backoff(failures)
                }
            };
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => return,
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }
}

/// Exponential back-off with jitter: 0.25 s, 0.5 s, … up to 30 s.
pub fn backoff(failures: u32) -> Duration {
    let base = Duration::from_millis(250).saturating_mul(1 << failures.min(8).saturating_sub(1));
    let capped = base.min(MAX_ENTRY_BACKOFF);
    capped.mul_f64(rand::rng().random_range(0.5..=1.0))
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

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(1) <= Duration::from_millis(250));
        assert!(backoff(4) >= Duration::from_millis(1000));
        assert!(backoff(30) <= MAX_ENTRY_BACKOFF);
    }
}

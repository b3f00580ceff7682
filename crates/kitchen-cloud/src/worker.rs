//! The local entry point of the store function: long-polls the store queue and
//! deletes a message only once its event is in the table.

use aws_sdk_sqs::types::{ChangeMessageVisibilityBatchRequestEntry, Message};

use crate::config::LONG_POLL_WAIT;
use crate::queue;
use crate::store_fn::{QueueRecord, StoreFunction};
use crate::supervisor::{run_loop, CancellationToken, Loop, Pace};
use crate::{Clients, CloudError};

/// A message the store function could not write comes back this soon.
pub const RETRY_AFTER_SECONDS: i32 = 10;

pub struct StoreWorker {
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    function: StoreFunction,
    wait_seconds: i32,
}

/// What one poll did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PollReport {
    pub received: usize,
    pub stored: usize,
    pub failed: usize,
}

impl StoreWorker {
    /// A worker for the configured store queue and table. It writes the
    /// business day it files orders by into the table first, for the devices.
    pub async fn connect(clients: &Clients) -> Result<StoreWorker, CloudError> {
        let config = &clients.config;
        let function = StoreFunction::for_clients(clients)?;
        let queue_url = clients.queue_url(&config.store_queue).await?;
        function.publish_business_day().await?;
        Ok(StoreWorker {
            sqs: clients.sqs_long_poll.clone(),
            queue_url,
            function,
            wait_seconds: LONG_POLL_WAIT.as_secs() as i32,
        })
    }

    /// Shorter long polls (tests and one-shot drains).
    pub fn with_wait_seconds(mut self, seconds: i32) -> StoreWorker {
        self.wait_seconds = seconds.clamp(0, 20);
        self
    }

    /// Receives up to 10 messages, stores them, deletes the stored ones.
    pub async fn poll_once(&self) -> Result<PollReport, CloudError> {
        let messages = self.receive().await?;
        self.store(&messages).await
    }

    /// One long poll of the store queue.
    async fn receive(&self) -> Result<Vec<Message>, CloudError> {
        queue::receive(&self.sqs, &self.queue_url, self.wait_seconds).await
    }

    /// Stores received messages and deletes the stored ones. Not to be dropped
    /// half-way: messages taken but not handled would hide for the whole
    /// visibility timeout.
    async fn store(&self, messages: &[Message]) -> Result<PollReport, CloudError> {
        if messages.is_empty() {
            return Ok(PollReport::default());
        }
        let records: Vec<QueueRecord> = messages
            .iter()
            .filter_map(|m| {
                Some(QueueRecord {
                    message_id: m.message_id()?.to_owned(),
                    body: m.body().unwrap_or_default().to_owned(),
                })
            })
            .collect();
        let failed = self.function.handle_batch(&records).await;
        // Failed messages stay on the queue and, after the queue's retries, land in
        // the dead-letter queue; a passing failure (a slow table) is retried soon
        // rather than after the whole visibility timeout.
        self.retry_soon(messages, &failed).await;
        let stored: Vec<&Message> = messages
            .iter()
            .filter(|m| {
                m.message_id()
                    .is_some_and(|id| !failed.iter().any(|f| f == id))
            })
            .collect();
        // Stored already: a message not deleted comes back, and its write is idempotent.
        queue::delete(&self.sqs, &self.queue_url, &stored).await?;
        let stored = stored.len();
        Ok(PollReport {
            received: messages.len(),
            stored,
            failed: failed.len(),
        })
    }

    /// Makes the failed messages visible again after [`RETRY_AFTER_SECONDS`].
    async fn retry_soon(&self, messages: &[Message], failed: &[String]) {
        let entries: Vec<ChangeMessageVisibilityBatchRequestEntry> = messages
            .iter()
            .filter(|m| {
                m.message_id()
                    .is_some_and(|id| failed.iter().any(|f| f == id))
            })
            .enumerate()
            .filter_map(|(i, m)| {
                ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(m.receipt_handle()?)
                    .visibility_timeout(RETRY_AFTER_SECONDS)
                    .build()
                    .ok()
            })
            .collect();
        if entries.is_empty() {
            return;
        }
        let changed = self
            .sqs
            .change_message_visibility_batch()
            .queue_url(&self.queue_url)
            .set_entries(Some(entries))
            .send()
            .await;
        if let Err(err) = changed {
            // They still come back, after the queue's visibility timeout.
            tracing::warn!("cannot bring failed messages back early: {err}");
        }
    }

    /// Polls until `stop` is cancelled, backing off while the queue is unreachable.
    pub async fn run(self, stop: CancellationToken) {
        run_loop(self, stop).await
    }
}

impl Loop for StoreWorker {
    fn name(&self) -> &'static str {
        "store worker"
    }

    async fn turn(&mut self, stop: &CancellationToken) -> Result<Pace, CloudError> {
        // Only the wait for messages is cut short by a stop.
        let received = tokio::select! {
            received = self.receive() => received,
            _ = stop.cancelled() => return Ok(Pace::Done),
        };
        let poll = match received {
            Ok(messages) => self.store(&messages).await,
            Err(err) => Err(err),
        };
        match poll {
            Ok(report) => {
                if report.received > 0 {
                    tracing::info!(?report, "store worker");
                }
                // The long poll is the wait.
                Ok(Pace::Again)
            }
            Err(err) => {
                tracing::warn!("store worker: {err}");
                Err(err)
            }
        }
    }
}

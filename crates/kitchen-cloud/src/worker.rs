//! The local entry point of the store function: long-polls the store queue and
//! deletes a message only once its event is in the table.

use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;
use tokio::sync::watch;

use crate::config::LONG_POLL_WAIT;
use crate::publisher::backoff;
use crate::store_fn::{QueueRecord, StoreFunction};
use crate::{Clients, CloudError};

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
    /// A worker for the configured store queue and table.
    pub async fn connect(clients: &Clients) -> Result<StoreWorker, CloudError> {
        let config = &clients.config;
        let queue_url = clients.queue_url(&config.store_queue).await?;
        let function = StoreFunction::new(
            clients.dynamodb.clone(),
            &config.table_name,
            &config.store_time_zone,
        )?;
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
        let received = self
            .sqs
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(self.wait_seconds)
            .send()
            .await
            .map_err(|e| CloudError::call("ReceiveMessage", &self.queue_url, e))?;
        let messages = received.messages();
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
        // Failed messages stay on the queue: they come back after the visibility
        // timeout and, after the queue's retries, land in the dead-letter queue.
        let entries: Vec<DeleteMessageBatchRequestEntry> = messages
            .iter()
            .filter(|m| {
                m.message_id()
                    .is_some_and(|id| !failed.iter().any(|f| f == id))
            })
            .enumerate()
            .filter_map(|(i, m)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(m.receipt_handle()?)
                    .build()
                    .ok()
            })
            .collect();
        let stored = entries.len();
        if !entries.is_empty() {
            let deleted = self
                .sqs
                .delete_message_batch()
                .queue_url(&self.queue_url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| CloudError::call("DeleteMessageBatch", &self.queue_url, e))?;
            for failure in deleted.failed() {
                // Stored already: a redelivery is harmless, the write is idempotent.
                tracing::warn!(id = failure.id(), "delete failed: {:?}", failure.message());
            }
        }
        Ok(PollReport {
            received: messages.len(),
            stored,
            failed: failed.len(),
        })
    }

    /// Polls until `shutdown` turns true, backing off while the queue is unreachable.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut failures = 0;
        loop {
            let poll = tokio::select! {
                poll = self.poll_once() => poll,
                _ = shutdown.changed() => return,
            };
            match poll {
                Ok(report) => {
                    failures = 0;
                    if report.received > 0 {
                        tracing::info!(?report, "store worker");
                    }
                }
                Err(err) => {
                    failures += 1;
                    tracing::warn!("store worker: {err}");
                    tokio::select! {
                        _ = tokio::time::sleep(backoff(failures)) => {}
                        _ = shutdown.changed() => return,
                    }
                }
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }
}

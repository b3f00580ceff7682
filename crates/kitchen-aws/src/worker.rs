//! The local entry point of the store function: long-polls the store queue and
//! deletes a message only once its event is in the table.

use aws_sdk_dynamodb::types::TableStatus;
use aws_sdk_sqs::types::Message;

use crate::config::LONG_POLL_WAIT;
use crate::queue;
use crate::store_fn::{self, QueueRecord, Retry, StoreFunction};
use crate::supervisor::{run_loop, CancellationToken, Loop, Pace};
use crate::{Clients, CloudError};

pub struct StoreWorker {
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    function: StoreFunction,
    dynamodb: aws_sdk_dynamodb::Client,
    table: String,
    wait_seconds: i32,
    /// A write failed for a passing reason: no message is taken (and so no
    /// message spends a try) until the table answers again.
    table_down: bool,
    /// The business day this worker files by is in the table for the devices.
    day_published: bool,
}

/// What one poll did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PollReport {
    pub received: usize,
    pub stored: usize,
    /// Not stored, and never will be: they reach the dead-letter queue.
    pub refused: usize,
    /// Not stored for a passing reason: they come back after a back-off.
    pub deferred: usize,
}

impl StoreWorker {
    /// A worker for the configured store queue and table. It writes the
    /// business day it files orders by into the table first, for the devices;
    /// a table that does not answer yet gets it once it does.
    pub async fn connect(clients: &Clients) -> Result<StoreWorker, CloudError> {
        let config = &clients.config;
        let function = StoreFunction::for_clients(clients)?;
        let queue_url = clients.queue_url(&config.store_queue).await?;
        let mut worker = StoreWorker {
            sqs: clients.sqs_long_poll.clone(),
            queue_url,
            function,
            dynamodb: clients.dynamodb.clone(),
            table: config.table_name.clone(),
            wait_seconds: LONG_POLL_WAIT.as_secs() as i32,
            table_down: false,
            day_published: false,
        };
        worker.publish_business_day().await;
        Ok(worker)
    }

    /// Shorter long polls (tests and one-shot drains).
    pub fn with_wait_seconds(mut self, seconds: i32) -> StoreWorker {
        self.wait_seconds = seconds.clamp(0, 20);
        self
    }

    async fn publish_business_day(&mut self) {
        match self.function.publish_business_day().await {
            Ok(()) => self.day_published = true,
            Err(err) => tracing::warn!(
                "store worker: the business day is not in the table yet (written once it answers): {err}"
            ),
        }
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
                    receipt_handle: m.receipt_handle().map(str::to_owned),
                    receive_count: queue::receive_count(m),
                })
            })
            .collect();
        let failed = self.function.handle_batch(&records).await;
        // Failed messages stay on the queue: an invalid one comes back at once
        // and soon lands in the dead-letter queue, one the table did not take
        // comes back after a back-off that grows with its tries.
        store_fn::defer(&self.sqs, &self.queue_url, &records, &failed).await;
        let stored: Vec<&Message> = messages
            .iter()
            .filter(|m| {
                m.message_id()
                    .is_some_and(|id| !failed.iter().any(|f| f.message_id == id))
            })
            .collect();
        // Stored already: a message not deleted comes back, and its write is idempotent.
        queue::delete(&self.sqs, &self.queue_url, &stored).await?;
        let deferred = failed.iter().filter(|f| f.retry == Retry::Later).count();
        Ok(PollReport {
            received: messages.len(),
            stored: stored.len(),
            refused: failed.len() - deferred,
            deferred,
        })
    }

    /// Whether the table answers and takes writes.
    async fn table_answers(&self) -> Result<(), CloudError> {
        let out = self
            .dynamodb
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
            .map_err(|e| CloudError::call("DescribeTable", &self.table, e))?;
        match out.table().and_then(|t| t.table_status()) {
            Some(TableStatus::Active) | Some(TableStatus::Updating) => Ok(()),
            status => Err(CloudError::Missing(format!(
                "table {} to write into (it is {status:?})",
                self.table
            ))),
        }
    }

    /// Polls until `stop` is cancelled, backing off while the queue is unreachable.
    pub async fn run(self, stop: CancellationToken) {
        run_loop(self, stop).await
    }
}

impl Loop for StoreWorker {
    type Error = CloudError;

    fn name(&self) -> &'static str {
        "store worker"
    }

    async fn turn(&mut self, stop: &CancellationToken) -> Result<Pace, CloudError> {
        if self.table_down {
            // Until the table answers, the supervisor's back-off spaces the checks.
            self.table_answers().await?;
            self.table_down = false;
            tracing::info!("store worker: the table answers again");
        }
        if !self.day_published {
            self.publish_business_day().await;
        }
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
                // The messages the table did not take wait out their back-off;
                // the others wait in the queue until the table answers.
                self.table_down = report.deferred > 0;
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

//! The drivers' side of the delivery queue: long-polls `waiting-delivery`, records
//! each ready order in the device's database before deleting its message,
//! quarantines what cannot be read, and notifies each ready order once.

use std::sync::Arc;

use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, Message};
use chrono::Utc;
use kitchen_domain::ContractError;
/// How a driver station reads one queue message, without AWS: in the store.
pub use kitchen_store::{classify_delivery_message, MessageOutcome};
use kitchen_store::{Delivery, Store};
use thiserror::Error;
use tokio::sync::watch;

use crate::config::LONG_POLL_WAIT;
use crate::publisher::backoff;
use crate::{Clients, CloudError};

/// Why a notification was not shown.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NotifyError {
    /// No notification service on this desktop (no session bus, or nobody owns
    /// the notifications name): show it in the UI, the list still works.
    #[error("no desktop notification service: {0}")]
    NoService(String),
    #[error("the notification could not be shown: {0}")]
    Failed(String),
}

/// Shows a ready order to the driver. Implemented by the desktop notifier
/// (`kitchen-notify`), and by fakes in tests.
pub trait Notifier: Send + Sync {
    /// Called from a blocking thread: an implementation may block on its service.
    fn notify(&self, order: &Delivery) -> Result<(), NotifyError>;

    /// Whether notifications can be shown at all, asked once when polling starts
    /// so the screens can warn before the first ready order. Blocking, like `notify`.
    fn check(&self) -> Result<(), NotifyError> {
        Ok(())
    }
}

/// A message that was quarantined, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    pub message_id: String,
    pub error: ContractError,
}

/// A notification that was claimed but not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyFailure {
    pub order: String,
    pub error: NotifyError,
}

/// What one poll did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub received: usize,
    /// Ready orders seen for the first time, in the order received.
    pub new_orders: Vec<Delivery>,
    /// Messages for events already recorded (redeliveries).
    pub duplicates: usize,
    pub quarantined: Vec<Quarantined>,
    /// Orders a notification was shown for.
    pub notified: Vec<String>,
    pub notify_failures: Vec<NotifyFailure>,
    /// Messages handled but not deleted: they come back and are then duplicates.
    pub delete_failures: usize,
}

pub struct DeliveryPoller {
    clients: Clients,
    /// Resolved on the first poll that reaches the cloud, so the poller can start offline.
    queue_url: Option<String>,
    store: Store,
    notifier: Arc<dyn Notifier>,
    wait_seconds: i32,
}

impl DeliveryPoller {
    /// A poller for the configured delivery queue, writing to `store`.
    pub fn new(clients: &Clients, store: Store, notifier: Arc<dyn Notifier>) -> DeliveryPoller {
        DeliveryPoller {
            clients: clients.clone(),
            queue_url: None,
            store,
            notifier,
            wait_seconds: LONG_POLL_WAIT.as_secs() as i32,
        }
    }

    /// Shorter long polls (tests and one-shot drains).
    pub fn with_wait_seconds(mut self, seconds: i32) -> DeliveryPoller {
        self.wait_seconds = seconds.clamp(0, 20);
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    async fn queue_url(&mut self) -> Result<String, CloudError> {
        if let Some(url) = &self.queue_url {
            return Ok(url.clone());
        }
        let url = self
            .clients
            .queue_url(&self.clients.config.delivery_queue)
            .await?;
        self.queue_url = Some(url.clone());
        Ok(url)
    }

    /// Receives up to 10 messages, records or quarantines each, deletes them,
    /// then notifies the ready orders not notified yet.
    pub async fn poll_once(&mut self) -> Result<DeliveryReport, CloudError> {
        let (queue_url, messages) = self.receive().await?;
        self.take(&queue_url, &messages).await
    }

    /// One long poll of the queue: its URL and what it handed over.
    async fn receive(&mut self) -> Result<(String, Vec<Message>), CloudError> {
        let queue_url = self.queue_url().await?;
        let received = self
            .clients
            .sqs_long_poll
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(self.wait_seconds)
            .send()
            .await
            .map_err(|e| CloudError::call("ReceiveMessage", &queue_url, e))?;
        Ok((queue_url, received.messages.unwrap_or_default()))
    }

    /// Records, deletes and notifies what was received. Not to be dropped half-way:
    /// a message taken but not recorded would hide for the visibility timeout.
    async fn take(
        &mut self,
        queue_url: &str,
        messages: &[Message],
    ) -> Result<DeliveryReport, CloudError> {
        let mut report = DeliveryReport {
            received: messages.len(),
            ..DeliveryReport::default()
        };
        let mut handled = Vec::with_capacity(messages.len());
        for message in messages {
            // A store error stops here: unhandled messages stay on the queue.
            self.handle(message, queue_url, &mut report)?;
            handled.push(message);
        }
        report.delete_failures = delete(&self.clients.sqs, queue_url, &handled).await?;
        self.notify_waiting(&mut report).await?;
        Ok(report)
    }

    /// Records or quarantines one message. Either way it is then safe to delete.
    fn handle(
        &mut self,
        message: &Message,
        queue_url: &str,
        report: &mut DeliveryReport,
    ) -> Result<(), CloudError> {
        let message_id = message.message_id().unwrap_or_default().to_owned();
        let body = message.body().unwrap_or_default();
        let queue = queue_url.rsplit('/').next().unwrap_or(queue_url);
        let origin = format!("{queue}/{message_id}");
        match self
            .store
            .record_delivery_message(&origin, body, Utc::now())?
        {
            MessageOutcome::New(delivery) => report.new_orders.push(delivery),
            MessageOutcome::Duplicate => report.duplicates += 1,
            MessageOutcome::Quarantined(error) => {
                tracing::warn!(%origin, "quarantined a delivery message: {error}");
                report.quarantined.push(Quarantined { message_id, error });
            }
        }
        Ok(())
    }

    /// Notifies every waiting order not notified yet: the new ones, and any a
    /// crash left between recording and notifying. Claimed before shown, so an
    /// order never notifies twice.
    async fn notify_waiting(&mut self, report: &mut DeliveryReport) -> Result<(), CloudError> {
        for delivery in self.store.deliveries_to_notify()? {
            if !self.store.mark_notified(&delivery.event_id, Utc::now())? {
                continue;
            }
            let notifier = Arc::clone(&self.notifier);
            let order = delivery.order.clone();
            let shown = tokio::task::spawn_blocking(move || notifier.notify(&delivery))
                .await
                .unwrap_or_else(|e| Err(NotifyError::Failed(format!("the notifier failed: {e}"))));
            match shown {
                Ok(()) => report.notified.push(order),
                Err(error) => {
                    tracing::warn!(%order, "{error}");
                    report.notify_failures.push(NotifyFailure { order, error });
                }
            }
        }
        Ok(())
    }

    /// Polls until `shutdown` turns true, backing off while the queue is unreachable.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        self.run_with(shutdown, |_| {}).await
    }

    /// Like `run`, handing every poll's outcome to `on_poll` (a UI, a console).
    pub async fn run_with(
        mut self,
        mut shutdown: watch::Receiver<bool>,
        mut on_poll: impl FnMut(&Result<DeliveryReport, CloudError>) + Send,
    ) {
        let mut failures = 0;
        loop {
            // Only the wait for messages is cut short by a shutdown.
            let received = tokio::select! {
                received = self.receive() => received,
                _ = shutdown.changed() => return,
            };
            let poll = match received {
                Ok((queue_url, messages)) => self.take(&queue_url, &messages).await,
                Err(err) => Err(err),
            };
            on_poll(&poll);
            match poll {
                Ok(report) => {
                    failures = 0;
                    if report.received > 0 {
                        tracing::info!(
                            received = report.received,
                            new = report.new_orders.len(),
                            duplicates = report.duplicates,
                            quarantined = report.quarantined.len(),
                            "delivery poller"
                        );
                    }
                }
                Err(err) => {
                    failures += 1;
                    tracing::warn!("delivery poller: {err}");
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

/// Deletes handled messages; returns how many the queue failed to delete.
async fn delete(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    messages: &[&Message],
) -> Result<usize, CloudError> {
    let entries: Vec<DeleteMessageBatchRequestEntry> = messages
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            DeleteMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .receipt_handle(m.receipt_handle()?)
                .build()
                .ok()
        })
        .collect();
    if entries.is_empty() {
        return Ok(0);
    }
    let deleted = sqs
        .delete_message_batch()
        .queue_url(queue_url)
        .set_entries(Some(entries))
        .send()
        .await
        .map_err(|e| CloudError::call("DeleteMessageBatch", queue_url, e))?;
    for failure in deleted.failed() {
        // Recorded already: the redelivered message will be a duplicate.
        tracing::warn!(
            entry = failure.id(),
            code = failure.code(),
            "delivery message not deleted: {:?}",
            failure.message()
        );
    }
    Ok(deleted.failed().len())
}

//! The drivers' side of the delivery queue: long-polls `waiting-delivery` while
//! notifications can be shown, records each ready order in the device's
//! database before deleting its message, quarantines what cannot be read, and
//! notifies each ready order once across every driver station: the station
//! claims the notification in the table with a conditional write first.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use kitchen_domain::{day_key, order_key, BusinessDay, ContractError};
/// How a driver station reads one queue message, without AWS: in the store.
pub use kitchen_store::{classify_delivery_message, MessageOutcome};
use kitchen_store::{Delivery, Store};

use crate::ports::{Cloud, NotificationClaim, Queue, QueueMessage, Table};
use crate::writer::StoreAccess;
use kitchen_aws::config::LONG_POLL_WAIT;
use kitchen_aws::supervisor::{run_loop, CancellationToken, Loop, Pace};

use crate::DeviceError;

pub use kitchen_domain::{Notifier, NotifyError};

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

/// How often a station without a notification service asks again whether one
/// has appeared; until then it leaves the queue to the other stations.
pub const NOTIFIER_RECHECK: Duration = Duration::from_secs(15);

/// The table's item that says which station notifies an order.
pub fn notification_claim_key(day: &str, order: &str) -> String {
    format!("#notified#{}", order_key(day, order))
}

/// What one turn of the poller came to.
#[derive(Debug)]
pub enum PollTurn {
    /// The queue was polled.
    Polled(Result<DeliveryReport, DeviceError>),
    /// Notifications cannot be shown here, so the queue was left alone: its
    /// ready orders go to a station that can show them.
    NotifierUnavailable(NotifyError),
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
    /// Orders another station had already claimed the notification of.
    pub claimed_elsewhere: Vec<String>,
    pub notify_failures: Vec<NotifyFailure>,
    /// Messages handled but not deleted: they come back and are then duplicates.
    pub delete_failures: usize,
}

pub struct DeliveryPoller<S = Store> {
    queue: Arc<dyn Queue>,
    /// Where the notifications are claimed.
    table: Arc<dyn Table>,
    store: S,
    notifier: Arc<dyn Notifier>,
    wait_seconds: i32,
    /// This station's name, in the notification claims it writes.
    device: String,
    /// Tells the business day of ready events from producers that do not say it.
    business_day: BusinessDay,
}

impl<S: StoreAccess> DeliveryPoller<S> {
    /// A poller of the cloud's delivery queue (`Cloud::aws` for the
    /// configured one), writing to `store`, on the driver station `device`.
    pub fn on(
        cloud: &Cloud,
        store: S,
        notifier: Arc<dyn Notifier>,
        device: &str,
        business_day: BusinessDay,
    ) -> DeliveryPoller<S> {
        DeliveryPoller {
            queue: Arc::clone(&cloud.queue),
            table: Arc::clone(&cloud.table),
            store,
            notifier,
            wait_seconds: LONG_POLL_WAIT.as_secs() as i32,
            device: device.to_owned(),
            business_day,
        }
    }

    /// Shorter long polls (tests and one-shot drains).
    pub fn with_wait_seconds(mut self, seconds: i32) -> DeliveryPoller<S> {
        self.wait_seconds = seconds.clamp(0, 20);
        self
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// Receives up to 10 messages, records or quarantines each, deletes them,
    /// then notifies the ready orders not notified yet.
    pub async fn poll_once(&mut self) -> Result<DeliveryReport, DeviceError> {
        let messages = self.receive().await?;
        self.take(&messages).await
    }

    /// One long poll of the queue: what it handed over.
    async fn receive(&mut self) -> Result<Vec<QueueMessage>, DeviceError> {
        Ok(self.queue.receive(self.wait_seconds).await?)
    }

    /// Records, deletes and notifies what was received. Not to be dropped half-way:
    /// a message taken but not recorded would hide for the visibility timeout.
    async fn take(&mut self, messages: &[QueueMessage]) -> Result<DeliveryReport, DeviceError> {
        let mut report = DeliveryReport {
            received: messages.len(),
            ..DeliveryReport::default()
        };
        let mut handled = Vec::with_capacity(messages.len());
        for message in messages {
            // A store error stops here: unhandled messages stay on the queue.
            self.handle(message, &mut report).await?;
            handled.push(message.receipt.clone());
        }
        report.delete_failures = self.queue.delete(handled).await?;
        self.notify_waiting(&mut report).await?;
        Ok(report)
    }

    /// Records or quarantines one message. Either way it is then safe to delete.
    async fn handle(
        &mut self,
        message: &QueueMessage,
        report: &mut DeliveryReport,
    ) -> Result<(), DeviceError> {
        let message_id = message.id.clone();
        let body = message.body.clone();
        let origin = format!("{}/{message_id}", self.queue.name());
        let rule = self.business_day;
        let recorded = origin.clone();
        let outcome = self
            .store
            .with(move |s| {
                s.record_delivery_message(&recorded, &body, Utc::now(), |time| {
                    day_key(rule.day_of(time))
                })
            })
            .await?;
        match outcome {
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
    /// crash left between recording and notifying. Claimed in the table, then
    /// on this station, then shown: an order never notifies twice, here or on
    /// another station that received a duplicate of its ready event.
    async fn notify_waiting(&mut self, report: &mut DeliveryReport) -> Result<(), DeviceError> {
        for delivery in self.store.with(|s| s.deliveries_to_notify()).await? {
            let ours = self
                .table
                .claim_notification(NotificationClaim {
                    day: delivery.day.clone(),
                    order: delivery.order.clone(),
                    event_id: delivery.event_id.clone(),
                    device: self.device.clone(),
                })
                .await?;
            // Either way this station is done with it.
            let event_id = delivery.event_id.clone();
            let first = self
                .store
                .with(move |s| s.mark_notified(&event_id, Utc::now()))
                .await?;
            if !first {
                continue;
            }
            if !ours {
                report.claimed_elsewhere.push(delivery.order.clone());
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

    /// Polls until `stop` is cancelled, backing off while the queue is unreachable.
    pub async fn run(self, stop: CancellationToken)
    where
        S: 'static,
    {
        self.run_with(stop, |_| {}).await
    }

    /// Like `run`, handing every turn's outcome to `on_turn` (a UI, a console).
    pub async fn run_with(
        self,
        stop: CancellationToken,
        on_turn: impl FnMut(&PollTurn) + Send + 'static,
    ) where
        S: 'static,
    {
        run_loop(self.polling(on_turn), stop).await
    }

    /// The poller as a loop of the supervisor, handing every turn's outcome
    /// to `on_turn`.
    pub fn polling<F: FnMut(&PollTurn) + Send + 'static>(self, on_turn: F) -> Polling<S, F> {
        Polling {
            poller: self,
            on_turn,
        }
    }
}

/// The poller as a [`Loop`]. A station that cannot show notifications takes
/// nothing from the queue: SQS hands each message to one reader, and a ready
/// order taken here could not be announced. It asks again every
/// [`NOTIFIER_RECHECK`].
pub struct Polling<S, F> {
    poller: DeliveryPoller<S>,
    on_turn: F,
}

impl<S, F> Loop for Polling<S, F>
where
    S: StoreAccess + 'static,
    F: FnMut(&PollTurn) + Send + 'static,
{
    type Error = DeviceError;

    fn name(&self) -> &'static str {
        "delivery poller"
    }

    async fn turn(&mut self, stop: &CancellationToken) -> Result<Pace, DeviceError> {
        if let Err(error) = notifier_ready(&self.poller.notifier).await {
            tracing::warn!("not taking ready orders from the queue: {error}");
            (self.on_turn)(&PollTurn::NotifierUnavailable(error));
            return Ok(Pace::After(NOTIFIER_RECHECK));
        }
        // Only the wait for messages is cut short by a stop.
        let received = tokio::select! {
            received = self.poller.receive() => received,
            _ = stop.cancelled() => return Ok(Pace::Done),
        };
        let poll = match received {
            Ok(messages) => self.poller.take(&messages).await,
            Err(err) => Err(err),
        };
        match &poll {
            Ok(report) if report.received > 0 => tracing::info!(
                received = report.received,
                new = report.new_orders.len(),
                duplicates = report.duplicates,
                quarantined = report.quarantined.len(),
                "delivery poller"
            ),
            Ok(_) => {}
            Err(err) => tracing::warn!("delivery poller: {err}"),
        }
        let turn = PollTurn::Polled(poll);
        (self.on_turn)(&turn);
        match turn {
            // The long poll is the wait.
            PollTurn::Polled(poll) => poll.map(|_| Pace::Again),
            PollTurn::NotifierUnavailable(_) => unreachable!("made above"),
        }
    }
}

/// Whether notifications can be shown now (a blocking call, off the runtime).
async fn notifier_ready(notifier: &Arc<dyn Notifier>) -> Result<(), NotifyError> {
    let notifier = Arc::clone(notifier);
    tokio::task::spawn_blocking(move || notifier.check())
        .await
        .unwrap_or_else(|e| Err(NotifyError::Failed(format!("the notifier failed: {e}"))))
}

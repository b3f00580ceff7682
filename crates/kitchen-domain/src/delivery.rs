//! A ready order handed to a driver station, and the port through which the
//! station shows it to the drivers (the desktop's notifications, in
//! `kitchen-notify`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

/// A ready order as the delivery queue handed it to this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub event_id: String,
    /// The order's business day: with the number, which order it is.
    pub day: String,
    pub order: String,
    pub client: String,
    /// The moment of the `ready` tap.
    pub ready_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub notified_at: Option<DateTime<Utc>>,
}

impl Delivery {
    /// How long the order has waited on the shelf at `now` (never negative).
    pub fn waiting_for(&self, now: DateTime<Utc>) -> chrono::Duration {
        (now - self.ready_at).max(chrono::Duration::zero())
    }
}

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

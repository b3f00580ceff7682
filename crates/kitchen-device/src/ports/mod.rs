//! The cloud as the device's loops use it, one port each: the [`Bus`] taps are
//! published to, the event [`Table`] the mirror reads (and a driver station's
//! claims and contacts), and the delivery [`Queue`] ready orders come through.
//! The loops know only these; [`aws`] holds what they run on, the AWS SDK's
//! clients. (The fourth port, the desktop's notifications, is the domain's
//! [`Notifier`](kitchen_domain::Notifier).)

pub mod aws;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use kitchen_aws::clock::ClockWatch;
use kitchen_aws::stack_settings::StackSettings;
use kitchen_aws::table::{ContactItem, TableRow};
use kitchen_aws::{Clients, CloudError};

/// A call to the cloud, answered later.
pub type CloudCall<T> = Pin<Box<dyn Future<Output = Result<T, CloudError>> + Send + 'static>>;

/// One tap to publish: its event's detail, and the moment of the tap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusEntry {
    pub detail: String,
    pub time: DateTime<Utc>,
}

/// What the bus said of one entry of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryAnswer {
    Accepted,
    Failed { code: String, message: String },
}

/// The event bus.
pub trait Bus: Send + Sync {
    fn name(&self) -> &str;
    /// Publishes up to ten entries in one call. The answers come by position;
    /// an entry past the last answer got none (and is tried again).
    fn put_events(&self, entries: Vec<BusEntry>) -> CloudCall<Vec<EntryAnswer>>;
}

/// Where a paged read goes on: only the port that gave it reads it.
pub struct PageToken(aws::PageKey);

/// One page of a read, and where the next one starts.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<PageToken>,
}

/// What a day's checksum reads of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemIdentity {
    pub order: String,
    pub status: String,
    pub event_id: String,
}

/// A ready order whose notification a driver station claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationClaim {
    pub day: String,
    pub order: String,
    pub event_id: String,
    /// The station claiming it.
    pub device: String,
}

/// The event table, as a device reads it. Every read leaves out the stack's
/// own items (its settings, the claims, the contacts).
pub trait Table: Send + Sync {
    fn name(&self) -> &str;
    /// Items of the arrival partition `arrival_day` (a UTC day) written after
    /// the arrival key `after`, at most `limit` a page.
    fn arrivals(
        &self,
        arrival_day: &str,
        after: &str,
        page: Option<PageToken>,
        limit: Option<i32>,
    ) -> CloudCall<Page<TableRow>>;
    /// Every item of a business day.
    fn day(
        &self,
        day: &str,
        page: Option<PageToken>,
        limit: Option<i32>,
    ) -> CloudCall<Page<TableRow>>;
    /// Only what a business day's checksum needs of each item.
    fn day_identities(
        &self,
        day: &str,
        page: Option<PageToken>,
        limit: Option<i32>,
    ) -> CloudCall<Page<ItemIdentity>>;
    /// Every item of the table.
    fn scan(&self, page: Option<PageToken>, limit: Option<i32>) -> CloudCall<Page<TableRow>>;
    /// The stack's settings: its business day, how long contacts are kept.
    fn stack_settings(&self) -> CloudCall<StackSettings>;
    /// The contacts of these orders (business day, number) not past their time.
    fn contacts(
        &self,
        orders: Vec<(String, String)>,
        now: DateTime<Utc>,
    ) -> CloudCall<Vec<ContactItem>>;
    /// Claims an order's notification for a station, once per order across
    /// every station: `true` when it is this station's to show (also when it
    /// claimed it before).
    fn claim_notification(&self, claim: NotificationClaim) -> CloudCall<bool>;
}

/// One message a queue handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueMessage {
    pub id: String,
    pub body: String,
    /// What deleting it takes.
    pub receipt: String,
}

/// The delivery queue, as a driver station reads it.
pub trait Queue: Send + Sync {
    fn name(&self) -> &str;
    /// One long poll: up to ten messages, waiting up to `wait_seconds`.
    fn receive(&self, wait_seconds: i32) -> CloudCall<Vec<QueueMessage>>;
    /// Deletes handled messages by their receipts; answers how many were not
    /// deleted (they come back, as duplicates the reader drops).
    fn delete(&self, receipts: Vec<String>) -> CloudCall<usize>;
}

/// The three ports of one device, and the cloud's clock as its calls measure it.
#[derive(Clone)]
pub struct Cloud {
    pub bus: Arc<dyn Bus>,
    pub table: Arc<dyn Table>,
    pub queue: Arc<dyn Queue>,
    pub clock: ClockWatch,
}

impl Cloud {
    /// The ports on AWS (or the local cloud), through these clients.
    pub fn aws(clients: &Clients) -> Cloud {
        Cloud {
            bus: Arc::new(aws::EventBus::new(
                clients.events.clone(),
                &clients.config.bus_name,
            )),
            table: Arc::new(aws::EventTable::new(clients)),
            queue: Arc::new(aws::DeliveryQueue::new(clients)),
            clock: clients.clock.clone(),
        }
    }
}

//! A device while the app runs: its database, and the loops that keep it live —
//! the publisher (woken by each tap), the mirror of today's events, and the
//! connection state the screens show — all reported as [`Change`]s.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use kitchen_domain::{Status, Tap};
use kitchen_store::{DayViewRow, Store, StoreError};
use serde::Serialize;
use tokio::sync::{broadcast, watch, Notify};
use tokio::task::JoinHandle;
use ts_rs::TS;

use crate::mirror::{day_window_in, store_time_zone, MirrorSync};
use crate::publisher::{Publisher, PublisherHealth};
use crate::{Clients, CloudConfig, CloudError};

/// How often today's events are mirrored when nothing else asks for it.
pub const MIRROR_INTERVAL: Duration = Duration::from_secs(3);
/// How long a loop may take to finish its call in flight when the app stops.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// Changes kept for a slow listener; one that falls further behind skips ahead.
const CHANGE_BUFFER: usize = 64;

/// Whether the cloud answers, as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum ConnectionStatus {
    /// No call has come back yet since the app started.
    Connecting,
    /// The last calls went through.
    Online,
    /// The cloud answered, but with errors (throttling, access, a missing bus or table).
    Degraded { reason: String },
    /// The last call could not reach the cloud.
    Offline { reason: String },
}

impl ConnectionStatus {
    /// The worst of several calls' outcomes is what the kitchen must see.
    fn severity(&self) -> u8 {
        match self {
            ConnectionStatus::Connecting => 0,
            ConnectionStatus::Online => 1,
            ConnectionStatus::Degraded { .. } => 2,
            ConnectionStatus::Offline { .. } => 3,
        }
    }

    fn of_error(err: &CloudError) -> ConnectionStatus {
        let reason = err.to_string();
        if err.is_unreachable() {
            ConnectionStatus::Offline { reason }
        } else {
            ConnectionStatus::Degraded { reason }
        }
    }
}

impl From<PublisherHealth> for ConnectionStatus {
    fn from(health: PublisherHealth) -> ConnectionStatus {
        match health {
            PublisherHealth::Online => ConnectionStatus::Online,
            PublisherHealth::Degraded { reason } => ConnectionStatus::Degraded { reason },
            PublisherHealth::Offline { reason } => ConnectionStatus::Offline { reason },
        }
    }
}

/// What the status bar shows: the connection, the taps still on this device,
/// and when the mirror and the delivery queue were last read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionState {
    pub status: ConnectionStatus,
    /// Taps committed on this device that the bus has not accepted yet.
    pub unpublished: u64,
    /// Taps the bus refused as invalid; kept in the outbox (`kitchen outbox`).
    pub rejected: u64,
    /// When the mirror last synced with the event table.
    pub last_sync: Option<DateTime<Utc>>,
    /// When the delivery queue was last polled (driver stations only).
    pub last_poll: Option<DateTime<Utc>>,
}

/// The mirror wrote new or newer rows for a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MirrorUpdate {
    /// `YYYY-MM-DD` in the store's time zone.
    pub day: String,
}

/// What the core tells the screens, as it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Change {
    Connection(ConnectionState),
    MirrorUpdated(MirrorUpdate),
}

/// A tap as committed to the outbox: durable, not necessarily published yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TapReceipt {
    pub event_id: String,
    pub order: String,
    pub status: String,
    pub client: String,
    pub device: String,
    /// This device's tap number.
    pub seq: u64,
    pub time: DateTime<Utc>,
}

impl From<Tap> for TapReceipt {
    fn from(tap: Tap) -> TapReceipt {
        TapReceipt {
            event_id: tap.event_id.to_string(),
            order: tap.order,
            status: tap.status.as_str().to_owned(),
            client: tap.client,
            device: tap.device,
            seq: tap.seq,
            time: tap.time,
        }
    }
}

/// The latest outcome of each kind of call; `None` until that call has come back.
#[derive(Default)]
struct Outcomes {
    publisher: Option<ConnectionStatus>,
    mirror: Option<ConnectionStatus>,
    delivery: Option<ConnectionStatus>,
    last_sync: Option<DateTime<Utc>>,
    last_poll: Option<DateTime<Utc>>,
}

impl Outcomes {
    /// An empty outbox makes the publisher report online without calling, so one
    /// source alone cannot say the cloud is there; the worst known outcome can.
    fn status(&self) -> ConnectionStatus {
        [&self.publisher, &self.mirror, &self.delivery]
            .into_iter()
            .flatten()
            .max_by_key(|status| status.severity())
            .cloned()
            .unwrap_or(ConnectionStatus::Connecting)
    }
}

/// What the loops and the device's callers share.
struct Shared {
    /// The callers' connection: taps, reads and outbox counts.
    store: Mutex<Store>,
    outcomes: Mutex<Outcomes>,
    state: watch::Sender<ConnectionState>,
    changes: broadcast::Sender<Change>,
    publish_now: Arc<Notify>,
    mirror_now: Notify,
    device: String,
    time_zone: Tz,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take the kitchen's taps down with it.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Applies `update`, recounts the outbox and tells listeners if the state
    /// changed. Holding `outcomes` throughout keeps a stale count from
    /// overwriting a newer one.
    fn refresh(&self, update: impl FnOnce(&mut Outcomes)) -> Result<(), StoreError> {
        let mut outcomes = lock(&self.outcomes);
        update(&mut outcomes);
        let counts = lock(&self.store).outbox_counts()?;
        let state = ConnectionState {
            status: outcomes.status(),
            unpublished: counts.pending,
            rejected: counts.rejected,
            last_sync: outcomes.last_sync,
            last_poll: outcomes.last_poll,
        };
        let previous = self.state.borrow().clone();
        if state != previous {
            if state.unpublished < previous.unpublished {
                // Something was published: bring it back through the table soon.
                self.mirror_now.notify_one();
            }
            self.state.send_replace(state.clone());
            // No listener is not an error: the screens may not be open yet.
            let _ = self.changes.send(Change::Connection(state));
        }
        Ok(())
    }

    fn refresh_or_log(&self, update: impl FnOnce(&mut Outcomes)) {
        if let Err(err) = self.refresh(update) {
            tracing::warn!("cannot read the outbox counts: {err}");
        }
    }
}

/// A device while the app runs: its database and the background loops that
/// publish its taps, mirror today's events and track the connection. Dropping it
/// stops the loops; [`LiveDevice::stop`] also waits for them.
pub struct LiveDevice {
    shared: Arc<Shared>,
    clients: Clients,
    shutdown: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl LiveDevice {
    /// Opens the device's database in `data_dir` and starts its loops on the
    /// current tokio runtime. `device`: this device's name, else the remembered one.
    pub async fn start(
        data_dir: &Path,
        config: CloudConfig,
        device: Option<&str>,
    ) -> Result<LiveDevice, CloudError> {
        let time_zone = store_time_zone(&config.store_time_zone)?;
        let store = Store::open_in(data_dir)?;
        let device = store.settle_device_name(device)?;
        let last_sync = store
            .mirror_last_synced()?
            .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
            .map(|time| time.with_timezone(&Utc));
        let counts = store.outbox_counts()?;
        // Each loop has its own connection: WAL lets them work side by side.
        let publisher_store = Store::open_in(data_dir)?;
        let mirror_store = Store::open_in(data_dir)?;

        let clients = Clients::new(&config).await;
        let mirror = MirrorSync::new(&clients)?;
        let (state, _) = watch::channel(ConnectionState {
            status: ConnectionStatus::Connecting,
            unpublished: counts.pending,
            rejected: counts.rejected,
            last_sync,
            last_poll: None,
        });
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            outcomes: Mutex::new(Outcomes {
                last_sync,
                ..Outcomes::default()
            }),
            state,
            changes: broadcast::channel(CHANGE_BUFFER).0,
            publish_now: Arc::new(Notify::new()),
            mirror_now: Notify::new(),
            device,
            time_zone,
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (health, health_rx) = watch::channel(PublisherHealth::Online);

        let publisher = Publisher::new(clients.events.clone(), &config.bus_name, publisher_store);
        let tasks = vec![
            tokio::spawn(publisher.run(shared.publish_now.clone(), shutdown_rx.clone(), health)),
            tokio::spawn(mirror_loop(
                shared.clone(),
                mirror,
                mirror_store,
                health_rx.clone(),
                shutdown_rx.clone(),
            )),
            tokio::spawn(follow_publisher(shared.clone(), health_rx, shutdown_rx)),
            // DELIVERY POLLER: on a device set up as a driver station, the delivery
            // poller (crate::delivery) starts here with `clients.sqs_long_poll` and
            // a `shutdown` receiver, and reports each poll through
            // `LiveDevice::record_delivery_poll`.
        ];
        Ok(LiveDevice {
            shared,
            clients,
            shutdown,
            tasks: Mutex::new(tasks),
        })
    }

    /// This device's name, as its taps carry it.
    pub fn device(&self) -> &str {
        &self.shared.device
    }

    /// The SDK clients the loops use, for loops started beside them.
    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    /// The connection state now.
    pub fn connection(&self) -> ConnectionState {
        self.shared.state.borrow().clone()
    }

    /// The connection state, to wait on.
    pub fn watch_connection(&self) -> watch::Receiver<ConnectionState> {
        self.shared.state.subscribe()
    }

    /// Every [`Change`] from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.shared.changes.subscribe()
    }

    /// Validates a tap, commits it to the outbox, and has the publisher send it at
    /// once. When this returns, the tap is durable; an invalid one changes nothing.
    pub fn record_tap(
        &self,
        order: &str,
        status: &str,
        client: &str,
    ) -> Result<TapReceipt, CloudError> {
        let status: Status = status.parse().map_err(StoreError::from)?;
        let tap = lock(&self.shared.store).record_tap(
            order,
            status,
            client,
            &self.shared.device,
            Utc::now(),
        )?;
        self.shared.refresh_or_log(|_| {});
        self.shared.publish_now.notify_one();
        Ok(tap.into())
    }

    /// A day as the screens show it: the mirror merged with this device's taps.
    pub fn day_view(&self, day: NaiveDate) -> Result<Vec<DayViewRow>, CloudError> {
        let window = day_window_in(self.shared.time_zone, day);
        Ok(lock(&self.shared.store).day_view(&window)?)
    }

    /// Today in the store's time zone.
    pub fn today(&self) -> NaiveDate {
        Utc::now()
            .with_timezone(&self.shared.time_zone)
            .date_naive()
    }

    /// For the delivery poller: the outcome of one poll of the queue.
    pub fn record_delivery_poll(&self, outcome: Result<(), &CloudError>) {
        let status = match outcome {
            Ok(()) => ConnectionStatus::Online,
            Err(err) => ConnectionStatus::of_error(err),
        };
        let online = status == ConnectionStatus::Online;
        self.shared.refresh_or_log(|outcomes| {
            outcomes.delivery = Some(status);
            if online {
                outcomes.last_poll = Some(Utc::now());
            }
        });
    }

    /// Stops the loops and waits for them; a loop stuck in a call is abandoned
    /// after a few seconds (its taps stay in the outbox). Safe to call twice.
    pub async fn stop(&self) {
        self.shutdown.send_replace(true);
        let tasks = std::mem::take(&mut *lock(&self.tasks));
        for mut task in tasks {
            if tokio::time::timeout(STOP_GRACE, &mut task).await.is_err() {
                tracing::warn!("a background loop did not stop in time; abandoning it");
                task.abort();
            }
        }
    }
}

/// Turns the publisher's health reports into connection state; each report
/// follows a pass over the outbox, so the unpublished count is read again too.
async fn follow_publisher(
    shared: Arc<Shared>,
    mut health: watch::Receiver<PublisherHealth>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            changed = health.changed() => if changed.is_err() { return },
            _ = shutdown.changed() => return,
        }
        let status = ConnectionStatus::from(health.borrow_and_update().clone());
        shared.refresh_or_log(|outcomes| outcomes.publisher = Some(status));
    }
}

/// Mirrors today every [`MIRROR_INTERVAL`], and sooner after a publish.
async fn mirror_loop(
    shared: Arc<Shared>,
    mirror: MirrorSync,
    mut store: Store,
    publisher: watch::Receiver<PublisherHealth>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        let day = mirror.today();
        // Dropping a sync part-way is safe: the watermark moves only at its end.
        let result = tokio::select! {
            result = mirror.sync_day(&mut store, day) => result,
            _ = shutdown.changed() => return,
        };
        match result {
            Ok(report) => {
                if report.written.changed() > 0 {
                    let _ = shared.changes.send(Change::MirrorUpdated(MirrorUpdate {
                        day: report.day.clone(),
                    }));
                }
                shared.refresh_or_log(|outcomes| {
                    outcomes.mirror = Some(ConnectionStatus::Online);
                    outcomes.last_sync = Some(Utc::now());
                });
                // The cloud is back: the publisher need not wait out its back-off.
                if matches!(*publisher.borrow(), PublisherHealth::Offline { .. }) {
                    shared.publish_now.notify_one();
                }
            }
            Err(err) => {
                tracing::debug!("mirror sync failed: {err}");
                let status = ConnectionStatus::of_error(&err);
                shared.refresh_or_log(|outcomes| outcomes.mirror = Some(status));
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(MIRROR_INTERVAL) => {}
            _ = shared.mirror_now.notified() => {}
            _ = shutdown.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline() -> ConnectionStatus {
        ConnectionStatus::Offline {
            reason: "down".into(),
        }
    }

    #[test]
    fn the_worst_known_outcome_is_the_status() {
        let mut outcomes = Outcomes::default();
        assert_eq!(outcomes.status(), ConnectionStatus::Connecting);
        outcomes.publisher = Some(ConnectionStatus::Online);
        assert_eq!(outcomes.status(), ConnectionStatus::Online);
        // The publisher with nothing to send says online; the mirror's failed call wins.
        outcomes.mirror = Some(offline());
        assert_eq!(outcomes.status(), offline());
        outcomes.mirror = Some(ConnectionStatus::Online);
        outcomes.delivery = Some(ConnectionStatus::Degraded {
            reason: "throttled".into(),
        });
        assert!(matches!(
            outcomes.status(),
            ConnectionStatus::Degraded { .. }
        ));
    }

    #[test]
    fn changes_are_tagged_with_their_kind() {
        let change = Change::MirrorUpdated(MirrorUpdate {
            day: "2026-03-14".into(),
        });
        assert_eq!(
            serde_json::to_value(&change).unwrap(),
            serde_json::json!({"kind": "mirrorUpdated", "day": "2026-03-14"})
        );
        let state = ConnectionState {
            status: offline(),
            unpublished: 2,
            rejected: 0,
            last_sync: None,
            last_poll: None,
        };
        assert_eq!(
            serde_json::to_value(&state).unwrap()["status"],
            serde_json::json!({"state": "offline", "reason": "down"})
        );
    }
}

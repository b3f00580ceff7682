//! A device while the app runs: its database, and the loops that keep it live —
//! the publisher (woken by each tap), the mirror following the table's arrival
//! feed, the periodic check of the days it shows, the delivery poller of a
//! driver station, and the connection state the screens show — all reported
//! as [`Change`]s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use kitchen_domain::board::{BoardView, LateOrder};
use kitchen_domain::orders::DriverLists;
use kitchen_domain::{
    day_key, BusinessDay, BusinessDaySetting, OrderContents, OrderForm, Status, Tap,
};
use kitchen_store::{Claim, DayViewRow, DeviceRole, DeviceSettings, Store, StoreError};
use serde::Serialize;
use tokio::sync::{broadcast, watch, Notify};
use ts_rs::TS;

use crate::business_day::{known_business_day, learn_business_day};
use crate::delivery::{DeliveryPoller, Notifier, NotifyError, PollTurn};
use crate::mirror::MirrorSync;
use crate::personal;
use crate::ports::Cloud;
use crate::publisher::{Publisher, PublisherHealth};
use crate::writer::{Priority, Readers, StoreAccess, Writer, READERS};
use kitchen_aws::clock::ClockWatch;
use kitchen_aws::redrive::{depth, DeadLetters};
use kitchen_aws::supervisor::{CancellationToken, Loop, Pace, Supervisor};
use kitchen_aws::{Clients, CloudConfig};

use crate::DeviceError;
use crate::{views, DeviceConfig};

/// How often the arrival feed is read when nothing else asks for it: a tap on
/// another device shows here within about this long after it is stored.
pub const MIRROR_INTERVAL: Duration = Duration::from_secs(1);
/// How often the days a device shows are checked against the table (count and
/// checksum), and the stack's business day read again.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(180);
/// How often a manager's device reads how many events wait in the dead-letter queues.
pub const DEAD_LETTER_INTERVAL: Duration = Duration::from_secs(60);
/// A day the manager opened is checked for this long after.
const VIEWED_DAY_KEPT: Duration = Duration::from_secs(600);
/// Changes kept for a slow listener; one that falls further behind skips ahead.
const CHANGE_BUFFER: usize = 64;
/// When a started device checks its whole database and prunes old days, unless
/// its options say otherwise: after the first screens are up.
pub const UPKEEP_AFTER: Duration = Duration::from_secs(30);
/// How often old days are pruned after that.
const PRUNE_INTERVAL: Duration = Duration::from_secs(3600);
/// Rows of each kind pruned in one transaction: a tap waits for one batch at most.
const PRUNE_BATCH: usize = 500;
/// The pause between two batches of pruning.
const PRUNE_PAUSE: Duration = Duration::from_millis(20);

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

    fn of_error(err: &DeviceError) -> ConnectionStatus {
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
    /// When the days shown were last checked against the table (count and checksum).
    pub last_check: Option<DateTime<Utc>>,
    /// How far this device's clock is ahead of the cloud's, in milliseconds
    /// (negative: behind), once measured. Order never depends on it.
    pub clock_offset_ms: Option<i64>,
    /// The stack's business day, as this device knows it.
    pub business_day: BusinessDaySetting,
    /// When the delivery queue was last polled (driver stations only).
    pub last_poll: Option<DateTime<Utc>>,
    /// Whether ready orders can be shown as desktop notifications here.
    pub notifications: NotificationHealth,
    /// Events waiting in the stack's two dead-letter queues (never stored, or
    /// never taken by a driver station), as a manager's device last read
    /// them; `None` on other devices and before the first read.
    pub dead_letters: Option<u64>,
}

/// Desktop notifications of ready orders on this device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum NotificationHealth {
    /// Not a driver station: this device does not notify.
    #[default]
    Off,
    Ok,
    /// No notification service (or it failed): the screens must say so.
    Unavailable {
        reason: String,
    },
}

/// The mirror wrote new or newer rows for a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MirrorUpdate {
    /// The business day, `YYYY-MM-DD`.
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
    /// The order's business day: with the number, which order it is.
    pub day: String,
    pub order: String,
    #[ts(type = "AnyStatus")]
    pub status: String,
    pub client: String,
    pub device: String,
    /// This device's tap number.
    pub seq: u64,
    /// After every event of the order this device had seen, to the millisecond.
    pub time: DateTime<Utc>,
}

impl From<Tap> for TapReceipt {
    fn from(tap: Tap) -> TapReceipt {
        TapReceipt {
            event_id: tap.event_id.to_string(),
            day: day_key(tap.day),
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
    last_check: Option<DateTime<Utc>>,
    last_poll: Option<DateTime<Utc>>,
    notifications: NotificationHealth,
    dead_letters: Option<u64>,
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
    /// Every change to the database: taps first, then the loops' work.
    writer: Writer,
    /// The screens' reads.
    readers: Readers,
    outcomes: Mutex<Outcomes>,
    state: watch::Sender<ConnectionState>,
    changes: broadcast::Sender<Change>,
    publish_now: Arc<Notify>,
    mirror_now: Notify,
    check_now: Notify,
    /// A driver station's orders changed: look for their contacts.
    contacts_now: Notify,
    /// Changes only when the settings are saved.
    device: Mutex<String>,
    /// The stack's business day; replaced when the cloud says otherwise.
    business_day: Mutex<BusinessDaySetting>,
    /// The cloud's clock, measured by the running loops' clients.
    clock: Mutex<ClockWatch>,
    /// Days opened on a screen (the manager's), and when: they are checked too.
    viewed_days: Mutex<BTreeMap<NaiveDate, std::time::Instant>>,
    /// Set when the background check found the database damaged: from then on
    /// taps and reads are refused, as at a start on a damaged file.
    damage: Mutex<Option<(PathBuf, String)>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take the kitchen's taps down with it.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Refuses taps and reads once the database was found damaged.
    fn usable(&self) -> Result<(), StoreError> {
        match lock(&self.damage).clone() {
            Some((path, detail)) => Err(StoreError::Damaged { path, detail }),
            None => Ok(()),
        }
    }

    /// Runs a read of the screens on a read-only connection.
    async fn read<R, F>(&self, read: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Store) -> Result<R, StoreError> + Send + 'static,
    {
        self.usable()?;
        self.readers.read(read).await
    }

    /// Runs a change a person is waiting for, ahead of the loops' work.
    async fn write_now<R, F>(&self, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    {
        self.usable()?;
        self.writer.run(Priority::Tap, work).await
    }

    /// Applies `update`, takes the outbox counts the writer keeps, and tells
    /// listeners if the state changed. Holding `outcomes` throughout keeps a
    /// stale state from overwriting a newer one.
    fn refresh(&self, update: impl FnOnce(&mut Outcomes)) {
        let mut outcomes = lock(&self.outcomes);
        update(&mut outcomes);
        let counts = *self.writer.counts().borrow();
        let state = ConnectionState {
            status: outcomes.status(),
            unpublished: counts.pending,
            rejected: counts.rejected,
            last_sync: outcomes.last_sync,
            last_check: outcomes.last_check,
            // Whole seconds: the estimate is no finer, and the state changes less.
            clock_offset_ms: lock(&self.clock)
                .offset()
                .map(|offset| offset.num_seconds() * 1000),
            business_day: lock(&self.business_day).clone(),
            last_poll: outcomes.last_poll,
            notifications: outcomes.notifications.clone(),
            dead_letters: outcomes.dead_letters,
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
    }

    /// From now on taps and reads are refused, as at a start on a damaged file.
    fn found_damage(&self, path: PathBuf, detail: String) {
        tracing::error!(path = %path.display(), %detail, "the database is damaged; taps are refused until it is repaired");
        *lock(&self.damage) = Some((path, detail));
    }

    /// The business day rule the device runs by now.
    fn rule(&self) -> BusinessDay {
        let setting = lock(&self.business_day).clone();
        setting.rule().expect("only valid settings are kept")
    }

    /// The cloud's time now, as well as the device can tell.
    fn cloud_now(&self) -> DateTime<Utc> {
        lock(&self.clock).cloud_now()
    }

    /// Takes the stack's business day as read from the cloud; tells the
    /// screens when it changes what "today" is.
    fn learned(&self, setting: BusinessDaySetting) {
        if setting.rule().is_err() {
            return;
        }
        let changed = {
            let mut current = lock(&self.business_day);
            let changed = *current != setting;
            *current = setting;
            changed
        };
        if changed {
            self.refresh(|_| {});
        }
    }

    /// The days whose mirror must match the table: the board's, and any a
    /// screen opened in the last minutes.
    fn days_to_check(&self) -> Vec<NaiveDate> {
        let mut days = views::open_days(&self.rule(), self.cloud_now());
        let mut viewed = lock(&self.viewed_days);
        viewed.retain(|_, at| at.elapsed() < VIEWED_DAY_KEPT);
        days.extend(
            viewed
                .keys()
                .filter(|day| !days.contains(day))
                .copied()
                .collect::<Vec<_>>(),
        );
        days
    }
}

/// How a device starts: the name and role given on the command line or in the
/// environment (else the saved ones), and how it shows ready orders.
#[derive(Clone, Default)]
pub struct LiveOptions {
    pub device: Option<String>,
    pub role: Option<DeviceRole>,
    /// Driver stations notify through it; without one they do not poll the queue.
    pub notifier: Option<Arc<dyn Notifier>>,
    /// When to check the whole database and start pruning old days;
    /// `None`: [`UPKEEP_AFTER`].
    pub upkeep_after: Option<Duration>,
}

impl LiveOptions {
    pub fn device(name: &str) -> LiveOptions {
        LiveOptions {
            device: Some(name.to_owned()),
            ..LiveOptions::default()
        }
    }

    /// Checks the database and prunes old days `after` the start.
    pub fn upkeep_after(mut self, after: Duration) -> LiveOptions {
        self.upkeep_after = Some(after);
        self
    }

    pub fn driver_station(mut self, notifier: Arc<dyn Notifier>) -> LiveOptions {
        self.role = Some(DeviceRole::DriverStation);
        self.notifier = Some(notifier);
        self
    }
}

/// The loops of one configuration, replaced when the settings change.
struct Running {
    clients: Clients,
    settings: DeviceSettings,
    loops: Supervisor,
}

/// A device while the app runs: its database and the background loops that
/// publish its taps, mirror today's events, poll the delivery queue (driver
/// stations) and track the connection. Dropping it stops the loops;
/// [`LiveDevice::stop`] also waits for them.
pub struct LiveDevice {
    shared: Arc<Shared>,
    data_dir: PathBuf,
    /// The configuration from the environment, under the saved settings.
    base_config: CloudConfig,
    notifier: Option<Arc<dyn Notifier>>,
    upkeep_after: Duration,
    running: Mutex<Running>,
    /// One reconfiguration at a time.
    reconfiguring: tokio::sync::Mutex<()>,
}

impl LiveDevice {
    /// Opens the device's database in `data_dir` and starts its loops on the
    /// current tokio runtime, with `config` under the settings saved on the device.
    pub async fn start(
        data_dir: &Path,
        config: CloudConfig,
        options: LiveOptions,
    ) -> Result<LiveDevice, DeviceError> {
        let store = Store::open_in(data_dir)?;
        let business_day = known_business_day(&store, &config)?;
        let device = store.settle_device_name(options.device.as_deref())?;
        let mut settings = store
            .saved_settings()?
            .unwrap_or_else(|| config.as_settings(&device, DeviceRole::default()));
        settings.device_name = device.clone();
        if let Some(role) = options.role {
            settings.role = role;
        }
        let last_sync = store
            .mirror_last_synced()?
            .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
            .map(|time| time.with_timezone(&Utc));
        let counts = store.outbox_counts()?;
        let last_check = store
            .last_day_check()?
            .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
            .map(|time| time.with_timezone(&Utc));
        let (state, _) = watch::channel(ConnectionState {
            status: ConnectionStatus::Connecting,
            unpublished: counts.pending,
            rejected: counts.rejected,
            last_sync,
            last_check,
            clock_offset_ms: None,
            business_day: business_day.clone(),
            last_poll: None,
            notifications: NotificationHealth::Off,
            dead_letters: None,
        });
        let shared = Arc::new(Shared {
            writer: Writer::start(store)?,
            readers: Readers::open(data_dir, READERS)?,
            outcomes: Mutex::new(Outcomes {
                last_sync,
                last_check,
                ..Outcomes::default()
            }),
            state,
            changes: broadcast::channel(CHANGE_BUFFER).0,
            publish_now: Arc::new(Notify::new()),
            mirror_now: Notify::new(),
            check_now: Notify::new(),
            contacts_now: Notify::new(),
            device: Mutex::new(device),
            business_day: Mutex::new(business_day),
            clock: Mutex::new(ClockWatch::default()),
            viewed_days: Mutex::new(BTreeMap::new()),
            damage: Mutex::new(None),
        });
        let upkeep_after = options.upkeep_after.unwrap_or(UPKEEP_AFTER);
        let running = spawn_loops(
            &shared,
            data_dir,
            config.clone().with_settings(&settings),
            settings,
            options.notifier.clone(),
            Upkeep {
                after: upkeep_after,
                check_first: true,
            },
        )
        .await?;
        Ok(LiveDevice {
            shared,
            data_dir: data_dir.to_owned(),
            base_config: config,
            notifier: options.notifier,
            upkeep_after,
            running: Mutex::new(running),
            reconfiguring: tokio::sync::Mutex::new(()),
        })
    }

    /// This device's name, as its taps carry it.
    pub fn device(&self) -> String {
        lock(&self.shared.device).clone()
    }

    /// The SDK clients the loops use, for loops started beside them.
    pub fn clients(&self) -> Clients {
        lock(&self.running).clients.clone()
    }

    /// The settings the loops run with.
    pub fn settings(&self) -> DeviceSettings {
        lock(&self.running).settings.clone()
    }

    /// The cloud configuration the loops run with.
    pub fn config(&self) -> CloudConfig {
        self.clients().config
    }

    /// The cloud configuration `settings` would give, for "test connection".
    pub fn config_for(&self, settings: &DeviceSettings) -> CloudConfig {
        self.base_config.clone().with_settings(settings)
    }

    /// Validates and saves `settings`, then restarts the loops with them; the
    /// outbox is untouched, so no tap waits longer than the restart. Invalid
    /// settings change nothing and leave the loops running.
    pub async fn reconfigure(
        &self,
        settings: &DeviceSettings,
    ) -> Result<DeviceSettings, DeviceError> {
        let _one_at_a_time = self.reconfiguring.lock().await;
        let wanted = settings.clone();
        let saved = self
            .shared
            .write_now(move |store| store.save_settings(&wanted))
            .await?;
        self.stop().await;
        *lock(&self.shared.device) = saved.device_name.clone();
        self.shared.refresh(|outcomes| {
            *outcomes = Outcomes {
                last_sync: outcomes.last_sync,
                last_check: outcomes.last_check,
                ..Outcomes::default()
            };
        });
        let running = spawn_loops(
            &self.shared,
            &self.data_dir,
            self.config_for(&saved),
            saved.clone(),
            self.notifier.clone(),
            Upkeep {
                after: self.upkeep_after,
                check_first: false,
            },
        )
        .await?;
        *lock(&self.running) = running;
        Ok(saved)
    }

    /// The damaged file and what SQLite said, when the check after the start
    /// found damage: taps and reads are refused since.
    pub fn damage(&self) -> Option<(PathBuf, String)> {
        lock(&self.shared.damage).clone()
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
    /// once. `day` is the order's business day (a card on the board knows it);
    /// without it, an order of that number the board shows, else a new order of
    /// today. When this returns, the tap is durable; an invalid one changes nothing.
    pub async fn record_tap(
        &self,
        order: &str,
        status: &str,
        client: &str,
        day: Option<&str>,
    ) -> Result<TapReceipt, DeviceError> {
        let status: Status = status.parse().map_err(StoreError::from)?;
        self.tap(order, status, client, day, OrderContents::default())
            .await
    }

    /// A new order of today, entered with what it is: its `order done` tap
    /// carries the form's lines (as typed), notes and where it goes.
    pub async fn record_new_order(
        &self,
        order: &str,
        client: &str,
        form: OrderForm,
    ) -> Result<TapReceipt, DeviceError> {
        let contents = form.contents().map_err(StoreError::from)?;
        self.tap(order, Status::OrderDone, client, None, contents)
            .await
    }

    async fn tap(
        &self,
        order: &str,
        status: Status,
        client: &str,
        day: Option<&str>,
        contents: OrderContents,
    ) -> Result<TapReceipt, DeviceError> {
        let device = self.device();
        let rule = self.shared.rule();
        let now = self.shared.cloud_now();
        let (order, client, day) = (order.to_owned(), client.to_owned(), day.map(str::to_owned));
        let tap = self
            .shared
            .write_now(move |store| {
                let day = views::tap_day(store, &rule, &order, day.as_deref(), now)?;
                // The wall clock is this device's own: the tap keeps its moment,
                // and the hybrid logical clock puts it after what the device has seen.
                store.record_tap_with(day, &order, status, &client, &device, Utc::now(), contents)
            })
            .await?;
        self.shared.publish_now.notify_one();
        Ok(tap.into())
    }

    /// A business day as the screens show it: the mirror merged with this
    /// device's taps. The day is then checked against the table with the others.
    pub async fn day_view(&self, day: NaiveDate) -> Result<Vec<DayViewRow>, DeviceError> {
        self.read_day(day, move |store, rule| views::day_view(store, rule, day))
            .await
    }

    /// The kitchen board of business day `day` as it stood at `at`: the replay.
    pub async fn board_at(
        &self,
        day: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<BoardView, DeviceError> {
        self.read_day(day, move |store, rule| {
            views::board_of_day_at(store, rule, day, at)
        })
        .await
    }

    /// The late orders of business day `day`, by this device's threshold.
    pub async fn late_orders(&self, day: NaiveDate) -> Result<Vec<LateOrder>, DeviceError> {
        let now = self.shared.cloud_now();
        self.read_day(day, move |store, rule| {
            views::late_orders(store, rule, day, now)
        })
        .await
    }

    /// Reads a view of business day `day`; a day this device does not hold
    /// is read whole from the table by the check loop, which then says so.
    async fn read_day<T: Send + 'static>(
        &self,
        day: NaiveDate,
        view: impl FnOnce(&Store, &BusinessDay) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, DeviceError> {
        let rule = self.shared.rule();
        let first_look = lock(&self.shared.viewed_days)
            .insert(day, std::time::Instant::now())
            .is_none();
        let (holds, view) = self
            .shared
            .read(move |store| {
                let view = view(store, &rule)?;
                Ok((store.holds_day(&day_key(day))?, view))
            })
            .await?;
        if !holds && first_look {
            // An older day this device never read: the check loop reads it whole.
            self.shared.check_now.notify_one();
        }
        Ok(view)
    }

    /// Every open order of the last 24 hours, whatever its business day.
    pub async fn open_view(&self) -> Result<Vec<DayViewRow>, DeviceError> {
        let rule = self.shared.rule();
        let now = self.shared.cloud_now();
        Ok(self
            .shared
            .read(move |store| views::open_view(store, &rule, now))
            .await?)
    }

    /// The kitchen board now, from the mirror and this device's taps.
    pub async fn board(&self) -> Result<BoardView, DeviceError> {
        let rule = self.shared.rule();
        let now = self.shared.cloud_now();
        Ok(self
            .shared
            .read(move |store| views::board(store, &rule, now))
            .await?)
    }

    /// The drivers' lists, from the mirror and this device's taps.
    pub async fn driver_lists(&self) -> Result<DriverLists, DeviceError> {
        let rule = self.shared.rule();
        let now = self.shared.cloud_now();
        Ok(self
            .shared
            .read(move |store| views::driver_lists(store, &rule, now))
            .await?)
    }

    /// Takes the order `order` of business day `day` for this driver station
    /// (kept on the station).
    pub async fn claim(&self, day: &str, order: &str) -> Result<Claim, DeviceError> {
        let (day, order) = (day.to_owned(), order.to_owned());
        Ok(self
            .shared
            .write_now(move |store| store.claim(&day, &order, Utc::now()))
            .await?)
    }

    /// The orders this station has taken.
    pub async fn claims(&self) -> Result<Vec<Claim>, DeviceError> {
        Ok(self.shared.read(|store| store.claims()).await?)
    }

    /// After a repair: reads the days the board shows and each of `days`
    /// (`YYYY-MM-DD`) whole from the table, through the writer, while the
    /// device runs and takes taps.
    pub async fn rebuild_mirror(
        &self,
        days: &[String],
    ) -> Result<(Vec<crate::mirror::ResyncReport>, Option<String>), DeviceError> {
        let mut writer = self.shared.writer.clone();
        crate::repair::rebuild_mirror(&mut writer, &self.clients(), self.shared.rule(), days).await
    }

    /// Today's business day, by the cloud's clock.
    pub fn today(&self) -> NaiveDate {
        self.shared.rule().day_of(self.shared.cloud_now())
    }

    /// The stack's business day as this device knows it.
    pub fn business_day(&self) -> BusinessDaySetting {
        lock(&self.shared.business_day).clone()
    }

    /// Stops the loops and waits for them; a loop stuck in a call is abandoned
    /// after a few seconds (its taps stay in the outbox). Safe to call twice.
    pub async fn stop(&self) {
        let mut loops = std::mem::take(&mut lock(&self.running).loops);
        loops.stop().await;
    }
}

/// When the upkeep loop begins, and whether it first reads the whole database.
struct Upkeep {
    after: Duration,
    check_first: bool,
}

/// Starts the loops under one supervisor: the publisher, the mirror, the check
/// of the days shown, the upkeep, and on a driver station with a notifier the
/// delivery poller; their changes to the database go through the device's
/// writer, behind the taps.
async fn spawn_loops(
    shared: &Arc<Shared>,
    data_dir: &Path,
    config: CloudConfig,
    settings: DeviceSettings,
    notifier: Option<Arc<dyn Notifier>>,
    upkeep: Upkeep,
) -> Result<Running, DeviceError> {
    let writer = shared.writer.clone();
    let clients = Clients::new(&config).await;
    *lock(&shared.clock) = clients.clock.clone();
    // The loops reach the cloud through its ports only.
    let cloud = Cloud::aws(&clients);
    let (health, health_rx) = watch::channel(PublisherHealth::Online);
    let mut loops = Supervisor::default();
    loops.spawn(
        Publisher::to(Arc::clone(&cloud.bus), writer.clone())
            .publishing(shared.publish_now.clone(), health),
    );
    loops.spawn(MirrorLoop {
        shared: shared.clone(),
        cloud: cloud.clone(),
        store: writer.clone(),
        publisher: health_rx.clone(),
        confirmed: false,
    });
    loops.spawn(CheckLoop {
        shared: shared.clone(),
        cloud: cloud.clone(),
        store: writer.clone(),
    });
    loops.spawn(UpkeepLoop {
        shared: shared.clone(),
        data_dir: data_dir.to_owned(),
        keep_days: settings.keep_days,
        upkeep,
    });
    if settings.role == DeviceRole::Manager {
        loops.spawn(DeadLetterWatch {
            shared: shared.clone(),
            clients: clients.clone(),
        });
    }
    loops.spawn_task(follow_publisher(shared.clone(), health_rx));
    loops.spawn_task(follow_counts(shared.clone()));
    if settings.role == DeviceRole::DriverStation {
        loops.spawn(ContactLoop {
            shared: shared.clone(),
            cloud: cloud.clone(),
            store: writer.clone(),
        });
    }
    match (settings.role, notifier) {
        (DeviceRole::DriverStation, Some(notifier)) => {
            let reporting = shared.clone();
            loops.spawn(
                DeliveryPoller::on(
                    &cloud,
                    writer,
                    notifier,
                    &settings.device_name,
                    shared.rule(),
                )
                .polling(move |turn| {
                    if matches!(turn, PollTurn::Polled(Ok(report)) if !report.new_orders.is_empty())
                    {
                        reporting.contacts_now.notify_one();
                    }
                    reporting.refresh(|outcomes| record_turn(outcomes, turn, Utc::now()))
                }),
            );
        }
        (DeviceRole::DriverStation, None) => {
            tracing::warn!("a driver station without a notifier does not poll the delivery queue")
        }
        _ => {}
    }
    Ok(Running {
        clients,
        settings,
        loops,
    })
}

/// After `upkeep.after`, reads the whole database once (unless this process
/// already did) and refuses taps from then on if it is damaged; then prunes
/// the business days older than `keep_days`, except the days on screen, at
/// once and every [`PRUNE_INTERVAL`], in small batches behind the taps.
struct UpkeepLoop {
    shared: Arc<Shared>,
    data_dir: PathBuf,
    keep_days: u32,
    upkeep: Upkeep,
}

impl Loop for UpkeepLoop {
    type Error = DeviceError;

    fn name(&self) -> &'static str {
        "upkeep"
    }

    /// The first screens come first.
    fn first_wait(&self) -> Option<Duration> {
        Some(self.upkeep.after)
    }

    async fn turn(&mut self, stop: &CancellationToken) -> Result<Pace, DeviceError> {
        let shared = &self.shared;
        if std::mem::take(&mut self.upkeep.check_first) {
            let data_dir = self.data_dir.clone();
            let checked = tokio::task::spawn_blocking(move || {
                kitchen_store::check_database_unless_checked(&data_dir)
            })
            .await;
            match checked {
                Ok(Ok(_)) => {}
                Ok(Err(StoreError::Damaged { path, detail })) => {
                    shared.found_damage(path, detail);
                    return Ok(Pace::Done);
                }
                // The next start checks again.
                Ok(Err(err)) => tracing::warn!("cannot check the database: {err}"),
                Err(err) => tracing::warn!("the check of the database stopped: {err}"),
            }
        }
        let before =
            shared.rule().day_of(shared.cloud_now()) - chrono::Days::new(u64::from(self.keep_days));
        match prune(shared, before, shared.days_to_check(), stop).await {
            Ok(pruned) if pruned.total() > 0 => tracing::info!(
                before = %before,
                taps = pruned.taps,
                mirror_rows = pruned.mirror_rows,
                deliveries = pruned.deliveries,
                "pruned the days the device no longer keeps"
            ),
            Ok(_) => {}
            Err(StoreError::Damaged { path, detail }) => {
                shared.found_damage(path, detail);
                return Ok(Pace::Done);
            }
            // Tried again at the next interval.
            Err(err) => tracing::warn!("cannot prune old days: {err}"),
        }
        let now = shared.cloud_now();
        let today = shared.rule().day_of(now);
        let mut store = shared.writer.clone();
        match personal::forget(&mut store, now, today, || stop.is_cancelled()).await {
            Ok(forgotten) if forgotten.total() > 0 => tracing::info!(
                contacts = forgotten.contacts,
                taps = forgotten.taps,
                mirror_rows = forgotten.mirror_rows,
                "forgot the personal data past its time"
            ),
            Ok(_) => {}
            Err(err) => tracing::warn!("cannot forget old personal data: {err}"),
        }
        Ok(Pace::After(PRUNE_INTERVAL))
    }
}

/// On a driver station: the contacts of the orders on its lists, read from
/// the table when an order comes (the mirror or the delivery queue brought
/// it) and every [`personal::CONTACTS_INTERVAL`].
struct ContactLoop {
    shared: Arc<Shared>,
    cloud: Cloud,
    store: Writer,
}

impl Loop for ContactLoop {
    type Error = DeviceError;

    fn name(&self) -> &'static str {
        "contacts"
    }

    async fn turn(&mut self, _stop: &CancellationToken) -> Result<Pace, DeviceError> {
        let shared = &self.shared;
        let days = personal::read_new_contacts(
            &mut self.store,
            self.cloud.table.as_ref(),
            shared.rule(),
            shared.cloud_now(),
        )
        .await?;
        for day in days {
            let _ = shared
                .changes
                .send(Change::MirrorUpdated(MirrorUpdate { day }));
        }
        Ok(Pace::After(personal::CONTACTS_INTERVAL))
    }

    fn woken(&self) -> impl std::future::Future<Output = ()> + Send {
        self.shared.contacts_now.notified()
    }
}

/// On a manager's device: how many events wait in the two dead-letter queues,
/// every [`DEAD_LETTER_INTERVAL`], for the status bar.
struct DeadLetterWatch {
    shared: Arc<Shared>,
    clients: Clients,
}

impl Loop for DeadLetterWatch {
    type Error = DeviceError;

    fn name(&self) -> &'static str {
        "dead letters"
    }

    async fn turn(&mut self, _stop: &CancellationToken) -> Result<Pace, DeviceError> {
        let mut waiting = 0;
        for which in [DeadLetters::Store, DeadLetters::Delivery] {
            let (_, queue) = which.queues(&self.clients);
            waiting += depth(&self.clients, &queue).await?;
        }
        self.shared
            .refresh(|outcomes| outcomes.dead_letters = Some(waiting));
        Ok(Pace::After(DEAD_LETTER_INTERVAL))
    }
}

/// Prunes the days before `before` but `keep`, one batch per writer job,
/// until nothing is left or the device stops.
async fn prune(
    shared: &Shared,
    before: NaiveDate,
    keep: Vec<NaiveDate>,
    stop: &CancellationToken,
) -> Result<kitchen_store::Pruned, StoreError> {
    let mut all = kitchen_store::Pruned::default();
    loop {
        let keep = keep.clone();
        let pruned = shared
            .writer
            .clone()
            .relaxed(move |store| store.prune_batch(before, &keep, PRUNE_BATCH))
            .await?;
        all.absorb(pruned);
        if pruned.total() == 0 || stop.is_cancelled() {
            return Ok(all);
        }
        tokio::time::sleep(PRUNE_PAUSE).await;
    }
}

/// Shows the outbox counts the writer keeps as they move.
async fn follow_counts(shared: Arc<Shared>) {
    let mut counts = shared.writer.counts();
    while counts.changed().await.is_ok() {
        counts.borrow_and_update();
        shared.refresh(|_| {});
    }
}

/// Turns the publisher's health reports into connection state.
async fn follow_publisher(shared: Arc<Shared>, mut health: watch::Receiver<PublisherHealth>) {
    while health.changed().await.is_ok() {
        let status = ConnectionStatus::from(health.borrow_and_update().clone());
        shared.refresh(|outcomes| outcomes.publisher = Some(status));
    }
}

/// What one turn of the delivery poller says about the connection and the notifications.
fn record_turn(outcomes: &mut Outcomes, turn: &PollTurn, now: DateTime<Utc>) {
    match turn {
        PollTurn::NotifierUnavailable(
            NotifyError::NoService(reason) | NotifyError::Failed(reason),
        ) => {
            outcomes.notifications = NotificationHealth::Unavailable {
                reason: reason.clone(),
            };
        }
        PollTurn::Polled(Ok(report)) => {
            outcomes.delivery = Some(ConnectionStatus::Online);
            outcomes.last_poll = Some(now);
            let failure = report.notify_failures.last().map(|f| &f.error);
            if let Some(NotifyError::NoService(reason) | NotifyError::Failed(reason)) = failure {
                outcomes.notifications = NotificationHealth::Unavailable {
                    reason: reason.clone(),
                };
            } else {
                outcomes.notifications = NotificationHealth::Ok;
            }
        }
        PollTurn::Polled(Err(err)) => outcomes.delivery = Some(ConnectionStatus::of_error(err)),
    }
}

/// Follows the table's arrival feed every [`MIRROR_INTERVAL`], and sooner after
/// a publish; reads whole the days shown that the device does not hold yet.
/// It keeps its pace while the cloud is away: it is what notices the cloud is
/// back, and tells the publisher.
struct MirrorLoop {
    shared: Arc<Shared>,
    cloud: Cloud,
    store: Writer,
    publisher: watch::Receiver<PublisherHealth>,
    /// Until the stack's business day is known, "today" is a guess.
    confirmed: bool,
}

impl Loop for MirrorLoop {
    type Error = DeviceError;

    fn name(&self) -> &'static str {
        "mirror"
    }

    async fn turn(&mut self, stop: &CancellationToken) -> Result<Pace, DeviceError> {
        let shared = &self.shared;
        if !self.confirmed {
            self.confirmed = learn(shared, &mut self.store, &self.cloud).await;
        }
        let mirror = MirrorSync::on(&self.cloud, shared.rule());
        // Dropping a sync part-way is safe: the cursor moves with each page written.
        let result = tokio::select! {
            result = mirror.sync(&mut self.store, &[]) => result,
            _ = stop.cancelled() => return Ok(Pace::Done),
        };
        match result {
            Ok(report) => {
                let changed = report
                    .days_read
                    .iter()
                    .filter(|read| read.counts.written.changed() + read.counts.removed > 0)
                    .filter_map(|read| read.day.clone())
                    .chain(report.feed.days_changed.iter().cloned())
                    .collect::<std::collections::BTreeSet<_>>();
                if !changed.is_empty() {
                    shared.contacts_now.notify_one();
                }
                for day in changed {
                    let _ = shared
                        .changes
                        .send(Change::MirrorUpdated(MirrorUpdate { day }));
                }
                shared.refresh(|outcomes| {
                    outcomes.mirror = Some(ConnectionStatus::Online);
                    outcomes.last_sync = Some(Utc::now());
                });
                // The cloud is back: the publisher need not wait out its back-off.
                if matches!(*self.publisher.borrow(), PublisherHealth::Offline { .. }) {
                    shared.publish_now.notify_one();
                }
            }
            Err(err) => {
                tracing::debug!("mirror sync failed: {err}");
                let status = ConnectionStatus::of_error(&err);
                shared.refresh(|outcomes| outcomes.mirror = Some(status));
            }
        }
        Ok(Pace::After(MIRROR_INTERVAL))
    }

    fn woken(&self) -> impl std::future::Future<Output = ()> + Send {
        self.shared.mirror_now.notified()
    }
}

/// Reads the stack's business day; `true` once the cloud has said it.
async fn learn(shared: &Shared, store: &mut Writer, cloud: &Cloud) -> bool {
    match learn_business_day(store, cloud.table.as_ref()).await {
        Ok(Some(setting)) => {
            shared.learned(setting);
            true
        }
        Ok(None) => {
            tracing::warn!("the stack has no business day setting yet; using this device's");
            false
        }
        Err(err) => {
            tracing::debug!("cannot read the stack's business day: {err}");
            false
        }
    }
}

/// Every [`CHECK_INTERVAL`] (and when a screen opens a day this device does
/// not hold), checks the days shown against the table and reads again a day
/// that differs; reads the stack's business day again too.
struct CheckLoop {
    shared: Arc<Shared>,
    cloud: Cloud,
    store: Writer,
}

impl Loop for CheckLoop {
    type Error = DeviceError;

    fn name(&self) -> &'static str {
        "check"
    }

    /// The mirror reads the days at the start: the first check comes later,
    /// unless a screen opens a day the device does not hold.
    fn first_wait(&self) -> Option<Duration> {
        Some(CHECK_INTERVAL)
    }

    async fn turn(&mut self, stop: &CancellationToken) -> Result<Pace, DeviceError> {
        let shared = &self.shared;
        learn(shared, &mut self.store, &self.cloud).await;
        let mirror = MirrorSync::on(&self.cloud, shared.rule());
        let checked = tokio::select! {
            checked = check_days(shared, &mirror, &mut self.store) => checked,
            _ = stop.cancelled() => return Ok(Pace::Done),
        };
        match checked {
            Ok(()) => shared.refresh(|outcomes| outcomes.last_check = Some(Utc::now())),
            Err(err) => tracing::debug!("checking the mirror failed: {err}"),
        }
        Ok(Pace::After(CHECK_INTERVAL))
    }

    fn woken(&self) -> impl std::future::Future<Output = ()> + Send {
        self.shared.check_now.notified()
    }
}

async fn check_days(
    shared: &Shared,
    mirror: &MirrorSync,
    store: &mut Writer,
) -> Result<(), DeviceError> {
    for day in shared.days_to_check() {
        let key = day_key(day);
        let changed = if store.with(move |s| s.holds_day(&key)).await? {
            let check = mirror.check_day(store, day).await?;
            check
                .repaired
                .is_some_and(|read| read.counts.written.changed() + read.counts.removed > 0)
        } else {
            let read = mirror.read_day(store, day).await?;
            read.counts.written.changed() + read.counts.removed > 0
        };
        if changed {
            let _ = shared
                .changes
                .send(Change::MirrorUpdated(MirrorUpdate { day: day_key(day) }));
        }
    }
    Ok(())
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
            last_check: None,
            clock_offset_ms: Some(180_000),
            business_day: BusinessDaySetting {
                time_zone: "America/Sao_Paulo".into(),
                day_start_hour: 4,
                confirmed: true,
            },
            last_poll: None,
            notifications: NotificationHealth::Off,
            dead_letters: Some(2),
        };
        assert_eq!(
            serde_json::to_value(&state).unwrap()["status"],
            serde_json::json!({"state": "offline", "reason": "down"})
        );
    }
}

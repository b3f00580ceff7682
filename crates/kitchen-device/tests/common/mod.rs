//! Shared by the integration tests: a local cloud per test, device databases,
//! taps and publishing, and reading queues and the table back.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use kitchen_aws::table::{scan_all, TableRow};
use kitchen_aws::worker::StoreWorker;
use kitchen_aws::{Clients, CloudConfig};
use kitchen_device::publisher::Publisher;
use kitchen_domain::{BusinessDay, Status, Tap};
use kitchen_stack::local_cloud::LocalCloud;
use kitchen_store::Store;

/// The business day of the local cloud these tests deploy: the template's
/// defaults, UTC from 04:00.
pub fn rule() -> BusinessDay {
    BusinessDay::new("UTC", kitchen_domain::DEFAULT_DAY_START_HOUR).unwrap()
}

/// The business day of a moment, by [`rule`].
pub fn day_of(time: DateTime<Utc>) -> NaiveDate {
    rule().day_of(time)
}

pub async fn local_cloud() -> LocalCloud {
    LocalCloud::start(CloudConfig::default())
        .await
        .expect("the local cloud starts")
}

pub fn device(dir: &Path, name: &str) -> Store {
    Store::open_in(&dir.join(name)).expect("a device database opens")
}

/// Runs the store worker until the store queue stays empty.
pub async fn store_until_idle(clients: &Clients) -> usize {
    let worker = StoreWorker::connect(clients)
        .await
        .expect("worker connects")
        .with_wait_seconds(1);
    let mut stored = 0;
    let mut idle = 0;
    while idle < 2 {
        let report = worker.poll_once().await.expect("poll");
        stored += report.stored;
        idle = if report.received == 0 { idle + 1 } else { 0 };
    }
    stored
}

/// Receives and deletes every message on a queue; returns the bodies.
pub async fn receive_all(clients: &Clients, queue: &str) -> Vec<String> {
    let url = clients.queue_url(queue).await.expect("queue exists");
    let mut bodies = Vec::new();
    let mut idle = 0;
    while idle < 2 {
        let out = clients
            .sqs
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("receive");
        let messages = out.messages();
        idle = if messages.is_empty() { idle + 1 } else { 0 };
        for m in messages {
            bodies.push(m.body().unwrap_or_default().to_owned());
            clients
                .sqs
                .delete_message()
                .queue_url(&url)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .expect("delete");
        }
    }
    bodies
}

/// The clients with a scan's patience: moto walks the whole table for every
/// page of a scan, and a loaded local cloud takes longer than the app's 15 s
/// operation timeout for a table of thousands of items.
pub fn patient(clients: &Clients) -> Clients {
    let mut patient = clients.clone();
    patient.dynamodb = aws_sdk_dynamodb::Client::from_conf(
        patient
            .dynamodb
            .config()
            .to_builder()
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .operation_timeout(Duration::from_secs(180))
                    .operation_attempt_timeout(Duration::from_secs(180))
                    .build(),
            )
            .build(),
    );
    patient
}

pub async fn table_rows(clients: &Clients) -> Vec<TableRow> {
    let mut rows = scan_all(&patient(clients)).await.expect("scan");
    rows.sort_by(|a, b| (&a.order, &a.status).cmp(&(&b.order, &b.status)));
    rows
}

/// Waits until `check` says it is done, for as long as it keeps moving: fails
/// when what it reports has not changed for `stall`, naming `what` and the
/// last report (what was still pending). Returns the last report.
pub async fn until_done<T, F>(what: &str, stall: Duration, mut check: impl FnMut() -> F) -> T
where
    T: PartialEq + std::fmt::Debug,
    F: std::future::Future<Output = (bool, T)>,
{
    let mut last: Option<T> = None;
    let mut moved = std::time::Instant::now();
    loop {
        let (done, report) = check().await;
        if done {
            return report;
        }
        if last.as_ref() != Some(&report) {
            last = Some(report);
            moved = std::time::Instant::now();
        } else if moved.elapsed() > stall {
            panic!(
                "{what}: nothing moved for {stall:?}; still {:?}",
                last.unwrap()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Taps each order through the six kitchen stages, one tap every `step` from `first_at`.
pub fn tap_orders(
    store: &mut Store,
    device: &str,
    orders: impl IntoIterator<Item = u32>,
    first_at: DateTime<Utc>,
    step: chrono::Duration,
) -> Vec<Tap> {
    let mut taps = Vec::new();
    for order in orders {
        for status in Status::KITCHEN {
            let at = first_at + step * taps.len() as i32;
            let tap = store
                .record_tap(day_of(at), &order.to_string(), status, "Ana", device, at)
                .expect("a valid tap");
            taps.push(tap);
        }
    }
    taps
}

/// Publishes everything in the device's outbox; returns how many were published.
pub async fn publish_all(clients: &Clients, store: Store) -> usize {
    let mut publisher = Publisher::new(clients.events.clone(), &clients.config.bus_name, store);
    publisher.drain().await.expect("publish").published
}

/// Yesterday at `hour`:00 UTC: a whole day in the past, so no tap crosses midnight
/// while a test runs.
pub fn yesterday_at(hour: u32) -> DateTime<Utc> {
    let yesterday = Utc::now().date_naive() - chrono::Duration::days(1);
    yesterday
        .and_hms_opt(hour, 0, 0)
        .expect("a valid hour")
        .and_utc()
}

/// How long a wait on the local cloud may see nothing move before it gives up:
/// a loaded machine is slow, a stuck one does not move at all.
pub const STALL: Duration = Duration::from_secs(60);

/// How long a message the store worker received but never answered for stays
/// hidden: the store queue's visibility timeout (180 s), and a minute more.
pub const STORE_QUEUE_STALL: Duration = Duration::from_secs(240);

/// The table's rows once it holds `expected` of them, waiting for as long as
/// the count keeps changing. When it has not moved for `stall` this returns
/// what the table holds (saying so), and the caller's assertions name what is
/// missing. Scans are spaced out: each one is work for the local cloud too.
pub async fn table_rows_when(clients: &Clients, expected: usize, stall: Duration) -> Vec<TableRow> {
    let mut moved = std::time::Instant::now();
    let mut last = usize::MAX;
    loop {
        let rows = table_rows(clients).await;
        if rows.len() >= expected {
            return rows;
        }
        if rows.len() != last {
            last = rows.len();
            moved = std::time::Instant::now();
        } else if moved.elapsed() > stall {
            println!(
                "the table stopped at {} of {expected} rows: nothing stored for {stall:?}",
                rows.len()
            );
            return rows;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// A small deterministic generator, so a failing run can be repeated from its seed.
pub struct Dice(pub u64);

impl Dice {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

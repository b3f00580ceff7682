//! A device after months of service against a new one, in the same run: a data
//! folder with 2 million published taps in its outbox and 2 million mirrored
//! events (134 business days of a pizzeria writing 15,000 events a day, up to
//! three days ago), and an empty folder.
//!
//! - a tap in the app's process (p50 and p99 of BENCH_AGED_TAPS taps, 3000);
//! - `kitchen tap --no-publish` as a process, from its start to its exit
//!   (median and slowest of BENCH_AGED_PROCESSES runs);
//! - the app's launch to the board: the device started (its database opened,
//!   its loops running, the cloud out of reach) and the board's first list read
//!   (median and slowest of BENCH_AGED_LAUNCHES).
//!
//! It also shows what a start after a crash costs the aged device: it reads the
//! whole file once, as every start did before.
//!
//! `cargo bench -p kitchen-cli --bench aged_device`; BENCH_AGED_EVENTS (2000000)
//! sets the size of the aged device.

#[path = "../../kitchen-device/benches/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use kitchen_aws::CloudConfig;
use kitchen_device::live::{LiveDevice, LiveOptions};
use kitchen_domain::Status;
use kitchen_store::{Store, DATABASE_FILE};
use support::*;

const KITCHEN: &str = env!("CARGO_BIN_EXE_kitchen");
/// Nothing listens there: the devices run cut off from the cloud.
const UNREACHABLE: &str = "http://127.0.0.1:9";
const EVENTS_PER_DAY: usize = 15_000;

/// Fills `dir`'s database with `events` published taps and as many mirrored
/// events, in one transaction of plain SQL. The last day is three days ago, so
/// the days the board shows are as empty as a new device's: what differs is
/// the history alone.
fn age(dir: &Path, events: usize) {
    let store = Store::open_in(dir).unwrap();
    store.settle_device_name(Some("oven-1")).unwrap();
    drop(store);
    let days = events.div_ceil(EVENTS_PER_DAY) as u64;
    let first = Utc::now().date_naive() - Days::new(days + 3);
    let conn = rusqlite::Connection::open(dir.join(DATABASE_FILE)).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;")
        .unwrap();
    let statuses = "CASE i % 6 WHEN 0 THEN 'order done' WHEN 1 THEN 'preparing' \
                    WHEN 2 THEN 'in the oven' WHEN 3 THEN 'left the oven' \
                    WHEN 4 THEN 'packing for delivery' ELSE 'ready' END";
    let sql = format!(
        "BEGIN;
         CREATE TEMP TABLE n AS
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last})
             SELECT i,
                    date('{first}', '+' || (i / {EVENTS_PER_DAY}) || ' days') AS day,
                    CAST((i % {EVENTS_PER_DAY}) / 6 + 1 AS TEXT) AS order_id,
                    {statuses} AS status,
                    strftime('%Y-%m-%dT%H:%M:%fZ', date('{first}', '+' || (i / {EVENTS_PER_DAY}) || ' days'),
                             '+10 hours', '+' || ((i % {EVENTS_PER_DAY}) * 3) || ' seconds') AS time,
                    printf('%08x-0000-4000-8000-%012x', i / 65536, i) AS event_id
             FROM n;
         INSERT INTO outbox (event_id, order_id, status, client, device, device_seq, tapped_at,
                             detail, state, attempts, published_at, order_day)
             SELECT event_id, order_id, status, 'Client ' || order_id, 'oven-1', i + 1, time,
                    json_object('order', order_id, 'status', status, 'client', 'Client ' || order_id,
                                'device', 'oven-1', 'seq', i + 1, 'day', day, 'time', time),
                    'published', 1, time, day
             FROM n;
         INSERT INTO mirror_items (day, order_id, status, client, time, event_id, device, seq,
                                   version, time_event_id, detail, stored_at, synced_at)
             SELECT day, order_id, status, 'Client ' || order_id, time, 'm' || event_id, 'oven-2',
                    i + 1, '1', time || '#m' || event_id,
                    json_object('order', order_id, 'status', status, 'client', 'Client ' || order_id,
                                'device', 'oven-2', 'seq', i + 1, 'day', day, 'time', time),
                    time, time
             FROM n;
         INSERT INTO mirror_days (day, read_at) SELECT DISTINCT day, day || 'T23:00:00.000Z' FROM n;
         INSERT INTO device_state (key, value) VALUES ('tap_seq', '{events}')
             ON CONFLICT (key) DO UPDATE SET value = excluded.value;
         DROP TABLE n;
         COMMIT;
         PRAGMA wal_checkpoint(TRUNCATE);",
        last = events - 1,
    );
    conn.execute_batch(&sql).unwrap();
}

/// `count` taps in this process; their latencies, sorted.
fn taps_in_process(dir: &Path, count: usize, prefix: &str) -> Vec<Duration> {
    let mut store = Store::open_in(dir).unwrap();
    let day = Utc::now().date_naive();
    let mut latencies: Vec<Duration> = (0..count)
        .map(|i| {
            let started = Instant::now();
            store
                .record_tap(
                    day,
                    &format!("{prefix}{}", i / 6),
                    Status::KITCHEN[i % 6],
                    "Ana",
                    "oven-1",
                    Utc::now(),
                )
                .unwrap();
            started.elapsed()
        })
        .collect();
    latencies.sort();
    latencies
}

/// `count` runs of `kitchen tap --no-publish`, start to exit; sorted.
fn cli_taps(dir: &Path, count: usize, prefix: &str) -> Vec<Duration> {
    let mut runs: Vec<Duration> = (0..count)
        .map(|i| cli_tap(dir, &format!("{prefix}{i}")))
        .collect();
    runs.sort();
    runs
}

fn cli_tap(dir: &Path, order: &str) -> Duration {
    let started = Instant::now();
    let output = Command::new(KITCHEN)
        .args([
            "tap",
            order,
            "order done",
            "--client",
            "Ana",
            "--no-publish",
        ])
        .env("KITCHEN_DATA_DIR", dir)
        .env("KITCHEN_DEVICE", "oven-1")
        .env("AWS_ENDPOINT_URL", UNREACHABLE)
        .output()
        .expect("kitchen runs");
    let took = started.elapsed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    took
}

/// `count` launches: the device started and the board's first list read; sorted.
fn launches(runtime: &tokio::runtime::Runtime, dir: &Path, count: usize) -> Vec<Duration> {
    let config = CloudConfig {
        endpoint_url: Some(UNREACHABLE.into()),
        ..CloudConfig::default()
    };
    let mut runs: Vec<Duration> = (0..count)
        .map(|_| {
            runtime.block_on(async {
                let started = Instant::now();
                // The upkeep comes after the screens are up.
                let options = LiveOptions::device("oven-1").upkeep_after(Duration::from_secs(3600));
                let live = LiveDevice::start(dir, config.clone(), options)
                    .await
                    .unwrap();
                live.open_view().await.unwrap();
                let took = started.elapsed();
                live.stop().await;
                took
            })
        })
        .collect();
    runs.sort();
    runs
}

/// A line of the table: what, the aged and the new device's sorted times,
/// the percentile, the target.
type Row<'a> = (&'a str, &'a [Duration], &'a [Duration], f64, &'a str);

fn line(what: &str, aged: Duration, new: Duration, target: &str) {
    println!(
        "| {what} | {:.1} ms | {:.1} ms | {:.2}× | {target} |",
        ms(aged),
        ms(new),
        aged.as_secs_f64() / new.as_secs_f64()
    );
}

fn main() {
    let events = size("BENCH_AGED_EVENTS", 2_000_000);
    let taps = size("BENCH_AGED_TAPS", 3000);
    let processes = size("BENCH_AGED_PROCESSES", 15);
    let launch_count = size("BENCH_AGED_LAUNCHES", 7);
    let root = tempfile::tempdir().unwrap();
    let aged = root.path().join("aged");
    let new = root.path().join("new");

    let started = Instant::now();
    age(&aged, events);
    let bytes = std::fs::metadata(aged.join(DATABASE_FILE)).unwrap().len();
    eprintln!(
        "aged device: {events} published taps and {events} mirrored events, {:.0} MB, made in {:.0} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    // Both opened by the app and closed cleanly, as after a day's service: the
    // aged one is read whole once here (it was written behind the store's back).
    drop(Store::open_in(&aged).unwrap());
    drop(Store::open_in(&new).unwrap());

    let cli_aged = cli_taps(&aged, processes, "C");
    let cli_new = cli_taps(&new, processes, "C");
    let tap_aged = taps_in_process(&aged, taps, "P");
    let tap_new = taps_in_process(&new, taps, "P");
    let runtime = runtime();
    let launch_aged = launches(&runtime, &aged, launch_count);
    let launch_new = launches(&runtime, &new, launch_count);
    kitchen_store::end_sessions();

    // A start after a crash: no clean stamp, so the whole file is read once.
    std::fs::remove_file(aged.join(format!("{DATABASE_FILE}-clean"))).unwrap();
    let after_crash = cli_tap(&aged, "X1");
    let next = cli_tap(&aged, "X2");

    println!("| benchmark | aged device | new device | ratio | target |");
    println!("|---|---|---|---|---|");
    let rows: [Row; 6] = [
        ("tap in process, p50", &tap_aged, &tap_new, 0.5, ""),
        ("tap in process, p99", &tap_aged, &tap_new, 0.99, "≤ 1.2×"),
        (
            "`kitchen tap` process, median",
            &cli_aged,
            &cli_new,
            0.5,
            "≤ 1.2×",
        ),
        (
            "`kitchen tap` process, slowest",
            &cli_aged,
            &cli_new,
            1.0,
            "",
        ),
        (
            "launch to the board, median",
            &launch_aged,
            &launch_new,
            0.5,
            "≤ 1.2×",
        ),
        (
            "launch to the board, slowest",
            &launch_aged,
            &launch_new,
            1.0,
            "",
        ),
    ];
    for (what, aged, new, p, target) in rows {
        line(what, percentile(aged, p), percentile(new, p), target);
    }
    println!(
        "\nafter a crash the aged device's next `kitchen tap` reads the whole file: {:.0} ms; the one after it: {:.0} ms",
        ms(after_crash),
        ms(next)
    );
}

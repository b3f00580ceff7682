//! A tap while the device is busy. The device runs as the app does, and taps
//! go in-process through `LiveDevice::record_tap` (the app's tap command),
//! one every BENCH_TAP_EVERY_MS (100) ms, ten times a whole kitchen's rate,
//! each timed from the call to the durable receipt.
//!
//! - **Idle** (the baseline, in the same run): the device has nothing to do
//!   but publish its own taps; BENCH_IDLE_TAPS (500) taps.
//! - **Busy**: the device starts with BENCH_BUSY_BACKLOG (5000) taps in its
//!   outbox, taken while it was offline, while BENCH_BUSY_EVENTS (15000)
//!   events of today, a busy pizzeria's day, arrive in the table. It taps
//!   until it has published the backlog and mirrored the whole day.
//!
//! The device publishes to a bus without rules on the local cloud: moto's
//! routing of each entry to the queues costs it a hundred times what the bus
//! call does (see the backbone benchmark), far more than AWS, and would make
//! this a measure of moto.
//!
//! - **The disk** (a floor, in the same run): one row committed as a tap's
//!   commit is (WAL, `synchronous=FULL`), through a store of its own in the
//!   same folder, no device running; as many commits as idle taps, as far
//!   apart. No tap can be durable sooner than this.
//!
//! Target: busy tap p99 ≤ 2 ms, and ≤ 2× idle.
//!
//! `cargo bench -p kitchen-device --bench busy_device`

mod support;

use std::path::Path;
use std::time::{Duration, Instant};
use support::*;

use chrono::Utc;
use kitchen_aws::CloudConfig;
use kitchen_device::live::{ConnectionStatus, LiveDevice, LiveOptions};
use kitchen_domain::{day_key, Status};
use kitchen_stack::local_cloud::LocalCloud;
use kitchen_store::Store;

/// A device that has not settled by then means the bench is broken, not slow.
const GIVE_UP: Duration = Duration::from_secs(600);

async fn start(dir: &Path, config: &CloudConfig) -> LiveDevice {
    // No pruning or whole-file check in the middle of the measure.
    let options = LiveOptions::device("oven-1").upkeep_after(Duration::from_secs(3600));
    LiveDevice::start(dir, config.clone(), options)
        .await
        .expect("the device starts")
}

/// One tap of a new order's next status; its time to the durable receipt.
async fn tap(live: &LiveDevice, prefix: &str, i: usize) -> Duration {
    let order = format!("{prefix}{}", i / 6);
    let status = Status::KITCHEN[i % 6].as_str();
    let started = Instant::now();
    live.record_tap(&order, status, "Ana", None)
        .await
        .expect("a tap");
    started.elapsed()
}

/// Waits until the device is online with nothing left to publish.
async fn settled(live: &LiveDevice) {
    let mut state = live.watch_connection();
    tokio::time::timeout(
        GIVE_UP,
        state.wait_for(|s| {
            s.status == ConnectionStatus::Online && s.unpublished == 0 && s.last_sync.is_some()
        }),
    )
    .await
    .expect("the device settles")
    .expect("the device runs");
}

fn main() {
    let events = size("BENCH_BUSY_EVENTS", 15_000);
    let backlog = size("BENCH_BUSY_BACKLOG", 5_000);
    let idle_taps = size("BENCH_IDLE_TAPS", 500);
    let every = Duration::from_millis(size("BENCH_TAP_EVERY_MS", 100) as u64);
    runtime().block_on(async {
        let cloud = LocalCloud::start(CloudConfig::default())
            .await
            .expect("the local cloud starts");
        create_bare_bus(&cloud).await;
        let config = CloudConfig {
            bus_name: BARE_BUS.into(),
            ..cloud.clients.config.clone()
        };
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("oven");

        // The disk: a commit of one row, waiting for the disk, nothing else.
        let mut disk = Vec::with_capacity(idle_taps);
        {
            let scratch = Store::open_in(&dir.path().join("disk")).unwrap();
            for i in 0..idle_taps {
                let started = Instant::now();
                scratch.set_device_value("bench", &i.to_string()).unwrap();
                disk.push(started.elapsed());
                tokio::time::sleep(every).await;
            }
        }

        // Idle: only its own taps to publish.
        let live = start(&data, &config).await;
        settled(&live).await;
        for i in 0..30 {
            tap(&live, "warm-", i).await;
        }
        let mut idle = Vec::with_capacity(idle_taps);
        for i in 0..idle_taps {
            idle.push(tap(&live, "idle-", i).await);
            tokio::time::sleep(every).await;
        }
        settled(&live).await;
        let today = live.today();
        live.stop().await;
        drop(live);

        // A busy evening: a backlog taken offline, and the day's events
        // arriving in the table from the other devices.
        {
            let mut store = Store::open_in(&data).unwrap();
            for i in 0..backlog {
                let order = format!("offline-{}", i / 6);
                store
                    .record_tap(today, &order, Status::KITCHEN[i % 6], "Ana", "oven-1", Utc::now())
                    .unwrap();
            }
        }
        let loaded = Instant::now();
        let arrived = Utc::now();
        load(
            &cloud,
            (0..events).map(|n| item(today, n, 12, Some(arrived))).collect(),
        )
        .await;
        eprintln!("{events} events in the table in {:.0} s", loaded.elapsed().as_secs_f64());

        let observer = Store::open_in(&data).unwrap();
        let live = start(&data, &config).await;
        let busy_started = Instant::now();
        let mut busy = Vec::new();
        let mut i = 0;
        loop {
            // The outbox publishes oldest first: the backlog is gone when the
            // oldest unpublished tap is one of this phase's.
            let oldest = observer.outbox_entries(false, 1).unwrap();
            let backlog_left = oldest.first().is_some_and(|e| e.order.starts_with("offline-"));
            let mirrored = observer.mirror_summary(&day_key(today)).unwrap().count as usize;
            if !backlog_left && mirrored >= events {
                break;
            }
            assert!(
                busy_started.elapsed() < GIVE_UP,
                "not done after {GIVE_UP:?}: backlog left {backlog_left}, {mirrored} of {events} events mirrored"
            );
            busy.push(tap(&live, "busy-", i).await);
            i += 1;
            tokio::time::sleep(every).await;
        }
        let busy_time = busy_started.elapsed();
        live.stop().await;

        idle.sort();
        busy.sort();
        disk.sort();
        let (d50, d99) = (percentile(&disk, 0.5), percentile(&disk, 0.99));
        let (i50, i99) = (percentile(&idle, 0.5), percentile(&idle, 0.99));
        let (b50, b99) = (percentile(&busy, 0.5), percentile(&busy, 0.99));
        let ratio = ms(b99) / ms(i99);
        let met = b99 <= Duration::from_millis(2) && ratio <= 2.0;
        println!();
        println!("| benchmark | busy | idle (baseline) | ratio | target |");
        println!("|---|---|---|---|---|");
        println!(
            "| tap p99 while mirroring a {events}-event day and publishing a {backlog}-tap backlog ({} taps over {:.0} s; idle: {idle_taps} taps) | {:.2} ms | {:.2} ms | {ratio:.2}× | ≤ 2 ms and ≤ 2×: {} |",
            busy.len(),
            busy_time.as_secs_f64(),
            ms(b99),
            ms(i99),
            if met { "met" } else { "NOT met" }
        );
        println!(
            "| the same, p50 | {:.2} ms | {:.2} ms | {:.2}× | |",
            ms(b50),
            ms(i50),
            ms(b50) / ms(i50)
        );
        println!();
        println!(
            "The disk, one row committed as a tap's commit is ({idle_taps} commits, no device running): p99 {:.2} ms, p50 {:.2} ms",
            ms(d99),
            ms(d50)
        );
    });
}

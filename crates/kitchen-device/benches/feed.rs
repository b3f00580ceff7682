//! A tap on kitchen device A → shown in device B's view of the day, through the
//! local cloud (bus → rule → store queue → store worker → table → B's read of
//! the arrival feed): p50 and p99 over BENCH_FEED_TAPS (100) taps, one at a
//! time. Baseline in the same run: the same device reading the table every
//! 3 s, as devices did before (BENCH_BASELINE_TAPS, 40 taps).
//!
//! `cargo bench -p kitchen-device --bench feed`. The store worker runs throughout.

mod support;

use std::time::{Duration, Instant};
use support::*;

use chrono::Utc;
use kitchen_device::live::{LiveDevice, LiveOptions, MIRROR_INTERVAL};
use kitchen_device::mirror::MirrorSync;
use kitchen_device::views;
use kitchen_domain::BusinessDay;
use kitchen_store::Store;

const BASELINE_INTERVAL: Duration = Duration::from_secs(3);
/// A tap not shown by then means the bench is broken, not slow.
const GIVE_UP: Duration = Duration::from_secs(30);

/// Whether B's view of today has the event.
fn shown(store: &Store, rule: &BusinessDay, event_id: &str) -> bool {
    views::day_view(store, rule, rule.day_of(Utc::now()))
        .expect("a day view")
        .iter()
        .any(|row| row.event_id == event_id)
}

/// Taps `taps` new orders on A, one at a time; each one's time until B's view has it.
///
/// Taps in a kitchen come at any moment, not just after B's last read: each tap
/// waits a pseudo-random part of `reads_every` first, so the taps fall at every
/// phase of B's reading (a tap made the instant B showed the last one would
/// always wait a whole interval).
async fn tap_to_shown(
    a: &LiveDevice,
    b: &Store,
    prefix: &str,
    taps: usize,
    reads_every: Duration,
) -> Vec<Duration> {
    let rule = BusinessDay::new("UTC", 4).unwrap();
    let mut latencies = Vec::with_capacity(taps);
    let mut seed: u64 = 0x5eed_f00d;
    for i in 0..taps {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let phase = (seed >> 33) as f64 / (1u64 << 31) as f64;
        tokio::time::sleep(reads_every.mul_f64(phase)).await;
        let tapped = Instant::now();
        let receipt = a
            .record_tap(&format!("{prefix}{i}"), "order done", "Ana", None)
            .await
            .expect("tap");
        while !shown(b, &rule, &receipt.event_id) {
            assert!(
                tapped.elapsed() < GIVE_UP,
                "tap {} not shown on B within {GIVE_UP:?}",
                receipt.order
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        latencies.push(tapped.elapsed());
    }
    latencies.sort();
    latencies
}

fn main() {
    let taps = size("BENCH_FEED_TAPS", 100);
    let baseline_taps = size("BENCH_BASELINE_TAPS", 40);
    let runtime = runtime();
    runtime.block_on(async {
        let (cloud, stop) = cloud_with_worker().await;
        let config = cloud.clients.config.clone();
        let dir = tempfile::tempdir().unwrap();
        let a = LiveDevice::start(&dir.path().join("a"), config.clone(), LiveOptions::device("oven-a"))
            .await
            .unwrap();

        // Ours: B runs as the app does, following the feed.
        let b_dir = dir.path().join("b");
        let b = LiveDevice::start(&b_dir, config.clone(), LiveOptions::device("packing-b"))
            .await
            .unwrap();
        let b_store = Store::open_in(&b_dir).unwrap();
        // Warm-up: connections, the first reads of the days.
        tap_to_shown(&a, &b_store, "warm-", 3, MIRROR_INTERVAL).await;
        let ours = tap_to_shown(&a, &b_store, "feed-", taps, MIRROR_INTERVAL).await;
        b.stop().await;

        // Baseline: B reads the table every 3 s.
        let c_dir = dir.path().join("c");
        let mut c_store = Store::open_in(&c_dir).unwrap();
        let mirror = MirrorSync::new(&cloud.clients, BusinessDay::new("UTC", 4).unwrap());
        mirror.sync(&mut c_store, &[]).await.unwrap();
        let stop_polling = stop.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(BASELINE_INTERVAL) => {}
                    _ = stop_polling.cancelled() => return,
                }
                let _ = mirror.sync(&mut c_store, &[]).await;
            }
        });
        let c_view = Store::open_in(&c_dir).unwrap();
        let baseline = tap_to_shown(&a, &c_view, "poll-", baseline_taps, BASELINE_INTERVAL).await;
        stop.cancel();
        a.stop().await;

        let (p50, p99) = (percentile(&ours, 0.5), percentile(&ours, 0.99));
        let (b50, b99) = (percentile(&baseline, 0.5), percentile(&baseline, 0.99));
        println!();
        println!("| benchmark | ours | naive baseline | ratio | target |");
        println!("|---|---|---|---|---|");
        println!(
            "| tap on A → shown in B's day view, p50 ({taps} taps; B reads the feed every {} ms) | {:.0} ms | {:.0} ms (reads every 3 s, {baseline_taps} taps) | {:.1}× | ≤ 1 s: {} |",
            MIRROR_INTERVAL.as_millis(),
            ms(p50),
            ms(b50),
            ms(b50) / ms(p50),
            if p50 <= Duration::from_secs(1) { "met" } else { "NOT met" }
        );
        println!(
            "| the same, p99 | {:.0} ms | {:.0} ms | {:.1}× | ≤ 2 s: {} |",
            ms(p99),
            ms(b99),
            ms(b99) / ms(p99),
            if p99 <= Duration::from_secs(2) { "met" } else { "NOT met" }
        );
    });
}

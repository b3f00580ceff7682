//! Tap on a kitchen device → notification on a driver station, through the local
//! cloud (bus → rule → `waiting-delivery` → the station's long poll): p50 and p99
//! over BENCH_READY_TAPS (200) ready taps, one at a time. Baseline in the same
//! run: the naive reader that asks the queue once a second without waiting
//! (short polling), over BENCH_BASELINE_TAPS (40) taps.
//!
//! `cargo bench -p kitchen-device --bench notify`. The store worker runs throughout.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

use kitchen_device::delivery::{DeliveryPoller, Notifier, NotifyError};
use kitchen_device::live::{LiveDevice, LiveOptions};
use kitchen_device::ports::Cloud;
use kitchen_store::{Delivery, Store};
use tokio::sync::Notify;

/// Records when each order's notification was shown, and wakes the bench.
#[derive(Default)]
struct Stopwatch {
    shown: Mutex<Vec<(String, Instant)>>,
    wake: Notify,
}

impl Notifier for Stopwatch {
    fn notify(&self, order: &Delivery) -> Result<(), NotifyError> {
        self.shown
            .lock()
            .unwrap()
            .push((order.order.clone(), Instant::now()));
        self.wake.notify_one();
        Ok(())
    }
}

impl Stopwatch {
    async fn shown_at(&self, order: &str) -> Instant {
        loop {
            let wake = self.wake.notified();
            if let Some((_, at)) = self.shown.lock().unwrap().iter().find(|(o, _)| o == order) {
                return *at;
            }
            tokio::time::timeout(Duration::from_secs(30), wake)
                .await
                .unwrap_or_else(|_| panic!("order {order} was not notified within 30 s"));
        }
    }
}

/// Taps `taps` orders to ready on `kitchen`, one at a time; each one's time to its notification.
async fn ready_to_notified(
    kitchen: &LiveDevice,
    stopwatch: &Stopwatch,
    prefix: &str,
    taps: usize,
) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(taps);
    for i in 0..taps {
        let order = format!("{prefix}{i}");
        let tapped = Instant::now();
        kitchen
            .record_tap(&order, "ready", "Ana", None)
            .await
            .expect("tap");
        latencies.push(stopwatch.shown_at(&order).await - tapped);
    }
    latencies.sort();
    latencies
}

fn main() {
    let taps = size("BENCH_READY_TAPS", 200);
    let baseline_taps = size("BENCH_BASELINE_TAPS", 40);
    let runtime = runtime();
    runtime.block_on(async {
        let (cloud, stop) = cloud_with_worker().await;
        let config = cloud.clients.config.clone();
        let dir = tempfile::tempdir().unwrap();
        let kitchen = LiveDevice::start(
            &dir.path().join("oven"),
            config.clone(),
            LiveOptions::device("oven-1"),
        )
        .await
        .unwrap();

        // The product: a driver station's long poll.
        let stopwatch = Arc::new(Stopwatch::default());
        let station = LiveDevice::start(
            &dir.path().join("drivers"),
            config.clone(),
            LiveOptions::device("drivers-1").driver_station(stopwatch.clone()),
        )
        .await
        .unwrap();
        // Warm-up: connections, queue URL, the first poll.
        ready_to_notified(&kitchen, &stopwatch, "warm-", 3).await;
        let ours = ready_to_notified(&kitchen, &stopwatch, "long-", taps).await;
        station.stop().await;

        // Baseline: ask the queue once a second without waiting.
        let naive_watch = Arc::new(Stopwatch::default());
        let store = Store::open_in(&dir.path().join("naive")).unwrap();
        let mut naive = DeliveryPoller::on(
            &Cloud::aws(&cloud.clients),
            store,
            naive_watch.clone(),
            "naive",
            kitchen_domain::BusinessDay::new("UTC", 4).unwrap(),
        )
        .with_wait_seconds(0);
        let naive_stop = stop.clone();
        tokio::spawn(async move {
            loop {
                let _ = naive.poll_once().await;
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = naive_stop.cancelled() => return,
                }
            }
        });
        ready_to_notified(&kitchen, &naive_watch, "warm-naive-", 2).await;
        let naive = ready_to_notified(&kitchen, &naive_watch, "short-", baseline_taps).await;
        stop.cancel();
        kitchen.stop().await;

        println!("tap on a kitchen device → notification on a driver station (local cloud)");
        println!(
            "{:<44} {:>6} {:>10} {:>10}",
            "reader", "taps", "p50 ms", "p99 ms"
        );
        for (name, sorted) in [
            ("long poll, 20 s wait (the app)", &ours),
            ("short poll every 1 s (baseline)", &naive),
        ] {
            println!(
                "{:<44} {:>6} {:>10.1} {:>10.1}",
                name,
                sorted.len(),
                ms(percentile(sorted, 0.5)),
                ms(percentile(sorted, 0.99))
            );
        }
        println!(
            "p50 ratio baseline / app: {:.1}×   (targets: p50 ≤ 300 ms, p99 ≤ 1000 ms)",
            ms(percentile(&naive, 0.5)) / ms(percentile(&ours, 0.5))
        );
    });
}

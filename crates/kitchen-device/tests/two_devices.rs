//! Several live devices on one local cloud, as in a pizzeria: a kitchen screen
//! that taps, driver stations that poll the delivery queue, and the mirror that
//! shows every device the same day — also after the cloud has been away.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kitchen_aws::supervisor::{CancellationToken, DropGuard};
use kitchen_aws::worker::StoreWorker;
use kitchen_aws::{Clients, CloudConfig};
use kitchen_device::delivery::{Notifier, NotifyError};
use kitchen_device::live::{ConnectionStatus, LiveDevice, LiveOptions};
use kitchen_device::mirror::MirrorSync;
use kitchen_domain::Status;
use kitchen_store::{Delivery, Store, ViewSource};

use crate::common::*;

/// A driver station's notifications, as the desktop would show them.
#[derive(Default)]
struct Shown(Mutex<Vec<String>>);

impl Notifier for Shown {
    fn notify(&self, order: &Delivery) -> Result<(), NotifyError> {
        self.0.lock().unwrap().push(order.order.clone());
        Ok(())
    }
}

impl Shown {
    fn orders(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// The store function as the local cloud runs it, until the returned guard is dropped.
async fn store_worker(clients: &Clients) -> DropGuard {
    let worker = StoreWorker::connect(clients)
        .await
        .expect("the store worker connects")
        .with_wait_seconds(1);
    let stop = CancellationToken::new();
    tokio::spawn(worker.run(stop.clone()));
    stop.drop_guard()
}

async fn kitchen(dir: &std::path::Path, config: &CloudConfig, name: &str) -> LiveDevice {
    LiveDevice::start(&dir.join(name), config.clone(), LiveOptions::device(name))
        .await
        .expect("the kitchen device starts")
}

async fn driver_station(
    dir: &std::path::Path,
    config: &CloudConfig,
    name: &str,
    shown: Arc<Shown>,
) -> LiveDevice {
    let options = LiveOptions::device(name).driver_station(shown);
    LiveDevice::start(&dir.join(name), config.clone(), options)
        .await
        .expect("the driver station starts")
}

/// The (order, status) pairs of today's view that came back through the table.
async fn mirrored(device: &LiveDevice) -> Vec<(String, String)> {
    let mut rows: Vec<_> = device
        .day_view(device.today())
        .await
        .expect("the day view reads")
        .into_iter()
        .filter(|row| row.source == ViewSource::Table)
        .map(|row| (row.order, row.status))
        .collect();
    rows.sort();
    rows
}

fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {signal} {pid}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ready_tap_notifies_one_driver_station_and_shows_on_every_device() {
    let cloud = local_cloud().await;
    let _worker = store_worker(&cloud.clients).await;
    let config = cloud.clients.config.clone();
    let dir = tempfile::tempdir().unwrap();
    let a = kitchen(dir.path(), &config, "oven-1").await;
    let (shown_b, shown_c) = (Arc::new(Shown::default()), Arc::new(Shown::default()));
    let b = driver_station(dir.path(), &config, "drivers-1", shown_b.clone()).await;
    let c = driver_station(dir.path(), &config, "drivers-2", shown_c.clone()).await;

    for status in Status::KITCHEN {
        a.record_tap("42", status.as_str(), "Ana", None)
            .await
            .unwrap();
    }
    let expected: Vec<(String, String)> = {
        let mut rows: Vec<_> = Status::KITCHEN
            .iter()
            .map(|s| ("42".to_owned(), s.as_str().to_owned()))
            .collect();
        rows.sort();
        rows
    };
    until_done(
        "every device mirroring A's six taps and one station notified (mirrors, shown on b and c)",
        STALL,
        || async {
            let mirrors = [mirrored(&a).await, mirrored(&b).await, mirrored(&c).await];
            let seen = (
                mirrors.each_ref().map(Vec::len),
                shown_b.orders(),
                shown_c.orders(),
            );
            let done =
                mirrors.iter().all(|rows| *rows == expected) && seen.1.len() + seen.2.len() == 1;
            (done, seen)
        },
    )
    .await;
    // Long enough for a second delivery or a redelivery to show up, if there were one.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut shown = shown_b.orders();
    shown.extend(shown_c.orders());
    assert_eq!(shown, vec!["42".to_owned()], "exactly one notification");
    // The station that received the message has polled and shown it; the other
    // may still be in its first 20-second long poll.
    let notified = if shown_b.orders().is_empty() { &c } else { &b };
    assert_eq!(
        notified.connection().notifications,
        kitchen_device::live::NotificationHealth::Ok
    );
    assert!(notified.connection().last_poll.is_some());
    assert_eq!(
        a.connection().notifications,
        kitchen_device::live::NotificationHealth::Off,
        "a kitchen device does not poll the queue"
    );
    for device in [&a, &b, &c] {
        device.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_converge_with_the_table_after_the_cloud_was_away() {
    let cloud = local_cloud().await;
    let moto = cloud.server.pid();
    let _worker = store_worker(&cloud.clients).await;
    let config = cloud.clients.config.clone();
    let dir = tempfile::tempdir().unwrap();
    let a = kitchen(dir.path(), &config, "oven-1").await;
    let b = kitchen(dir.path(), &config, "counter-1").await;
    a.record_tap("1", "order done", "Ana", None).await.unwrap();
    until_done("B mirroring A's first tap", STALL, || async {
        let held = mirrored(&b).await.len();
        (held == 1, held)
    })
    .await;

    // The cloud stops answering: calls hang until their timeouts, as on a dead network.
    signal(moto, "-STOP");
    let mut states = a.watch_connection();
    tokio::time::timeout(
        Duration::from_secs(60),
        states.wait_for(|s| matches!(s.status, ConnectionStatus::Offline { .. })),
    )
    .await
    .expect("A shows offline")
    .unwrap();
    let mut taps = 1;
    for order in 1..=8 {
        for status in &Status::KITCHEN[..4] {
            if (order, *status) == (1, Status::OrderDone) {
                continue;
            }
            a.record_tap(&order.to_string(), status.as_str(), "Bruno", None)
                .await
                .unwrap();
            taps += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assert_eq!(
        a.connection().unpublished,
        taps - 1,
        "every offline tap is kept"
    );
    signal(moto, "-CONT");

    // Back: A publishes everything, both mirrors match the table.
    tokio::time::timeout(
        Duration::from_secs(90),
        states.wait_for(|s| s.status == ConnectionStatus::Online && s.unpublished == 0),
    )
    .await
    .expect("A is online with nothing unpublished")
    .unwrap();
    let expected = taps as usize;
    until_done("both mirrors holding every tap (a, b)", STALL, || async {
        let held = (mirrored(&a).await.len(), mirrored(&b).await.len());
        (held == (expected, expected), held)
    })
    .await;
    let rows = table_rows(&cloud.clients).await;
    assert_eq!(rows.len(), expected, "each tap once in the table");
    let check = MirrorSync::new(&cloud.clients, rule());
    for name in ["oven-1", "counter-1"] {
        let mut store = Store::open_in(&dir.path().join(name)).unwrap();
        let report = check.verify_day(&mut store, check.today()).await.unwrap();
        assert!(report.converged(), "{name}: {report:?}");
        assert_eq!(report.local.count as usize, expected, "{name}");
    }
    a.stop().await;
    b.stop().await;
}

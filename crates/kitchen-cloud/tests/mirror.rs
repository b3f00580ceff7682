//! The mirror against the local cloud: two devices, one table.

mod common;

use std::collections::HashSet;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{Duration, NaiveDate};
use kitchen_cloud::mirror::{self, MirrorSync};
use kitchen_cloud::Clients;
use kitchen_store::{OutboxState, ViewSource};

use common::*;

fn day_of(time: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    time.date_naive()
}

async fn delete_row(clients: &Clients, order: &str, status: &str) {
    clients
        .dynamodb
        .delete_item()
        .table_name(&clients.config.table_name)
        .key("order", AttributeValue::S(order.to_owned()))
        .key("status", AttributeValue::S(status.to_owned()))
        .send()
        .await
        .expect("delete item");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_mirrors_another_devices_taps_and_syncing_again_changes_nothing() {
    let cloud = local_cloud().await;
    let clients = &cloud.clients;
    let dir = tempfile::tempdir().unwrap();
    let first_at = yesterday_at(9);
    let day = day_of(first_at);

    let mut a = device(dir.path(), "a");
    let a_taps = tap_orders(&mut a, "oven-1", 1..=5, first_at, Duration::seconds(10));
    let mut b = device(dir.path(), "b");
    let b_taps = tap_orders(
        &mut b,
        "counter-2",
        6..=8,
        first_at + Duration::seconds(5),
        Duration::seconds(10),
    );
    let sync = MirrorSync::new(clients).unwrap();

    // B's own taps show at once, before anything reaches the table.
    let view = b.day_view(&sync.day_window(day)).unwrap();
    assert_eq!(view.len(), b_taps.len());
    assert!(view
        .iter()
        .all(|r| r.source == ViewSource::Local(OutboxState::Pending)));

    assert_eq!(publish_all(clients, a).await, 30);
    assert_eq!(publish_all(clients, b).await, 18);
    assert_eq!(store_until_idle(clients).await, 48);

    let mut b = device(dir.path(), "b");
    let report = sync.sync_day(&mut b, day).await.unwrap();
    assert_eq!((report.items_read, report.written.inserted), (48, 48));
    let mirrored: HashSet<String> = b
        .mirror_rows(&mirror::day_key(day))
        .unwrap()
        .into_iter()
        .map(|r| r.event_id)
        .collect();
    for tap in a_taps.iter().chain(&b_taps) {
        assert!(mirrored.contains(&tap.event_id.to_string()), "{tap:?}");
    }
    let verified = sync.verify_day(&b, day).await.unwrap();
    assert!(verified.converged(), "{verified:?}");
    assert_eq!(verified.local.count, 48);

    // The view now comes from the table, A's taps included.
    let view = b.day_view(&sync.day_window(day)).unwrap();
    assert_eq!(view.len(), 48);
    assert!(view.iter().all(|r| r.source == ViewSource::Table));

    // Syncing again, incrementally or in full, changes nothing.
    let rows_before = b.mirror_rows(&mirror::day_key(day)).unwrap();
    let again = sync.sync_day(&mut b, day).await.unwrap();
    assert_eq!(again.written.changed(), 0, "{again:?}");
    assert_eq!(again.watermark, report.watermark);
    let full = sync.full_resync_day(&mut b, day).await.unwrap();
    assert_eq!((full.counts.written.changed(), full.counts.removed), (0, 0));
    assert_eq!(b.mirror_rows(&mirror::day_key(day)).unwrap(), rows_before);
    assert!(sync.verify_day(&b, day).await.unwrap().converged());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_sync_reads_only_what_changed_since_the_watermark() {
    let cloud = local_cloud().await;
    let clients = &cloud.clients;
    let dir = tempfile::tempdir().unwrap();
    let first_at = yesterday_at(10);
    let day = day_of(first_at);
    let sync = MirrorSync::new(clients).unwrap();

    // 60 taps a minute apart: an hour of work.
    let mut a = device(dir.path(), "a");
    tap_orders(&mut a, "oven-1", 1..=10, first_at, Duration::minutes(1));
    assert_eq!(publish_all(clients, a).await, 60);
    store_until_idle(clients).await;
    let mut b = device(dir.path(), "b");
    let first = sync.sync_day(&mut b, day).await.unwrap();
    assert_eq!(first.items_read, 60);
    assert_eq!(first.from, None, "a day never synced is read whole");

    let mut a = device(dir.path(), "a");
    tap_orders(
        &mut a,
        "oven-1",
        11..=15,
        first_at + Duration::minutes(61),
        Duration::seconds(10),
    );
    assert_eq!(publish_all(clients, a).await, 30);
    store_until_idle(clients).await;

    let second = sync.sync_day(&mut b, day).await.unwrap();
    // The new rows, plus the old ones inside the overlap window before the watermark.
    let cursor = second.from.clone().expect("an overlap cursor");
    assert!(cursor.as_str() < first.watermark.as_deref().unwrap());
    let in_window = table_rows(clients)
        .await
        .iter()
        .filter(|r| r.time_event_id > cursor)
        .count() as u64;
    assert_eq!(
        in_window, 33,
        "30 new + the 3 old taps of the last 2 minutes"
    );
    assert_eq!(second.items_read, in_window);
    assert_eq!(second.written.inserted, 30);
    assert_eq!(second.written.changed(), 30);
    assert!(second.watermark > first.watermark);
    assert!(sync.verify_day(&b, day).await.unwrap().converged());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_pages_are_followed_to_the_end() {
    let cloud = local_cloud().await;
    let clients = &cloud.clients;
    let dir = tempfile::tempdir().unwrap();
    let first_at = yesterday_at(11);
    let day = day_of(first_at);
    let sync = MirrorSync::new(clients).unwrap().with_page_limit(7);

    let mut a = device(dir.path(), "a");
    tap_orders(&mut a, "oven-1", 1..=12, first_at, Duration::seconds(3));
    assert_eq!(publish_all(clients, a).await, 72);
    store_until_idle(clients).await;

    let mut b = device(dir.path(), "b");
    let report = sync.sync_day(&mut b, day).await.unwrap();
    assert_eq!(report.items_read, 72);
    assert!(report.pages >= 11, "72 items, 7 a page: {report:?}");
    assert_eq!(b.mirror_rows(&mirror::day_key(day)).unwrap().len(), 72);
    assert!(sync.verify_day(&b, day).await.unwrap().converged());

    // The scan of a full resync pages the same way.
    let mut c = device(dir.path(), "c");
    let full = sync.full_resync_all(&mut c).await.unwrap();
    assert_eq!((full.items_read, full.counts.written.inserted), (72, 72));
    assert!(full.pages >= 11, "{full:?}");
    assert!(sync.verify_day(&c, day).await.unwrap().converged());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_resync_removes_rows_the_table_no_longer_has() {
    let cloud = local_cloud().await;
    let clients = &cloud.clients;
    let dir = tempfile::tempdir().unwrap();
    let first_at = yesterday_at(12);
    let day = day_of(first_at);

    let mut a = device(dir.path(), "a");
    tap_orders(&mut a, "oven-1", 1..=3, first_at, Duration::seconds(10));
    assert_eq!(publish_all(clients, a).await, 18);
    store_until_idle(clients).await;
    let mut b = device(dir.path(), "b");
    mirror::sync_day(clients, &mut b, day).await.unwrap();

    delete_row(clients, "2", "ready").await;
    // An incremental sync only adds: the mirror still has the row, and verify says so.
    mirror::sync_day(clients, &mut b, day).await.unwrap();
    let diverged = mirror::verify_day(clients, &b, day).await.unwrap();
    assert!(!diverged.converged());
    assert_eq!((diverged.local.count, diverged.table.count), (18, 17));

    let report = mirror::full_resync(clients, &mut b, day).await.unwrap();
    assert_eq!(report.counts.removed, 1);
    assert!(mirror::verify_day(clients, &b, day)
        .await
        .unwrap()
        .converged());
    let day_key = mirror::day_key(day);
    assert!(!b
        .mirror_rows(&day_key)
        .unwrap()
        .iter()
        .any(|r| r.order == "2" && r.status == "ready"));

    // The all-days resync does the same.
    delete_row(clients, "3", "ready").await;
    let sync = MirrorSync::new(clients).unwrap();
    let report = sync.full_resync_all(&mut b).await.unwrap();
    assert_eq!((report.items_read, report.counts.removed), (16, 1));
    assert_eq!(b.mirror_rows(&day_key).unwrap().len(), 16);
    assert!(sync.verify_day(&b, day).await.unwrap().converged());
}

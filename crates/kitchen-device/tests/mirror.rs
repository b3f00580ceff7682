//! The mirror against the local cloud: several devices, one table; the arrival
//! feed, a day read whole, and the check that repairs a day that differs.

use std::collections::HashSet;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{Duration, Utc};
use kitchen_aws::Clients;
use kitchen_device::mirror::MirrorSync;
use kitchen_domain::{day_key, order_key, Status};
use kitchen_store::{OutboxState, ViewSource};

use crate::common::*;

async fn delete_row(clients: &Clients, day: &str, order: &str, status: &str) {
    clients
        .dynamodb
        .delete_item()
        .table_name(&clients.config.table_name)
        .key("order_key", AttributeValue::S(order_key(day, order)))
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
    let sync = MirrorSync::new(clients, rule());

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
    let report = sync.sync(&mut b, &[day]).await.unwrap();
    let read: u64 = report.days_read.iter().map(|r| r.items_read).sum();
    assert_eq!(read, 48, "{report:?}");
    let mirrored: HashSet<String> = b
        .mirror_rows(&day_key(day))
        .unwrap()
        .into_iter()
        .map(|r| r.event_id)
        .collect();
    for tap in a_taps.iter().chain(&b_taps) {
        assert!(mirrored.contains(&tap.event_id.to_string()), "{tap:?}");
    }
    let verified = sync.verify_day(&mut b, day).await.unwrap();
    assert!(verified.converged(), "{verified:?}");
    assert_eq!(verified.local.count, 48);

    // The view now comes from the table, A's taps included.
    let view = b.day_view(&sync.day_window(day)).unwrap();
    assert_eq!(view.len(), 48);
    assert!(view.iter().all(|r| r.source == ViewSource::Table));

    // Syncing again, or reading the day whole again, changes nothing.
    let rows_before = b.mirror_rows(&day_key(day)).unwrap();
    let again = sync.sync(&mut b, &[day]).await.unwrap();
    assert!(again.days_read.is_empty(), "the day is held: {again:?}");
    assert_eq!(again.feed.written.changed(), 0, "{again:?}");
    let full = sync.read_day(&mut b, day).await.unwrap();
    assert_eq!((full.counts.written.changed(), full.counts.removed), (0, 0));
    assert_eq!(b.mirror_rows(&day_key(day)).unwrap(), rows_before);
    assert!(sync.verify_day(&mut b, day).await.unwrap().converged());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_reads_what_arrived_since_the_cursor_whatever_its_tap_time_or_day() {
    let cloud = local_cloud().await;
    let clients = &cloud.clients;
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    // No overlap: the count of items read is exactly what arrived since.
    let sync = MirrorSync::new(clients, rule()).with_overlap(Duration::zero());

    let mut a = device(dir.path(), "a");
    tap_orders(&mut a, "oven-1", 1..=10, now, Duration::milliseconds(10));
    assert_eq!(publish_all(clients, a).await, 60);
    store_until_idle(clients).await;
    let mut b = device(dir.path(), "b");
    sync.sync(&mut b, &[]).await.unwrap();
    let cursor = b
        .feed_cursor()
        .unwrap()
        .expect("a cursor after the first read");

    // Late taps: made an hour ago on a device that was cut off, for yesterday's
    // order, and by a device whose clock runs 10 minutes ahead.
    let mut late = device(dir.path(), "late");
    // A whole business day before now, whatever the hour.
    let yesterday = now - Duration::hours(26);
    let old = late
        .record_tap(
            day_of(yesterday),
            "77",
            Status::Ready,
            "Ana",
            "late-1",
            yesterday,
        )
        .unwrap();
    let hour_ago = late
        .record_tap(
            day_of(now),
            "1",
            Status::Cancelled,
            "Ana",
            "late-1",
            now - Duration::hours(1),
        )
        .unwrap();
    let ahead = late
        .record_tap(
            day_of(now),
            "2",
            Status::PickedUp,
            "Ana",
            "fast-1",
            now + Duration::minutes(10),
        )
        .unwrap();
    assert_eq!(publish_all(clients, late).await, 3);
    store_until_idle(clients).await;

    let second = sync.follow_feed(&mut b).await.unwrap();
    assert_eq!(second.items_read, 3, "only what arrived since: {second:?}");
    assert_eq!(second.written.inserted, 3);
    assert!(second.cursor.as_deref().unwrap() > cursor.as_str());
    assert!(second.days_changed.contains(&day_key(day_of(yesterday))));
    let mirrored: HashSet<String> = [day_of(yesterday), day_of(now)]
        .iter()
        .flat_map(|day| b.mirror_rows(&day_key(*day)).unwrap())
        .map(|r| r.event_id)
        .collect();
    for tap in [&old, &hour_ago, &ahead] {
        assert!(mirrored.contains(&tap.event_id.to_string()), "{tap:?}");
    }
    // The tap from the clock ahead is kept, and marked.
    let marked = b
        .mirror_rows(&day_key(day_of(now)))
        .unwrap()
        .into_iter()
        .find(|r| r.event_id == ahead.event_id.to_string())
        .unwrap();
    assert!(marked.ahead_ms.unwrap() > 9 * 60_000, "{marked:?}");

    // A tap after the one from the clock ahead still reaches every device.
    let mut c = device(dir.path(), "c");
    c.record_tap(
        day_of(now),
        "3",
        Status::Preparing,
        "Bo",
        "oven-3",
        Utc::now(),
    )
    .unwrap();
    assert_eq!(publish_all(clients, c).await, 1);
    store_until_idle(clients).await;
    let third = sync.follow_feed(&mut b).await.unwrap();
    assert_eq!(third.written.changed(), 1, "{third:?}");

    // With the overlap, items are read again and nothing changes.
    let overlapping = MirrorSync::new(clients, rule())
        .follow_feed(&mut b)
        .await
        .unwrap();
    assert!(overlapping.items_read >= 1, "{overlapping:?}");
    assert_eq!(overlapping.written.changed(), 0);
    assert!(sync
        .verify_day(&mut b, day_of(now))
        .await
        .unwrap()
        .converged());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_pages_are_followed_to_the_end() {
    let cloud = local_cloud().await;
    let clients = &cloud.clients;
    let dir = tempfile::tempdir().unwrap();
    let first_at = yesterday_at(11);
    let day = day_of(first_at);
    let sync = MirrorSync::new(clients, rule()).with_page_limit(7);

    let mut a = device(dir.path(), "a");
    tap_orders(&mut a, "oven-1", 1..=12, first_at, Duration::seconds(3));
    assert_eq!(publish_all(clients, a).await, 72);
    store_until_idle(clients).await;

    let mut b = device(dir.path(), "b");
    let report = sync.read_day(&mut b, day).await.unwrap();
    assert_eq!(report.items_read, 72);
    assert!(report.pages >= 11, "72 items, 7 a page: {report:?}");
    assert_eq!(b.mirror_rows(&day_key(day)).unwrap().len(), 72);
    assert!(sync.verify_day(&mut b, day).await.unwrap().converged());

    // The feed pages the same way: a new device's first read covers them all.
    let mut c = device(dir.path(), "c");
    let feed = sync.follow_feed(&mut c).await.unwrap();
    assert_eq!((feed.items_read, feed.written.inserted), (72, 72));
    assert!(feed.pages >= 11, "{feed:?}");

    // The scan of a full resync too.
    let mut d = device(dir.path(), "d");
    let full = sync.full_resync_all(&mut d).await.unwrap();
    assert_eq!((full.items_read, full.counts.written.inserted), (72, 72));
    assert!(full.pages >= 11, "{full:?}");
    assert!(sync.verify_day(&mut d, day).await.unwrap().converged());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_finds_a_day_that_differs_and_reads_it_again() {
    let cloud = local_cloud().await;
    let clients = &cloud.clients;
    let dir = tempfile::tempdir().unwrap();
    let first_at = yesterday_at(12);
    let day = day_of(first_at);
    let sync = MirrorSync::new(clients, rule());

    let mut a = device(dir.path(), "a");
    tap_orders(&mut a, "oven-1", 1..=3, first_at, Duration::seconds(10));
    assert_eq!(publish_all(clients, a).await, 18);
    store_until_idle(clients).await;
    let mut b = device(dir.path(), "b");
    sync.sync(&mut b, &[day]).await.unwrap();
    let check = sync.check_day(&mut b, day).await.unwrap();
    assert!(
        check.verify.converged() && check.repaired.is_none(),
        "{check:?}"
    );

    // A row gone from the table: the feed cannot tell, the check can.
    delete_row(clients, &day_key(day), "2", "ready").await;
    sync.follow_feed(&mut b).await.unwrap();
    let check = sync.check_day(&mut b, day).await.unwrap();
    assert!(!check.verify.converged());
    assert_eq!(
        (check.verify.local.count, check.verify.table.count),
        (18, 17)
    );
    assert_eq!(check.repaired.unwrap().counts.removed, 1);
    assert!(sync.verify_day(&mut b, day).await.unwrap().converged());
    let held = b.held_days().unwrap();
    let checked = held.iter().find(|h| h.day == day_key(day)).unwrap();
    assert_eq!(
        checked.converged,
        Some(false),
        "the verdict before the repair"
    );
    assert!(checked.checked_at.is_some());

    // The all-days resync removes what the table lost too.
    delete_row(clients, &day_key(day), "3", "ready").await;
    let report = sync.full_resync_all(&mut b).await.unwrap();
    assert_eq!((report.items_read, report.counts.removed), (16, 1));
    assert_eq!(b.mirror_rows(&day_key(day)).unwrap().len(), 16);
    assert!(sync.verify_day(&mut b, day).await.unwrap().converged());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_order_number_on_two_business_days_is_two_orders_in_the_table() {
    let cloud = local_cloud().await;
    let clients = &cloud.clients;
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let yesterday = now - Duration::hours(26);
    let mut a = device(dir.path(), "a");
    for status in [Status::OrderDone, Status::Ready, Status::Delivered] {
        a.record_tap(
            day_of(yesterday),
            "860001",
            status,
            "Ana",
            "oven-1",
            yesterday,
        )
        .unwrap();
    }
    for status in [Status::OrderDone, Status::Ready] {
        a.record_tap(day_of(now), "860001", status, "Bia", "oven-1", now)
            .unwrap();
    }
    assert_eq!(publish_all(clients, a).await, 5);
    store_until_idle(clients).await;
    let rows = table_rows(clients).await;
    assert_eq!(rows.len(), 5, "yesterday's history stays: {rows:#?}");
    let of = |day| {
        rows.iter()
            .filter(|r| r.order == "860001" && r.day == day_key(day))
            .map(|r| (r.status.as_str(), r.client.as_str()))
            .collect::<Vec<_>>()
    };
    assert_eq!(of(day_of(yesterday)).len(), 3);
    assert!(of(day_of(now)).iter().all(|(_, client)| *client == "Bia"));
}

//! One truth across devices, with real processes on one local cloud: several
//! data folders, clocks that differ (Debian's `faketime`), a device cut off
//! alone while the others go on, midnight, and order numbers that restart
//! every business day. The stack's business day is the template's: UTC from
//! 04:00.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use chrono::{Duration as Age, Utc};
use kitchen_device::views;
use kitchen_domain::orders::OrderSummary;
use kitchen_domain::{day_key, Status};
use kitchen_store::{summarize_view, Store};

use crate::common::*;
use crate::support::*;

/// An endpoint nobody answers on: a device cut off from the cloud.
const UNREACHABLE: &str = "http://127.0.0.1:9";

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The orders a device shows on its board, from its own database.
fn board(dir: &Path) -> Vec<OrderSummary> {
    let store = Store::open_in(dir).unwrap();
    summarize_view(&views::open_view(&store, &rule(), Utc::now()).unwrap())
}

/// The business day of an order a device shows on its board.
fn day_on_board(dir: &Path, order: &str) -> String {
    let orders = board(dir);
    let found = orders.iter().find(|o| o.order == order);
    found
        .map(|o| o.day.clone())
        .unwrap_or_else(|| panic!("{order} is not on the board: {orders:?}"))
}

/// Where a device has an order of a business day now (its current status).
fn stage_on(dir: &Path, day: &str, order: &str) -> Option<Status> {
    let store = Store::open_in(dir).unwrap();
    let rows = views::day_view(&store, &rule(), kitchen_domain::parse_day(day).unwrap()).unwrap();
    summarize_view(&rows)
        .into_iter()
        .find(|o| o.order == order)
        .map(|o| o.current)
}

/// Where the table has an order of a business day now: the status of its latest event.
async fn stage_in_table(
    cloud: &kitchen_stack::local_cloud::LocalCloud,
    day: &str,
    order: &str,
) -> Option<Status> {
    table_rows(&cloud.clients)
        .await
        .into_iter()
        .filter(|r| r.day == day && r.order == order)
        .max_by(|a, b| a.time_event_id.cmp(&b.time_event_id))
        .map(|r| r.status.parse().unwrap())
}

/// Waits until the table holds `rows` items, while the store worker keeps moving.
async fn table_holds(cloud: &kitchen_stack::local_cloud::LocalCloud, rows: usize) {
    until_done("the store worker filling the table", STALL, || async {
        let held = table_rows(&cloud.clients).await.len();
        (held >= rows, held)
    })
    .await;
}

/// The last lines of a device's log, for a failure's message.
fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(8)..].join("\n")
}

fn folder(root: &Path, name: &str) -> PathBuf {
    root.join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_cut_off_alone_comes_back_and_its_taps_reach_the_others_within_a_sync() {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let root = tempfile::tempdir().unwrap();
    let _worker = Worker::start(root.path(), &endpoint);
    let (a, b) = (
        folder(root.path(), "oven-a"),
        folder(root.path(), "packing-b"),
    );

    // B runs as the app does: publishing, following the feed, checking its days.
    let b_device = run_device(
        &mut kitchen(&b, "packing-b", &endpoint),
        "kitchen",
        None,
        &root.path().join("b.log"),
    );

    // A is cut off alone, and the oven station taps order 810001 twice.
    let cut_off = Instant::now();
    for status in ["order done", "preparing"] {
        let out =
            run(kitchen(&a, "oven-a", UNREACHABLE)
                .args(["tap", "810001", status, "--client", "Ana"]));
        assert!(
            stdout(&out).contains("cloud unreachable, kept for later"),
            "{}",
            stdout(&out)
        );
    }
    // B goes on tapping and syncing for longer than any overlap.
    let mut b_orders = 0;
    while cut_off.elapsed()
        < kitchen_device::mirror::FEED_OVERLAP.to_std().unwrap() + Duration::from_secs(10)
    {
        b_orders += 1;
        run(kitchen(&b, "packing-b", &endpoint).args([
            "tap",
            &format!("82{b_orders:04}"),
            "order done",
            "--client",
            "Bia",
        ]));
        tokio::time::sleep(Duration::from_secs(4)).await;
    }
    assert!(board(&b).iter().all(|o| o.order != "810001"));

    // A comes back and publishes; once the table has the taps, B shows them
    // within one sync interval (plus the time to look).
    let out = run(kitchen(&a, "oven-a", &endpoint).arg("publish"));
    assert!(stdout(&out).contains("published 2"), "{}", stdout(&out));
    table_holds(&cloud, 2 + b_orders).await;
    let stored = Instant::now();
    let shown = until_done("B showing A's late taps", STALL, || async {
        let stage = board(&b)
            .into_iter()
            .find(|o| o.order == "810001")
            .map(|o| o.current);
        (stage == Some(Status::Preparing), stage)
    })
    .await;
    let took = stored.elapsed();
    assert_eq!(shown, Some(Status::Preparing));
    assert!(
        took < kitchen_device::live::MIRROR_INTERVAL + Duration::from_secs(3),
        "shown {took:?} after the table had them"
    );
    // verify passes without --full, on B and on A.
    let today = day_key(rule().day_of(Utc::now()));
    let verified = run(kitchen(&b, "packing-b", &endpoint).args(["verify", "--day", &today]));
    assert!(
        stdout(&verified).ends_with("converged\n"),
        "{}",
        stdout(&verified)
    );
    run(kitchen(&a, "oven-a", &endpoint).arg("sync"));
    run(kitchen(&a, "oven-a", &endpoint).args(["verify", "--day", &today]));
    b_device.signal("-TERM");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_for_yesterday_published_today_reaches_a_device_that_holds_yesterday() {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let root = tempfile::tempdir().unwrap();
    let _worker = Worker::start(root.path(), &endpoint);
    let (a, b) = (folder(root.path(), "a"), folder(root.path(), "b"));
    let yesterday = day_key(rule().day_of(Utc::now() - Age::hours(25)));

    // B holds yesterday already.
    run(kitchen(&b, "b", &endpoint).args(["sync", "--day", &yesterday]));
    // A tapped yesterday, and was not online since.
    run(kitchen_at("-25h", &a, "a", &endpoint).args([
        "tap",
        "777",
        "order done",
        "--client",
        "Caio",
        "--no-publish",
    ]));
    let entries = Store::open_in(&a)
        .unwrap()
        .outbox_entries(false, 10)
        .unwrap();
    assert_eq!(entries[0].day.as_deref(), Some(yesterday.as_str()));
    run(kitchen(&a, "a", &endpoint).arg("publish"));
    table_holds(&cloud, 1).await;

    let synced = run(kitchen(&b, "b", &endpoint).arg("sync"));
    assert!(
        stdout(&synced).contains(&format!("days {yesterday}")),
        "{}",
        stdout(&synced)
    );
    assert_eq!(stage_on(&b, &yesterday, "777"), Some(Status::OrderDone));
    let timeline = run(kitchen(&b, "b", &endpoint).args(["timeline", "--day", &yesterday]));
    assert!(stdout(&timeline).contains("777"), "{}", stdout(&timeline));
    run(kitchen(&b, "b", &endpoint).args(["verify", "--day", &yesterday]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tap_made_after_seeing_a_status_sorts_after_it_whatever_the_clocks() {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let root = tempfile::tempdir().unwrap();
    let _worker = Worker::start(root.path(), &endpoint);
    let (fast, right) = (
        folder(root.path(), "oven-fast"),
        folder(root.path(), "oven-right"),
    );

    // The oven station's clock runs 3 minutes fast.
    for status in ["order done", "in the oven"] {
        run(kitchen_at("+3m", &fast, "oven-fast", &endpoint)
            .args(["tap", "830001", status, "--client", "Ana"]));
    }
    // The order's day is the fast clock's (the next one, minutes before a day starts).
    let today = day_on_board(&fast, "830001");
    table_holds(&cloud, 2).await;
    // The station with the right clock sees it, then takes it out of the oven,
    // and a moment later takes that back (an undo within the same second).
    run(kitchen(&right, "oven-right", &endpoint).arg("sync"));
    assert_eq!(stage_on(&right, &today, "830001"), Some(Status::InTheOven));
    run(kitchen(&right, "oven-right", &endpoint).args([
        "tap",
        "830001",
        "left the oven",
        "--client",
        "Ana",
    ]));
    assert_eq!(
        stage_on(&right, &today, "830001"),
        Some(Status::LeftTheOven)
    );
    table_holds(&cloud, 3).await;
    for (dir, name) in [(&fast, "oven-fast"), (&right, "oven-right")] {
        run(kitchen(dir, name, &endpoint).arg("sync"));
        assert_eq!(
            stage_on(dir, &today, "830001"),
            Some(Status::LeftTheOven),
            "{name}"
        );
    }
    assert_eq!(
        stage_in_table(&cloud, &today, "830001").await,
        Some(Status::LeftTheOven)
    );

    run(kitchen(&right, "oven-right", &endpoint).args([
        "tap",
        "830001",
        "in the oven",
        "--client",
        "Ana",
    ]));
    table_holds(&cloud, 3).await;
    until_done("the undo reaching the table", STALL, || async {
        let stage = stage_in_table(&cloud, &today, "830001").await;
        (stage == Some(Status::InTheOven), stage)
    })
    .await;
    for (dir, name) in [(&fast, "oven-fast"), (&right, "oven-right")] {
        run(kitchen(dir, name, &endpoint).arg("sync"));
        assert_eq!(
            stage_on(dir, &today, "830001"),
            Some(Status::InTheOven),
            "the undo survives on {name}"
        );
    }

    // The fast station knows its clock is off, and says so.
    let log = root.path().join("fast.log");
    let device = run_device(
        &mut kitchen_at("+3m", &fast, "oven-fast", &endpoint),
        "kitchen",
        None,
        &log,
    );
    until_done("the fast station measuring its clock", STALL, || async {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        (
            text.contains("this device's clock is 3 min fast"),
            text.lines().count(),
        )
    })
    .await;
    drop(device);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_ten_minutes_fast_does_not_hide_the_others_taps_from_anyone() {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let root = tempfile::tempdir().unwrap();
    let _worker = Worker::start(root.path(), &endpoint);
    let (fast, other, watcher) = (
        folder(root.path(), "fast"),
        folder(root.path(), "other"),
        folder(root.path(), "watcher"),
    );
    // The watcher has synced before: it has its place in the feed.
    run(kitchen(&watcher, "watcher", &endpoint).arg("sync"));

    run(kitchen_at("+10m", &fast, "fast", &endpoint).args([
        "tap",
        "840001",
        "order done",
        "--client",
        "Ana",
    ]));
    // The fast clock's day (the next one, minutes before a day starts).
    let today = day_on_board(&fast, "840001");
    table_holds(&cloud, 1).await;
    run(kitchen(&watcher, "watcher", &endpoint).arg("sync"));
    run(kitchen(&other, "other", &endpoint).args([
        "tap",
        "840002",
        "order done",
        "--client",
        "Bia",
    ]));
    table_holds(&cloud, 2).await;

    for (dir, name) in [
        (&watcher, "watcher"),
        (&other, "other"),
        (&folder(root.path(), "new"), "new"),
    ] {
        run(kitchen(dir, name, &endpoint).arg("sync"));
        let numbers: Vec<String> = board(dir).into_iter().map(|o| o.order).collect();
        assert!(
            numbers.contains(&"840001".to_owned()) && numbers.contains(&"840002".to_owned()),
            "{name}: {numbers:?}"
        );
    }
    // The fast device's tap is kept, and marked in the day's timeline.
    let timeline = stdout(&run(
        kitchen(&watcher, "watcher", &endpoint).args(["timeline", "--day", &today])
    ));
    assert!(
        timeline.contains("!10m") || timeline.contains("!9m"),
        "{timeline}"
    );
    run(kitchen(&watcher, "watcher", &endpoint).args(["verify", "--day", &today]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_entered_at_23_50_and_ready_at_00_10_stays_on_the_board_and_the_drivers_list() {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let root = tempfile::tempdir().unwrap();
    let _worker = Worker::start(root.path(), &endpoint);
    let (oven, drivers) = (folder(root.path(), "oven"), folder(root.path(), "drivers"));
    // Tonight, on the store's clock (UTC): the order comes in at 23:50.
    let tonight = rule().day_of(Utc::now());
    let at = |time: &str, next: bool| {
        let date = if next {
            tonight.succ_opt().unwrap()
        } else {
            tonight
        };
        format!("@{date} {time}")
    };

    run(
        kitchen_at(&at("23:50:00", false), &oven, "oven", &endpoint).args([
            "tap",
            "850001",
            "order done",
            "--client",
            "Ana",
        ]),
    );
    for status in [
        "preparing",
        "in the oven",
        "left the oven",
        "packing for delivery",
        "ready",
    ] {
        // After midnight: the same order, of the day it was entered.
        run(kitchen_at(&at("00:10:00", true), &oven, "oven", &endpoint)
            .args(["tap", "850001", status, "--client", "Ana"]));
    }
    table_holds(&cloud, 6).await;
    let day = day_key(tonight);
    let rows: Vec<_> = table_rows(&cloud.clients)
        .await
        .into_iter()
        .filter(|r| r.order == "850001")
        .collect();
    assert!(
        rows.iter().all(|r| r.day == day),
        "one order of one day: {rows:#?}"
    );

    // At 00:15 the board and the drivers' list still have it.
    let quarter_past = at("00:15:00", true);
    run(kitchen_at(&quarter_past, &drivers, "drivers", &endpoint).arg("sync"));
    let listed = stdout(&run(kitchen_at(
        &quarter_past,
        &drivers,
        "drivers",
        &endpoint,
    )
    .arg("drivers")));
    assert!(
        listed.starts_with("1 ready order waiting")
            && listed.contains(&format!("order 850001   of {day}")),
        "{listed}"
    );
    let open = stdout(&run(
        kitchen_at(&quarter_past, &oven, "oven", &endpoint).args(["drivers", "--json"])
    ));
    assert!(open.contains("\"order\":\"850001\""), "{open}");
    // The manager's day, from 04:00 to 04:00, counts it whole.
    let timeline = stdout(&run(
        kitchen(&drivers, "drivers", &endpoint).args(["timeline", "--day", &day])
    ));
    assert!(
        timeline.contains("850001")
            && timeline.contains("23:50:00")
            && timeline.contains("00:10:00"),
        "{timeline}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_order_number_on_two_business_days_is_two_orders_and_todays_is_listed_and_notified(
) {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let root = tempfile::tempdir().unwrap();
    let _worker = Worker::start(root.path(), &endpoint);
    let (oven, station) = (folder(root.path(), "oven"), folder(root.path(), "station"));
    let (yesterday, today) = (
        day_key(rule().day_of(Utc::now() - Age::hours(25))),
        day_key(rule().day_of(Utc::now())),
    );

    // Yesterday's 860001, from the counter to the customer.
    for status in Status::KITCHEN
        .iter()
        .chain(&[Status::PickedUp, Status::Delivered])
    {
        run(kitchen_at("-25h", &oven, "oven", &endpoint).args([
            "tap",
            "860001",
            status.as_str(),
            "--client",
            "Ana",
            "--no-publish",
        ]));
    }
    run(kitchen(&oven, "oven", &endpoint).arg("publish"));
    table_holds(&cloud, 8).await;
    // Yesterday's ready order went out yesterday.
    assert_eq!(
        receive_all(&cloud.clients, "waiting-delivery").await.len(),
        1
    );

    // Today the numbers start again, and 860001 is somebody else's order.
    let desktop = Desktop::start(&root.path().join("desktop"));
    let _station = run_device(
        &mut kitchen(&station, "station", &endpoint),
        "driver-station",
        Some(&desktop),
        &root.path().join("station.log"),
    );
    for status in Status::KITCHEN {
        run(kitchen(&oven, "oven", &endpoint).args([
            "tap",
            "860001",
            status.as_str(),
            "--client",
            "Bia",
        ]));
    }
    table_holds(&cloud, 14).await;
    let rows = table_rows(&cloud.clients).await;
    assert_eq!(
        rows.iter().filter(|r| r.day == yesterday).count(),
        8,
        "yesterday's history stays"
    );
    assert_eq!(rows.iter().filter(|r| r.day == today).count(), 6);

    until_done("the station notifying today's 860001", STALL, || async {
        let notified = desktop.notified();
        (notified.get("860001") == Some(&1), notified)
    })
    .await;
    until_done("the station listing today's 860001", STALL, || async {
        let listed = stdout(&run(kitchen(&station, "station", &endpoint).arg("drivers")));
        (
            listed.starts_with("1 ready order waiting") && listed.contains(&format!("of {today}")),
            listed,
        )
    })
    .await;
    for (day, client) in [(&yesterday, "Ana"), (&today, "Bia")] {
        let timeline = stdout(&run(
            kitchen(&station, "station", &endpoint).args(["timeline", "--day", day])
        ));
        assert!(
            timeline.contains("860001") && timeline.contains(client),
            "{day}: {timeline}"
        );
    }
    assert_eq!(desktop.notified().get("860001"), Some(&1));
    // The station logged at info the whole time: never a customer's name.
    let log = std::fs::read_to_string(root.path().join("station.log")).unwrap();
    assert!(log.contains("INFO"), "the station logs at info: {log}");
    assert!(
        !log.contains("Bia") && !log.contains("Ana"),
        "a customer's name in the log: {log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicated_ready_event_notifies_one_driver_station() {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let root = tempfile::tempdir().unwrap();
    let _worker = Worker::start(root.path(), &endpoint);
    let oven = folder(root.path(), "oven");
    let first_desktop = Desktop::start(&root.path().join("desktop-1"));
    let second_desktop = Desktop::start(&root.path().join("desktop-2"));

    // Station 1 takes the ready order and shows it.
    let first = run_device(
        &mut kitchen(&folder(root.path(), "station-1"), "station-1", &endpoint),
        "driver-station",
        Some(&first_desktop),
        &root.path().join("station-1.log"),
    );
    for status in Status::KITCHEN {
        run(kitchen(&oven, "oven", &endpoint).args([
            "tap",
            "870001",
            status.as_str(),
            "--client",
            "Ana",
        ]));
    }
    until_done("station 1 notifying 870001", STALL, || async {
        let notified = first_desktop.notified();
        (notified.get("870001") == Some(&1), notified)
    })
    .await;
    drop(first);
    // The killed station's last long poll is still waiting in the queue's
    // server: a message arriving now would go to it, and come back only after
    // the visibility timeout. Let it run out.
    tokio::time::sleep(kitchen_aws::config::LONG_POLL_WAIT + Duration::from_secs(2)).await;

    // The kitchen's publisher crashed after the bus took the ready tap but
    // before it noted so: the same event goes out again, to station 2.
    let station_2 = folder(root.path(), "station-2");
    let _second = run_device(
        &mut kitchen(&station_2, "station-2", &endpoint),
        "driver-station",
        Some(&second_desktop),
        &root.path().join("station-2.log"),
    );
    let db = rusqlite::Connection::open(oven.join(kitchen_store::DATABASE_FILE)).unwrap();
    db.execute(
        "UPDATE outbox SET state = 'pending' WHERE status = 'ready'",
        [],
    )
    .unwrap();
    drop(db);
    let out = run(kitchen(&oven, "oven", &endpoint).arg("publish"));
    assert!(stdout(&out).contains("published 1"), "{}", stdout(&out));
    let log = root.path().join("station-2.log");
    until_done("station 2 taking the duplicate", STALL, || async {
        let taken: i64 = rusqlite::Connection::open(station_2.join(kitchen_store::DATABASE_FILE))
            .ok()
            .and_then(|db| {
                db.query_row("SELECT COUNT(*) FROM deliveries", [], |r| r.get(0))
                    .ok()
            })
            .unwrap_or(0);
        (taken == 1, (taken, log_tail(&log)))
    })
    .await;
    // Room for a second notification to show up, if the claim let one through.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (mut first_desktop, mut second_desktop) = (first_desktop, second_desktop);
    assert!(first_desktop.alive() && second_desktop.alive());
    assert_eq!(
        second_desktop.notified().get("870001"),
        None,
        "{:?}",
        second_desktop.notified()
    );
    assert_eq!(first_desktop.notified().get("870001"), Some(&1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_copies_a_table_of_the_earlier_layout_and_stamps_items_for_the_feed() {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
        ScalarAttributeType,
    };
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let root = tempfile::tempdir().unwrap();
    let dynamodb = &cloud.clients.dynamodb;
    // A table as the earlier version kept it: one item per order number and status.
    let key = |name: &str, kind| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .unwrap()
    };
    let attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    dynamodb
        .create_table()
        .table_name("pizzaria-events-v0")
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("order", KeyType::Hash))
        .key_schema(key("status", KeyType::Range))
        .attribute_definitions(attribute("order"))
        .attribute_definitions(attribute("status"))
        .send()
        .await
        .unwrap();
    let now = Utc::now();
    let s = |v: &str| AttributeValue::S(v.to_owned());
    for (order, status) in [("1", "order done"), ("1", "ready"), ("2", "order done")] {
        let time = kitchen_domain::time_key(now - Age::minutes(30));
        let event_id = uuid::Uuid::now_v7().to_string();
        dynamodb
            .put_item()
            .table_name("pizzaria-events-v0")
            .item("order", s(order))
            .item("status", s(status))
            .item("client", s("Ana"))
            .item("time", s(&time))
            .item("event_id", s(&event_id))
            .item("day", s(&time[..10]))
            .item("time_event_id", s(&format!("{time}#{event_id}")))
            .item("version", s("1"))
            .item("detail", s("{}"))
            .send()
            .await
            .unwrap();
    }
    let device = folder(root.path(), "device");
    run(kitchen(&device, "device", &endpoint).arg("sync"));

    let out = run(kitchen(root.path(), "operator", &endpoint).args([
        "cloud",
        "migrate",
        "--from",
        "pizzaria-events-v0",
    ]));
    assert!(
        stdout(&out).contains("3 items read: 3 written"),
        "{}",
        stdout(&out)
    );
    let again = run(kitchen(root.path(), "operator", &endpoint).args([
        "cloud",
        "migrate",
        "--from",
        "pizzaria-events-v0",
    ]));
    assert!(
        stdout(&again).contains("3 items read: 0 written, 3 already there"),
        "{}",
        stdout(&again)
    );
    let rows = table_rows(&cloud.clients).await;
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.stored_at.is_some()), "{rows:#?}");
    // Every device's feed brings them.
    run(kitchen(&device, "device", &endpoint).arg("sync"));
    assert_eq!(board(&device).len(), 2, "orders 1 and 2");

    // An item of this layout written without a stamp is stamped in place.
    let time = kitchen_domain::time_key(now);
    let today = day_key(rule().day_of(now));
    dynamodb
        .put_item()
        .table_name("pizzaria-events")
        .item("order_key", s(&kitchen_domain::order_key(&today, "3")))
        .item("order", s("3"))
        .item("status", s("order done"))
        .item("client", s("Bo"))
        .item("time", s(&time))
        .item("event_id", s("e-3"))
        .item("day", s(&today))
        .item("time_event_id", s(&format!("{time}#e-3")))
        .send()
        .await
        .unwrap();
    let out = run(kitchen(root.path(), "operator", &endpoint).args(["cloud", "migrate"]));
    assert!(
        stdout(&out).contains("4 items read: 1 written, 3 already there"),
        "{}",
        stdout(&out)
    );
    run(kitchen(&device, "device", &endpoint).arg("sync"));
    assert_eq!(board(&device).len(), 3);
}

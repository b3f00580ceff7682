//! A whole shift offline: 5,000 taps across 500 orders while the cloud is down,
//! then it comes back. Everything goes out in batches, each order's taps in the
//! order they were made, and the table ends with each order's newest taps.

use std::collections::BTreeMap;

use chrono::{Duration as Age, Utc};
use kitchen_aws::CloudConfig;
use kitchen_device::publisher::Publisher;
use kitchen_domain::Status;
use kitchen_stack::local_cloud::{LocalCloud, MotoServer};

use crate::common::*;

/// 500 orders (5,000 taps) for the full shift; CI runs a shorter one because
/// the local cloud routes each entry slowly (`KITCHEN_OUTAGE_ORDERS=500`).
fn orders() -> usize {
    std::env::var("KITCHEN_OUTAGE_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150)
}

/// Ten taps an order: through the kitchen with one undo ("left the oven" back to
/// "in the oven"), then out for delivery.
const SHIFT: [Status; 10] = [
    Status::OrderDone,
    Status::Preparing,
    Status::InTheOven,
    Status::LeftTheOven,
    Status::InTheOven,
    Status::LeftTheOven,
    Status::PackingForDelivery,
    Status::Ready,
    Status::PickedUp,
    Status::Delivered,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shift_of_taps_made_offline_is_published_in_batches_in_order() {
    let config = CloudConfig::default();
    let cloud = local_cloud().await;
    let port = cloud.server.port();
    drop(cloud); // the cloud is down for the whole shift

    let dir = tempfile::tempdir().unwrap();
    let mut store = device(dir.path(), "oven-1");
    let opened = Utc::now() - Age::hours(8);
    let orders = orders();
    let mut taps = 0;
    // Orders interleave as in a real kitchen: round after round over all of them.
    for (round, status) in SHIFT.iter().enumerate() {
        for order in 0..orders {
            let at = opened + Age::seconds((round * orders + order) as i64);
            store
                .record_tap(
                    day_of(at),
                    &format!("S{order}"),
                    *status,
                    "Ana",
                    "oven-1",
                    at,
                )
                .unwrap();
            taps += 1;
        }
    }
    assert_eq!(taps, orders * 10);
    assert_eq!(store.outbox_counts().unwrap().pending, taps as u64);

    let server = tokio::task::spawn_blocking(move || MotoServer::start_on(port, None))
        .await
        .unwrap()
        .expect("the cloud comes back on its port");
    let cloud = LocalCloud::deploy_on(server, config).await.unwrap();
    let mut publisher = Publisher::new(
        cloud.clients.events.clone(),
        "pizzaria",
        device(dir.path(), "oven-1"),
    );
    // The store worker drains beside the publisher, as in service.
    let stop = kitchen_aws::supervisor::CancellationToken::new();
    let worker = kitchen_aws::worker::StoreWorker::connect(&cloud.clients)
        .await
        .unwrap()
        .with_wait_seconds(1);
    tokio::spawn(worker.run(stop.clone()));
    // And a driver station takes the ready orders, so no queue grows deep.
    let drivers = cloud.clients.clone();
    let queue = drivers.queue_url("waiting-delivery").await.unwrap();
    let drivers_stop = stop.clone();
    tokio::spawn(async move {
        let take = async {
            loop {
                let Ok(out) = drivers
                    .sqs
                    .receive_message()
                    .queue_url(&queue)
                    .max_number_of_messages(10)
                    .wait_time_seconds(1)
                    .send()
                    .await
                else {
                    continue;
                };
                for message in out.messages() {
                    if let Some(handle) = message.receipt_handle() {
                        let _ = drivers
                            .sqs
                            .delete_message()
                            .queue_url(&queue)
                            .receipt_handle(handle)
                            .send()
                            .await;
                    }
                }
            }
        };
        tokio::select! {
            _ = take => {}
            _ = drivers_stop.cancelled() => {}
        }
    });
    // A slow answer is a timeout: the publisher tries again, as its loop would;
    // entries whose answer was lost go out again and the store ignores the copies.
    let (mut published, mut calls, mut timeouts) = (0, 0, 0);
    while store.outbox_counts().unwrap().pending > 0 {
        match publisher.drain().await {
            Ok(report) => {
                assert_eq!(report.rejected, 0);
                published += report.published;
                calls += report.calls;
            }
            Err(err) if err.is_unreachable() && timeouts < 100 => timeouts += 1,
            Err(err) => panic!("the publisher gave up: {err}"),
        }
    }
    assert!(published >= taps, "{published} of {taps}");
    assert!(
        (taps / 10..=taps / 10 + 20 + 10 * timeouts).contains(&calls),
        "batches of ten: {calls} calls, {timeouts} timeouts"
    );

    // Each order's taps left in the order they were made.
    let db = rusqlite::Connection::open(dir.path().join("oven-1/kitchen.sqlite3")).unwrap();
    let mut statement = db
        .prepare("SELECT order_id, published_at FROM outbox ORDER BY seq")
        .unwrap();
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    let rows = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .unwrap();
    for row in rows {
        let (order, published_at) = row.unwrap();
        if let Some(before) = last.get(&order) {
            assert!(
                *before <= published_at,
                "order {order}: a later tap went out first ({before} > {published_at})"
            );
        }
        last.insert(order, published_at);
    }

    // The table: eight rows an order, the newest of the repeated statuses.
    // The store worker keeps running: it stores the late messages too.
    // A receive whose answer was lost to a timeout hides its messages for the
    // store queue's visibility timeout (180 s) before they come back.
    let rows = table_rows_when(&cloud.clients, orders * 8, STORE_QUEUE_STALL).await;
    let in_table: std::collections::BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.order.clone(), r.status.clone()))
        .collect();
    let missing: Vec<(String, &str)> = (0..orders)
        .flat_map(|o| SHIFT.iter().map(move |s| (format!("S{o}"), s.as_str())))
        .filter(|(o, s)| !in_table.contains(&(o.clone(), s.to_string())))
        .collect();
    assert!(missing.is_empty(), "missing from the table: {missing:?}");
    assert_eq!(rows.len(), orders * 8);
    let newest_left_oven = (opened + Age::seconds((5 * orders) as i64))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let row = rows
        .iter()
        .find(|r| r.order == "S0" && r.status == "left the oven")
        .unwrap();
    assert!(
        row.time.starts_with(&newest_left_oven),
        "the undo's later tap wins: {} vs {newest_left_oven}",
        row.time
    );
    stop.cancel();
}

/// How long the table is missing in the test below, as the issue of a table
/// being restored or recreated would keep it away.
const TABLE_AWAY: std::time::Duration = std::time::Duration::from_secs(120);

/// The store worker writes into a table that is not there for two minutes (a
/// restore, a recreated table): every event waits in the store queue, none is
/// parked in the dead-letter queue, and each is written once the table is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_missing_for_two_minutes_loses_no_event() {
    use kitchen_aws::redrive::depth;
    use kitchen_aws::supervisor::CancellationToken;
    use kitchen_aws::Clients;

    let cloud = local_cloud().await;
    let mut config = cloud.clients.config.clone();
    config.table_name = "pizzaria-events-restored".into();
    let clients = Clients::new(&config).await;

    // The worker starts while the table is missing, and events keep coming.
    let stop = CancellationToken::new();
    let worker = kitchen_aws::worker::StoreWorker::connect(&clients)
        .await
        .expect("the worker starts without its table")
        .with_wait_seconds(1);
    tokio::spawn(worker.run(stop.clone()));
    let dir = tempfile::tempdir().unwrap();
    let mut store = device(dir.path(), "oven-1");
    let first = Utc::now() - Age::minutes(30);
    let taps = tap_orders(&mut store, "oven-1", 1..=4, first, Age::seconds(5));
    assert_eq!(publish_all(&cloud.clients, store).await, taps.len());
    let started = std::time::Instant::now();
    let mut more = device(dir.path(), "oven-2");
    let later = tap_orders(&mut more, "oven-2", 5..=6, first, Age::seconds(5));
    tokio::time::sleep(TABLE_AWAY / 2).await;
    assert_eq!(publish_all(&cloud.clients, more).await, later.len());
    tokio::time::sleep(TABLE_AWAY.saturating_sub(started.elapsed())).await;
    assert_eq!(
        depth(&cloud.clients, "pizzaria-events-store-dlq")
            .await
            .unwrap(),
        0,
        "an event was parked while the table was away"
    );

    // The table comes back, made as the stack makes it.
    let model = cloud
        .clients
        .dynamodb
        .describe_table()
        .table_name("pizzaria-events")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let indexes = model
        .global_secondary_indexes()
        .iter()
        .map(|index| {
            aws_sdk_dynamodb::types::GlobalSecondaryIndex::builder()
                .index_name(index.index_name().unwrap())
                .set_key_schema(Some(index.key_schema().to_vec()))
                .set_projection(index.projection().cloned())
                .build()
                .unwrap()
        })
        .collect();
    cloud
        .clients
        .dynamodb
        .create_table()
        .table_name("pizzaria-events-restored")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(model.attribute_definitions().to_vec()))
        .set_key_schema(Some(model.key_schema().to_vec()))
        .set_global_secondary_indexes(Some(indexes))
        .send()
        .await
        .unwrap();

    let expected = taps.len() + later.len();
    let rows = table_rows_when(&clients, expected, STORE_QUEUE_STALL).await;
    stop.cancel();
    let events: std::collections::BTreeSet<String> =
        rows.iter().map(|row| row.event_id.clone()).collect();
    let sent: std::collections::BTreeSet<String> = taps
        .iter()
        .chain(&later)
        .map(|tap| tap.event_id.to_string())
        .collect();
    assert_eq!(events, sent, "every event is in the table once it is back");
    // And so is the business day the worker files by, for the devices.
    assert!(kitchen_aws::stack_settings::read_business_day(&clients)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        depth(&cloud.clients, "pizzaria-events-store-dlq")
            .await
            .unwrap(),
        0
    );
}

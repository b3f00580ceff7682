//! The publisher and the store function against the local cloud.

use std::time::Duration;

use chrono::{Duration as Age, SecondsFormat, Utc};
use kitchen_aws::store_fn::{NotStored, QueueRecord, Retry, StoreFunction, Stored};
use kitchen_aws::CloudConfig;
use kitchen_device::publisher::Publisher;
use kitchen_domain::{Status, Tap};
use kitchen_stack::local_cloud::{LocalCloud, MotoServer};
use kitchen_store::OutboxState;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn republishing_changes_nothing_and_an_older_event_never_overwrites_a_newer_one() {
    let cloud = local_cloud().await;
    let dir = tempfile::tempdir().unwrap();
    let mut store = device(dir.path(), "a");
    // One business day for every tap below, the older one's too: two hours
    // ago may be the day before (before 06:00 UTC).
    let today = day_of(Utc::now());
    for order in ["1", "2", "3"] {
        for status in Status::KITCHEN {
            store
                .record_tap(today, order, status, "Ana", "oven-1", Utc::now())
                .unwrap();
        }
    }
    let mut publisher = Publisher::new(cloud.clients.events.clone(), "pizzaria", store);
    let report = publisher.drain().await.unwrap();
    assert_eq!(report.published, 18);
    assert_eq!(store_until_idle(&cloud.clients).await, 18);
    let before = table_rows(&cloud.clients).await;
    assert_eq!(before.len(), 18);

    // The same event ids again, as after a crash between sending and recording.
    let db = rusqlite::Connection::open(dir.path().join("a/kitchen.sqlite3")).unwrap();
    db.execute("UPDATE outbox SET state = 'pending'", [])
        .unwrap();
    assert_eq!(publisher.drain().await.unwrap().published, 18);
    assert_eq!(
        store_until_idle(&cloud.clients).await,
        18,
        "duplicates are acknowledged, not failed"
    );
    assert_eq!(table_rows(&cloud.clients).await, before);

    // An older event for an (order, status) the table holds is left out.
    let function = StoreFunction::new(cloud.clients.dynamodb.clone(), "pizzaria-events", rule());
    let current = before
        .iter()
        .find(|r| r.order == "2" && r.status == "ready")
        .unwrap();
    let older = Tap::new(
        today,
        "2",
        Status::Ready,
        "Someone Else",
        "oven-9",
        1,
        Utc::now() - Age::hours(2),
    )
    .unwrap();
    assert_eq!(
        function
            .store_event(&older.to_status_event())
            .await
            .unwrap(),
        Stored::Older
    );
    let again = table_rows(&cloud.clients).await;
    assert_eq!(
        again
            .iter()
            .find(|r| r.order == "2" && r.status == "ready")
            .unwrap(),
        current
    );

    // The same event is a duplicate; a newer one replaces the row.
    let newer = Tap::new(
        today,
        "2",
        Status::Ready,
        "Bia",
        "oven-2",
        5,
        Utc::now() + Age::seconds(5),
    )
    .unwrap();
    let event = newer.to_status_event();
    assert_eq!(function.store_event(&event).await.unwrap(), Stored::Written);
    assert_eq!(
        function.store_event(&event).await.unwrap(),
        Stored::Duplicate
    );
    let after = table_rows(&cloud.clients).await;
    let row = after
        .iter()
        .find(|r| r.order == "2" && r.status == "ready")
        .unwrap();
    assert_eq!(
        (row.client.as_str(), row.event_id.clone()),
        ("Bia", newer.event_id.to_string())
    );
    assert_eq!(after.len(), 18);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_the_bus_refuses_stay_in_the_outbox_with_the_reason_and_are_not_retried() {
    let cloud = local_cloud().await;
    let dir = tempfile::tempdir().unwrap();
    let mut store = device(dir.path(), "a");
    store
        .record_tap(
            day_of(Utc::now()),
            "7",
            Status::OrderDone,
            "Ana",
            "oven-1",
            Utc::now(),
        )
        .unwrap();
    store
        .record_tap(
            day_of(Utc::now()),
            "8",
            Status::OrderDone,
            "Bia",
            "oven-1",
            Utc::now(),
        )
        .unwrap();
    // A row whose detail is not JSON, as a damaged or foreign producer could leave.
    let db = rusqlite::Connection::open(dir.path().join("a/kitchen.sqlite3")).unwrap();
    db.execute(
        "INSERT INTO outbox (event_id, order_id, status, client, device, device_seq, tapped_at, detail)
         VALUES ('bad-1', '9', 'ready', 'Caio', 'oven-1', 99, '2026-11-22T10:00:00.000Z', 'this is not json')",
        [],
    )
    .unwrap();

    let mut publisher = Publisher::new(cloud.clients.events.clone(), "pizzaria", store);
    let report = publisher.drain().await.unwrap();
    assert_eq!(
        (report.published, report.rejected, report.retrying),
        (2, 1, 0)
    );
    let second = publisher.drain().await.unwrap();
    assert_eq!(second.calls, 0, "a refused entry is not sent again");

    let visible = publisher.store().outbox_entries(false, 10).unwrap();
    assert_eq!(visible.len(), 1);
    assert_eq!(visible[0].event_id, "bad-1");
    assert_eq!(visible[0].state, OutboxState::Rejected);
    assert!(
        visible[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("MalformedDetail"),
        "{:?}",
        visible[0].last_error
    );
    assert_eq!(store_until_idle(&cloud.clients).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taps_made_while_the_cloud_is_down_are_kept_and_published_when_it_returns() {
    let config = CloudConfig::default();
    let cloud = local_cloud().await;
    let port = cloud.server.port();
    let dir = tempfile::tempdir().unwrap();
    let store = device(dir.path(), "a");
    let mut publisher = Publisher::new(cloud.clients.events.clone(), "pizzaria", store);
    let clients = cloud.clients.clone();
    drop(cloud); // the server stops

    let mut store = device(dir.path(), "a");
    let tapped_at = Utc::now() - Age::minutes(30);
    for order in 1..=25 {
        store
            .record_tap(
                day_of(tapped_at),
                &order.to_string(),
                Status::OrderDone,
                "Ana",
                "oven-1",
                tapped_at,
            )
            .unwrap();
    }
    let err = publisher.drain().await.unwrap_err();
    assert!(err.is_unreachable(), "{err}");
    assert_eq!(
        store.outbox_counts().unwrap().pending,
        25,
        "every tap is kept"
    );

    let server = tokio::task::spawn_blocking(move || MotoServer::start_on(port, None))
        .await
        .unwrap()
        .unwrap();
    let cloud = LocalCloud::deploy_on(server, config).await.unwrap();
    assert_eq!(
        cloud.clients.config.endpoint_url,
        clients.config.endpoint_url
    );
    let report = publisher.drain().await.unwrap();
    assert_eq!(report.published, 25);
    assert_eq!(report.calls, 3, "batched: 10 + 10 + 5");
    assert_eq!(store_until_idle(&cloud.clients).await, 25);
    let rows = table_rows(&cloud.clients).await;
    assert_eq!(rows.len(), 25);
    // The table keeps the moment of the tap, not of publishing.
    let expected = tapped_at.format("%Y-%m-%dT%H:%M:%S").to_string();
    assert!(
        rows.iter().all(|r| r.time.starts_with(&expected)),
        "{} vs {expected}",
        rows[0].time
    );
    let _ = Duration::from_secs(0);
}

/// A ready tap of order `order` of today, made now.
fn ready_tap(order: &str) -> Tap {
    Tap::new(
        day_of(Utc::now()),
        order,
        Status::Ready,
        "Ana",
        "oven-1",
        1,
        Utc::now(),
    )
    .unwrap()
}

/// The envelope EventBridge hands the store queue for `tap`, stamped `time`.
fn envelope_of(tap: &Tap, time: &str) -> String {
    serde_json::json!({
        "version": "0",
        "id": format!("envelope-{}", tap.event_id),
        "detail-type": kitchen_domain::DETAIL_TYPE,
        "source": kitchen_domain::SOURCE,
        "account": "123456789012",
        "time": time,
        "region": "us-east-1",
        "resources": [],
        "detail": serde_json::from_str::<serde_json::Value>(&tap.detail_json()).unwrap(),
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_reports_only_the_messages_it_could_not_store() {
    // The handler behind both entry points: the Lambda returns these ids as
    // batch item failures, the worker leaves them on the queue.
    let cloud = local_cloud().await;
    let function = StoreFunction::new(cloud.clients.dynamodb.clone(), "pizzaria-events", rule());
    let good = ready_tap("11");
    let envelope = envelope_of(&good, "2026-11-22T18:00:00Z");
    let records = [
        QueueRecord {
            message_id: "m-good".into(),
            body: envelope.clone(),
            ..QueueRecord::default()
        },
        QueueRecord {
            message_id: "m-not-json".into(),
            body: "{oops".into(),
            ..QueueRecord::default()
        },
        QueueRecord {
            message_id: "m-bad-status".into(),
            body: envelope.replace("\"ready\"", "\"baking\""),
            ..QueueRecord::default()
        },
    ];
    let mut failed = function.handle_batch(&records).await;
    failed.sort_by(|a, b| a.message_id.cmp(&b.message_id));
    // Neither can ever be stored: they come back at once and spend their tries.
    let never = |id: &str| NotStored {
        message_id: id.into(),
        retry: Retry::Never,
    };
    assert_eq!(failed, vec![never("m-bad-status"), never("m-not-json")]);

    // A table that is not there fails the same good event for a passing reason.
    let elsewhere = StoreFunction::new(cloud.clients.dynamodb.clone(), "no-such-table", rule());
    assert_eq!(
        elsewhere.handle_batch(&records[..1]).await,
        vec![NotStored {
            message_id: "m-good".into(),
            retry: Retry::Later
        }]
    );
    let rows = table_rows(&cloud.clients).await;
    assert_eq!(rows.len(), 1);
    // Filed under the business day the event names, not the envelope's time.
    assert_eq!(
        (rows[0].order.clone(), rows[0].day.clone()),
        ("11".to_owned(), kitchen_domain::day_key(good.day))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redrive_moves_a_dead_lettered_event_into_the_table() {
    use kitchen_aws::redrive::{depth, redrive, DeadLetters};
    let cloud = local_cloud().await;
    let tap = ready_tap("77");
    // What EventBridge put on the store queue, parked after a table outage.
    let envelope = envelope_of(&tap, &tap.time.to_rfc3339_opts(SecondsFormat::Secs, true));
    let (_, dead_letter) = DeadLetters::Store.queues(&cloud.clients);
    let dead_url = cloud.clients.queue_url(&dead_letter).await.unwrap();
    cloud
        .clients
        .sqs
        .send_message()
        .queue_url(&dead_url)
        .message_body(&envelope)
        .send()
        .await
        .unwrap();

    let counted = redrive(&cloud.clients, DeadLetters::Store, true, |_| {})
        .await
        .unwrap();
    assert_eq!(
        (counted.waiting, counted.moved),
        (1, 0),
        "a dry run moves nothing"
    );
    assert_eq!(depth(&cloud.clients, &dead_letter).await.unwrap(), 1);

    let mut heard = Vec::new();
    let moved = redrive(&cloud.clients, DeadLetters::Store, false, |n| heard.push(n))
        .await
        .unwrap();
    assert_eq!(moved.moved, 1);
    assert_eq!(heard, vec![1]);
    assert_eq!(depth(&cloud.clients, &dead_letter).await.unwrap(), 0);
    store_until_idle(&cloud.clients).await;
    let rows = table_rows_when(&cloud.clients, 1, STALL).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].event_id, tap.event_id.to_string());
}

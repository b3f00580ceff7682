//! The delivery poller against the local cloud: ready taps reach the driver's
//! device once, redeliveries change nothing, and unreadable messages are
//! quarantined without holding up the orders behind them.

use std::sync::{Arc, Mutex};

use chrono::{Duration as Age, Utc};
use kitchen_aws::Clients;
use kitchen_device::delivery::{DeliveryPoller, DeliveryReport, Notifier, NotifyError};
use kitchen_device::ports::Cloud;
use kitchen_domain::{Status, Tap};
use kitchen_store::{Delivery, Store};
use serde_json::json;

use crate::common::*;

/// Records what it was asked to show.
#[derive(Default)]
struct RecordingNotifier {
    shown: Mutex<Vec<Delivery>>,
}

impl RecordingNotifier {
    fn orders(&self) -> Vec<String> {
        self.shown
            .lock()
            .unwrap()
            .iter()
            .map(|d| d.order.clone())
            .collect()
    }
}

impl Notifier for RecordingNotifier {
    fn notify(&self, order: &Delivery) -> Result<(), NotifyError> {
        self.shown.lock().unwrap().push(order.clone());
        Ok(())
    }
}

fn driver_poller(clients: &Clients, store: Store) -> (DeliveryPoller, Arc<RecordingNotifier>) {
    let notifier = Arc::new(RecordingNotifier::default());
    let poller = DeliveryPoller::on(
        &Cloud::aws(clients),
        store,
        notifier.clone(),
        "drivers-1",
        rule(),
    )
    .with_wait_seconds(1);
    (poller, notifier)
}

/// Polls until the queue stays empty; returns every poll's report.
async fn poll_until_idle(poller: &mut DeliveryPoller) -> Vec<DeliveryReport> {
    let mut reports = Vec::new();
    let mut idle = 0;
    while idle < 2 {
        let report = poller.poll_once().await.expect("poll");
        idle = if report.received == 0 { idle + 1 } else { 0 };
        reports.push(report);
    }
    reports
}

/// Taps `order` through the kitchen on a kitchen device and publishes it.
async fn publish_ready_order(clients: &Clients, kitchen: Store, order: &str, client: &str) {
    let mut kitchen = kitchen;
    let ready_at = Utc::now() - Age::minutes(3);
    for status in [Status::PackingForDelivery, Status::Ready] {
        kitchen
            .record_tap(day_of(ready_at), order, status, client, "oven-1", ready_at)
            .unwrap();
    }
    assert_eq!(publish_all(clients, kitchen).await, 2);
}

fn envelope(detail: serde_json::Value) -> String {
    json!({
        "version": "0",
        "id": uuid::Uuid::now_v7().to_string(),
        "detail-type": "Change in Pizza",
        "source": "com.pizza.status",
        "account": "123456789012",
        "time": Utc::now().to_rfc3339(),
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    })
    .to_string()
}

async fn send_raw(clients: &Clients, body: &str) {
    let url = clients.queue_url("waiting-delivery").await.unwrap();
    clients
        .sqs
        .send_message()
        .queue_url(url)
        .message_body(body)
        .send()
        .await
        .expect("send");
}

async fn queue_is_empty(clients: &Clients) -> bool {
    let url = clients.queue_url("waiting-delivery").await.unwrap();
    let out = clients
        .sqs
        .receive_message()
        .queue_url(url)
        .wait_time_seconds(1)
        .send()
        .await
        .unwrap();
    out.messages().is_empty()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_ready_tap_is_recorded_and_notified_once_on_the_drivers_device() {
    let cloud = local_cloud().await;
    let dir = tempfile::tempdir().unwrap();
    publish_ready_order(&cloud.clients, device(dir.path(), "kitchen"), "42", "Ana").await;

    let (mut poller, notifier) = driver_poller(&cloud.clients, device(dir.path(), "driver"));
    let reports = poll_until_idle(&mut poller).await;
    let new: Vec<&Delivery> = reports.iter().flat_map(|r| &r.new_orders).collect();
    assert_eq!(new.len(), 1, "only the ready event reaches the queue");
    assert_eq!(
        (new[0].order.as_str(), new[0].client.as_str()),
        ("42", "Ana")
    );
    assert_eq!(new[0].waiting_for(Utc::now()).num_minutes(), 3);
    assert_eq!(notifier.orders(), ["42"]);

    let waiting = poller.store().waiting_deliveries().unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].notified_at.is_some());
    assert!(
        queue_is_empty(&cloud.clients).await,
        "the message was deleted"
    );

    // A restart on the same database does not notify again.
    drop(poller);
    let (mut poller, notifier) = driver_poller(&cloud.clients, device(dir.path(), "driver"));
    poll_until_idle(&mut poller).await;
    assert!(notifier.orders().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_message_delivered_twice_makes_one_row_and_one_notification() {
    let cloud = local_cloud().await;
    let dir = tempfile::tempdir().unwrap();
    publish_ready_order(&cloud.clients, device(dir.path(), "kitchen"), "7", "Bia").await;

    // Another reader takes the message and lets it go at once, as when a poller
    // crashes before deleting; the same body is also sent a second time.
    let url = cloud.clients.queue_url("waiting-delivery").await.unwrap();
    let mut body = None;
    for _ in 0..10 {
        let out = cloud
            .clients
            .sqs
            .receive_message()
            .queue_url(&url)
            .visibility_timeout(0)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        if let Some(m) = out.messages().first() {
            body = m.body().map(str::to_owned);
            break;
        }
    }
    let body = body.expect("the ready event reached the delivery queue");
    send_raw(&cloud.clients, &body).await;

    let (mut poller, notifier) = driver_poller(&cloud.clients, device(dir.path(), "driver"));
    let reports = poll_until_idle(&mut poller).await;
    let received: usize = reports.iter().map(|r| r.received).sum();
    let new: usize = reports.iter().map(|r| r.new_orders.len()).sum();
    let duplicates: usize = reports.iter().map(|r| r.duplicates).sum();
    assert_eq!(received, 2);
    assert_eq!((new, duplicates), (1, 1));
    assert_eq!(notifier.orders(), ["7"]);
    assert_eq!(poller.store().waiting_deliveries().unwrap().len(), 1);
    assert!(queue_is_empty(&cloud.clients).await, "both copies deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_messages_are_quarantined_and_the_next_ready_order_still_notifies() {
    let cloud = local_cloud().await;
    let dir = tempfile::tempdir().unwrap();
    let valid = Tap::new(
        day_of(Utc::now()),
        "9",
        Status::Ready,
        "Caio",
        "oven-1",
        1,
        Utc::now(),
    )
    .unwrap()
    .detail();
    let mut unknown_status = serde_json::to_value(&valid).unwrap();
    unknown_status["status"] = json!("burnt");
    let mut not_ready = serde_json::to_value(&valid).unwrap();
    not_ready["status"] = json!("preparing");
    let poison = [
        ("not JSON", "{ this is not json".to_owned()),
        (
            "wrong shape",
            json!({"order": "9", "status": "ready"}).to_string(),
        ),
        ("unknown status", envelope(unknown_status)),
        ("not ready", envelope(not_ready)),
    ];
    for (_, body) in &poison {
        send_raw(&cloud.clients, body).await;
    }
    publish_ready_order(&cloud.clients, device(dir.path(), "kitchen"), "10", "Dani").await;

    let (mut poller, notifier) = driver_poller(&cloud.clients, device(dir.path(), "driver"));
    let reports = poll_until_idle(&mut poller).await;
    let quarantined: Vec<String> = reports
        .iter()
        .flat_map(|r| &r.quarantined)
        .map(|q| q.error.to_string())
        .collect();
    assert_eq!(quarantined.len(), 4, "{quarantined:#?}");
    assert_eq!(notifier.orders(), ["10"]);
    assert!(
        queue_is_empty(&cloud.clients).await,
        "poison is not redelivered"
    );

    let kept = poller.store().quarantined(10).unwrap();
    assert_eq!(kept.len(), 4);
    for (what, body) in &poison {
        let row = kept
            .iter()
            .find(|q| &q.body == body)
            .unwrap_or_else(|| panic!("{what} is kept as received"));
        assert!(
            row.origin.starts_with("waiting-delivery/"),
            "{}",
            row.origin
        );
    }
    let errors = kept.iter().map(|q| q.error.as_str()).collect::<Vec<_>>();
    assert!(errors.iter().any(|e| e.contains("not JSON")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("`source`")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("\"burnt\"")), "{errors:?}");
    assert!(
        errors.iter().any(|e| e.contains("\"preparing\"")),
        "{errors:?}"
    );
    let waiting: Vec<String> = poller
        .store()
        .waiting_deliveries()
        .unwrap()
        .into_iter()
        .map(|d| d.order)
        .collect();
    assert_eq!(waiting, ["10"]);
}

//! Personal data across devices: an order's address and phone reach the table
//! as a contact item that expires (the table's time to live), the event's
//! history keeps the rest, only a driver station reads the contact, and every
//! device forgets it on the stack's schedule.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_dynamodb::types::{AttributeValue, TimeToLiveStatus};
use chrono::{Duration, Utc};
use kitchen_aws::supervisor::{CancellationToken, DropGuard};
use kitchen_aws::table::{CONTACT, EXPIRES_AT};
use kitchen_aws::worker::StoreWorker;
use kitchen_aws::Clients;
use kitchen_device::delivery::{Notifier, NotifyError};
use kitchen_device::live::{LiveDevice, LiveOptions};
use kitchen_domain::{OrderForm, Status};
use kitchen_store::{Delivery, Store};

use crate::common::*;

const ADDRESS: &str = "Rua Augusta, 1200";
const PHONE: &str = "+55 11 91234-5678";

struct Quiet;

impl Notifier for Quiet {
    fn notify(&self, _order: &Delivery) -> Result<(), NotifyError> {
        Ok(())
    }
}

async fn store_worker(clients: &Clients) -> DropGuard {
    let worker = StoreWorker::connect(clients)
        .await
        .expect("the store worker connects")
        .with_wait_seconds(1);
    let stop = CancellationToken::new();
    tokio::spawn(worker.run(stop.clone()));
    stop.drop_guard()
}

async fn scan(clients: &Clients) -> Vec<HashMap<String, AttributeValue>> {
    let out = clients
        .dynamodb
        .scan()
        .table_name(&clients.config.table_name)
        .send()
        .await
        .expect("the table scans");
    out.items().to_vec()
}

fn text<'a>(item: &'a HashMap<String, AttributeValue>, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

/// Every byte the device keeps in its data folder (database and log).
fn folder_holds(dir: &std::path::Path, needle: &str) -> bool {
    std::fs::read_dir(dir).unwrap().any(|entry| {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        bytes
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_reaches_only_the_driver_station_and_expires_while_the_history_stays() {
    let cloud = local_cloud().await;
    let _worker = store_worker(&cloud.clients).await;
    let config = cloud.clients.config.clone();
    let dir = tempfile::tempdir().unwrap();
    let (oven, drivers, pass) = (
        dir.path().join("oven-1"),
        dir.path().join("drivers-1"),
        dir.path().join("pass-1"),
    );
    let kitchen = LiveDevice::start(&oven, config.clone(), LiveOptions::device("oven-1"))
        .await
        .unwrap();
    let station = LiveDevice::start(
        &drivers,
        config.clone(),
        LiveOptions::device("drivers-1").driver_station(Arc::new(Quiet)),
    )
    .await
    .unwrap();
    let other_kitchen = LiveDevice::start(&pass, config.clone(), LiveOptions::device("pass-1"))
        .await
        .unwrap();

    let form = OrderForm {
        lines: vec!["2x Margherita (large)".into()],
        note: Some("cut in 8".into()),
        address: Some(ADDRESS.into()),
        phone: Some(PHONE.into()),
        delivery_note: Some("ring twice".into()),
    };
    let done = kitchen.record_new_order("7", "Ana", form).await.unwrap();
    let ready_at = Utc::now();
    kitchen.record_tap("7", "ready", "Ana", None).await.unwrap();

    // The driver station shows where it goes, read from the table's contact item.
    let shown = until_done(
        "the driver station showing order 7's address (address, phone, note)",
        STALL,
        || async {
            let lists = station.driver_lists().await.unwrap();
            let seven = lists.ready.iter().find(|o| o.order == "7").cloned();
            let seen = seven.map(|o| (o.address, o.phone, o.delivery_note));
            (seen.as_ref().is_some_and(|s| s.0.is_some()), seen)
        },
    )
    .await;
    assert_eq!(
        shown,
        Some((
            Some(ADDRESS.into()),
            Some(PHONE.into()),
            Some("ring twice".into())
        ))
    );

    // The other kitchen screen has the order, with what to cook, and no contact.
    until_done("the pass mirroring order 7 as ready", STALL, || async {
        let lists = other_kitchen.driver_lists().await.unwrap();
        let seven = lists.ready.iter().find(|o| o.order == "7").cloned();
        (seven.is_some(), seven.map(|o| o.address))
    })
    .await;
    let pass_view = other_kitchen.open_view().await.unwrap();
    let done_row = pass_view
        .iter()
        .find(|r| r.order == "7" && r.status == Status::OrderDone.as_str())
        .expect("the pass shows the order");
    let contents = done_row.contents.clone().expect("what to cook");
    assert_eq!(contents.note.as_deref(), Some("cut in 8"));
    assert_eq!(contents.address, None);
    assert_eq!(contents.phone, None);
    other_kitchen.stop().await;
    station.stop().await;
    kitchen.stop().await;
    assert!(
        !folder_holds(&pass, ADDRESS),
        "a kitchen screen never holds it"
    );
    assert!(!folder_holds(&pass, PHONE));

    // The table: the event keeps its history without the contact; the contact
    // item carries the time to live, 30 days (the default) after it was stored,
    // and sits in no index.
    let items = scan(&cloud.clients).await;
    let event = items
        .iter()
        .find(|i| text(i, "order") == Some("7") && text(i, "status") == Some("order done"))
        .expect("the order done event");
    let detail = text(event, "detail").unwrap();
    assert!(
        !detail.contains(ADDRESS) && !detail.contains(PHONE),
        "{detail}"
    );
    assert!(
        detail.contains("Margherita") && detail.contains("cut in 8"),
        "{detail}"
    );
    assert!(
        !event.contains_key(EXPIRES_AT),
        "the history does not expire"
    );
    let contact = items
        .iter()
        .find(|i| text(i, "status") == Some(CONTACT))
        .expect("the contact item");
    assert_eq!(text(contact, "address"), Some(ADDRESS));
    assert_eq!(text(contact, "event_id"), Some(done.event_id.as_str()));
    for index_key in ["day", "arrival_day", "time_event_id", "arrival_key"] {
        // Only the event's time_event_id is needed to order two order-done taps.
        if index_key == "time_event_id" {
            continue;
        }
        assert!(
            !contact.contains_key(index_key),
            "{index_key} puts it in an index"
        );
    }
    let expires: i64 = contact[EXPIRES_AT].as_n().unwrap().parse().unwrap();
    let expected = (ready_at + Duration::days(30)).timestamp();
    assert!((expires - expected).abs() < 120, "{expires} vs {expected}");
    let ttl = cloud
        .clients
        .dynamodb
        .describe_time_to_live()
        .table_name(&config.table_name)
        .send()
        .await
        .unwrap();
    let ttl = ttl.time_to_live_description().unwrap();
    assert_eq!(ttl.attribute_name(), Some(EXPIRES_AT));
    assert_eq!(ttl.time_to_live_status(), Some(&TimeToLiveStatus::Enabled));

    // The local prune honours it: 31 days on, the station no longer has the
    // contact, and the kitchen's own tap keeps what it was, not where it went.
    let later = Utc::now() + Duration::days(31);
    for folder in [&drivers, &oven] {
        let mut store = Store::open_in(folder).unwrap();
        while store
            .forget_personal_data(later, later.date_naive(), Duration::days(30), 100)
            .unwrap()
            .more
        {}
        let day = kitchen_domain::day_key(rule().day_of(ready_at));
        assert_eq!(store.contact(&day, "7", ready_at).unwrap(), None);
        let own = store.outbox_entries(true, 10).unwrap();
        for entry in own {
            assert!(!entry.detail.contains(ADDRESS), "{}", entry.detail);
            assert!(!entry.detail.contains(PHONE), "{}", entry.detail);
        }
    }
    let kept = Store::open_in(&oven)
        .unwrap()
        .outbox_entries(true, 10)
        .unwrap();
    assert!(
        kept.iter().any(|e| e.detail.contains("Margherita")),
        "what the order was stays"
    );
}

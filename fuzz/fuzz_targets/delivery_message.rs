//! One delivery queue message body, as the drivers' poller handles it
//! (`kitchen_device::delivery` hands each body to the store): classify, then
//! record or quarantine in a real SQLite store. Never a panic, never a database
//! error, and the store stays readable and consistent.

#![no_main]

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use kitchen_domain::{day_key, parse_envelope, BusinessDay, Status, DEFAULT_DAY_START_HOUR};
use kitchen_store::{classify_delivery_message, MessageOutcome, Store};
use libfuzzer_sys::fuzz_target;

/// Fresh databases now and then, so a long run does not fill the disk.
const MESSAGES_PER_DATABASE: u64 = 2_000;

struct Device {
    _dir: tempfile::TempDir,
    store: Store,
    handled: u64,
}

impl Device {
    fn new() -> Device {
        // On tmpfs where there is one: every commit is fsynced (synchronous=FULL).
        let dir = tempfile::tempdir_in("/dev/shm")
            .or_else(|_| tempfile::tempdir())
            .expect("a temporary folder");
        let store = Store::open_in(dir.path()).expect("a fresh store opens");
        Device {
            _dir: dir,
            store,
            handled: 0,
        }
    }
}

static DEVICE: Mutex<Option<Device>> = Mutex::new(None);

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let mut guard = DEVICE.lock().unwrap_or_else(|e| e.into_inner());
    if guard
        .as_ref()
        .is_none_or(|d| d.handled >= MESSAGES_PER_DATABASE)
    {
        *guard = Some(Device::new());
    }
    let device = guard.as_mut().unwrap();
    device.handled += 1;
    let origin = format!("waiting-delivery/m-{}", device.handled);
    let store = &mut device.store;
    let waiting_before = store.waiting_deliveries().expect("waiting list").len();

    // The poller's verdict agrees with the contract parser.
    let classified = classify_delivery_message(&body);
    match (&classified, parse_envelope(&body)) {
        (Ok(event), Ok(parsed)) => assert_eq!(event, &parsed),
        (Err(err), Ok(parsed)) => {
            assert_ne!(parsed.status, Status::Ready);
            assert_eq!(err.field(), Some("detail.status"));
        }
        (Err(err), Err(parse_err)) => assert_eq!(err, &parse_err),
        (Ok(_), Err(e)) => panic!("classified a body the parser rejects: {e}"),
    }

    // Producers that do not name the business day: the stack's default rule.
    let rule = BusinessDay::new("UTC", DEFAULT_DAY_START_HOUR).expect("the default rule");
    let day_of = |time| day_key(rule.day_of(time));
    let outcome = store
        .record_delivery_message(&origin, &body, Utc::now(), day_of)
        .unwrap_or_else(|e| panic!("the store failed on a message: {e}"));
    match (&outcome, &classified) {
        (MessageOutcome::New(delivery), Ok(event)) => {
            assert_eq!(delivery.event_id, event.event_id);
            assert_eq!(delivery.order, event.order);
            let day = event.day.clone().unwrap_or_else(|| day_of(event.time));
            assert_eq!(delivery.day, day);
            assert_eq!(delivery.client, event.client);
            assert_eq!(
                delivery.ready_at,
                event.time_key().parse::<DateTime<Utc>>().unwrap()
            );
            // A redelivery of the same body changes nothing.
            let again = store
                .record_delivery_message(&origin, &body, Utc::now(), day_of)
                .expect("redelivery");
            assert_eq!(again, MessageOutcome::Duplicate);
        }
        (MessageOutcome::Duplicate, Ok(event)) => {
            let kept = store.delivery(&event.event_id).expect("read a delivery");
            assert!(kept.is_some(), "a duplicate of an event never recorded");
        }
        (MessageOutcome::Quarantined(err), Err(classify_err)) => {
            assert_eq!(err, classify_err);
            let kept = store.quarantined(1).expect("read the quarantine");
            assert_eq!(kept.len(), 1);
            assert_eq!(kept[0].origin, origin);
            assert_eq!(kept[0].body, body);
            assert_eq!(kept[0].error, err.to_string());
        }
        (outcome, classified) => panic!("{outcome:?} for {classified:?}"),
    }

    // Every screen still reads the store, and no waiting order was lost.
    let waiting = store.waiting_deliveries().expect("waiting list after");
    assert!(
        waiting.len() >= waiting_before,
        "a waiting order disappeared"
    );
    if let MessageOutcome::New(delivery) = &outcome {
        assert!(waiting
            .iter()
            .any(|d| d.order == delivery.order && d.day == delivery.day));
    }
    store.deliveries_to_notify().expect("deliveries to notify");
});

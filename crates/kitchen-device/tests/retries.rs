//! Partial PutEvents failures, scripted with the SDK's own mock layer.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_eventbridge::operation::put_events::PutEventsOutput;
use aws_sdk_eventbridge::types::PutEventsResultEntry;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use chrono::Utc;
use kitchen_device::publisher::Publisher;
use kitchen_domain::Status;
use kitchen_store::{OutboxState, Store};

fn ok(id: usize) -> PutEventsResultEntry {
    PutEventsResultEntry::builder()
        .event_id(format!("ev-{id}"))
        .build()
}

fn failed(code: &str) -> PutEventsResultEntry {
    PutEventsResultEntry::builder()
        .error_code(code)
        .error_message("scripted")
        .build()
}

#[tokio::test]
async fn only_entries_that_failed_for_a_passing_reason_are_resent() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let mut ids = Vec::new();
    for order in 1..=5 {
        let tap = store
            .record_tap(
                Utc::now().date_naive(),
                &order.to_string(),
                Status::OrderDone,
                "Ana",
                "oven-1",
                Utc::now(),
            )
            .unwrap();
        ids.push(tap.event_id.to_string());
    }
    // Each call records the event ids it carried.
    let calls: Arc<Mutex<Vec<Vec<String>>>> = Arc::default();
    let seen = calls.clone();
    let rule = mock!(aws_sdk_eventbridge::Client::put_events).then_compute_output(move |input| {
        let carried: Vec<String> = input
            .entries()
            .iter()
            .map(|e| {
                let detail: serde_json::Value = serde_json::from_str(e.detail().unwrap()).unwrap();
                detail["event_id"].as_str().unwrap().to_owned()
            })
            .collect();
        let mut calls = seen.lock().unwrap();
        let first = calls.is_empty();
        calls.push(carried.clone());
        let entries = carried
            .iter()
            .enumerate()
            .map(|(i, _)| match (first, i) {
                (true, 1) => failed("ThrottlingException"),
                (true, 3) => failed("InternalFailure"),
                (true, 4) => failed("InvalidArgument"),
                _ => ok(i),
            })
            .collect::<Vec<_>>();
        let failures = entries.iter().filter(|e| e.error_code().is_some()).count() as i32;
        PutEventsOutput::builder()
            .set_entries(Some(entries))
            .failed_entry_count(failures)
            .build()
    });
    let events = mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&rule]);
    let mut publisher = Publisher::new(events, "pizzaria", store).with_concurrency(1);

    let first = publisher.drain().await.unwrap();
    assert_eq!((first.published, first.retrying, first.rejected), (2, 2, 1));
    // The retried entries wait out a short back-off, then go again.
    let started = std::time::Instant::now();
    while publisher.store().outbox_counts().unwrap().pending > 0
        && started.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
        publisher.drain().await.unwrap();
    }
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls[0], ids);
    // Each waits out its own jittered back-off, so they may go together or apart.
    let mut resent = calls[1..].concat();
    resent.sort();
    let mut expected = vec![ids[1].clone(), ids[3].clone()];
    expected.sort();
    assert_eq!(
        resent, expected,
        "only the two retryable failures are resent"
    );
    let counts = publisher.store().outbox_counts().unwrap();
    assert_eq!(
        (counts.published, counts.pending, counts.rejected),
        (4, 0, 1)
    );
    let refused = publisher.store().outbox_entries(false, 10).unwrap();
    assert_eq!(refused[0].event_id, ids[4]);
    assert_eq!(refused[0].state, OutboxState::Rejected);
    assert_eq!(
        refused[0].last_error.as_deref(),
        Some("InvalidArgument: scripted")
    );
}

#[tokio::test]
async fn a_tap_is_not_sent_before_the_earlier_tap_of_its_order_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    for status in Status::KITCHEN {
        store
            .record_tap(
                Utc::now().date_naive(),
                "42",
                status,
                "Ana",
                "oven-1",
                Utc::now(),
            )
            .unwrap();
    }
    let statuses: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = statuses.clone();
    let throttled_once = Arc::new(Mutex::new(false));
    let rule = mock!(aws_sdk_eventbridge::Client::put_events).then_compute_output(move |input| {
        assert_eq!(input.entries().len(), 1, "one tap of an order per call");
        let detail: serde_json::Value =
            serde_json::from_str(input.entries()[0].detail().unwrap()).unwrap();
        let status = detail["status"].as_str().unwrap().to_owned();
        let mut throttled = throttled_once.lock().unwrap();
        let entry = if status == "in the oven" && !*throttled {
            *throttled = true;
            failed("ThrottlingException")
        } else {
            seen.lock().unwrap().push(status);
            ok(0)
        };
        PutEventsOutput::builder().entries(entry).build()
    });
    let events = mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&rule]);
    let mut publisher = Publisher::new(events, "pizzaria", store);
    let started = std::time::Instant::now();
    while publisher.store().outbox_counts().unwrap().pending > 0
        && started.elapsed() < Duration::from_secs(10)
    {
        publisher.drain().await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let expected: Vec<String> = Status::KITCHEN.iter().map(|s| s.to_string()).collect();
    assert_eq!(*statuses.lock().unwrap(), expected);
}

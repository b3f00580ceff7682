//! Any body a queue can hand over: `parse_envelope` never panics, and what it
//! accepts obeys the contract (validated fields, a fixed-width time key).

#![no_main]

use chrono::{DateTime, SecondsFormat, Utc};
use kitchen_domain::{
    parse_envelope, validate_client, validate_device, validate_order, StatusEvent,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(event) = parse_envelope(body) else {
        return;
    };
    check_accepted(&event);
});

fn check_accepted(event: &StatusEvent) {
    // A whole-number order is kept as its digits; a string order passed validation.
    if event.order.parse::<i64>().is_err() && event.order.parse::<u64>().is_err() {
        assert_eq!(
            validate_order(&event.order).as_deref(),
            Ok(event.order.as_str())
        );
    }
    assert_eq!(
        validate_client(&event.client).as_deref(),
        Ok(event.client.as_str())
    );
    if let Some(device) = &event.device {
        assert_eq!(validate_device(device).as_deref(), Ok(device.as_str()));
    }
    assert!(!event.event_id.is_empty() && event.event_id.chars().count() <= 100);
    assert_eq!(event.status.as_str().parse(), Ok(event.status));

    // Sort keys compare as text in SQLite and DynamoDB: the time key must be
    // fixed-width and read back as the same instant (to the millisecond).
    let key = event.time_key();
    assert_eq!(
        key.len(),
        "2026-11-22T18:04:05.123Z".len(),
        "time key {key:?}"
    );
    let back = DateTime::parse_from_rfc3339(&key)
        .unwrap_or_else(|e| panic!("time key {key:?} does not parse back: {e}"))
        .with_timezone(&Utc);
    assert_eq!(
        back.to_rfc3339_opts(SecondsFormat::Millis, true),
        key,
        "time key round trip"
    );
    assert!(event.time_event_id().starts_with(&key));

    // What a consumer keeps (the mirror, the outbox views) serialises and reads back.
    let json = serde_json::to_string(event).expect("a StatusEvent serialises");
    let again: StatusEvent = serde_json::from_str(&json).expect("and reads back");
    assert_eq!(&again, event);
}

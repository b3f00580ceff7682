//! A tap from arbitrary fields: the validators never panic, and a tap they
//! accept becomes a `Detail` and an envelope that read back unchanged.
//!
//! Input: order, status, client, device, seq and time (milliseconds since the
//! epoch), separated by the ASCII unit separator (0x1F), so seeds stay readable
//! and fields may hold newlines and other control characters.

#![no_main]

use chrono::{DateTime, SecondsFormat, Utc};
use kitchen_domain::{
    parse_envelope, validate_client, validate_device, validate_order, BusinessDay, ContractError,
    Detail, Status, Tap, DEFAULT_DAY_START_HOUR, DETAIL_TYPE, SOURCE,
};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut fields = text.split('\u{1f}');
    let order = fields.next().unwrap_or_default();
    let status = fields.next().unwrap_or_default();
    let client = fields.next().unwrap_or_default();
    let device = fields.next().unwrap_or_default();
    let seq = fields
        .next()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0);
    let millis = fields
        .next()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(0);

    // Each validator is idempotent: what it returns, it accepts unchanged.
    for (validate, value) in [
        (
            validate_order as fn(&str) -> Result<String, ContractError>,
            order,
        ),
        (validate_client, client),
        (validate_device, device),
    ] {
        if let Ok(valid) = validate(value) {
            assert_eq!(validate(&valid).as_deref(), Ok(valid.as_str()));
        }
    }

    let status = match status.parse::<Status>() {
        Ok(parsed) => {
            assert_eq!(parsed.as_str(), status);
            assert_eq!(parsed.to_string(), status);
            let json = serde_json::to_string(&parsed).unwrap();
            assert_eq!(serde_json::from_str::<Status>(&json).unwrap(), parsed);
            parsed
        }
        Err(err) => {
            assert_eq!(err.field(), Some("status"));
            assert!(serde_json::from_value::<Status>(Value::String(status.into())).is_err());
            return;
        }
    };
    let Some(time) = DateTime::<Utc>::from_timestamp_millis(millis) else {
        return;
    };
    // The business day the device files the order under: the stack's default rule.
    let day = BusinessDay::new("UTC", DEFAULT_DAY_START_HOUR)
        .expect("the default rule")
        .day_of(time);
    let Ok(tap) = Tap::new(day, order, status, client, device, seq, time) else {
        return;
    };

    // The Detail PutEvents carries reads back field for field.
    let detail_json = tap.detail_json();
    let detail: Detail = serde_json::from_str(&detail_json).expect("a Detail reads back");
    assert_eq!(detail, tap.detail());

    // The envelope EventBridge makes of it parses to the tap, time to the millisecond.
    let envelope = json!({
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": DETAIL_TYPE,
        "source": SOURCE,
        "account": "123456789012",
        "time": tap.time.to_rfc3339_opts(SecondsFormat::Millis, true),
        "region": "us-east-1",
        "resources": [],
        "detail": serde_json::from_str::<Value>(&detail_json).unwrap(),
    })
    .to_string();
    let event = parse_envelope(&envelope)
        .unwrap_or_else(|e| panic!("an accepted tap's envelope is rejected: {e}\n{envelope}"));
    assert_eq!(event, tap.to_status_event());
});

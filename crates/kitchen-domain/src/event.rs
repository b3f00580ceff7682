//! Taps, the `Detail` they publish, and the envelopes consumers parse.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{day_key, parse_day, ContractError, OrderContents, Status};

/// EventBridge `Source` of every status event.
pub const SOURCE: &str = "com.pizza.status";
/// EventBridge `DetailType` of every status event.
pub const DETAIL_TYPE: &str = "Change in Pizza";
/// The schema version this build writes.
pub const SCHEMA_VERSION: &str = "1";
pub const MAX_ORDER_CHARS: usize = 64;
pub const MAX_CLIENT_CHARS: usize = 200;
pub const MAX_DEVICE_CHARS: usize = 64;
/// EventBridge's limit for one entry, and for one PutEvents call.
pub const MAX_ENTRY_BYTES: usize = 256 * 1024;
/// AWS counts an entry's `Time` as 14 bytes when it sizes the entry.
const TIME_BYTES: usize = 14;

/// One status change tapped on a device: what the outbox keeps and the bus receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tap {
    pub event_id: Uuid,
    pub order: String,
    pub status: Status,
    pub client: String,
    pub device: String,
    pub seq: u64,
    /// The moment of the tap, not of publishing: after every event of the order
    /// the device had seen (a hybrid logical clock), to the millisecond.
    pub time: DateTime<Utc>,
    /// The business day of the order: with the number, the order's identity.
    pub day: NaiveDate,
    /// What the order is, on an `order done` tap; empty otherwise.
    pub contents: OrderContents,
}

/// The `Detail` of a published event, field for field as the contract names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    pub order: String,
    pub status: Status,
    pub client: String,
    pub event_id: String,
    pub device: String,
    pub seq: u64,
    pub version: String,
    /// The order's business day, `YYYY-MM-DD` (additive in version 1; empty in
    /// taps recorded before taps carried it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub day: String,
    /// The tap's time to the millisecond; the envelope's `Time` has whole
    /// seconds only (additive in version 1).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub time: String,
    /// The order's lines, note, address, phone and delivery note, on an
    /// `order done` tap (additive in version 1; absent when empty).
    #[serde(flatten)]
    pub contents: OrderContents,
}

impl Tap {
    /// A new tap of the order `order` of business day `day` at `time`,
    /// validating every field. `seq` is the device's counter.
    pub fn new(
        day: NaiveDate,
        order: &str,
        status: Status,
        client: &str,
        device: &str,
        seq: u64,
        time: DateTime<Utc>,
    ) -> Result<Tap, ContractError> {
        let order = validate_order(order)?;
        let client = validate_client(client)?;
        let device = validate_device(device)?;
        let time = validate_time(time)?;
        Ok(Tap {
            event_id: Uuid::now_v7(),
            order,
            status,
            client,
            device,
            seq,
            time,
            day,
            contents: OrderContents::default(),
        })
    }

    /// The tap with the order's contents, checked: only an `order done` tap
    /// carries them.
    pub fn with_contents(mut self, contents: OrderContents) -> Result<Tap, ContractError> {
        self.contents = contents.validated(self.status)?;
        Ok(self)
    }

    pub fn detail(&self) -> Detail {
        Detail {
            order: self.order.clone(),
            status: self.status,
            client: self.client.clone(),
            event_id: self.event_id.to_string(),
            device: self.device.clone(),
            seq: self.seq,
            version: SCHEMA_VERSION.to_owned(),
            day: day_key(self.day),
            time: time_key(self.time),
            contents: self.contents.clone(),
        }
    }

    /// The `Detail` as the JSON string PutEvents takes.
    pub fn detail_json(&self) -> String {
        serde_json::to_string(&self.detail()).expect("a Detail always serialises")
    }

    /// The event a consumer will see once this tap is published.
    pub fn to_status_event(&self) -> StatusEvent {
        let detail = serde_json::to_value(self.detail()).expect("a Detail always serialises");
        StatusEvent {
            event_id: self.event_id.to_string(),
            order: self.order.clone(),
            status: self.status,
            client: self.client.clone(),
            time: self.time,
            device: Some(self.device.clone()),
            seq: Some(self.seq),
            version: SCHEMA_VERSION.to_owned(),
            day: Some(day_key(self.day)),
            detail,
        }
    }
}

/// The fixed-width UTC time used in sort keys: `2026-11-22T18:04:05.123Z`.
pub fn time_key(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The size AWS counts for a PutEvents entry with this detail.
pub fn entry_size(detail_json: &str) -> usize {
    TIME_BYTES + SOURCE.len() + DETAIL_TYPE.len() + detail_json.len()
}

/// A status event as a consumer reads it from an EventBridge envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusEvent {
    /// `detail.event_id`, or the envelope's `id` for producers that do not send one.
    pub event_id: String,
    pub order: String,
    pub status: Status,
    pub client: String,
    /// The moment of the tap: `detail.time` to the millisecond when the producer
    /// sent it, else the envelope's `time`.
    pub time: DateTime<Utc>,
    pub device: Option<String>,
    pub seq: Option<u64>,
    pub version: String,
    /// `detail.day`: the order's business day, when the producer said it.
    /// Producers of the original flow do not; the store function tells it from `time`.
    pub day: Option<String>,
    /// The detail exactly as received, so fields of newer versions are kept.
    pub detail: Value,
}

impl StatusEvent {
    /// What the order is, as its `order done` event said (checked when the
    /// event was read); empty for other events and for producers that do not
    /// send it.
    pub fn contents(&self) -> OrderContents {
        self.detail
            .as_object()
            .and_then(|fields| OrderContents::from_detail(fields, self.status).ok())
            .unwrap_or_default()
    }

    /// The fixed-width UTC time used in sort keys: `2026-11-22T18:04:05.123Z`.
    pub fn time_key(&self) -> String {
        time_key(self.time)
    }

    /// `time#event_id`: orders events of one (order, status) from older to newer.
    /// A UUIDv7 event id also orders taps made within the same millisecond.
    pub fn time_event_id(&self) -> String {
        format!("{}#{}", self.time_key(), self.event_id)
    }
}

/// Parses an EventBridge envelope (the body SQS delivers) into a validated event.
pub fn parse_envelope(body: &str) -> Result<StatusEvent, ContractError> {
    if body.len() > MAX_ENTRY_BYTES + 4096 {
        return Err(ContractError::TooLarge {
            size: body.len(),
            max: MAX_ENTRY_BYTES,
        });
    }
    let value: Value =
        serde_json::from_str(body).map_err(|e| ContractError::NotJson(e.to_string()))?;
    let envelope = value.as_object().ok_or(ContractError::WrongType {
        field: "envelope",
        expected: "a JSON object",
    })?;
    let source = required_str(envelope, "source", "source")?;
    if source != SOURCE {
        return Err(ContractError::Invalid {
            field: "source",
            reason: format!("expected {SOURCE:?}, got {source:?}"),
        });
    }
    let detail_type = required_str(envelope, "detail-type", "detail-type")?;
    if detail_type != DETAIL_TYPE {
        return Err(ContractError::Invalid {
            field: "detail-type",
            reason: format!("expected {DETAIL_TYPE:?}, got {detail_type:?}"),
        });
    }
    let id = required_str(envelope, "id", "id")?;
    let time = required_str(envelope, "time", "time")?;
    let time = DateTime::parse_from_rfc3339(time)
        .map_err(|e| ContractError::Invalid {
            field: "time",
            reason: format!("not an RFC 3339 timestamp ({e})"),
        })?
        .with_timezone(&Utc);
    let time = validate_time(time)?;
    let detail = envelope
        .get("detail")
        .ok_or(ContractError::Missing("detail"))?;
    parse_detail(detail, id, time)
}

/// Validates a `detail` object. `envelope_id` stands in for a missing `event_id`.
fn parse_detail(
    detail: &Value,
    envelope_id: &str,
    time: DateTime<Utc>,
) -> Result<StatusEvent, ContractError> {
    let fields = detail.as_object().ok_or(ContractError::WrongType {
        field: "detail",
        expected: "a JSON object",
    })?;
    let order = match fields.get("order") {
        None | Some(Value::Null) => return Err(ContractError::Missing("detail.order")),
        Some(Value::String(s)) => validate_order(s)?,
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => n.to_string(),
        Some(_) => {
            return Err(ContractError::WrongType {
                field: "detail.order",
                expected: "a string or a whole number",
            })
        }
    };
    let status: Status = required_str(fields, "status", "detail.status")?.parse()?;
    // Checked here, read where they are shown (`StatusEvent::contents`).
    OrderContents::from_detail(fields, status)?;
    let client = validate_client(required_str(fields, "client", "detail.client")?)?;
    let event_id = match optional_str(fields, "event_id", "detail.event_id")? {
        Some(id) => non_empty_within(id, "detail.event_id", 100)?,
        None => non_empty_within(envelope_id, "id", 100)?,
    };
    let device = optional_str(fields, "device", "detail.device")?
        .map(validate_device)
        .transpose()?;
    let seq = match fields.get("seq") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.is_u64() => n.as_u64(),
        Some(_) => {
            return Err(ContractError::WrongType {
                field: "detail.seq",
                expected: "a whole number ≥ 0",
            })
        }
    };
    let day = match optional_str(fields, "day", "detail.day")? {
        None => None,
        Some(text) => Some(
            parse_day(text)
                .map(day_key)
                .ok_or_else(|| ContractError::Invalid {
                    field: "detail.day",
                    reason: format!("{text:?} is not a day as YYYY-MM-DD"),
                })?,
        ),
    };
    let time = match optional_str(fields, "time", "detail.time")? {
        None => time,
        Some(text) => validate_time(
            DateTime::parse_from_rfc3339(text)
                .map_err(|e| ContractError::Invalid {
                    field: "detail.time",
                    reason: format!("not an RFC 3339 timestamp ({e})"),
                })?
                .with_timezone(&Utc),
        )
        .map_err(|_| ContractError::Invalid {
            field: "detail.time",
            reason: format!("{text:?} is outside the years 0000-9999 in UTC"),
        })?,
    };
    // Producers of the original flow send no version; a number is read as its text.
    let version = match fields.get("version") {
        None | Some(Value::Null) => SCHEMA_VERSION.to_owned(),
        Some(Value::String(v)) => non_empty_within(v, "detail.version", 16)?,
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => {
            return Err(ContractError::WrongType {
                field: "detail.version",
                expected: "a string",
            })
        }
    };
    Ok(StatusEvent {
        event_id,
        order,
        status,
        client,
        time,
        device,
        seq,
        version,
        day,
        detail: detail.clone(),
    })
}

/// A tap's time, in UTC, within the years 0000–9999: the range whose sort keys
/// (`time_key`) are fixed-width text that reads back as the same instant.
pub fn validate_time(time: DateTime<Utc>) -> Result<DateTime<Utc>, ContractError> {
    if (0..=9999).contains(&time.year()) {
        Ok(time)
    } else {
        Err(ContractError::Invalid {
            field: "time",
            reason: format!("year {} in UTC is outside 0000-9999", time.year()),
        })
    }
}

pub fn validate_order(order: &str) -> Result<String, ContractError> {
    non_empty_within(order.trim(), "order", MAX_ORDER_CHARS)
}

pub fn validate_client(client: &str) -> Result<String, ContractError> {
    non_empty_within(client.trim(), "client", MAX_CLIENT_CHARS)
}

pub fn validate_device(device: &str) -> Result<String, ContractError> {
    non_empty_within(device.trim(), "device", MAX_DEVICE_CHARS)
}

pub(crate) fn non_empty_within(
    value: &str,
    field: &'static str,
    max: usize,
) -> Result<String, ContractError> {
    if value.is_empty() {
        return Err(ContractError::Empty(field));
    }
    let len = value.chars().count();
    if len > max {
        return Err(ContractError::TooLong { field, len, max });
    }
    // A line break or an escape sequence in a name would forge log lines,
    // CSV rows and terminal output.
    if value.chars().any(char::is_control) {
        return Err(ContractError::Invalid {
            field,
            reason: "contains control characters".into(),
        });
    }
    Ok(value.to_owned())
}

fn required_str<'a>(
    fields: &'a Map<String, Value>,
    key: &str,
    field: &'static str,
) -> Result<&'a str, ContractError> {
    optional_str(fields, key, field)?.ok_or(ContractError::Missing(field))
}

fn optional_str<'a>(
    fields: &'a Map<String, Value>,
    key: &str,
    field: &'static str,
) -> Result<Option<&'a str>, ContractError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ContractError::WrongType {
            field,
            expected: "a string",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn tap(status: Status) -> Tap {
        Tap::new(
            day(),
            "42",
            status,
            "Ana",
            "kitchen-1",
            7,
            "2026-11-22T18:04:05.123Z".parse().unwrap(),
        )
        .unwrap()
    }

    /// The envelope EventBridge hands to SQS for a published tap.
    fn envelope_of(tap: &Tap) -> String {
        json!({
            "version": "0",
            "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
            "detail-type": DETAIL_TYPE,
            "source": SOURCE,
            "account": "123456789012",
            "time": tap.time.to_rfc3339_opts(SecondsFormat::Secs, true),
            "region": "us-east-1",
            "resources": [],
            "detail": serde_json::from_str::<Value>(&tap.detail_json()).unwrap(),
        })
        .to_string()
    }

    fn envelope_with_detail(detail: Value) -> String {
        json!({
            "id": "env-1", "detail-type": DETAIL_TYPE, "source": SOURCE,
            "time": "2026-11-22T18:04:05Z", "detail": detail,
        })
        .to_string()
    }

    #[test]
    fn an_order_done_round_trips_with_and_without_its_contents() {
        let contents = OrderContents {
            lines: vec!["2x Margherita (large) + olives".parse().unwrap()],
            note: Some("cut in 8".into()),
            address: Some("Rua Augusta, 1200".into()),
            phone: Some("+55 11 91234-5678".into()),
            delivery_note: Some("ring twice".into()),
        };
        let with = tap(Status::OrderDone)
            .with_contents(contents.clone())
            .unwrap();
        let event = parse_envelope(&envelope_of(&with)).unwrap();
        assert_eq!(event.contents(), contents);
        assert_eq!(event.detail["lines"][0]["item"], "Margherita");
        // Without them the detail is as before: no new key at all.
        let without = tap(Status::OrderDone);
        assert!(!without.detail_json().contains("lines"));
        let event = parse_envelope(&envelope_of(&without)).unwrap();
        assert!(event.contents().is_empty());
        // Only an "order done" carries them.
        let ready = tap(Status::Ready).with_contents(contents);
        assert_eq!(ready.unwrap_err().field(), Some("lines"));
    }

    #[test]
    fn an_event_with_bad_contents_is_refused_naming_the_field() {
        let mut detail = serde_json::to_value(tap(Status::OrderDone).detail()).unwrap();
        detail["lines"] = serde_json::json!([{ "quantity": 0, "item": "Margherita" }]);
        let err = parse_envelope(&envelope_with_detail(detail.clone())).unwrap_err();
        assert_eq!(err.field(), Some("lines.quantity"));
        detail["lines"] = serde_json::json!([]);
        detail["phone"] = serde_json::json!("ring me");
        let err = parse_envelope(&envelope_with_detail(detail)).unwrap_err();
        assert_eq!(err.field(), Some("phone"));
    }

    #[test]
    fn every_status_round_trips_from_tap_to_envelope() {
        for status in Status::ALL {
            let tap = tap(status);
            let event = parse_envelope(&envelope_of(&tap)).unwrap();
            assert_eq!(event.status, status);
            assert_eq!(event.order, "42");
            assert_eq!(event.client, "Ana");
            assert_eq!(event.event_id, tap.event_id.to_string());
            assert_eq!(event.device.as_deref(), Some("kitchen-1"));
            assert_eq!(event.seq, Some(7));
            assert_eq!(event.version, "1");
            assert_eq!(event.day.as_deref(), Some("2026-11-22"));
            // The envelope has whole seconds; the detail keeps the millisecond.
            assert_eq!(
                event.time,
                "2026-11-22T18:04:05.123Z".parse::<DateTime<Utc>>().unwrap()
            );
        }
    }

    #[test]
    fn two_taps_in_one_second_keep_their_order_through_the_envelope() {
        let first = tap(Status::InTheOven);
        let mut undo = tap(Status::Preparing);
        undo.time = first.time + chrono::Duration::milliseconds(400);
        let (a, b) = (
            parse_envelope(&envelope_of(&first)).unwrap(),
            parse_envelope(&envelope_of(&undo)).unwrap(),
        );
        assert!(a.time < b.time, "{} then {}", a.time_key(), b.time_key());
    }

    #[test]
    fn a_bad_day_or_time_in_the_detail_is_named() {
        for (field, value) in [
            ("day", json!("2026-13-01")),
            ("day", json!(20261201)),
            ("time", json!("yesterday")),
        ] {
            let mut detail = json!({"order": "1", "status": "ready", "client": "A"});
            detail[field] = value;
            let err = parse_envelope(&envelope_with_detail(detail)).unwrap_err();
            assert_eq!(
                err.field(),
                Some(if field == "day" {
                    "detail.day"
                } else {
                    "detail.time"
                }),
                "{err}"
            );
        }
    }

    #[test]
    fn a_reader_of_the_original_flow_finds_its_four_fields() {
        // The original consumer reads detail.order, detail.status, detail.client and time.
        let body: Value = serde_json::from_str(&envelope_of(&tap(Status::Ready))).unwrap();
        assert_eq!(body["detail"]["order"], "42");
        assert_eq!(body["detail"]["status"], "ready");
        assert_eq!(body["detail"]["client"], "Ana");
        assert!(body["time"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-22T18:04:05"));
    }

    #[test]
    fn original_schema_events_are_accepted_with_the_envelope_id() {
        let body =
            envelope_with_detail(json!({"order": 17, "status": "in the oven", "client": "Bia"}));
        let event = parse_envelope(&body).unwrap();
        assert_eq!(event.order, "17");
        assert_eq!(event.event_id, "env-1");
        assert_eq!(event.device, None);
        assert_eq!(event.seq, None);
        assert_eq!(event.version, "1");
        assert_eq!(event.day, None);
    }

    #[test]
    fn newer_versions_keep_their_unknown_fields() {
        let detail = json!({"order": "9", "status": "ready", "client": "Caio", "version": "2", "oven": {"slot": 3}});
        let event = parse_envelope(&envelope_with_detail(detail.clone())).unwrap();
        assert_eq!(event.version, "2");
        assert_eq!(event.detail, detail);
    }

    #[test]
    fn each_kind_of_bad_input_names_its_field() {
        let cases: Vec<(String, ContractError)> = vec![
            ("not json".into(), ContractError::NotJson(String::new())),
            (
                "[1,2]".into(),
                ContractError::WrongType {
                    field: "envelope",
                    expected: "a JSON object",
                },
            ),
            (
                envelope_with_detail(json!({"status": "ready", "client": "A"})),
                ContractError::Missing("detail.order"),
            ),
            (
                envelope_with_detail(json!({"order": "1", "client": "A"})),
                ContractError::Missing("detail.status"),
            ),
            (
                envelope_with_detail(json!({"order": "1", "status": "ready"})),
                ContractError::Missing("detail.client"),
            ),
            (
                envelope_with_detail(json!({"order": "1", "status": "baking", "client": "A"})),
                ContractError::UnknownStatus("baking".into()),
            ),
            (
                envelope_with_detail(json!({"order": "", "status": "ready", "client": "A"})),
                ContractError::Empty("order"),
            ),
            (
                envelope_with_detail(json!({"order": "1", "status": "ready", "client": "  "})),
                ContractError::Empty("client"),
            ),
            (
                envelope_with_detail(
                    json!({"order": "x".repeat(65), "status": "ready", "client": "A"}),
                ),
                ContractError::TooLong {
                    field: "order",
                    len: 65,
                    max: 64,
                },
            ),
            (
                envelope_with_detail(
                    json!({"order": "1", "status": "ready", "client": "c".repeat(201)}),
                ),
                ContractError::TooLong {
                    field: "client",
                    len: 201,
                    max: 200,
                },
            ),
            (
                envelope_with_detail(json!({"order": 1.5, "status": "ready", "client": "A"})),
                ContractError::WrongType {
                    field: "detail.order",
                    expected: "a string or a whole number",
                },
            ),
            (
                envelope_with_detail(json!({"order": "1", "status": 3, "client": "A"})),
                ContractError::WrongType {
                    field: "detail.status",
                    expected: "a string",
                },
            ),
            (
                envelope_with_detail(json!({"order": "1", "status": "ready", "client": ["A"]})),
                ContractError::WrongType {
                    field: "detail.client",
                    expected: "a string",
                },
            ),
            (
                envelope_with_detail(
                    json!({"order": "1", "status": "ready", "client": "A", "seq": -1}),
                ),
                ContractError::WrongType {
                    field: "detail.seq",
                    expected: "a whole number ≥ 0",
                },
            ),
            (
                envelope_with_detail(json!("a string")),
                ContractError::WrongType {
                    field: "detail",
                    expected: "a JSON object",
                },
            ),
        ];
        for (body, expected) in cases {
            let err = parse_envelope(&body).unwrap_err();
            match expected {
                ContractError::NotJson(_) => {
                    assert!(matches!(err, ContractError::NotJson(_)), "{err}")
                }
                expected => assert_eq!(err, expected, "for body {body}"),
            }
            if let Some(field) = err.field() {
                assert!(
                    err.to_string().contains(field.rsplit('.').next().unwrap()),
                    "{err}"
                );
            }
        }
    }

    #[test]
    fn envelope_without_time_or_with_other_source_is_rejected() {
        let no_time = json!({"id": "e", "detail-type": DETAIL_TYPE, "source": SOURCE,
            "detail": {"order": "1", "status": "ready", "client": "A"}})
        .to_string();
        assert_eq!(
            parse_envelope(&no_time).unwrap_err(),
            ContractError::Missing("time")
        );
        let bad_time = no_time.replace("\"id\"", "\"time\":\"yesterday\",\"id\"");
        assert!(matches!(
            parse_envelope(&bad_time).unwrap_err(),
            ContractError::Invalid { field: "time", .. }
        ));
        let other = envelope_with_detail(json!({})).replace(SOURCE, "com.other");
        assert!(matches!(
            parse_envelope(&other).unwrap_err(),
            ContractError::Invalid {
                field: "source",
                ..
            }
        ));
    }

    #[test]
    fn times_whose_utc_year_leaves_0000_to_9999_are_rejected() {
        // The offset moves these past the four-digit years in UTC: their sort keys
        // ("+10000-…", "-0001-…") neither sort with the others nor read back.
        for time in ["9999-12-31T23:30:00-01:00", "0000-01-01T00:30:00+01:00"] {
            let body =
                envelope_with_detail(json!({"order": "1", "status": "ready", "client": "A"}))
                    .replace("2026-11-22T18:04:05Z", time);
            let err = parse_envelope(&body).unwrap_err();
            assert!(
                matches!(err, ContractError::Invalid { field: "time", .. }),
                "{err}"
            );
        }
        for time in ["9999-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z"] {
            let body =
                envelope_with_detail(json!({"order": "1", "status": "ready", "client": "A"}))
                    .replace("2026-11-22T18:04:05Z", time);
            let event = parse_envelope(&body).unwrap();
            assert_eq!(event.time_key().len(), 24, "{}", event.time_key());
        }
        let far = DateTime::from_timestamp(253_402_300_800, 0).unwrap(); // 10000-01-01
        assert!(matches!(
            Tap::new(day(), "1", Status::Ready, "A", "d", 1, far).unwrap_err(),
            ContractError::Invalid { field: "time", .. }
        ));
    }

    #[test]
    fn numbers_of_a_newer_version_are_kept_to_the_bit() {
        // Found by fuzzing: serde_json's default (approximate) float parsing kept
        // such numbers one bit off, and re-serialising the detail could change them.
        let body = envelope_with_detail(json!({"order": "9", "status": "ready", "client": "C"}))
            .replace(
                "\"order\"",
                "\"temps\":[16666466.32266666666666,166666666666666220E-1],\"order\"",
            );
        let event = parse_envelope(&body).unwrap();
        // The standard library parses exactly: the reference for what was sent.
        for (i, sent) in ["16666466.32266666666666", "166666666666666220E-1"]
            .into_iter()
            .enumerate()
        {
            let exact: f64 = sent.parse().unwrap();
            assert_eq!(event.detail["temps"][i].as_f64(), Some(exact), "{sent}");
        }
        let kept = serde_json::to_string(&event.detail).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&kept).unwrap(), event.detail);
    }

    #[test]
    fn huge_body_is_rejected_before_parsing() {
        let body = envelope_with_detail(
            json!({"order": "1", "status": "ready", "client": "x".repeat(300 * 1024)}),
        );
        assert!(matches!(
            parse_envelope(&body).unwrap_err(),
            ContractError::TooLarge { .. }
        ));
    }

    #[test]
    fn tap_rejects_bad_fields_by_name() {
        let now = Utc::now();
        assert_eq!(
            Tap::new(day(), " ", Status::Ready, "A", "d", 1, now).unwrap_err(),
            ContractError::Empty("order")
        );
        assert_eq!(
            Tap::new(day(), "1", Status::Ready, "", "d", 1, now).unwrap_err(),
            ContractError::Empty("client")
        );
        assert_eq!(
            Tap::new(day(), "1", Status::Ready, "A", "", 1, now).unwrap_err(),
            ContractError::Empty("device")
        );
        assert!(matches!(
            Tap::new(day(), "1\n2", Status::Ready, "A", "d", 1, now).unwrap_err(),
            ContractError::Invalid { field: "order", .. }
        ));
        for client in ["Ana\nFAKE LOG LINE", "Ana\u{1b}[31m", "Ana\tB", "Ana\u{7f}"] {
            let err = Tap::new(day(), "1", Status::Ready, client, "d", 1, now).unwrap_err();
            assert_eq!(
                err,
                ContractError::Invalid {
                    field: "client",
                    reason: "contains control characters".into()
                },
                "{client:?}"
            );
        }
        assert!(matches!(
            Tap::new(day(), "1", Status::Ready, "A", "oven\r1", 1, now).unwrap_err(),
            ContractError::Invalid {
                field: "device",
                ..
            }
        ));
        // Letters of every language are not control characters.
        assert!(Tap::new(day(), "1", Status::Ready, "João Ñandú 王", "d", 1, now).is_ok());
    }

    #[test]
    fn time_event_id_sorts_older_taps_first() {
        let first = tap(Status::Ready);
        let mut second = tap(Status::Ready);
        second.time = first.time + chrono::Duration::milliseconds(1);
        assert!(first.to_status_event().time_event_id() < second.to_status_event().time_event_id());
        // Same instant: the UUIDv7 made later sorts later.
        let same = tap(Status::Ready);
        assert!(first.to_status_event().time_event_id() < same.to_status_event().time_event_id());
    }
}

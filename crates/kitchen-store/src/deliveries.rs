//! Ready orders taken from the delivery queue: recorded once per event, notified
//! at most once per order on this device, listed while they wait for a driver;
//! and the queue messages that could not be read, kept in quarantine.

use chrono::{DateTime, SecondsFormat, Utc};
use kitchen_domain::{parse_envelope, ContractError, Status, StatusEvent};
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};
use serde::Serialize;

pub use kitchen_domain::Delivery;

use crate::{Store, StoreError};

/// A queue message that could not be read, kept with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantinedMessage {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    /// Where it came from, e.g. `waiting-delivery/<message id>`.
    pub origin: String,
    pub body: String,
    pub error: String,
}

/// What became of one delivery queue message in this database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageOutcome {
    /// A ready order seen for the first time.
    New(Delivery),
    /// An event already recorded (a redelivery).
    Duplicate,
    /// Unreadable, or not a `ready` event: kept in quarantine with the reason.
    Quarantined(ContractError),
}

/// Reads one delivery queue message body: a valid envelope of a `ready` event,
/// or the contract error naming the field at fault.
pub fn classify_delivery_message(body: &str) -> Result<StatusEvent, ContractError> {
    let event = parse_envelope(body)?;
    if event.status != Status::Ready {
        return Err(ContractError::Invalid {
            field: "detail.status",
            reason: format!(
                "only `ready` events belong on the delivery queue, got {:?}",
                event.status.as_str()
            ),
        });
    }
    Ok(event)
}

/// Statuses after which an order no longer waits for a driver.
const PICKED_UP_OR_LATER: [Status; 3] = [Status::PickedUp, Status::Delivered, Status::Cancelled];

const DELIVERY_COLUMNS: &str =
    "event_id, order_id, client, ready_at, received_at, notified_at, order_day";

fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_time(row: &Row<'_>, index: usize) -> rusqlite::Result<DateTime<Utc>> {
    let text: String = row.get(index)?;
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, e.into())
        })
}

fn delivery_from_row(row: &Row<'_>) -> rusqlite::Result<Delivery> {
    let notified_at: Option<String> = row.get(5)?;
    Ok(Delivery {
        event_id: row.get(0)?,
        day: row.get::<_, Option<String>>(6)?.unwrap_or_default(),
        order: row.get(1)?,
        client: row.get(2)?,
        ready_at: parse_time(row, 3)?,
        received_at: parse_time(row, 4)?,
        notified_at: match notified_at {
            Some(_) => Some(parse_time(row, 5)?),
            None => None,
        },
    })
}

/// The waiting orders' rows: the newest `ready` of each order (day and number)
/// that neither the mirror nor this device's own taps show as picked up,
/// delivered or cancelled.
fn waiting_sql(extra_filter: &str) -> String {
    let later = PICKED_UP_OR_LATER
        .iter()
        // sql-from-constants: the contract's fixed status phrases, as SQL literals.
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    // sql-from-constants: the column list, those phrases and the callers' literal filters.
    format!(
        "SELECT {DELIVERY_COLUMNS} FROM deliveries d
         WHERE d.ready_at = (SELECT MAX(ready_at) FROM deliveries
                             WHERE order_day IS d.order_day AND order_id = d.order_id)
           AND NOT EXISTS (SELECT 1 FROM mirror_items m
                           WHERE m.day = d.order_day AND m.order_id = d.order_id
                             AND m.status IN ({later}) AND m.time > d.ready_at)
           AND NOT EXISTS (SELECT 1 FROM outbox o
                           WHERE o.order_day = d.order_day AND o.order_id = d.order_id
                             AND o.status IN ({later}) AND o.tapped_at > d.ready_at
                             AND o.state != 'rejected')
           {extra_filter}
         GROUP BY d.order_day, d.order_id
         ORDER BY d.ready_at, d.event_id"
    )
}

impl Store {
    /// Records a ready order of business day `day` received from the delivery
    /// queue. Idempotent on `event_id`: returns `true` only the first time this
    /// event is seen.
    pub fn record_delivery(
        &mut self,
        event: &StatusEvent,
        day: &str,
        received_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        if event.status != Status::Ready {
            return Err(ContractError::Invalid {
                field: "detail.status",
                reason: format!(
                    "a delivery must be `ready`, got {:?}",
                    event.status.as_str()
                ),
            }
            .into());
        }
        let inserted = self.conn.execute(
            "INSERT INTO deliveries (event_id, order_id, client, ready_at, received_at, order_day)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (event_id) DO NOTHING",
            params![
                event.event_id,
                event.order,
                event.client,
                event.time_key(),
                timestamp(received_at),
                day,
            ],
        )?;
        Ok(inserted == 1)
    }

    /// Records one delivery queue message received from `origin`
    /// (`<queue>/<message id>`): a new ready order, a duplicate, or quarantined.
    /// `day_of` tells an order's business day from its time, for producers that
    /// do not say it. After `Ok` the message is safe to delete; an error leaves
    /// it on the queue.
    pub fn record_delivery_message(
        &mut self,
        origin: &str,
        body: &str,
        received_at: DateTime<Utc>,
        day_of: impl Fn(DateTime<Utc>) -> String,
    ) -> Result<MessageOutcome, StoreError> {
        let event = match classify_delivery_message(body) {
            Ok(event) => event,
            Err(error) => {
                self.quarantine(origin, body, &error.to_string(), received_at)?;
                return Ok(MessageOutcome::Quarantined(error));
            }
        };
        let day = event.day.clone().unwrap_or_else(|| day_of(event.time));
        if !self.record_delivery(&event, &day, received_at)? {
            return Ok(MessageOutcome::Duplicate);
        }
        match self.delivery(&event.event_id)? {
            Some(delivery) => Ok(MessageOutcome::New(delivery)),
            // Inserted just now by this connection: gone only if deleted meanwhile.
            None => Ok(MessageOutcome::Duplicate),
        }
    }

    /// Claims the notification of a delivery's order. Returns `true` at most once
    /// per order (business day and number), across restarts: callers notify only
    /// when it does.
    pub fn mark_notified(&mut self, event_id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let order: Option<(Option<String>, String)> = tx
            .query_row(
                "SELECT order_day, order_id FROM deliveries WHERE event_id = ?1",
                [event_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((day, order)) = order else {
            return Ok(false);
        };
        let already: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM deliveries
                            WHERE order_day IS ?1 AND order_id = ?2 AND notified_at IS NOT NULL)",
            params![day, order],
            |row| row.get(0),
        )?;
        if already {
            return Ok(false);
        }
        tx.execute(
            "UPDATE deliveries SET notified_at = ?2 WHERE event_id = ?1",
            params![event_id, timestamp(at)],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Ready orders waiting for a driver, oldest first: one row per order.
    pub fn waiting_deliveries(&self) -> Result<Vec<Delivery>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&waiting_sql(""))?;
        let rows = stmt.query_map([], delivery_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Waiting orders no notification was shown for yet, oldest first: the new
    /// ones, and any a crash left between recording and notifying.
    pub fn deliveries_to_notify(&self) -> Result<Vec<Delivery>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&waiting_sql(
            "AND NOT EXISTS (SELECT 1 FROM deliveries n
                             WHERE n.order_day IS d.order_day AND n.order_id = d.order_id
                               AND n.notified_at IS NOT NULL)",
        ))?;
        let rows = stmt.query_map([], delivery_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One delivery by event id.
    pub fn delivery(&self, event_id: &str) -> Result<Option<Delivery>, StoreError> {
        Ok(self
            .conn
            .query_row(
                // sql-from-constants: the column list.
                &format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE event_id = ?1"),
                [event_id],
                delivery_from_row,
            )
            .optional()?)
    }

    /// Keeps a message that could not be read, with the reason; returns its id.
    pub fn quarantine(
        &mut self,
        origin: &str,
        body: &str,
        error: &str,
        received_at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO quarantine (received_at, origin, body, error) VALUES (?1, ?2, ?3, ?4)",
            params![timestamp(received_at), origin, body, error],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The quarantined messages, newest first.
    pub fn quarantined(&self, limit: usize) -> Result<Vec<QuarantinedMessage>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, received_at, origin, body, error FROM quarantine
             ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |row| {
            Ok(QuarantinedMessage {
                id: row.get(0)?,
                received_at: parse_time(row, 1)?,
                origin: row.get(2)?,
                body: row.get(3)?,
                error: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_store as store;
    use crate::MirrorRow;
    use chrono::Duration;
    use kitchen_domain::Tap;

    const DAY: &str = "2026-03-14";

    fn date() -> chrono::NaiveDate {
        kitchen_domain::parse_day(DAY).unwrap()
    }

    fn day_of(_: DateTime<Utc>) -> String {
        DAY.to_owned()
    }

    fn ready(order: &str, client: &str, at: DateTime<Utc>) -> StatusEvent {
        Tap::new(date(), order, Status::Ready, client, "oven-1", 1, at)
            .unwrap()
            .to_status_event()
    }

    fn mirror(order: &str, status: Status, at: DateTime<Utc>) -> MirrorRow {
        let time = timestamp(at);
        MirrorRow {
            order: order.into(),
            status: status.as_str().into(),
            client: "Ana".into(),
            day: DAY.into(),
            event_id: format!("e-{order}-{}", status.as_str()),
            device: Some("driver-1".into()),
            seq: Some(1),
            version: "1".into(),
            time_event_id: format!("{time}#e"),
            detail: "{}".into(),
            stored_at: None,
            ahead_ms: None,
            time,
        }
    }

    #[test]
    fn a_delivery_is_recorded_once_per_event_and_survives_a_restart() {
        let (dir, mut store) = store();
        let now = Utc::now();
        let event = ready("42", "Ana", now - Duration::minutes(3));
        assert!(store.record_delivery(&event, DAY, now).unwrap());
        assert!(
            !store.record_delivery(&event, DAY, now).unwrap(),
            "a redelivery"
        );
        drop(store);
        let store = Store::open_in(dir.path()).unwrap();
        let waiting = store.waiting_deliveries().unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(
            (waiting[0].order.as_str(), waiting[0].client.as_str()),
            ("42", "Ana")
        );
        assert_eq!(waiting[0].event_id, event.event_id);
        assert_eq!(waiting[0].waiting_for(now).num_minutes(), 3);
    }

    #[test]
    fn only_ready_events_are_deliveries() {
        let (_dir, mut store) = store();
        let mut event = ready("1", "Ana", Utc::now());
        event.status = Status::Preparing;
        let err = store.record_delivery(&event, DAY, Utc::now()).unwrap_err();
        assert!(err.to_string().contains("detail.status"), "{err}");
        assert!(store.waiting_deliveries().unwrap().is_empty());
    }

    #[test]
    fn an_order_notifies_at_most_once_even_when_ready_twice() {
        let (dir, mut store) = store();
        let now = Utc::now();
        let first = ready("7", "Bia", now);
        let again = ready("7", "Bia", now + Duration::seconds(30));
        store.record_delivery(&first, DAY, now).unwrap();
        assert_eq!(store.deliveries_to_notify().unwrap().len(), 1);
        assert!(store.mark_notified(&first.event_id, now).unwrap());
        assert!(!store.mark_notified(&first.event_id, now).unwrap());
        store.record_delivery(&again, DAY, now).unwrap();
        drop(store);
        let mut store = Store::open_in(dir.path()).unwrap();
        assert!(store.deliveries_to_notify().unwrap().is_empty());
        assert!(!store.mark_notified(&again.event_id, now).unwrap());
        assert!(!store.mark_notified("no-such-event", now).unwrap());
        let waiting = store.waiting_deliveries().unwrap();
        assert_eq!(waiting.len(), 1, "one row per order");
        assert_eq!(waiting[0].day, DAY);
        assert_eq!(waiting[0].event_id, again.event_id, "the newest ready");
        assert!(store
            .delivery(&first.event_id)
            .unwrap()
            .unwrap()
            .notified_at
            .is_some());
    }

    #[test]
    fn the_same_number_on_another_day_notifies_again() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        let yesterday = ready("860001", "Ana", now - Duration::days(1));
        store
            .record_delivery(&yesterday, "2026-03-13", now)
            .unwrap();
        assert!(store.mark_notified(&yesterday.event_id, now).unwrap());
        let today = ready("860001", "Bia", now);
        store.record_delivery(&today, DAY, now).unwrap();
        let to_notify = store.deliveries_to_notify().unwrap();
        assert_eq!(to_notify.len(), 1);
        assert_eq!(
            (to_notify[0].day.as_str(), to_notify[0].client.as_str()),
            (DAY, "Bia")
        );
        assert!(store.mark_notified(&today.event_id, now).unwrap());
    }

    #[test]
    fn waiting_orders_are_oldest_first_and_leave_once_picked_up() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        for (order, minutes) in [("1", 2), ("2", 9), ("3", 5), ("4", 1)] {
            store
                .record_delivery(
                    &ready(order, "Ana", now - Duration::minutes(minutes)),
                    DAY,
                    now,
                )
                .unwrap();
        }
        let orders = |store: &Store| {
            store
                .waiting_deliveries()
                .unwrap()
                .into_iter()
                .map(|d| d.order)
                .collect::<Vec<_>>()
        };
        assert_eq!(orders(&store), ["2", "3", "1", "4"]);
        // Picked up on another device (seen through the mirror), on this one, or cancelled.
        store
            .upsert_mirror_rows(&[mirror("2", Status::PickedUp, now)], now)
            .unwrap();
        store
            .record_tap(date(), "3", Status::PickedUp, "Ana", "driver-1", now)
            .unwrap();
        store
            .upsert_mirror_rows(&[mirror("4", Status::Cancelled, now)], now)
            .unwrap();
        assert_eq!(orders(&store), ["1"]);
        let to_notify: Vec<String> = store
            .deliveries_to_notify()
            .unwrap()
            .into_iter()
            .map(|d| d.order)
            .collect();
        assert_eq!(to_notify, ["1"]);
    }

    fn envelope(time: &str, detail: serde_json::Value) -> String {
        serde_json::json!({
            "id": "env-1", "detail-type": "Change in Pizza", "source": "com.pizza.status",
            "time": time, "detail": detail,
        })
        .to_string()
    }

    #[test]
    fn only_ready_envelopes_are_delivery_messages() {
        let ready = envelope(
            "2026-11-22T18:04:05Z",
            serde_json::json!({"order": "42", "status": "ready", "client": "Ana"}),
        );
        assert_eq!(classify_delivery_message(&ready).unwrap().order, "42");
        let preparing = ready.replace("\"ready\"", "\"preparing\"");
        let err = classify_delivery_message(&preparing).unwrap_err();
        assert_eq!(err.field(), Some("detail.status"));
        assert!(matches!(
            classify_delivery_message("{").unwrap_err(),
            ContractError::NotJson(_)
        ));
    }

    #[test]
    fn a_message_is_recorded_once_and_a_bad_one_is_quarantined() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        let body = envelope(
            "2026-11-22T18:04:05Z",
            serde_json::json!({"order": "42", "status": "ready", "client": "Ana", "event_id": "e-1"}),
        );
        let MessageOutcome::New(delivery) = store
            .record_delivery_message("q/m-1", &body, now, day_of)
            .unwrap()
        else {
            panic!("a new ready order")
        };
        assert_eq!(
            (delivery.event_id.as_str(), delivery.order.as_str()),
            ("e-1", "42")
        );
        assert_eq!(
            store
                .record_delivery_message("q/m-2", &body, now, day_of)
                .unwrap(),
            MessageOutcome::Duplicate
        );
        assert!(matches!(
            store
                .record_delivery_message("q/m-3", "not json", now, day_of)
                .unwrap(),
            MessageOutcome::Quarantined(ContractError::NotJson(_))
        ));
        let kept = store.quarantined(10).unwrap();
        assert_eq!(
            (kept.len(), kept[0].origin.as_str(), kept[0].body.as_str()),
            (1, "q/m-3", "not json")
        );
        assert_eq!(store.waiting_deliveries().unwrap().len(), 1);
    }

    #[test]
    fn a_quarantined_message_is_kept_with_its_reason() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        let id = store
            .quarantine(
                "waiting-delivery/m-1",
                "not json",
                "the body is not JSON",
                now,
            )
            .unwrap();
        let kept = store.quarantined(10).unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].id, id);
        assert_eq!(
            (
                kept[0].origin.as_str(),
                kept[0].body.as_str(),
                kept[0].error.as_str()
            ),
            ("waiting-delivery/m-1", "not json", "the body is not JSON")
        );
        assert!(store.waiting_deliveries().unwrap().is_empty());
    }
}

//! The outbox: every tap is committed here (WAL, `synchronous=FULL`) before the
//! UI shows it as done, and leaves only once the bus has accepted it.

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use kitchen_domain::{day_key, entry_size, OrderContents, Status, Tap, MAX_ENTRY_BYTES};
use rusqlite::{params, Row, TransactionBehavior};
use serde::Serialize;

use crate::{Store, StoreError};

const TAP_SEQ_KEY: &str = "tap_seq";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    /// Not yet accepted by the bus.
    Pending,
    /// Accepted by the bus.
    Published,
    /// Refused by the bus as invalid: kept, with the reason, until someone acts.
    Rejected,
}

impl OutboxState {
    pub(crate) fn from_sql(text: &str) -> OutboxState {
        match text {
            "published" => OutboxState::Published,
            "rejected" => OutboxState::Rejected,
            _ => OutboxState::Pending,
        }
    }
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub event_id: String,
    pub order: String,
    /// Kept as text: a row is published as stored, whatever it says.
    pub status: String,
    pub client: String,
    pub device: String,
    pub device_seq: i64,
    pub tapped_at: DateTime<Utc>,
    /// The `Detail` JSON exactly as it will be sent.
    pub detail: String,
    pub state: OutboxState,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The order's business day; `None` for taps recorded before taps carried it.
    pub day: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    pub pending: u64,
    pub published: u64,
    pub rejected: u64,
}

const COLUMNS: &str = "seq, event_id, order_id, status, client, device, device_seq, tapped_at, \
                       detail, state, attempts, last_error, order_day";

fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let tapped_at: String = row.get(7)?;
    let state: String = row.get(9)?;
    Ok(OutboxEntry {
        seq: row.get(0)?,
        event_id: row.get(1)?,
        order: row.get(2)?,
        status: row.get(3)?,
        client: row.get(4)?,
        device: row.get(5)?,
        device_seq: row.get(6)?,
        tapped_at: DateTime::parse_from_rfc3339(&tapped_at)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, e.into())
            })?,
        detail: row.get(8)?,
        state: OutboxState::from_sql(&state),
        attempts: row.get(10)?,
        last_error: row.get(11)?,
        day: row.get(12)?,
    })
}

fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Store {
    /// Validates a tap of the order `order` of business day `day`, gives it the
    /// device's next sequence number and commits it durably. When this returns,
    /// the tap survives a crash or a power cut.
    ///
    /// Its time is `wall_clock`, or 1 ms after the newest event of the order this
    /// device has seen when that is later (a hybrid logical clock): a tap made
    /// after seeing a status sorts after it on every device, whatever the clocks.
    pub fn record_tap(
        &mut self,
        day: NaiveDate,
        order: &str,
        status: Status,
        client: &str,
        device: &str,
        wall_clock: DateTime<Utc>,
    ) -> Result<Tap, StoreError> {
        let contents = OrderContents::default();
        self.record_tap_with(day, order, status, client, device, wall_clock, contents)
    }

    /// [`Store::record_tap`] of an `order done` tap that says what the order
    /// is: its lines, a note, and for a delivery where it goes.
    #[allow(clippy::too_many_arguments)]
    pub fn record_tap_with(
        &mut self,
        day: NaiveDate,
        order: &str,
        status: Status,
        client: &str,
        device: &str,
        wall_clock: DateTime<Utc>,
        contents: OrderContents,
    ) -> Result<Tap, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Keys keep milliseconds: the clock ticks in them.
        let wall_clock =
            DateTime::from_timestamp_millis(wall_clock.timestamp_millis()).unwrap_or(wall_clock);
        let seen = crate::mirror::newest_time_in(&tx, &day_key(day), order.trim())?;
        let time = match seen {
            Some(seen) if seen >= wall_clock => seen + Duration::milliseconds(1),
            _ => wall_clock,
        };
        let last: Option<String> = tx
            .query_row(
                "SELECT value FROM device_state WHERE key = ?1",
                [TAP_SEQ_KEY],
                |row| row.get(0),
            )
            .ok();
        let seq = last.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) + 1;
        let tap =
            Tap::new(day, order, status, client, device, seq, time)?.with_contents(contents)?;
        tx.execute(
            "INSERT INTO device_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![TAP_SEQ_KEY, seq.to_string()],
        )?;
        tx.execute(
            "INSERT INTO outbox (event_id, order_id, status, client, device, device_seq, tapped_at,
                                 detail, order_day)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                tap.event_id.to_string(),
                tap.order,
                tap.status.as_str(),
                tap.client,
                tap.device,
                seq as i64,
                timestamp(tap.time),
                tap.detail_json(),
                day_key(day),
            ],
        )?;
        tx.commit()?;
        Ok(tap)
    }

    /// The next entries to publish: the oldest pending tap of each order (so one
    /// call never carries two taps of an order and per-order order holds), oldest
    /// first, whose back-off has passed, within `max_entries` and EventBridge's
    /// 256 KB per call.
    pub fn next_batch(
        &self,
        now: DateTime<Utc>,
        max_entries: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        // sql-from-constants: the column list.
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox
             WHERE seq IN (SELECT MIN(seq) FROM outbox WHERE state = 'pending' GROUP BY order_id)
               AND (next_attempt_ms IS NULL OR next_attempt_ms <= ?1)
             ORDER BY seq LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![now.timestamp_millis(), max_entries as i64],
            entry_from_row,
        )?;
        let mut batch = Vec::new();
        let mut bytes = 0;
        for entry in rows {
            let entry = entry?;
            let size = entry_size(&entry.detail);
            if !batch.is_empty() && bytes + size > MAX_ENTRY_BYTES {
                break;
            }
            bytes += size;
            batch.push(entry);
        }
        Ok(batch)
    }

    /// The bus accepted these entries.
    pub fn mark_published(
        &mut self,
        event_ids: &[&str],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE outbox SET state = 'published', published_at = ?2, attempts = attempts + 1,
                        next_attempt_ms = NULL
                 WHERE event_id = ?1 AND state = 'pending'",
            )?;
            let at = timestamp(at);
            for id in event_ids {
                stmt.execute(params![id, at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// A try failed for a reason that may pass: keep the entry pending, note why,
    /// and hold it (and so the rest of its order) back until `retry_at`.
    pub fn mark_retry(
        &mut self,
        event_id: &str,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_ms = ?3
             WHERE event_id = ?1 AND state = 'pending'",
            params![event_id, error, retry_at.timestamp_millis()],
        )?;
        Ok(())
    }

    /// The bus refused the entry as invalid: it is not retried, and stays visible.
    pub fn mark_rejected(&mut self, event_id: &str, reason: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_error = ?2,
                    next_attempt_ms = NULL
             WHERE event_id = ?1 AND state = 'pending'",
            params![event_id, reason],
        )?;
        Ok(())
    }

    /// Puts rejected entries back in line, after the cause has been fixed.
    pub fn retry_rejected(&mut self) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_ms = NULL WHERE state = 'rejected'",
            [],
        )?)
    }

    /// Entries not yet published (pending and rejected), oldest first; with
    /// `include_published`, the published ones too.
    pub fn outbox_entries(
        &self,
        include_published: bool,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let filter = if include_published {
            ""
        } else {
            "WHERE state != 'published'"
        };
        // sql-from-constants: the column list and one of two literal filters.
        let sql = format!("SELECT {COLUMNS} FROM outbox {filter} ORDER BY seq LIMIT ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([limit as i64], entry_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Which of `days` (newest first) an order number tapped without a day means:
    /// the first day that has the order open, or the newest day when it has the
    /// order at all; `None` when none has it (a new order).
    pub fn order_day_among(
        &self,
        order: &str,
        days: &[String],
    ) -> Result<Option<String>, StoreError> {
        let order = order.trim();
        let mut stmt = self.conn.prepare_cached(
            "SELECT status, time, event_id, client FROM mirror_items WHERE day = ?1 AND order_id = ?2
             UNION ALL
             SELECT status, tapped_at, event_id, client FROM outbox
             WHERE order_day = ?1 AND order_id = ?2 AND state != 'rejected'",
        )?;
        for (index, day) in days.iter().enumerate() {
            let rows: Vec<(String, String, String, String)> = stmt
                .query_map(params![day, order], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<Result<_, _>>()?;
            let events = rows.iter().map(|(status, time, event_id, client)| {
                kitchen_domain::orders::OrderEvent {
                    day,
                    order,
                    status,
                    client,
                    time,
                    event_id,
                }
            });
            let summary = kitchen_domain::orders::summarize(events);
            match summary.first() {
                Some(found) if found.is_open() || index == 0 => return Ok(Some(day.clone())),
                _ => {}
            }
        }
        Ok(None)
    }

    /// The highest all-digit order id tapped on this device, if any.
    pub fn highest_numeric_order(&self) -> Result<Option<u64>, StoreError> {
        let highest: Option<i64> = self.conn.query_row(
            "SELECT MAX(CAST(order_id AS INTEGER)) FROM outbox
             WHERE order_id != '' AND order_id NOT GLOB '*[^0-9]*' AND length(order_id) <= 18",
            [],
            |row| row.get(0),
        )?;
        Ok(highest.and_then(|n| u64::try_from(n).ok()))
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let mut counts = OutboxCounts::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT state, n FROM outbox_tally")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let n = row.get::<_, i64>(1)?.max(0) as u64;
            match OutboxState::from_sql(&row.get::<_, String>(0)?) {
                OutboxState::Pending => counts.pending = n,
                OutboxState::Published => counts.published = n,
                OutboxState::Rejected => counts.rejected = n,
            }
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_store as store;

    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 14).unwrap()
    }

    fn ids(batch: &[OutboxEntry]) -> Vec<(String, String)> {
        batch
            .iter()
            .map(|e| (e.order.clone(), e.status.clone()))
            .collect()
    }

    #[test]
    fn a_tap_is_durable_and_numbered_per_device() {
        let (dir, mut store) = store();
        let now = Utc::now();
        let first = store
            .record_tap(d(), "1", Status::OrderDone, "Ana", "k1", now)
            .unwrap();
        let second = store
            .record_tap(d(), "1", Status::Preparing, "Ana", "k1", now)
            .unwrap();
        assert_eq!((first.seq, second.seq), (1, 2));
        drop(store);
        let store = Store::open_in(dir.path()).unwrap();
        let entries = store.outbox_entries(false, 10).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].event_id, first.event_id.to_string());
        assert_eq!(
            entries[0].tapped_at,
            now.with_timezone(&Utc)
                .to_rfc3339_opts(SecondsFormat::Millis, true)
                .parse::<DateTime<Utc>>()
                .unwrap()
        );
        assert_eq!(store.outbox_counts().unwrap().pending, 2);
    }

    #[test]
    fn bad_tap_is_refused_and_nothing_is_stored() {
        let (_dir, mut store) = store();
        let err = store
            .record_tap(d(), "", Status::Ready, "Ana", "k1", Utc::now())
            .unwrap_err();
        assert!(err.to_string().contains("order"), "{err}");
        assert_eq!(store.outbox_counts().unwrap(), OutboxCounts::default());
    }

    #[test]
    fn a_batch_holds_one_tap_per_order_in_tap_order() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        for status in [Status::OrderDone, Status::Preparing] {
            for order in ["1", "2", "3"] {
                store
                    .record_tap(d(), order, status, "Ana", "k1", now)
                    .unwrap();
            }
        }
        let batch = store.next_batch(now, 10).unwrap();
        assert_eq!(
            ids(&batch),
            vec![
                ("1".into(), "order done".into()),
                ("2".into(), "order done".into()),
                ("3".into(), "order done".into())
            ]
        );
        let first: Vec<&str> = batch.iter().map(|e| e.event_id.as_str()).collect();
        store.mark_published(&first, now).unwrap();
        let batch = store.next_batch(now, 2).unwrap();
        assert_eq!(
            ids(&batch),
            vec![
                ("1".into(), "preparing".into()),
                ("2".into(), "preparing".into())
            ]
        );
    }

    #[test]
    fn a_retried_entry_holds_back_its_order_only_until_its_time() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        let a = store
            .record_tap(d(), "1", Status::OrderDone, "Ana", "k1", now)
            .unwrap();
        store
            .record_tap(d(), "1", Status::Preparing, "Ana", "k1", now)
            .unwrap();
        store
            .record_tap(d(), "2", Status::OrderDone, "Bia", "k1", now)
            .unwrap();
        store
            .mark_retry(
                &a.event_id.to_string(),
                "ThrottlingException",
                now + Duration::seconds(5),
            )
            .unwrap();
        assert_eq!(
            ids(&store.next_batch(now, 10).unwrap()),
            vec![("2".into(), "order done".into())]
        );
        let later = store.next_batch(now + Duration::seconds(6), 10).unwrap();
        assert_eq!(later[0].event_id, a.event_id.to_string());
        assert_eq!(later[0].attempts, 1);
        assert_eq!(later[0].last_error.as_deref(), Some("ThrottlingException"));
    }

    #[test]
    fn a_rejected_entry_stays_visible_with_its_reason_and_frees_its_order() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        let a = store
            .record_tap(d(), "1", Status::OrderDone, "Ana", "k1", now)
            .unwrap();
        store
            .record_tap(d(), "1", Status::Preparing, "Ana", "k1", now)
            .unwrap();
        store
            .mark_rejected(&a.event_id.to_string(), "MalformedDetail: bad")
            .unwrap();
        assert_eq!(
            ids(&store.next_batch(now, 10).unwrap()),
            vec![("1".into(), "preparing".into())]
        );
        let visible = store.outbox_entries(false, 10).unwrap();
        assert_eq!(visible[0].state, OutboxState::Rejected);
        assert_eq!(
            visible[0].last_error.as_deref(),
            Some("MalformedDetail: bad")
        );
        assert_eq!(
            store.outbox_counts().unwrap(),
            OutboxCounts {
                pending: 1,
                published: 0,
                rejected: 1
            }
        );
        assert_eq!(store.retry_rejected().unwrap(), 1);
        assert_eq!(store.outbox_counts().unwrap().pending, 2);
    }

    #[test]
    fn a_batch_stays_within_256_kb() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        for order in 0..10 {
            store
                .record_tap(d(), &order.to_string(), Status::OrderDone, "Ana", "k1", now)
                .unwrap();
        }
        // Rows written by another producer can be large; the batch must still fit.
        store
            .conn
            .execute(
                "UPDATE outbox SET detail = ?1",
                [format!("{{\"pad\":\"{}\"}}", "x".repeat(100 * 1024))],
            )
            .unwrap();
        assert_eq!(store.next_batch(now, 10).unwrap().len(), 2);
    }
}

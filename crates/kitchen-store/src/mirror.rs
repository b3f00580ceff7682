//! The mirror: this device's copy of the event table, one row per (business
//! day, order, status); the cursor of the table's arrival feed it follows; the
//! days it holds whole and when each was last checked against the table; a
//! day's view that shows local taps at once; and the convergence summary both
//! sides compute to prove the copy matches the table.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use kitchen_domain::orders::{histories, summarize, OrderEvent, OrderHistory, OrderSummary};
use kitchen_domain::{OrderContents, Status};
use rusqlite::{params, OptionalExtension, Row, Transaction, TransactionBehavior};
use serde::Serialize;

use crate::{OutboxState, Store, StoreError};

/// Where the arrival feed's cursor is kept in `device_state`.
const FEED_CURSOR_KEY: &str = "feed_cursor";
/// When the feed was last read through, in `device_state`.
const FEED_SYNCED_KEY: &str = "feed_synced_at";

/// One mirrored item of the event table: the latest event of a (day, order, status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MirrorRow {
    pub order: String,
    pub status: String,
    pub client: String,
    /// RFC 3339, milliseconds, UTC: as the table keeps it.
    pub time: String,
    /// The order's business day, `YYYY-MM-DD`, as the table keeps it.
    pub day: String,
    pub event_id: String,
    pub device: Option<String>,
    pub seq: Option<i64>,
    pub version: String,
    /// `<time>#<event_id>`: orders the events of one (day, order, status).
    pub time_event_id: String,
    /// The detail JSON as the table keeps it.
    pub detail: String,
    /// When the store function wrote it (its clock); `None` for items written
    /// before the table had an arrival feed.
    pub stored_at: Option<String>,
    /// Set when the tap's time was this many milliseconds after its arrival:
    /// the tapping device's clock was ahead. The event is kept, and marked.
    pub ahead_ms: Option<i64>,
}

/// What writing one table row into the mirror did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MirrorWrite {
    /// No row for this (day, order, status) yet.
    Inserted,
    /// A newer event replaced the row.
    Replaced,
    /// The mirror already holds this very event.
    Unchanged,
    /// The mirror holds a newer event for the same (day, order, status): left as it is.
    Older,
}

/// How many rows of one upsert fell in each case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MirrorWriteCounts {
    pub inserted: u64,
    pub replaced: u64,
    pub unchanged: u64,
    pub older: u64,
}

impl MirrorWriteCounts {
    fn add(&mut self, write: MirrorWrite) {
        match write {
            MirrorWrite::Inserted => self.inserted += 1,
            MirrorWrite::Replaced => self.replaced += 1,
            MirrorWrite::Unchanged => self.unchanged += 1,
            MirrorWrite::Older => self.older += 1,
        }
    }

    /// Adds another upsert's counts, e.g. the next page's.
    pub fn absorb(&mut self, other: MirrorWriteCounts) {
        self.inserted += other.inserted;
        self.replaced += other.replaced;
        self.unchanged += other.unchanged;
        self.older += other.older;
    }

    /// Rows whose content changed.
    pub fn changed(&self) -> u64 {
        self.inserted + self.replaced
    }
}

/// What replacing a scope of the mirror with the table's rows did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MirrorReplaceCounts {
    pub written: MirrorWriteCounts,
    /// Local rows the table no longer has.
    pub removed: u64,
}

/// A day this device holds whole: when it was read, and last checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldDay {
    pub day: String,
    pub read_at: String,
    pub checked_at: Option<String>,
    /// The last check's verdict: the same rows as the table.
    pub converged: Option<bool>,
}

/// The instants a business day covers, `[start, end)`: taps recorded before
/// they carried their day have only a time, so the caller, who knows the
/// business day rule, says where the day begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayWindow {
    pub day: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Row count and an order-independent checksum of a set of table rows.
/// The mirror and the table compute it with the same function: equal summaries
/// mean the same (order, status, event_id) rows, whatever order they came in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConvergenceSummary {
    pub count: u64,
    pub checksum: u64,
}

impl ConvergenceSummary {
    pub fn add(&mut self, order: &str, status: &str, event_id: &str) {
        self.count += 1;
        // A wrapping sum, not XOR: XOR would let two equal hashes cancel out.
        self.checksum = self
            .checksum
            .wrapping_add(row_hash(order, status, event_id));
    }

    pub fn of<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>) -> Self {
        let mut summary = ConvergenceSummary::default();
        for (order, status, event_id) in rows {
            summary.add(order, status, event_id);
        }
        summary
    }
}

/// FNV-1a (64 bit) of `order|status|event_id`: small, stable across builds and
/// platforms, which `std`'s hasher does not promise.
pub fn row_hash(order: &str, status: &str, event_id: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let parts = [
        order.as_bytes(),
        b"|",
        status.as_bytes(),
        b"|",
        event_id.as_bytes(),
    ];
    for byte in parts.into_iter().flatten() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}

/// Where a row of a day's view comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase", tag = "source", content = "state")]
pub enum ViewSource {
    /// The event table, through the mirror.
    Table,
    /// A tap of this device the mirror does not have yet.
    Local(OutboxState),
}

/// One (day, order, status) as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DayViewRow {
    /// The order's business day: with the number, which order it is.
    pub day: String,
    pub order: String,
    /// A status this version knows, or one from a newer contract, shown as it is.
    #[ts(type = "AnyStatus")]
    pub status: String,
    pub client: String,
    pub time: String,
    pub event_id: String,
    pub device: Option<String>,
    pub time_event_id: String,
    pub source: ViewSource,
    /// The tapping device's clock was this far ahead of the cloud's.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ahead_ms: Option<i64>,
    /// What the order is, on its `order done` row when its event said it.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contents: Option<OrderContents>,
}

impl DayViewRow {
    pub fn as_order_event(&self) -> OrderEvent<'_> {
        OrderEvent {
            day: &self.day,
            order: &self.order,
            status: &self.status,
            client: &self.client,
            time: &self.time,
            event_id: &self.event_id,
        }
    }
}

/// The orders of a view, each with where it stands.
pub fn summarize_view(rows: &[DayViewRow]) -> Vec<OrderSummary> {
    summarize(rows.iter().map(DayViewRow::as_order_event))
}

/// The orders of a view, each with its whole history and contents.
pub fn view_histories(rows: &[DayViewRow]) -> Vec<OrderHistory> {
    histories(
        rows.iter()
            .map(|row| (row.as_order_event(), row.contents.as_ref())),
    )
}

const MIRROR_COLUMNS: &str = "order_id, status, client, time, day, event_id, device, seq, \
                              version, time_event_id, detail, stored_at, ahead_ms";

fn mirror_row(row: &Row<'_>) -> rusqlite::Result<MirrorRow> {
    Ok(MirrorRow {
        order: row.get(0)?,
        status: row.get(1)?,
        client: row.get(2)?,
        time: row.get(3)?,
        day: row.get(4)?,
        event_id: row.get(5)?,
        device: row.get(6)?,
        seq: row.get(7)?,
        version: row.get(8)?,
        time_event_id: row.get(9)?,
        detail: row.get(10)?,
        stored_at: row.get(11)?,
        ahead_ms: row.get(12)?,
    })
}

fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Writes one row unless the mirror holds it or a newer event of its
/// (day, order, status): the store function's rule, so the mirror never goes
/// back in time.
fn upsert_row(
    tx: &Transaction<'_>,
    row: &MirrorRow,
    synced_at: &str,
) -> rusqlite::Result<MirrorWrite> {
    let existing: Option<(String, String)> = tx
        .prepare_cached(
            "SELECT event_id, time_event_id FROM mirror_items
             WHERE day = ?1 AND order_id = ?2 AND status = ?3",
        )?
        .query_row(params![row.day, row.order, row.status], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let write = match existing {
        None => MirrorWrite::Inserted,
        Some((event_id, _)) if event_id == row.event_id => return Ok(MirrorWrite::Unchanged),
        Some((_, time_event_id)) if time_event_id >= row.time_event_id => {
            return Ok(MirrorWrite::Older)
        }
        Some(_) => MirrorWrite::Replaced,
    };
    write_row(tx, row, synced_at)?;
    Ok(write)
}

fn write_row(tx: &Transaction<'_>, row: &MirrorRow, synced_at: &str) -> rusqlite::Result<()> {
    // sql-from-constants: the column list.
    tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO mirror_items ({MIRROR_COLUMNS}, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    ))?
    .execute(params![
        row.order,
        row.status,
        row.client,
        row.time,
        row.day,
        row.event_id,
        row.device,
        row.seq,
        row.version,
        row.time_event_id,
        row.detail,
        row.stored_at,
        row.ahead_ms,
        synced_at,
    ])?;
    Ok(())
}

/// Runs an upsert of two values, `sql`, in `tx`.
fn upsert_in(tx: &Transaction<'_>, sql: &str, values: [&str; 2]) -> rusqlite::Result<()> {
    tx.prepare_cached(sql)?.execute(values).map(drop)
}

fn set_value_in(tx: &Transaction<'_>, key: &str, value: &str) -> rusqlite::Result<()> {
    let sql = "INSERT INTO device_state (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    upsert_in(tx, sql, [key, value])
}

fn mark_read_in(tx: &Transaction<'_>, day: &str, read_at: &str) -> rusqlite::Result<()> {
    let sql = "INSERT INTO mirror_days (day, read_at) VALUES (?1, ?2)
         ON CONFLICT (day) DO UPDATE SET read_at = excluded.read_at";
    upsert_in(tx, sql, [day, read_at])
}

type RowKey<'a> = (&'a str, &'a str, &'a str);

fn row_keys(rows: &[MirrorRow]) -> HashSet<RowKey<'_>> {
    rows.iter()
        .map(|r| (r.day.as_str(), r.order.as_str(), r.status.as_str()))
        .collect()
}

/// Removes the rows of `day` (of every day: `None`) not in `keep`.
fn remove_absent_in(
    tx: &Transaction<'_>,
    day: Option<&str>,
    keep: &HashSet<RowKey<'_>>,
) -> Result<u64, StoreError> {
    let local: Vec<(String, String, String)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT day, order_id, status FROM mirror_items WHERE ?1 IS NULL OR day = ?1",
        )?;
        let rows = stmt.query_map([day], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut removed = 0;
    for (row_day, order, status) in &local {
        if !keep.contains(&(row_day.as_str(), order.as_str(), status.as_str())) {
            tx.prepare_cached(
                "DELETE FROM mirror_items WHERE day = ?1 AND order_id = ?2 AND status = ?3",
            )?
            .execute(params![row_day, order, status])?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Writes `rows` as the table has them, whatever the mirror held.
fn write_table_rows_in(
    tx: &Transaction<'_>,
    rows: &[MirrorRow],
    synced_at: &str,
) -> Result<MirrorWriteCounts, StoreError> {
    let mut counts = MirrorWriteCounts::default();
    for row in rows {
        let current: Option<String> = tx
            .prepare_cached(
                "SELECT event_id FROM mirror_items
                 WHERE day = ?1 AND order_id = ?2 AND status = ?3",
            )?
            .query_row(params![row.day, row.order, row.status], |r| r.get(0))
            .optional()?;
        let write = match current {
            None => MirrorWrite::Inserted,
            Some(event_id) if event_id == row.event_id => MirrorWrite::Unchanged,
            Some(_) => MirrorWrite::Replaced,
        };
        if write != MirrorWrite::Unchanged {
            write_row(tx, row, synced_at)?;
        }
        counts.add(write);
    }
    Ok(counts)
}

impl Store {
    /// A transaction that takes the write lock at once, so it never fails
    /// half-way on a lock another connection took first.
    fn write_transaction(&mut self) -> rusqlite::Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
    }

    /// Writes table rows into the mirror, in one transaction. Idempotent on
    /// `event_id`; an older event never replaces a newer one.
    pub fn upsert_mirror_rows(
        &mut self,
        rows: &[MirrorRow],
        synced_at: DateTime<Utc>,
    ) -> Result<MirrorWriteCounts, StoreError> {
        self.apply_feed_page(rows, None, synced_at)
    }

    /// Writes one page of the arrival feed and moves the feed's cursor to
    /// `cursor` in the same transaction, so a crash between pages reads the
    /// page again rather than skipping it. The cursor only moves forward.
    pub fn apply_feed_page(
        &mut self,
        rows: &[MirrorRow],
        cursor: Option<&str>,
        synced_at: DateTime<Utc>,
    ) -> Result<MirrorWriteCounts, StoreError> {
        let synced_at = timestamp(synced_at);
        let tx = self.write_transaction()?;
        let mut counts = MirrorWriteCounts::default();
        for row in rows {
            counts.add(upsert_row(&tx, row, &synced_at)?);
        }
        if let Some(cursor) = cursor {
            let current: Option<String> = tx
                .query_row(
                    "SELECT value FROM device_state WHERE key = ?1",
                    [FEED_CURSOR_KEY],
                    |r| r.get(0),
                )
                .optional()?;
            // `None` sorts before any cursor.
            if current.as_deref() < Some(cursor) {
                set_value_in(&tx, FEED_CURSOR_KEY, cursor)?;
            }
        }
        tx.commit()?;
        Ok(counts)
    }

    /// Where the device is in the table's arrival feed: `<stored_at>#<event_id>`
    /// of the newest item it has read, or `None` before its first read.
    pub fn feed_cursor(&self) -> Result<Option<String>, StoreError> {
        self.device_value(FEED_CURSOR_KEY)
    }

    /// Records that the feed was read through to its end now.
    pub fn mark_feed_synced(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.set_device_value(FEED_SYNCED_KEY, &timestamp(at))
    }

    /// Makes the mirror's rows of `day` exactly the table's `rows` of that day:
    /// what a full resync does. The table is the authority here, so a row it no
    /// longer has is removed and its row wins even when the mirror's looks newer.
    /// The day is then held whole.
    pub fn replace_mirror_day(
        &mut self,
        day: &str,
        rows: &[MirrorRow],
        synced_at: DateTime<Utc>,
    ) -> Result<MirrorReplaceCounts, StoreError> {
        self.replace_mirror(Some(day), rows, synced_at)
    }

    /// Makes the whole mirror exactly the table's `rows` (every day).
    pub fn replace_mirror_all(
        &mut self,
        rows: &[MirrorRow],
        synced_at: DateTime<Utc>,
    ) -> Result<MirrorReplaceCounts, StoreError> {
        self.replace_mirror(None, rows, synced_at)
    }

    fn replace_mirror(
        &mut self,
        day: Option<&str>,
        rows: &[MirrorRow],
        synced_at: DateTime<Utc>,
    ) -> Result<MirrorReplaceCounts, StoreError> {
        let synced_at = timestamp(synced_at);
        let tx = self.write_transaction()?;
        let removed = remove_absent_in(&tx, day, &row_keys(rows))?;
        let written = write_table_rows_in(&tx, rows, &synced_at)?;
        let mut days: BTreeSet<&str> = rows.iter().map(|row| row.day.as_str()).collect();
        days.extend(day);
        for day in days {
            mark_read_in(&tx, day, &synced_at)?;
        }
        tx.commit()?;
        Ok(MirrorReplaceCounts { written, removed })
    }

    /// Part of a day read whole in several transactions: writes `rows` with the
    /// table's authority (its row wins even when the mirror's looks newer).
    /// The day is held only once [`Store::finish_day_read`] commits.
    pub fn write_table_rows(
        &mut self,
        rows: &[MirrorRow],
        synced_at: DateTime<Utc>,
    ) -> Result<MirrorWriteCounts, StoreError> {
        let synced_at = timestamp(synced_at);
        let tx = self.write_transaction()?;
        let written = write_table_rows_in(&tx, rows, &synced_at)?;
        tx.commit()?;
        Ok(written)
    }

    /// Ends a day read whole in parts: removes the day's rows whose
    /// `(order, status)` is not in `keys` (the table's), and holds the day.
    /// Returns how many rows were removed.
    pub fn finish_day_read(
        &mut self,
        day: &str,
        keys: &HashSet<(String, String)>,
        synced_at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let synced_at = timestamp(synced_at);
        let keep = keys
            .iter()
            .map(|(order, status)| (day, order.as_str(), status.as_str()))
            .collect();
        let tx = self.write_transaction()?;
        let removed = remove_absent_in(&tx, Some(day), &keep)?;
        mark_read_in(&tx, day, &synced_at)?;
        tx.commit()?;
        Ok(removed)
    }

    /// The days this device holds whole (read from the table at least once), oldest first.
    pub fn held_days(&self) -> Result<Vec<HeldDay>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT day, read_at, checked_at, converged FROM mirror_days ORDER BY day",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(HeldDay {
                day: r.get(0)?,
                read_at: r.get(1)?,
                checked_at: r.get(2)?,
                converged: r.get::<_, Option<i64>>(3)?.map(|v| v != 0),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether this device holds `day` whole.
    pub fn holds_day(&self, day: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM mirror_days WHERE day = ?1)")?
            .query_row([day], |r| r.get(0))?)
    }

    /// Records a check of `day` against the table, and its verdict.
    pub fn mark_day_checked(
        &self,
        day: &str,
        at: DateTime<Utc>,
        converged: bool,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE mirror_days SET checked_at = ?2, converged = ?3 WHERE day = ?1",
            )?
            .execute(params![day, timestamp(at), converged])?;
        Ok(())
    }

    /// When any held day was last checked against the table.
    pub fn last_day_check(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT max(checked_at) FROM mirror_days", [], |r| r.get(0))?)
    }

    /// When the mirror last synced: what the UI shows as "last synced".
    pub fn mirror_last_synced(&self) -> Result<Option<String>, StoreError> {
        if let Some(at) = self.device_value(FEED_SYNCED_KEY)? {
            return Ok(Some(at));
        }
        Ok(self
            .conn
            .query_row("SELECT max(read_at) FROM mirror_days", [], |r| r.get(0))?)
    }

    /// The mirrored rows of a day, oldest first.
    pub fn mirror_rows(&self, day: &str) -> Result<Vec<MirrorRow>, StoreError> {
        // sql-from-constants: the column list.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MIRROR_COLUMNS} FROM mirror_items WHERE day = ?1 ORDER BY time_event_id"
        ))?;
        let rows = stmt.query_map([day], mirror_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Count and checksum of the mirror's rows of a day.
    pub fn mirror_summary(&self, day: &str) -> Result<ConvergenceSummary, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT order_id, status, event_id FROM mirror_items WHERE day = ?1")?;
        let mut rows = stmt.query([day])?;
        let mut summary = ConvergenceSummary::default();
        while let Some(row) = rows.next()? {
            let (order, status, event_id): (String, String, String) =
                (row.get(0)?, row.get(1)?, row.get(2)?);
            summary.add(&order, &status, &event_id);
        }
        Ok(summary)
    }

    /// The newest time this device has seen for an order, in the mirror or
    /// among its own taps: a new tap of the order is stamped after it.
    pub fn newest_time_of_order(
        &self,
        day: &str,
        order: &str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        newest_time_in(&self.conn, day, order)
    }

    /// A day as the screens show it: the mirror, plus this device's taps of that
    /// day the mirror does not hold yet (pending or published; a refused tap is
    /// not shown), the newest event of each (order, status) winning.
    pub fn day_view(&self, window: &DayWindow) -> Result<Vec<DayViewRow>, StoreError> {
        // One statement, so the mirror and the outbox are read from one snapshot.
        let mut stmt = self.conn.prepare_cached(
            "SELECT day, order_id, status, client, time, event_id, device, time_event_id,
                    NULL, ahead_ms, CASE WHEN status = 'order done' THEN detail END
             FROM mirror_items WHERE day = ?1
             UNION ALL
             SELECT ?1, o.order_id, o.status, o.client, o.tapped_at, o.event_id, o.device,
                    o.tapped_at || '#' || o.event_id, o.state, NULL,
                    CASE WHEN o.status = 'order done' THEN o.detail END
             FROM outbox o
             WHERE (o.order_day = ?1
                    OR (o.order_day IS NULL AND o.tapped_at >= ?2 AND o.tapped_at < ?3))
               AND o.state != 'rejected'
               AND NOT EXISTS (SELECT 1 FROM mirror_items m
                               WHERE m.day = ?1 AND m.order_id = o.order_id
                                 AND m.status = o.status AND m.event_id = o.event_id)",
        )?;
        let rows = stmt.query_map(
            params![window.day, timestamp(window.start), timestamp(window.end)],
            |r| {
                let state: Option<String> = r.get(8)?;
                Ok(DayViewRow {
                    day: r.get(0)?,
                    order: r.get(1)?,
                    status: r.get(2)?,
                    client: r.get(3)?,
                    time: r.get(4)?,
                    event_id: r.get(5)?,
                    device: r.get(6)?,
                    time_event_id: r.get(7)?,
                    source: match state.as_deref() {
                        None => ViewSource::Table,
                        Some(state) => ViewSource::Local(OutboxState::from_sql(state)),
                    },
                    ahead_ms: r.get(9)?,
                    contents: r
                        .get::<_, Option<String>>(10)?
                        .and_then(|d| order_contents(&d)),
                })
            },
        )?;
        let mut newest: BTreeMap<(String, String), DayViewRow> = BTreeMap::new();
        for row in rows {
            let row = row?;
            match newest.get(&(row.order.clone(), row.status.clone())) {
                Some(kept) if kept.time_event_id >= row.time_event_id => {}
                _ => {
                    newest.insert((row.order.clone(), row.status.clone()), row);
                }
            }
        }
        let mut view: Vec<DayViewRow> = newest.into_values().collect();
        view.sort_by(|a, b| a.time_event_id.cmp(&b.time_event_id));
        Ok(view)
    }

    /// The rows of several days' views together (each day as [`Store::day_view`]),
    /// from one read transaction.
    pub fn days_view(&self, windows: &[DayWindow]) -> Result<Vec<DayViewRow>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let mut rows = Vec::new();
        for window in windows {
            rows.extend(self.day_view(window)?);
        }
        tx.finish()?;
        Ok(rows)
    }
}

/// The contents an `order done` detail says, if any (checked when the event
/// was read; a detail that no longer reads is shown without them).
fn order_contents(detail: &str) -> Option<OrderContents> {
    let detail: serde_json::Value = serde_json::from_str(detail).ok()?;
    OrderContents::from_detail(detail.as_object()?, Status::OrderDone)
        .ok()
        .filter(|contents| !contents.is_empty())
}

pub(crate) fn newest_time_in(
    conn: &rusqlite::Connection,
    day: &str,
    order: &str,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let newest: Option<String> = conn
        .prepare_cached(
            "SELECT max(t) FROM (
                 SELECT max(time) AS t FROM mirror_items WHERE day = ?1 AND order_id = ?2
                 UNION ALL
                 SELECT max(tapped_at) FROM outbox
                 WHERE order_day = ?1 AND order_id = ?2 AND state != 'rejected')",
        )?
        .query_row([day, order], |r| r.get(0))?;
    Ok(newest
        .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
        .map(|time| time.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_store as store;
    use chrono::{Duration, NaiveDate, TimeZone};

    fn row(order: &str, status: &str, time: &str, event_id: &str) -> MirrorRow {
        row_of(&time[..10], order, status, time, event_id)
    }

    fn row_of(day: &str, order: &str, status: &str, time: &str, event_id: &str) -> MirrorRow {
        MirrorRow {
            order: order.into(),
            status: status.into(),
            client: "Ana".into(),
            time: time.into(),
            day: day.into(),
            event_id: event_id.into(),
            device: Some("oven-1".into()),
            seq: Some(1),
            version: "1".into(),
            time_event_id: format!("{time}#{event_id}"),
            detail: "{}".into(),
            stored_at: Some(time.into()),
            ahead_ms: None,
        }
    }

    fn window(day: &str) -> DayWindow {
        let start = Utc.from_utc_datetime(
            &NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        );
        DayWindow {
            day: day.into(),
            start,
            end: start + Duration::days(1),
        }
    }

    fn date(day: &str) -> NaiveDate {
        NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn upserting_is_idempotent_and_never_goes_back_in_time() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        let first = row("1", "ready", "2026-03-14T12:00:00.000Z", "e1");
        let newer = row("1", "ready", "2026-03-14T12:05:00.000Z", "e2");
        let counts = store
            .upsert_mirror_rows(std::slice::from_ref(&first), now)
            .unwrap();
        assert_eq!(counts.inserted, 1);
        let counts = store
            .upsert_mirror_rows(std::slice::from_ref(&first), now)
            .unwrap();
        assert_eq!(
            counts,
            MirrorWriteCounts {
                unchanged: 1,
                ..Default::default()
            }
        );
        let counts = store
            .upsert_mirror_rows(std::slice::from_ref(&newer), now)
            .unwrap();
        assert_eq!(counts.replaced, 1);
        let counts = store.upsert_mirror_rows(&[first], now).unwrap();
        assert_eq!(counts.older, 1);
        assert_eq!(store.mirror_rows("2026-03-14").unwrap(), vec![newer]);
    }

    #[test]
    fn the_same_number_on_another_day_is_another_order() {
        let (_dir, mut store) = store();
        let yesterday = row_of(
            "2026-03-13",
            "7",
            "delivered",
            "2026-03-13T21:00:00.000Z",
            "e1",
        );
        let today = row_of(
            "2026-03-14",
            "7",
            "delivered",
            "2026-03-14T21:00:00.000Z",
            "e2",
        );
        store
            .upsert_mirror_rows(&[yesterday.clone(), today.clone()], Utc::now())
            .unwrap();
        assert_eq!(store.mirror_rows("2026-03-13").unwrap(), vec![yesterday]);
        assert_eq!(store.mirror_rows("2026-03-14").unwrap(), vec![today]);
    }

    #[test]
    fn the_feed_cursor_moves_with_its_page_and_only_forward() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        assert_eq!(store.feed_cursor().unwrap(), None);
        let page = [row("1", "ready", "2026-03-14T12:00:00.000Z", "e1")];
        store
            .apply_feed_page(&page, Some("2026-03-14T12:00:01.000Z#e1"), now)
            .unwrap();
        store
            .apply_feed_page(&[], Some("2026-03-14T11:00:00.000Z#e0"), now)
            .unwrap();
        assert_eq!(
            store.feed_cursor().unwrap().as_deref(),
            Some("2026-03-14T12:00:01.000Z#e1")
        );
        assert_eq!(store.mirror_last_synced().unwrap(), None);
        store.mark_feed_synced(now).unwrap();
        assert!(store.mirror_last_synced().unwrap().is_some());
    }

    #[test]
    fn the_summary_ignores_row_order_and_sees_any_difference() {
        let a = ConvergenceSummary::of([("1", "ready", "e1"), ("2", "ready", "e2")]);
        let b = ConvergenceSummary::of([("2", "ready", "e2"), ("1", "ready", "e1")]);
        assert_eq!(a, b);
        assert_eq!(a.count, 2);
        assert_ne!(
            a,
            ConvergenceSummary::of([("1", "ready", "e1"), ("2", "ready", "e3")])
        );
        // Pinned (computed independently): the table side, on another machine or
        // build, must compute the same number.
        assert_eq!(row_hash("", "", ""), 0x08e3_4c07_b581_a8a5);
        assert_eq!(
            row_hash("42", "ready", "0190a1b2-0000-7000-8000-000000000001"),
            0x0798_404d_d6e5_7c5c
        );
    }

    #[test]
    fn the_local_summary_matches_one_computed_from_the_rows() {
        let (_dir, mut store) = store();
        let rows = [
            row("1", "ready", "2026-03-14T12:00:00.000Z", "e1"),
            row("2", "preparing", "2026-03-14T12:01:00.000Z", "e2"),
            row("3", "ready", "2026-03-15T00:01:00.000Z", "e3"),
        ];
        store.upsert_mirror_rows(&rows, Utc::now()).unwrap();
        assert_eq!(
            store.mirror_summary("2026-03-14").unwrap(),
            ConvergenceSummary::of([("1", "ready", "e1"), ("2", "preparing", "e2")])
        );
    }

    #[test]
    fn replacing_a_day_removes_what_the_table_lost_leaves_other_days_and_holds_the_day() {
        let (_dir, mut store) = store();
        let now = Utc::now();
        let kept = row("1", "ready", "2026-03-14T12:00:00.000Z", "e1");
        let lost = row("2", "ready", "2026-03-14T12:01:00.000Z", "e2");
        let other_day = row("3", "ready", "2026-03-15T12:00:00.000Z", "e3");
        store
            .upsert_mirror_rows(&[kept.clone(), lost, other_day.clone()], now)
            .unwrap();
        assert!(!store.holds_day("2026-03-14").unwrap());
        let counts = store
            .replace_mirror_day("2026-03-14", std::slice::from_ref(&kept), now)
            .unwrap();
        assert_eq!(counts.removed, 1);
        assert_eq!(counts.written.unchanged, 1);
        assert_eq!(store.mirror_rows("2026-03-14").unwrap(), vec![kept.clone()]);
        assert_eq!(store.mirror_rows("2026-03-15").unwrap(), vec![other_day]);
        assert!(store.holds_day("2026-03-14").unwrap());
        // An empty day read whole is held too: there is nothing more to fetch.
        store.replace_mirror_day("2026-03-10", &[], now).unwrap();
        assert!(store.holds_day("2026-03-10").unwrap());
        store.mark_day_checked("2026-03-14", now, true).unwrap();
        let held = store.held_days().unwrap();
        assert_eq!(held.len(), 2);
        assert_eq!(held[1].converged, Some(true));
        assert!(store.last_day_check().unwrap().is_some());
        let counts = store.replace_mirror_all(&[kept], now).unwrap();
        assert_eq!(counts.removed, 1);
        assert!(store.mirror_rows("2026-03-15").unwrap().is_empty());
    }

    #[test]
    fn a_day_read_in_parts_ends_as_a_day_replaced_at_once() {
        let day = "2026-03-14";
        let stale = row("1", "preparing", "2026-03-14T11:00:00.000Z", "e-gone");
        let table: Vec<MirrorRow> = (0..7)
            .map(|i| {
                let time = format!("2026-03-14T12:0{i}:00.000Z");
                row(
                    &format!("{}", 10 + i),
                    "order done",
                    &time,
                    &format!("e{i}"),
                )
            })
            .collect();
        let (_d1, mut whole) = store();
        let (_d2, mut parts) = store();
        for store in [&mut whole, &mut parts] {
            store
                .upsert_mirror_rows(std::slice::from_ref(&stale), Utc::now())
                .unwrap();
        }
        let at_once = whole.replace_mirror_day(day, &table, Utc::now()).unwrap();

        let mut written = MirrorWriteCounts::default();
        for chunk in table.chunks(3) {
            written.absorb(parts.write_table_rows(chunk, Utc::now()).unwrap());
            assert!(!parts.holds_day(day).unwrap(), "held only when whole");
        }
        let keys = table
            .iter()
            .map(|r| (r.order.clone(), r.status.clone()))
            .collect();
        let removed = parts.finish_day_read(day, &keys, Utc::now()).unwrap();
        assert!(parts.holds_day(day).unwrap());
        assert_eq!((written, removed), (at_once.written, at_once.removed));
        assert_eq!(removed, 1, "the row the table no longer has goes");
        assert_eq!(
            parts.mirror_rows(day).unwrap(),
            whole.mirror_rows(day).unwrap()
        );
    }

    #[test]
    fn local_taps_show_at_once_and_give_way_to_the_mirror() {
        let (_dir, mut store) = store();
        let day = "2026-03-14";
        let at = |h, m| Utc.with_ymd_and_hms(2026, 3, 14, h, m, 0).unwrap();
        let tap = store
            .record_tap(
                date(day),
                "7",
                Status::OrderDone,
                "Bia",
                "oven-1",
                at(12, 0),
            )
            .unwrap();
        store
            .record_tap(
                date(day),
                "8",
                Status::OrderDone,
                "Caio",
                "oven-1",
                at(23, 59),
            )
            .unwrap();
        // Another day's order is not in this day's view.
        store
            .record_tap(
                date("2026-03-15"),
                "9",
                Status::OrderDone,
                "Duda",
                "oven-1",
                at(12, 0) + Duration::days(1),
            )
            .unwrap();
        let view = store.day_view(&window(day)).unwrap();
        assert_eq!(view.len(), 2);
        assert_eq!(view[0].event_id, tap.event_id.to_string());
        assert_eq!(view[0].source, ViewSource::Local(OutboxState::Pending));
        assert_eq!(view[0].day, day);

        // Once mirrored, the table's row is shown.
        let event_id = tap.event_id.to_string();
        store
            .upsert_mirror_rows(
                &[row(
                    "7",
                    "order done",
                    "2026-03-14T12:00:00.000Z",
                    &event_id,
                )],
                Utc::now(),
            )
            .unwrap();
        let view = store.day_view(&window(day)).unwrap();
        assert_eq!(view.len(), 2);
        assert_eq!(view[0].source, ViewSource::Table);
        assert_eq!(view[0].event_id, event_id);

        // A newer local tap of the same (order, status) wins over the mirror's row.
        let newer = store
            .record_tap(
                date(day),
                "7",
                Status::OrderDone,
                "Bia",
                "oven-1",
                at(12, 30),
            )
            .unwrap();
        let view = store.day_view(&window(day)).unwrap();
        let seven: Vec<_> = view.iter().filter(|r| r.order == "7").collect();
        assert_eq!(seven.len(), 1);
        assert_eq!(seven[0].event_id, newer.event_id.to_string());

        // A newer table row (another device's) wins over an older local tap.
        store
            .upsert_mirror_rows(
                &[row("8", "order done", "2026-03-14T23:59:30.000Z", "other")],
                Utc::now(),
            )
            .unwrap();
        let view = store.day_view(&window(day)).unwrap();
        let eight = view.iter().find(|r| r.order == "8").unwrap();
        assert_eq!(
            (eight.event_id.as_str(), eight.source),
            ("other", ViewSource::Table)
        );
    }

    #[test]
    fn a_tap_is_stamped_after_everything_seen_of_its_order() {
        let (_dir, mut store) = store();
        let day = date("2026-03-14");
        // Another device, three minutes fast, put the order in the oven at 08:04:12.
        store
            .upsert_mirror_rows(
                &[row(
                    "830001",
                    "in the oven",
                    "2026-03-14T08:04:12.000Z",
                    "fast",
                )],
                Utc::now(),
            )
            .unwrap();
        let wall = Utc.with_ymd_and_hms(2026, 3, 14, 8, 1, 15).unwrap();
        let tap = store
            .record_tap(day, "830001", Status::LeftTheOven, "Ana", "oven-2", wall)
            .unwrap();
        assert_eq!(
            tap.time,
            "2026-03-14T08:04:12.001Z".parse::<DateTime<Utc>>().unwrap()
        );
        // An undo in the same millisecond still sorts after the tap it undoes.
        let undo = store
            .record_tap(day, "830001", Status::InTheOven, "Ana", "oven-2", wall)
            .unwrap();
        assert!(undo.time > tap.time);
        let orders = summarize_view(&store.day_view(&window("2026-03-14")).unwrap());
        assert_eq!(orders[0].current, Status::InTheOven);
        // Another order, or the same number on another day, is not held back.
        let other = store
            .record_tap(
                date("2026-03-15"),
                "830001",
                Status::OrderDone,
                "Bo",
                "oven-2",
                wall,
            )
            .unwrap();
        assert_eq!(other.time, wall);
    }

    #[test]
    fn a_refused_tap_is_not_shown() {
        let (_dir, mut store) = store();
        let at = Utc.with_ymd_and_hms(2026, 3, 14, 12, 0, 0).unwrap();
        let tap = store
            .record_tap(date("2026-03-14"), "7", Status::Ready, "Bia", "oven-1", at)
            .unwrap();
        store
            .mark_rejected(&tap.event_id.to_string(), "MalformedDetail")
            .unwrap();
        assert!(store.day_view(&window("2026-03-14")).unwrap().is_empty());
    }

    #[test]
    fn an_order_done_row_says_what_the_order_is_from_the_outbox_and_from_the_mirror() {
        let (_dir, mut store) = store();
        let day = "2026-03-14";
        let at = |h, m| Utc.with_ymd_and_hms(2026, 3, 14, h, m, 0).unwrap();
        let contents = OrderContents {
            lines: vec!["2x Margherita (large) + olives".parse().unwrap()],
            address: Some("Rua Augusta, 1200".into()),
            ..OrderContents::default()
        };
        let done = store
            .record_tap_with(
                date(day),
                "7",
                Status::OrderDone,
                "Ana",
                "oven-1",
                at(12, 0),
                contents.clone(),
            )
            .unwrap();
        store
            .record_tap(
                date(day),
                "7",
                Status::Preparing,
                "Ana",
                "oven-1",
                at(12, 1),
            )
            .unwrap();
        let shown = |store: &Store| {
            store
                .day_view(&window(day))
                .unwrap()
                .into_iter()
                .map(|r| (r.status, r.contents))
                .collect::<Vec<_>>()
        };
        let expected = vec![
            ("order done".to_owned(), Some(contents.clone())),
            ("preparing".to_owned(), None),
        ];
        assert_eq!(shown(&store), expected);
        // The table's copy of the event says the same.
        let mut mirrored = row(
            "7",
            "order done",
            "2026-03-14T12:00:00.000Z",
            &done.event_id.to_string(),
        );
        mirrored.detail = done.detail_json();
        store.upsert_mirror_rows(&[mirrored], Utc::now()).unwrap();
        assert_eq!(shown(&store), expected);
    }
}

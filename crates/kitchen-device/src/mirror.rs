//! Mirroring the event table into the device's SQLite. Two ways in:
//!
//! - **The arrival feed** (`by-arrival`): every item in the order the store
//!   function wrote it, read from the device's cursor less a short overlap.
//!   Whatever its tap time and whatever its day, an item written after the
//!   last sync reaches the next one: a late tap, a retried write, a device
//!   whose clock runs ahead.
//! - **A business day whole** (`by-day`): what a device reads for the days it
//!   shows the first time, what `verify` compares (count and checksum), and
//!   what the periodic check reads again when a day differs.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kitchen_domain::{day_key, time_key, BusinessDay};
use kitchen_store::{
    ConvergenceSummary, DayWindow, MirrorReplaceCounts, MirrorRow, MirrorWriteCounts, StoreError,
};
use serde::Serialize;

use crate::ports::aws::EventTable;
use crate::ports::{Cloud, Table};
use crate::writer::StoreAccess;
use kitchen_aws::clock::ClockWatch;
use kitchen_aws::table::TableRow;
use kitchen_aws::Clients;

use crate::DeviceError;

pub use crate::ports::aws::{BY_ARRIVAL_INDEX, BY_DAY_INDEX};
/// How far before its cursor a feed read starts again. It covers the longest a
/// write can take from its stamp to the index (the store function's PutItem
/// gives up after 15 s; the index follows within a second or so) and the
/// spread between the clocks of store functions running at once; never the
/// devices' clocks, which the feed does not use.
pub const FEED_OVERLAP: Duration = Duration::seconds(30);
/// The board and the drivers' lists show open orders entered this long ago at most.
pub const OPEN_ORDERS_BOUND: Duration = Duration::hours(24);

/// What one read of the arrival feed did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FeedReport {
    /// Items the table returned: the cost of the read.
    pub items_read: u64,
    pub pages: u64,
    pub written: MirrorWriteCounts,
    /// The business days whose rows changed.
    pub days_changed: BTreeSet<String>,
    /// Where the read started (`None`: the feed's first read on this device).
    pub from: Option<String>,
    /// The cursor after the read.
    pub cursor: Option<String>,
}

/// What reading a business day whole (or the whole table) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResyncReport {
    /// `None`: every day (a scan of the table).
    pub day: Option<String>,
    pub items_read: u64,
    pub pages: u64,
    pub counts: MirrorReplaceCounts,
}

/// What a sync did: the days read whole for the first time, then the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub days_read: Vec<ResyncReport>,
    pub feed: FeedReport,
}

/// The mirror and the table compared for one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub day: String,
    pub local: ConvergenceSummary,
    pub table: ConvergenceSummary,
}

impl VerifyReport {
    /// Same rows on both sides (same count, same checksum).
    pub fn converged(&self) -> bool {
        self.local == self.table
    }
}

/// What the periodic check of a day did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayCheck {
    pub verify: VerifyReport,
    /// The day read again whole because it differed.
    pub repaired: Option<ResyncReport>,
}

/// Syncs a device's mirror with the event table.
#[derive(Clone)]
pub struct MirrorSync {
    table: Arc<dyn Table>,
    clock: ClockWatch,
    business_day: BusinessDay,
    page_limit: Option<i32>,
    overlap: Duration,
}

impl MirrorSync {
    /// A sync of the configured table through `clients`, that tells business
    /// days by `business_day`, the stack's setting.
    pub fn new(clients: &Clients, business_day: BusinessDay) -> MirrorSync {
        MirrorSync::of(
            Arc::new(EventTable::new(clients)),
            clients.clock.clone(),
            business_day,
        )
    }

    /// A sync of the cloud's table.
    pub fn on(cloud: &Cloud, business_day: BusinessDay) -> MirrorSync {
        MirrorSync::of(Arc::clone(&cloud.table), cloud.clock.clone(), business_day)
    }

    fn of(table: Arc<dyn Table>, clock: ClockWatch, business_day: BusinessDay) -> MirrorSync {
        MirrorSync {
            table,
            clock,
            business_day,
            page_limit: None,
            overlap: FEED_OVERLAP,
        }
    }

    /// At most `items` items per Query or Scan page (default: the service's 1 MB pages).
    pub fn with_page_limit(mut self, items: i32) -> MirrorSync {
        self.page_limit = Some(items.max(1));
        self
    }

    pub fn with_overlap(mut self, overlap: Duration) -> MirrorSync {
        self.overlap = overlap;
        self
    }

    pub fn business_day(&self) -> BusinessDay {
        self.business_day
    }

    /// The cloud's time now, as this device measures it.
    pub fn cloud_now(&self) -> DateTime<Utc> {
        self.clock.cloud_now()
    }

    /// Today's business day, by the cloud's clock.
    pub fn today(&self) -> NaiveDate {
        self.business_day.day_of(self.cloud_now())
    }

    /// The business days the board and the drivers' lists draw from: today,
    /// the next day, and the earlier ones the last [`OPEN_ORDERS_BOUND`] touch.
    pub fn days_shown(&self) -> Vec<NaiveDate> {
        crate::views::open_days(&self.business_day, self.cloud_now())
    }

    /// The instants of a business day, for the day's view of local taps.
    pub fn day_window(&self, day: NaiveDate) -> DayWindow {
        day_window(&self.business_day, day)
    }

    /// Reads whole the days shown (and `extra`) that this device does not hold
    /// yet, then the arrival feed. A new device takes its place in the feed
    /// before it reads the days, so nothing written meanwhile is missed.
    pub async fn sync(
        &self,
        store: &mut impl StoreAccess,
        extra: &[NaiveDate],
    ) -> Result<SyncReport, DeviceError> {
        if store.with(|s| s.feed_cursor()).await?.is_none() {
            // The place is taken by the cloud's clock, never the device's: one
            // answer from the cloud first measures it.
            if self.clock.offset().is_none() {
                self.table.stack_settings().await?;
            }
            let start = time_key(self.cloud_now() - self.overlap.max(Duration::minutes(2)));
            store
                .with(move |s| s.apply_feed_page(&[], Some(&start), Utc::now()))
                .await?;
        }
        let mut days_read = Vec::new();
        let mut days = self.days_shown();
        for day in extra {
            if !days.contains(day) {
                days.push(*day);
            }
        }
        for day in days {
            let key = day_key(day);
            if !store.with(move |s| s.holds_day(&key)).await? {
                days_read.push(self.read_day(store, day).await?);
            }
        }
        let feed = self.follow_feed(store).await?;
        Ok(SyncReport { days_read, feed })
    }

    /// Reads the arrival feed from the cursor (less the overlap) to its end,
    /// page by page; each page and the cursor after it are written together.
    /// Dropping it part-way is safe: the next read starts at the last page written.
    pub async fn follow_feed(
        &self,
        store: &mut impl StoreAccess,
    ) -> Result<FeedReport, DeviceError> {
        let cursor = store.with(|s| s.feed_cursor()).await?;
        let (start, from) = match cursor
            .as_deref()
            .zip(cursor.as_deref().and_then(cursor_time))
        {
            // Without an overlap, exactly what came after the cursor.
            Some((cursor, time)) if self.overlap.is_zero() => (time, cursor.to_owned()),
            // A bare time sorts before every key of that millisecond.
            Some((_, time)) => (time - self.overlap, time_key(time - self.overlap)),
            None => {
                let start = self.cloud_now() - self.overlap.max(Duration::minutes(2));
                (start, time_key(start))
            }
        };
        let mut report = FeedReport {
            from: cursor.clone(),
            cursor: cursor.clone(),
            ..FeedReport::default()
        };
        let mut highest = cursor.unwrap_or_else(|| from.clone());
        // The partitions from the start's UTC day to the cloud's today (and
        // tomorrow's first minutes, for a store function whose clock is ahead).
        let last = (self.cloud_now() + Duration::minutes(1)).date_naive();
        for arrival_day in start.date_naive().iter_days().take_while(|d| *d <= last) {
            let arrival_day = day_key(arrival_day);
            let mut next = None;
            loop {
                let page = self
                    .table
                    .arrivals(&arrival_day, &from, next.take(), self.page_limit)
                    .await?;
                report.pages += 1;
                report.items_read += page.items.len() as u64;
                let mut rows = Vec::with_capacity(page.items.len());
                for row in page.items {
                    if let Some(key) = &row.arrival_key {
                        if *key > highest {
                            highest = key.clone();
                        }
                    }
                    rows.push(mirror_row(row));
                }
                let days: Vec<String> = rows.iter().map(|row| row.day.clone()).collect();
                let counts = write_feed_page(store, rows, &highest).await?;
                if counts.changed() > 0 {
                    report.days_changed.extend(days);
                }
                report.written.absorb(counts);
                match page.next {
                    Some(key) => next = Some(key),
                    None => break,
                }
            }
        }
        report.cursor = store
            .relaxed(|s| {
                s.mark_feed_synced(Utc::now())?;
                s.feed_cursor()
            })
            .await?;
        tracing::debug!(?report, "feed read");
        Ok(report)
    }

    /// Reads a business day whole from the table and makes the mirror's day
    /// exactly that, removing local rows the table no longer has.
    pub async fn read_day(
        &self,
        store: &mut impl StoreAccess,
        day: NaiveDate,
    ) -> Result<ResyncReport, DeviceError> {
        let day = day_key(day);
        let (rows, pages) = self.day_rows(&day).await?;
        let rows: Vec<MirrorRow> = rows.into_iter().map(mirror_row).collect();
        let items_read = rows.len() as u64;
        let counts = replace_day(store, day.clone(), rows).await?;
        Ok(ResyncReport {
            day: Some(day),
            items_read,
            pages,
            counts,
        })
    }

    /// Scans the whole table and makes the whole mirror exactly that. Needs
    /// `dynamodb:Scan` on the table, which a day's read does not.
    pub async fn full_resync_all(
        &self,
        store: &mut impl StoreAccess,
    ) -> Result<ResyncReport, DeviceError> {
        let mut rows = Vec::new();
        let mut pages = 0;
        let mut next = None;
        loop {
            let page = self.table.scan(next.take(), self.page_limit).await?;
            pages += 1;
            rows.extend(page.items.into_iter().map(mirror_row));
            match page.next {
                Some(key) => next = Some(key),
                None => break,
            }
        }
        let items_read = rows.len() as u64;
        // The whole mirror at once: a resync is asked for, not run beside taps.
        let counts = store
            .with(move |s| s.replace_mirror_all(&rows, Utc::now()))
            .await?;
        Ok(ResyncReport {
            day: None,
            items_read,
            pages,
            counts,
        })
    }

    /// Compares the mirror's day with the table's: count and checksum, each side
    /// computed with [`ConvergenceSummary`].
    pub async fn verify_day(
        &self,
        store: &mut impl StoreAccess,
        day: NaiveDate,
    ) -> Result<VerifyReport, DeviceError> {
        let table = self.table_summary(day).await?;
        let day = day_key(day);
        let key = day.clone();
        let local = store.with(move |s| s.mirror_summary(&key)).await?;
        Ok(VerifyReport { day, local, table })
    }

    /// Count and checksum of the table's items of a business day.
    pub async fn table_summary(&self, day: NaiveDate) -> Result<ConvergenceSummary, DeviceError> {
        let day = day_key(day);
        let mut table = ConvergenceSummary::default();
        let mut next = None;
        loop {
            // Only the three attributes the summary needs: a check reads little.
            let page = self
                .table
                .day_identities(&day, next.take(), self.page_limit)
                .await?;
            for item in &page.items {
                table.add(&item.order, &item.status, &item.event_id);
            }
            match page.next {
                Some(key) => next = Some(key),
                None => break,
            }
        }
        Ok(table)
    }

    /// The periodic check of a held day: compared with the table, and read
    /// again whole when it differs. The verdict is kept for the status bar.
    pub async fn check_day(
        &self,
        store: &mut impl StoreAccess,
        day: NaiveDate,
    ) -> Result<DayCheck, DeviceError> {
        let table = self.table_summary(day).await?;
        let key = day_key(day);
        let verify = VerifyReport {
            day: day_key(day),
            local: store.with(move |s| s.mirror_summary(&key)).await?,
            table,
        };
        let repaired = if verify.converged() {
            None
        } else {
            tracing::info!(day = %verify.day, ?verify, "the mirror differed from the table; reading the day again");
            Some(self.read_day(store, day).await?)
        };
        let (key, converged) = (verify.day.clone(), verify.converged());
        store
            .with(move |s| s.mark_day_checked(&key, Utc::now(), converged))
            .await?;
        Ok(DayCheck { verify, repaired })
    }

    /// Every item of a business day, through `by-day`; and the page count.
    async fn day_rows(&self, day: &str) -> Result<(Vec<TableRow>, u64), DeviceError> {
        let mut rows = Vec::new();
        let mut pages = 0;
        let mut next = None;
        loop {
            let page = self.table.day(day, next.take(), self.page_limit).await?;
            pages += 1;
            rows.extend(page.items);
            match page.next {
                Some(key) => next = Some(key),
                None => return Ok((rows, pages)),
            }
        }
    }
}

/// The instants of a business day: what a day's view holds of the local taps
/// that were recorded before taps carried their day. Needs no cloud.
pub fn day_window(rule: &BusinessDay, day: NaiveDate) -> DayWindow {
    let (start, end) = rule.window(day);
    DayWindow {
        day: day_key(day),
        start,
        end,
    }
}

/// The time of a feed cursor, `<stored_at>` or `<stored_at>#<event_id>`.
fn cursor_time(cursor: &str) -> Option<DateTime<Utc>> {
    let time = cursor.split('#').next()?;
    DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Rows the mirror writes in one transaction: a tap waits for one such write at most.
pub const MIRROR_CHUNK: usize = 200;

/// Writes a page of the arrival feed in transactions of [`MIRROR_CHUNK`] rows;
/// the cursor moves with the last, so a page cut short is read again.
async fn write_feed_page(
    store: &mut impl StoreAccess,
    rows: Vec<MirrorRow>,
    cursor: &str,
) -> Result<MirrorWriteCounts, StoreError> {
    let mut chunks: Vec<Vec<MirrorRow>> = rows.chunks(MIRROR_CHUNK).map(<[_]>::to_vec).collect();
    if chunks.is_empty() {
        chunks.push(Vec::new());
    }
    let last = chunks.len() - 1;
    let mut counts = MirrorWriteCounts::default();
    for (index, chunk) in chunks.into_iter().enumerate() {
        let cursor = (index == last).then(|| cursor.to_owned());
        let written = store
            .relaxed(move |s| s.apply_feed_page(&chunk, cursor.as_deref(), Utc::now()))
            .await?;
        counts.absorb(written);
    }
    Ok(counts)
}

/// Makes the mirror's `day` exactly the table's `rows`; a large day in
/// transactions of [`MIRROR_CHUNK`] rows, the day held only after the last.
async fn replace_day(
    store: &mut impl StoreAccess,
    day: String,
    rows: Vec<MirrorRow>,
) -> Result<MirrorReplaceCounts, StoreError> {
    if rows.len() <= MIRROR_CHUNK {
        return store
            .relaxed(move |s| s.replace_mirror_day(&day, &rows, Utc::now()))
            .await;
    }
    let keys: HashSet<(String, String)> = rows
        .iter()
        .map(|row| (row.order.clone(), row.status.clone()))
        .collect();
    let mut written = MirrorWriteCounts::default();
    for chunk in rows.chunks(MIRROR_CHUNK) {
        let chunk = chunk.to_vec();
        let counts = store
            .relaxed(move |s| s.write_table_rows(&chunk, Utc::now()))
            .await?;
        written.absorb(counts);
    }
    let removed = store
        .relaxed(move |s| s.finish_day_read(&day, &keys, Utc::now()))
        .await?;
    Ok(MirrorReplaceCounts { written, removed })
}

/// A table row as the mirror keeps it.
pub fn mirror_row(row: TableRow) -> MirrorRow {
    MirrorRow {
        order: row.order,
        status: row.status,
        client: row.client,
        time: row.time,
        day: row.day,
        event_id: row.event_id,
        device: row.device,
        seq: row.seq.and_then(|s| i64::try_from(s).ok()),
        version: row.version,
        time_event_id: row.time_event_id,
        detail: row.detail,
        stored_at: row.stored_at,
        ahead_ms: row.ahead_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_its_time_and_a_bare_time_sorts_first() {
        let cursor = "2026-03-14T12:00:00.000Z#0190a1b2-0000-7000-8000-000000000001";
        let time = cursor_time(cursor).unwrap();
        assert_eq!(time_key(time), "2026-03-14T12:00:00.000Z");
        let from = time_key(time - FEED_OVERLAP);
        assert_eq!(from, "2026-03-14T11:59:30.000Z");
        assert!("2026-03-14T11:59:30.000Z#0190" > from.as_str());
        assert!("2026-03-14T11:59:29.999Z#ffff" < from.as_str());
        assert_eq!(cursor_time("garbage"), None);
    }

    #[test]
    fn a_business_days_window_starts_at_the_day_start_hour() {
        let rule = BusinessDay::new("America/Sao_Paulo", 4).unwrap();
        let window = day_window(&rule, NaiveDate::from_ymd_opt(2026, 3, 14).unwrap());
        assert_eq!(window.day, "2026-03-14");
        assert_eq!(time_key(window.start), "2026-03-14T07:00:00.000Z");
        assert_eq!(time_key(window.end), "2026-03-15T07:00:00.000Z");
    }
}

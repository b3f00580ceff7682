//! Mirroring the event table into the device's SQLite: an incremental sync per
//! day through the `by-day` index (after the day's watermark, less an overlap
//! window), a full resync that also drops what the table no longer has, and a
//! check that the mirror and the table hold the same rows.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use kitchen_store::{
    ConvergenceSummary, DayWindow, MirrorReplaceCounts, MirrorRow, MirrorWriteCounts, Store,
};
use serde::Serialize;

use crate::table::TableRow;
use crate::{Clients, CloudError};

/// The table's index of one day's events ordered by `time#event_id`.
pub const BY_DAY_INDEX: &str = "by-day";
/// How far before the watermark an incremental sync reads again: the index is
/// eventually consistent and devices' clocks differ, so a late row can land
/// just behind what was already seen.
pub const DEFAULT_OVERLAP: Duration = Duration::minutes(2);

/// What one incremental sync of a day did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub day: String,
    /// Items the table returned: the cost of the sync.
    pub items_read: u64,
    pub pages: u64,
    pub written: MirrorWriteCounts,
    /// `None`: the day had no watermark and was read whole.
    pub from: Option<String>,
    /// The day's watermark after the sync.
    pub watermark: Option<String>,
}

/// What a full resync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResyncReport {
    /// `None`: every day (a scan of the table).
    pub day: Option<String>,
    pub items_read: u64,
    pub pages: u64,
    pub counts: MirrorReplaceCounts,
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

/// Syncs a device's mirror with the event table.
#[derive(Debug, Clone)]
pub struct MirrorSync {
    clients: Clients,
    time_zone: Tz,
    page_limit: Option<i32>,
    overlap: Duration,
}

impl MirrorSync {
    /// Fails when the configured store time zone is not an IANA name.
    pub fn new(clients: &Clients) -> Result<MirrorSync, CloudError> {
        let time_zone = store_time_zone(&clients.config.store_time_zone)?;
        Ok(MirrorSync {
            clients: clients.clone(),
            time_zone,
            page_limit: None,
            overlap: DEFAULT_OVERLAP,
        })
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

    /// Today in the store's time zone: the day the table files a tap made now under.
    pub fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.time_zone).date_naive()
    }

    /// The days an incremental sync covers: today, plus `extra` if given.
    pub fn days_to_sync(&self, extra: Option<NaiveDate>) -> Vec<NaiveDate> {
        let mut days = vec![self.today()];
        days.extend(extra.filter(|day| *day != days[0]));
        days
    }

    /// The instants of `day` in the store's time zone, for the day's view of local taps.
    pub fn day_window(&self, day: NaiveDate) -> DayWindow {
        day_window_in(self.time_zone, day)
    }

    /// Incremental sync of today and `extra`.
    pub async fn sync(
        &self,
        store: &mut Store,
        extra: Option<NaiveDate>,
    ) -> Result<Vec<SyncReport>, CloudError> {
        let mut reports = Vec::new();
        for day in self.days_to_sync(extra) {
            reports.push(self.sync_day(store, day).await?);
        }
        Ok(reports)
    }

    /// Fetches the day's rows after its watermark (less the overlap), page by page,
    /// writes each page into the mirror, then advances the watermark to the
    /// highest `time#event_id` seen. A failure part-way leaves the watermark where
    /// it was: the next sync reads those rows again, and writing them is idempotent.
    pub async fn sync_day(
        &self,
        store: &mut Store,
        day: NaiveDate,
    ) -> Result<SyncReport, CloudError> {
        let day = day_key(day);
        let watermark = store.mirror_watermark(&day)?.map(|w| w.time_event_id);
        let from = watermark
            .as_deref()
            .and_then(|mark| overlap_cursor(mark, self.overlap));
        let mut report = SyncReport {
            day: day.clone(),
            items_read: 0,
            pages: 0,
            written: MirrorWriteCounts::default(),
            from: from.clone(),
            watermark: None,
        };
        let mut highest = watermark;
        let mut start = None;
        loop {
            let page = self
                .query_day_page(&day, from.as_deref(), start.take())
                .await?;
            report.pages += 1;
            report.items_read += page.rows.len() as u64;
            for row in &page.rows {
                // `None` sorts before any key.
                if highest.as_deref() < Some(row.time_event_id.as_str()) {
                    highest = Some(row.time_event_id.clone());
                }
            }
            report
                .written
                .absorb(store.upsert_mirror_rows(&page.rows, Utc::now())?);
            match page.next {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        if let Some(highest) = &highest {
            store.advance_mirror_watermark(&day, highest, Utc::now())?;
        }
        report.watermark = store.mirror_watermark(&day)?.map(|w| w.time_event_id);
        tracing::debug!(?report, "mirror synced");
        Ok(report)
    }

    /// Reads the whole day from the table and makes the mirror's day exactly that,
    /// removing local rows the table no longer has.
    pub async fn full_resync_day(
        &self,
        store: &mut Store,
        day: NaiveDate,
    ) -> Result<ResyncReport, CloudError> {
        let day = day_key(day);
        let (rows, pages) = self.read_day(&day).await?;
        let counts = store.replace_mirror_day(&day, &rows, Utc::now())?;
        Ok(ResyncReport {
            day: Some(day),
            items_read: rows.len() as u64,
            pages,
            counts,
        })
    }

    /// Scans the whole table and makes the whole mirror exactly that. Needs
    /// `dynamodb:Scan` on the table, which a day's resync does not.
    pub async fn full_resync_all(&self, store: &mut Store) -> Result<ResyncReport, CloudError> {
        let table = &self.clients.config.table_name;
        let mut rows = Vec::new();
        let mut pages = 0;
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let page = self
                .clients
                .dynamodb
                .scan()
                .table_name(table)
                .set_limit(self.page_limit)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| CloudError::call("Scan", table, e))?;
            pages += 1;
            for item in page.items() {
                rows.push(mirror_row(TableRow::from_item(item)?));
            }
            match page.last_evaluated_key() {
                Some(key) if !key.is_empty() => start = Some(key.clone()),
                _ => break,
            }
        }
        let counts = store.replace_mirror_all(&rows, Utc::now())?;
        Ok(ResyncReport {
            day: None,
            items_read: rows.len() as u64,
            pages,
            counts,
        })
    }

    /// Compares the mirror's day with the table's: count and checksum, each side
    /// computed with [`ConvergenceSummary`].
    pub async fn verify_day(
        &self,
        store: &Store,
        day: NaiveDate,
    ) -> Result<VerifyReport, CloudError> {
        let day = day_key(day);
        let (rows, _) = self.read_day(&day).await?;
        let table = ConvergenceSummary::of(
            rows.iter()
                .map(|r| (r.order.as_str(), r.status.as_str(), r.event_id.as_str())),
        );
        let local = store.mirror_summary(&day)?;
        Ok(VerifyReport { day, local, table })
    }

    /// Every row of a day, through the index; returns the rows and the page count.
    async fn read_day(&self, day: &str) -> Result<(Vec<MirrorRow>, u64), CloudError> {
        let mut rows = Vec::new();
        let mut pages = 0;
        let mut start = None;
        loop {
            let page = self.query_day_page(day, None, start.take()).await?;
            pages += 1;
            rows.extend(page.rows);
            match page.next {
                Some(key) => start = Some(key),
                None => return Ok((rows, pages)),
            }
        }
    }

    /// One page of the day's rows after `from` (all of the day's without it).
    async fn query_day_page(
        &self,
        day: &str,
        from: Option<&str>,
        start: Option<HashMap<String, AttributeValue>>,
    ) -> Result<DayPage, CloudError> {
        let table = &self.clients.config.table_name;
        // `day` is a reserved word on AWS: always through placeholders.
        let mut query = self
            .clients
            .dynamodb
            .query()
            .table_name(table)
            .index_name(BY_DAY_INDEX)
            .expression_attribute_names("#day", "day")
            .expression_attribute_values(":day", AttributeValue::S(day.to_owned()))
            .set_limit(self.page_limit)
            .set_exclusive_start_key(start);
        query = match from {
            Some(from) => query
                .key_condition_expression("#day = :day AND #te > :from")
                .expression_attribute_names("#te", "time_event_id")
                .expression_attribute_values(":from", AttributeValue::S(from.to_owned())),
            None => query.key_condition_expression("#day = :day"),
        };
        let page = query
            .send()
            .await
            .map_err(|e| CloudError::call("Query", format!("{table}/{BY_DAY_INDEX}"), e))?;
        let rows = page
            .items()
            .iter()
            .map(|item| TableRow::from_item(item).map(mirror_row))
            .collect::<Result<Vec<_>, _>>()?;
        let next = page
            .last_evaluated_key()
            .filter(|key| !key.is_empty())
            .cloned();
        Ok(DayPage { rows, next })
    }
}

struct DayPage {
    rows: Vec<MirrorRow>,
    next: Option<HashMap<String, AttributeValue>>,
}

/// Incremental sync of `day` with the default page size and overlap.
pub async fn sync_day(
    clients: &Clients,
    store: &mut Store,
    day: NaiveDate,
) -> Result<SyncReport, CloudError> {
    MirrorSync::new(clients)?.sync_day(store, day).await
}

/// Full resync of `day`, removing local rows the table no longer has.
pub async fn full_resync(
    clients: &Clients,
    store: &mut Store,
    day: NaiveDate,
) -> Result<ResyncReport, CloudError> {
    MirrorSync::new(clients)?.full_resync_day(store, day).await
}

/// The mirror's `day` compared with the table's.
pub async fn verify_day(
    clients: &Clients,
    store: &Store,
    day: NaiveDate,
) -> Result<VerifyReport, CloudError> {
    MirrorSync::new(clients)?.verify_day(store, day).await
}

/// The store's time zone by IANA name (`STORE_TIME_ZONE`).
pub fn store_time_zone(name: &str) -> Result<Tz, CloudError> {
    name.parse::<Tz>().map_err(|e| {
        CloudError::LocalCloud(format!(
            "STORE_TIME_ZONE {name:?} is not an IANA time zone: {e}"
        ))
    })
}

/// The instants of `day` in `zone`: what a day's view holds of the local taps.
/// Needs no cloud, so offline readers of a day use it directly.
pub fn day_window_in(zone: Tz, day: NaiveDate) -> DayWindow {
    DayWindow {
        day: day_key(day),
        start: start_of_day(zone, day),
        end: start_of_day(zone, day.succ_opt().unwrap_or(day)),
    }
}

/// The table's `day` attribute for a date: `YYYY-MM-DD`.
pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Parses a `YYYY-MM-DD` day exactly as the table writes it (zero-padded).
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|day| day_key(*day) == text)
}

fn mirror_row(row: TableRow) -> MirrorRow {
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
    }
}

/// The cursor `overlap` before a watermark `<time>#<event_id>`: a bare time sorts
/// before every key of that millisecond, since keys sort by time first.
fn overlap_cursor(watermark: &str, overlap: Duration) -> Option<String> {
    let time = watermark.split('#').next()?;
    let time = DateTime::parse_from_rfc3339(time).ok()?.with_timezone(&Utc);
    Some((time - overlap).to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// The first instant of `day` in `zone`. Where a DST change skips midnight, the
/// day starts at the first local time that exists.
fn start_of_day(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight is a valid time");
    (0..=24)
        .map(|quarter| midnight + Duration::minutes(15 * quarter))
        .find_map(|local| zone.from_local_datetime(&local).earliest())
        .map_or_else(|| midnight.and_utc(), |start| start.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_is_the_watermark_time_less_the_overlap() {
        let cursor = overlap_cursor(
            "2026-03-14T12:00:00.000Z#0190a1b2-0000-7000-8000-000000000001",
            DEFAULT_OVERLAP,
        )
        .unwrap();
        assert_eq!(cursor, "2026-03-14T11:58:00.000Z");
        // Rows in the overlap sort after the cursor; older ones before it.
        assert!("2026-03-14T11:58:00.000Z#0190" > cursor.as_str());
        assert!("2026-03-14T11:57:59.999Z#ffff" < cursor.as_str());
        assert_eq!(overlap_cursor("garbage", DEFAULT_OVERLAP), None);
    }

    #[test]
    fn days_are_strict_yyyy_mm_dd() {
        assert_eq!(
            parse_day("2026-03-14"),
            NaiveDate::from_ymd_opt(2026, 3, 14)
        );
        for bad in ["2026-3-14", "2026-13-01", "14/03/2026", "", "2026-02-30"] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_day_window_follows_the_store_time_zone() {
        let start = start_of_day(
            "America/Sao_Paulo".parse().unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 14).unwrap(),
        );
        assert_eq!(start.to_rfc3339(), "2026-03-14T03:00:00+00:00");
        // 2018-11-04 in São Paulo began at 01:00: midnight did not exist.
        let gap = start_of_day(
            "America/Sao_Paulo".parse().unwrap(),
            NaiveDate::from_ymd_opt(2018, 11, 4).unwrap(),
        );
        assert_eq!(gap.to_rfc3339(), "2018-11-04T03:00:00+00:00");
    }
}

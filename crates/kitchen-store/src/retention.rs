//! Old days leave the device: the cloud's table keeps the history, and a day a
//! screen opens again is read back from it. Pruning goes in small batches, each
//! its own short transaction, so a tap never waits long behind it. Taps not yet
//! published (pending or refused) are never pruned.

use chrono::NaiveDate;
use rusqlite::params;

use crate::{Store, StoreError};

/// How many days a device keeps unless its settings say otherwise.
pub const DEFAULT_KEEP_DAYS: u32 = 90;
/// The fewest days a device may keep: today, yesterday's late taps and a week
/// for the manager to look back on without asking the cloud.
pub const MIN_KEEP_DAYS: u32 = 7;
/// The most: ten years.
pub const MAX_KEEP_DAYS: u32 = 3650;

/// What pruning removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    /// Published taps.
    pub taps: u64,
    /// Mirrored events, and the days marked as held.
    pub mirror_rows: u64,
    pub days: u64,
    /// Deliveries taken from the queue, and orders a station took.
    pub deliveries: u64,
    pub claims: u64,
    /// Quarantined messages.
    pub quarantined: u64,
}

impl Pruned {
    pub fn total(&self) -> u64 {
        self.taps + self.mirror_rows + self.days + self.deliveries + self.claims + self.quarantined
    }

    pub fn absorb(&mut self, other: Pruned) {
        self.taps += other.taps;
        self.mirror_rows += other.mirror_rows;
        self.days += other.days;
        self.deliveries += other.deliveries;
        self.claims += other.claims;
        self.quarantined += other.quarantined;
    }
}

/// One statement of a batch: deletes at most `?3` rows of days before `?1`,
/// none of the days in the JSON array `?2`.
const STATEMENTS: [&str; 6] = [
    "DELETE FROM outbox WHERE seq IN (
         SELECT seq FROM outbox WHERE state = 'published' AND order_day < ?1
             AND order_day NOT IN (SELECT value FROM json_each(?2))
         UNION ALL
         SELECT seq FROM outbox WHERE state = 'published' AND order_day IS NULL AND tapped_at < ?1
         LIMIT ?3)",
    "DELETE FROM mirror_items WHERE rowid IN (
         SELECT rowid FROM mirror_items WHERE day < ?1
             AND day NOT IN (SELECT value FROM json_each(?2)) LIMIT ?3)",
    "DELETE FROM mirror_days WHERE day IN (
         SELECT day FROM mirror_days WHERE day < ?1
             AND day NOT IN (SELECT value FROM json_each(?2)) LIMIT ?3)",
    "DELETE FROM deliveries WHERE event_id IN (
         SELECT event_id FROM deliveries WHERE order_day < ?1
             AND order_day NOT IN (SELECT value FROM json_each(?2))
         UNION ALL
         SELECT event_id FROM deliveries WHERE order_day IS NULL AND ready_at < ?1
         LIMIT ?3)",
    "DELETE FROM order_claims WHERE rowid IN (
         SELECT rowid FROM order_claims WHERE day < ?1
             AND day NOT IN (SELECT value FROM json_each(?2)) LIMIT ?3)",
    "DELETE FROM quarantine WHERE id IN (
         SELECT id FROM quarantine WHERE received_at < ?1 LIMIT ?3)",
];

impl Store {
    /// Removes at most `batch` rows of each kind from the business days before
    /// `before`, except the days in `keep` (days a screen shows now), in one
    /// short transaction. Call it until it removes nothing.
    pub fn prune_batch(
        &mut self,
        before: NaiveDate,
        keep: &[NaiveDate],
        batch: usize,
    ) -> Result<Pruned, StoreError> {
        let before = before.format("%Y-%m-%d").to_string();
        let keep = serde_json::to_string(
            &keep
                .iter()
                .map(|day| day.format("%Y-%m-%d").to_string())
                .collect::<Vec<_>>(),
        )
        .expect("days serialize");
        let limit = i64::try_from(batch.max(1)).unwrap_or(i64::MAX);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut removed = [0u64; STATEMENTS.len()];
        for (count, sql) in removed.iter_mut().zip(STATEMENTS) {
            *count = tx
                .prepare_cached(sql)?
                .execute(params![before, keep, limit])? as u64;
        }
        tx.commit()?;
        let [taps, mirror_rows, days, deliveries, claims, quarantined] = removed;
        Ok(Pruned {
            taps,
            mirror_rows,
            days,
            deliveries,
            claims,
            quarantined,
        })
    }

    /// Prunes everything before `before` but the days in `keep`, batch after
    /// batch, calling `between` after each batch that removed something (to
    /// let taps go first); it stops early when `between` says `false`.
    /// Returns what it removed in all.
    pub fn prune_before(
        &mut self,
        before: NaiveDate,
        keep: &[NaiveDate],
        batch: usize,
        mut between: impl FnMut(&Pruned) -> bool,
    ) -> Result<Pruned, StoreError> {
        let mut all = Pruned::default();
        loop {
            let pruned = self.prune_batch(before, keep, batch)?;
            if pruned.total() == 0 {
                return Ok(all);
            }
            all.absorb(pruned);
            if !between(&all) {
                return Ok(all);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_store as store;
    use crate::MirrorRow;
    use chrono::{DateTime, TimeZone, Utc};
    use kitchen_domain::{Status, Tap};

    fn date(day: &str) -> NaiveDate {
        day.parse().unwrap()
    }

    fn noon(day: &str) -> DateTime<Utc> {
        Utc.from_utc_datetime(&date(day).and_hms_opt(12, 0, 0).unwrap())
    }

    fn tap(store: &mut Store, day: &str, order: &str, status: Status) -> String {
        store
            .record_tap(date(day), order, status, "Ana", "oven-1", noon(day))
            .unwrap()
            .event_id
            .to_string()
    }

    fn count(store: &Store, table: &str) -> i64 {
        // sql-from-constants: the tests' own table names.
        store
            .conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    fn mirror_row(day: &str) -> MirrorRow {
        let time = noon(day).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        MirrorRow {
            order: "1".into(),
            status: "order done".into(),
            client: "Ana".into(),
            day: day.into(),
            event_id: format!("e-{day}"),
            device: Some("oven-2".into()),
            seq: Some(1),
            version: "1".into(),
            time_event_id: format!("{time}#e-{day}"),
            detail: "{}".into(),
            stored_at: None,
            ahead_ms: None,
            time,
        }
    }

    /// Two old days and a recent one: taps (one published on each day, one
    /// pending on an old day), mirror rows, deliveries, claims.
    fn months_of_use(store: &mut Store) {
        for day in ["2026-01-10", "2026-01-11", "2026-04-20"] {
            let published = tap(store, day, "1", Status::OrderDone);
            store
                .mark_published(&[published.as_str()], noon(day))
                .expect("published");
            store
                .upsert_mirror_rows(&[mirror_row(day)], noon(day))
                .unwrap();
            let ready = Tap::new(date(day), "1", Status::Ready, "Ana", "oven-1", 1, noon(day))
                .unwrap()
                .to_status_event();
            store.record_delivery(&ready, day, noon(day)).unwrap();
            store.claim(day, "1", noon(day)).unwrap();
        }
        tap(store, "2026-01-10", "2", Status::OrderDone);
    }

    #[test]
    fn old_days_go_in_batches_and_unpublished_taps_stay() {
        let (_dir, mut store) = store();
        months_of_use(&mut store);
        let mut batches = 0;
        let pruned = store
            .prune_before(date("2026-04-01"), &[], 1, |_| {
                batches += 1;
                true
            })
            .unwrap();
        assert_eq!(
            pruned,
            Pruned {
                taps: 2,
                mirror_rows: 2,
                days: 0,
                deliveries: 2,
                claims: 2,
                quarantined: 0,
            }
        );
        assert_eq!(batches, 2, "one row of each kind per batch");
        let counts = store.outbox_counts().unwrap();
        assert_eq!((counts.pending, counts.published), (1, 1));
        assert_eq!(count(&store, "mirror_items"), 1);
        assert_eq!(count(&store, "deliveries"), 1);
        assert_eq!(count(&store, "order_claims"), 1);
        assert_eq!(
            store.prune_batch(date("2026-04-01"), &[], 100).unwrap(),
            Pruned::default(),
            "nothing is left to prune"
        );
    }

    #[test]
    fn a_day_on_screen_is_kept() {
        let (_dir, mut store) = store();
        months_of_use(&mut store);
        let pruned = store
            .prune_before(date("2026-04-01"), &[date("2026-01-11")], 100, |_| true)
            .unwrap();
        assert_eq!((pruned.taps, pruned.mirror_rows), (1, 1));
        assert_eq!(count(&store, "mirror_items"), 2);
    }

    #[test]
    fn the_outbox_counts_follow_every_change() {
        let (_dir, mut store) = store();
        let a = tap(&mut store, "2026-01-10", "1", Status::OrderDone);
        let b = tap(&mut store, "2026-01-10", "2", Status::OrderDone);
        tap(&mut store, "2026-01-10", "3", Status::OrderDone);
        store
            .mark_published(&[a.as_str()], noon("2026-01-10"))
            .unwrap();
        store.mark_rejected(&b, "bad").unwrap();
        let kept = store.outbox_counts().unwrap();
        let counted: Vec<(String, i64)> = store
            .conn
            .prepare("SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            counted,
            vec![
                ("pending".to_owned(), 1),
                ("published".to_owned(), 1),
                ("rejected".to_owned(), 1)
            ]
        );
        assert_eq!((kept.pending, kept.published, kept.rejected), (1, 1, 1));
        store.retry_rejected().unwrap();
        store
            .prune_before(date("2026-02-01"), &[], 10, |_| true)
            .unwrap();
        let kept = store.outbox_counts().unwrap();
        assert_eq!((kept.pending, kept.published, kept.rejected), (2, 0, 0));
    }
}

//! A damaged database is set aside, never deleted, and a new one takes its place
//! with everything that can still be read from it: the taps not yet published,
//! the device's name and settings, its deliveries and claims. The mirror is not
//! carried: it is rebuilt from the cloud, which holds it whole.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use kitchen_domain::{validate_client, validate_device, validate_order, Detail};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use crate::{Store, StoreError, DATABASE_FILE};

/// What a repair did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// Where the damaged file now is.
    pub set_aside: PathBuf,
    /// Unpublished taps carried into the new database, to be published.
    pub taps_carried: usize,
    /// Other rows carried: device state and settings, deliveries, claims, quarantine.
    pub rows_carried: usize,
    /// What could not be read; it stays in the set-aside file.
    pub unreadable: Vec<String>,
    /// The days the damaged mirror held (as far as it could be read), to rebuild.
    pub mirrored_days: Vec<String>,
}

/// A table carried row for row, with the columns that are copied.
struct Carried {
    table: &'static str,
    columns: &'static str,
}

const CARRIED: [Carried; 4] = [
    Carried {
        table: "device_state",
        columns: "key, value",
    },
    Carried {
        table: "deliveries",
        columns: "event_id, order_id, client, ready_at, received_at, notified_at, order_day",
    },
    Carried {
        table: "order_claims",
        columns: "day, order_id, claimed_at",
    },
    Carried {
        table: "quarantine",
        columns: "received_at, origin, body, error",
    },
];

/// The outbox columns carried; attempts and back-off start afresh.
const OUTBOX_COLUMNS: &str = "event_id, order_id, status, client, device, device_seq, tapped_at, \
                              detail, state, last_error, order_day";

/// Checks the whole file, uncached: `Ok(())` when SQLite finds nothing wrong,
/// [`StoreError::Damaged`] when it finds damage.
pub fn check_database(data_dir: &Path) -> Result<(), StoreError> {
    let path = data_dir.join(DATABASE_FILE);
    let conn = Connection::open(&path).map_err(|err| StoreError::from(err).at(&path))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    crate::quick_check(&conn, &path)
}

/// Checks the whole file unless this process already read it whole since it
/// last changed behind its back: the check the app runs in the background
/// after it starts. Returns whether it read the file.
pub fn check_database_unless_checked(data_dir: &Path) -> Result<bool, StoreError> {
    let path = data_dir.join(DATABASE_FILE);
    if crate::session::checked(&path) {
        return Ok(false);
    }
    let found = check_database(data_dir);
    crate::session::mark_checked(&path, matches!(found, Err(StoreError::Damaged { .. })));
    found.map(|()| true)
}

/// Renames the device's database (and its write-ahead log) to
/// `kitchen.damaged-<time>.sqlite3`, opens a new one in its place and carries
/// into it what can be read from a copy of the damaged one. Refuses a
/// database that is not damaged.
pub fn set_aside_damaged(data_dir: &Path, now: DateTime<Utc>) -> Result<Repair, StoreError> {
    let path = data_dir.join(DATABASE_FILE);
    if !path.exists() {
        return Err(StoreError::Repair(format!(
            "there is no database at {} to repair",
            path.display()
        )));
    }
    match check_database(data_dir) {
        Err(StoreError::Damaged { .. }) => {}
        Ok(()) => {
            return Err(StoreError::Repair(format!(
                "the database {} is not damaged: nothing was set aside",
                path.display()
            )))
        }
        Err(other) => return Err(other),
    }
    let set_aside = data_dir.join(format!(
        "kitchen.damaged-{}.sqlite3",
        now.format("%Y%m%dT%H%M%S%.3fZ")
    ));
    // The log goes with its file: committed taps may still be only in it.
    for suffix in ["-wal", "-shm", ""] {
        let from = with_suffix(&path, suffix);
        if from.exists() {
            std::fs::rename(&from, with_suffix(&set_aside, suffix)).map_err(|err| {
                StoreError::Repair(format!("cannot move {} aside: {err}", from.display()))
            })?;
        }
    }

    // Read from a copy, so nothing (not even a checkpoint) writes to the set-aside file.
    let scratch = with_suffix(&set_aside, ".reading");
    std::fs::create_dir_all(&scratch)
        .map_err(|err| StoreError::Repair(format!("cannot make {}: {err}", scratch.display())))?;
    let copy = scratch.join("damaged.sqlite3");
    for suffix in ["", "-wal"] {
        let from = with_suffix(&set_aside, suffix);
        if from.exists() {
            std::fs::copy(&from, with_suffix(&copy, suffix)).map_err(|err| {
                StoreError::Repair(format!("cannot copy {}: {err}", from.display()))
            })?;
        }
    }

    let mut repair = Repair {
        set_aside,
        taps_carried: 0,
        rows_carried: 0,
        unreadable: Vec::new(),
        mirrored_days: Vec::new(),
    };
    let mut fresh = Store::open_in(data_dir)?;
    // A truncated file says in its header that it is longer than it is; with
    // `writable_schema` SQLite reads the pages that are there instead of refusing
    // it all. Only the copy is opened so, and nothing is written to it.
    let opened = Connection::open(&copy).and_then(|old| {
        old.pragma_update(None, "writable_schema", true)
            .map(|()| old)
    });
    let carried = match opened {
        Ok(old) => carry(&old, &mut fresh, &mut repair),
        Err(err) => {
            repair
                .unreadable
                .push(format!("the whole file could not be opened: {err}"));
            Ok(())
        }
    };
    // Only the scratch copy goes; the set-aside file stays.
    if let Err(err) = std::fs::remove_dir_all(&scratch) {
        tracing::warn!("cannot remove {}: {err}", scratch.display());
    }
    carried.map(|()| repair)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut text = path.as_os_str().to_owned();
    text.push(suffix);
    PathBuf::from(text)
}

fn carry(old: &Connection, fresh: &mut Store, repair: &mut Repair) -> Result<(), StoreError> {
    let tx = fresh.conn.transaction()?;
    for carried in &CARRIED {
        let (rows, lost) = read_rows(old, carried.table, carried.columns, "");
        let holes = carried.columns.split(',').map(|_| "?").collect::<Vec<_>>();
        // sql-from-constants: the table and column names come from `CARRIED`.
        let insert = format!(
            "INSERT OR IGNORE INTO {} ({}) VALUES ({})",
            carried.table,
            carried.columns,
            holes.join(", ")
        );
        for row in rows {
            repair.rows_carried += tx.execute(&insert, params_from_iter(row))?;
        }
        if let Some(lost) = lost {
            repair.unreadable.push(format!("{}: {lost}", carried.table));
        }
    }

    let (rows, lost) = read_rows(old, "outbox", OUTBOX_COLUMNS, "state <> 'published'");
    if let Some(lost) = lost {
        repair.unreadable.push(format!("outbox: {lost}"));
    }
    let mut refused = 0;
    let mut highest_seq = 0;
    // sql-from-constants: the column list is `OUTBOX_COLUMNS`.
    let insert = format!(
        "INSERT OR IGNORE INTO outbox ({OUTBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    );
    for row in rows {
        match checked_tap(&row) {
            Ok(device_seq) => {
                highest_seq = highest_seq.max(device_seq);
                repair.taps_carried += tx.execute(&insert, params_from_iter(row))?;
            }
            Err(_) => refused += 1,
        }
    }
    if refused > 0 {
        repair.unreadable.push(format!(
            "outbox: {refused} unpublished taps were garbled and were not carried"
        ));
    }
    // The next tap numbers on from every tap carried, whatever the old counter said.
    let counter: Option<String> = tx
        .query_row(
            "SELECT value FROM device_state WHERE key = 'tap_seq'",
            [],
            |row| row.get(0),
        )
        .ok();
    let counter = counter.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    tx.execute(
        "INSERT INTO device_state (key, value) VALUES ('tap_seq', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [counter.max(highest_seq).to_string()],
    )?;
    tx.commit()?;

    let mut days = BTreeSet::new();
    for (table, column) in [("mirror_days", "day"), ("mirror_items", "day")] {
        let (rows, _) = read_rows(old, table, column, "");
        days.extend(rows.into_iter().filter_map(|row| match row.first() {
            Some(Value::Text(day)) if NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok() => {
                Some(day.clone())
            }
            _ => None,
        }));
    }
    repair.mirrored_days = days.into_iter().collect();
    Ok(())
}

/// A carried outbox row must still be the tap it was: its detail names the same
/// event, order and status, and every field passes the contract.
fn checked_tap(row: &[Value]) -> Result<i64, ()> {
    let text = |at: usize| match row.get(at) {
        Some(Value::Text(text)) => Ok(text.as_str()),
        _ => Err(()),
    };
    let detail: Detail = serde_json::from_str(text(7)?).map_err(|_| ())?;
    let device_seq = match row.get(5) {
        Some(Value::Integer(seq)) if *seq >= 0 => *seq,
        _ => return Err(()),
    };
    let consistent = detail.event_id == text(0)?
        && detail.order == text(1)?
        && detail.status.as_str() == text(2)?
        && detail.client == text(3)?
        && detail.device == text(4)?
        && detail.seq == device_seq as u64
        && matches!(text(8)?, "pending" | "rejected");
    if !consistent
        || validate_order(&detail.order).is_err()
        || validate_client(&detail.client).is_err()
        || validate_device(&detail.device).is_err()
        || DateTime::parse_from_rfc3339(text(6)?).is_err()
    {
        return Err(());
    }
    Ok(device_seq)
}

/// Every row of `table` that can be read: first from the start, and when the
/// damage stops that, from the end backwards, so rows on both sides are found.
/// Returns the rows and, when a read stopped, why.
fn read_rows(
    old: &Connection,
    table: &str,
    columns: &str,
    filter: &str,
) -> (Vec<Vec<Value>>, Option<String>) {
    let width = columns.split(',').count();
    let filter = if filter.is_empty() {
        String::new()
    } else {
        format!("WHERE {filter}")
    };
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    let mut stopped = None;
    for direction in ["ASC", "DESC"] {
        // sql-from-constants: names, filter and direction are this module's constants.
        let sql =
            format!("SELECT rowid, {columns} FROM {table} {filter} ORDER BY rowid {direction}");
        let result = (|| -> rusqlite::Result<()> {
            let mut statement = old.prepare(&sql)?;
            let mut found = statement.query([])?;
            while let Some(row) = found.next()? {
                let rowid: i64 = row.get(0)?;
                if seen.insert(rowid) {
                    let values = (1..=width)
                        .map(|at| row.get::<_, Value>(at))
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    rows.push((rowid, values));
                }
            }
            Ok(())
        })();
        match result {
            Ok(()) => {
                stopped = None;
                break;
            }
            Err(err) => stopped = Some(err.to_string()),
        }
    }
    rows.sort_by_key(|(rowid, _)| *rowid);
    let lost = stopped.map(|why| {
        format!(
            "{} rows read, the rest could not be ({why}); they stay in the set-aside file",
            rows.len()
        )
    });
    (rows.into_iter().map(|(_, values)| values).collect(), lost)
}

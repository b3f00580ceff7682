//! The device's SQLite database: the outbox that makes a tap durable before it
//! is shown as done, and the local tables that keep every screen working offline.

mod contacts;
mod deliveries;
mod migrations;
mod mirror;
mod outbox;
mod repair;
mod retention;
mod session;
mod settings;

use std::path::{Path, PathBuf};

use kitchen_domain::ContractError;
use rusqlite::Connection;
use thiserror::Error;

pub use contacts::{Forgotten, SavedContact};
pub use deliveries::{classify_delivery_message, Delivery, MessageOutcome, QuarantinedMessage};
pub use kitchen_domain::{is_loopback_url, validate_endpoint};
pub use mirror::{
    row_hash, summarize_view, view_histories, ConvergenceSummary, DayViewRow, DayWindow, HeldDay,
    MirrorReplaceCounts, MirrorRow, MirrorWrite, MirrorWriteCounts, ViewSource,
};
pub use outbox::{OutboxCounts, OutboxEntry, OutboxState};
pub use repair::{check_database, check_database_unless_checked, set_aside_damaged, Repair};
pub use retention::{Pruned, DEFAULT_KEEP_DAYS, MAX_KEEP_DAYS, MIN_KEEP_DAYS};
pub use session::end_sessions;
pub use settings::{
    Claim, DeviceRole, DeviceSettings, Language, DEFAULT_LATE_AFTER_MINUTES,
    DEFAULT_WARN_AFTER_MINUTES, MAX_THRESHOLD_MINUTES,
};

/// Where a device keeps its name in its database.
const DEVICE_NAME_KEY: &str = "device_name";

/// The file name of a device's database inside its data folder.
pub const DATABASE_FILE: &str = "kitchen.sqlite3";
pub use kitchen_domain::APP_IDENTIFIER;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(transparent)]
    Contract(#[from] ContractError),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// The file is not a database any more (truncated, overwritten): nothing is
    /// written to it; the taps it holds stay there for a repair.
    #[error("the device's database {} is damaged ({detail}); nothing was changed in it. Keep a copy of the file: the taps not yet published are in it. `kitchen repair` (or the app's repair button) sets it aside, carries those taps into a new database and rebuilds the mirror from the cloud", path.display())]
    Damaged { path: PathBuf, detail: String },
    /// The disk is full: the tap was refused, not half-written.
    #[error("the disk holding the device's database is full: the tap was NOT recorded ({0}); free some space and tap again")]
    DiskFull(String),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A repair that could not be done; the message says what was left as it was.
    #[error("cannot repair the database: {0}")]
    Repair(String),
    /// A file beside the database (its lock, its clean stamp) cannot be used.
    #[error("cannot {what} {}: {source}", path.display())]
    File {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database was written by a newer version of this app (schema {found}, this build knows {known})")]
    NewerSchema { found: usize, known: usize },
    /// The connection's owner is gone (the app is closing).
    #[error("the database is closed: {0}")]
    Closed(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Damaged {
                path: PathBuf::new(),
                detail: err.to_string(),
            },
            Some(ErrorCode::DiskFull) => StoreError::DiskFull(err.to_string()),
            _ => StoreError::Sqlite(err),
        }
    }
}

impl StoreError {
    /// Names the file in a "damaged" error raised where the path was not known.
    fn at(self, file: &Path) -> StoreError {
        match self {
            StoreError::Damaged { detail, .. } => StoreError::Damaged {
                path: file.to_owned(),
                detail,
            },
            other => other,
        }
    }
}

/// SQLite's check of the whole file: `Damaged` with its first finding, if any.
fn quick_check(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let verdict: String = conn
        .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
        .map_err(|err| StoreError::from(err).at(path))?;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(StoreError::Damaged {
            path: path.to_owned(),
            detail: verdict,
        })
    }
}

/// The data folder of a device: `explicit`, else `KITCHEN_DATA_DIR`, else the
/// platform's app data folder.
pub fn resolve_data_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_owned();
    }
    if let Some(dir) = std::env::var_os("KITCHEN_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::BaseDirs::new()
        .map(|dirs| dirs.data_dir().join(APP_IDENTIFIER))
        .unwrap_or_else(|| PathBuf::from(".kitchen-data"))
}

/// One connection to a device's database. Open one per thread or task that needs it:
/// WAL lets readers and the single writer proceed side by side.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Declared after `conn`, so it is dropped after the connection closes.
    _opened: session::Opened,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and migrates it.
    pub fn open_in(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        Store::open(&data_dir.join(DATABASE_FILE))
    }

    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_checked(path).map_err(|err| err.at(path))
    }

    fn open_checked(path: &Path) -> Result<Store, StoreError> {
        let mut conn = Connection::open(path)?;
        // First, so that a process opening the file at the same moment waits.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Set on every connection: durability of each commit is the outbox's promise.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&mut conn)?;
        // Damage in the middle of the file shows only where it is read: a file
        // that may be damaged is read whole before any tap (see `session`).
        let opened = session::check_on_open(&conn, path, quick_check)?;
        Ok(Store {
            conn,
            path: path.to_owned(),
            _opened: opened,
        })
    }

    /// Rows changed through this connection since it opened (triggers
    /// included): whether a piece of work changed anything.
    pub fn total_changes(&self) -> u64 {
        self.conn.total_changes()
    }

    /// Makes this connection read-only (SQLite's `query_only`): a write on it fails.
    pub fn set_query_only(&self) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "query_only", true)?;
        Ok(())
    }

    /// Stops this connection from copying the log into the database file at
    /// the commit that fills it (SQLite's `wal_autocheckpoint`): another
    /// connection runs [`Store::checkpoint`] instead, off this one's commits.
    pub fn leave_checkpoints_to_another(&self) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(())
    }

    /// Copies what the log holds into the database file without waiting on the
    /// writer or the readers (a passive checkpoint); the frames copied.
    pub fn checkpoint(&self) -> Result<u64, StoreError> {
        let copied: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(2))?;
        Ok(copied.max(0) as u64)
    }

    /// Runs `work` with commits that do not wait for the disk
    /// (`synchronous=NORMAL`), then waits for it again, also when `work`
    /// fails. For what the cloud holds again: a mirror page, the publisher's
    /// outcomes, pruning. The log keeps commits in order, and the next commit
    /// that waits for the disk (a tap's) syncs it with everything before, so
    /// a power cut can only undo the last of these commits, whole, and never
    /// one that came before a tap: the mirror reads the page again, and the
    /// publisher sends the taps again under the same event ids.
    pub fn relaxed<R>(
        &mut self,
        work: impl FnOnce(&mut Store) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let answer = work(self);
        let restored = self.conn.pragma_update(None, "synchronous", "FULL");
        let answer = answer?;
        restored?;
        Ok(answer)
    }

    /// Caps the database at `pages` pages (SQLite's `max_page_count`) on this
    /// connection: past it, writes fail as on a full disk.
    pub fn cap_pages(&self, pages: i64) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "max_page_count", pages)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads a device setting kept in the database.
    pub fn device_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM device_state WHERE key = ?1",
                [key],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// This device's name: `explicit` (then remembered), else the remembered one,
    /// else `kitchen-<hostname>` (remembered too), so its taps keep one name.
    pub fn settle_device_name(&self, explicit: Option<&str>) -> Result<String, StoreError> {
        if let Some(name) = explicit.filter(|d| !d.trim().is_empty()) {
            let name = kitchen_domain::validate_device(name)?;
            self.set_device_value(DEVICE_NAME_KEY, &name)?;
            return Ok(name);
        }
        if let Some(name) = self.device_value(DEVICE_NAME_KEY)? {
            return Ok(name);
        }
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        let name = kitchen_domain::validate_device(&format!("kitchen-{}", host.trim()))
            .unwrap_or_else(|_| "kitchen".into());
        self.set_device_value(DEVICE_NAME_KEY, &name)?;
        Ok(name)
    }

    pub fn set_device_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO device_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

/// A database in a fresh temporary folder, for the unit tests of every module.
#[cfg(test)]
pub(crate) fn test_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    (dir, store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_sets_durable_pragmas_and_keeps_settings() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(&dir.path().join("device-a")).unwrap();
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = store
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous=FULL");
        store.set_device_value("device_name", "oven-1").unwrap();
        drop(store);
        let store = Store::open_in(&dir.path().join("device-a")).unwrap();
        assert_eq!(
            store.device_value("device_name").unwrap().as_deref(),
            Some("oven-1")
        );
        assert_eq!(store.device_value("missing").unwrap(), None);
    }

    fn synchronous(store: &Store) -> i64 {
        store
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn relaxed_work_does_not_wait_for_the_disk_and_what_follows_does_again() {
        let (_dir, mut store) = test_store();
        let inside = store.relaxed(|s| Ok(synchronous(s))).unwrap();
        assert_eq!(inside, 1, "synchronous=NORMAL inside");
        assert_eq!(synchronous(&store), 2, "synchronous=FULL after");
        let failed = store.relaxed(|s| {
            s.set_device_value("device_name", "oven-1")?;
            Err::<(), _>(StoreError::Closed("the work failed".into()))
        });
        assert!(matches!(failed, Err(StoreError::Closed(_))), "{failed:?}");
        assert_eq!(synchronous(&store), 2, "synchronous=FULL after a failure");
        // What the relaxed work committed is there, as any commit.
        assert_eq!(
            store.device_value("device_name").unwrap().as_deref(),
            Some("oven-1")
        );
    }

    #[test]
    fn explicit_data_dir_wins() {
        assert_eq!(
            resolve_data_dir(Some(Path::new("/x/y"))),
            PathBuf::from("/x/y")
        );
    }
}

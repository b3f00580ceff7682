//! When the whole file is checked. Reading every page of a database that has
//! grown over months takes seconds, so it is not done on every open: only when
//! the file may have been left damaged.
//!
//! - A process holds a shared lock on `kitchen.sqlite3-lock` while it has
//!   connections to the database open.
//! - A process that takes the lock while no other holds it reads the whole
//!   file, unless `kitchen.sqlite3-clean` says it is the very file the last
//!   holder left cleanly: same inode, length and modification time, and no
//!   write-ahead log left behind. It then removes that stamp, so a holder that
//!   ends in a crash leaves none.
//! - A process that closes its last connection while no other holds the lock
//!   folds the write-ahead log into the file and writes the stamp.
//! - A process that takes the lock while others hold it does not read the
//!   file: the first of them did, or found it closed cleanly.
//!
//! Anything else (a file written while nobody had it open, a crash, a copy put
//! in its place) finds no matching stamp and is read whole before its first
//! tap. Damage that changes nothing visible is found by the check the app runs
//! in the background after it starts, and by `kitchen check`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::UNIX_EPOCH;

use rusqlite::Connection;

use crate::StoreError;

/// What tells one version of a file from another without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    inode: u64,
    len: u64,
    modified_ns: u128,
}

impl Identity {
    fn of(path: &Path) -> Option<Identity> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        let modified_ns = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Identity {
            inode,
            len: meta.len(),
            modified_ns,
        })
    }

    fn to_text(&self) -> String {
        format!("{} {} {}\n", self.inode, self.len, self.modified_ns)
    }

    fn from_text(text: &str) -> Option<Identity> {
        let mut parts = text.split_whitespace();
        let identity = Identity {
            inode: parts.next()?.parse().ok()?,
            len: parts.next()?.parse().ok()?,
            modified_ns: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(identity)
    }
}

/// This process's part in one database's use.
struct Session {
    lock: File,
    /// This process's connections to it now open; the lock is held while any is.
    open: usize,
    /// Whether this process read it whole when it last took the lock.
    checked: bool,
    /// Whether this process found it damaged: it is never stamped as left cleanly.
    damaged: bool,
}

/// Held by each [`crate::Store`], after its connection: dropped after the
/// connection closes, it lets the process's last connection leave the file.
pub(crate) struct Opened {
    path: PathBuf,
}

impl Drop for Opened {
    fn drop(&mut self) {
        let mut sessions = SESSIONS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, session)) = sessions.iter_mut().find(|(p, _)| p == &self.path) {
            session.open = session.open.saturating_sub(1);
            if session.open == 0 {
                if let Err(err) = leave(&self.path, session) {
                    tracing::warn!(
                        "cannot mark {} as closed cleanly: {err}",
                        self.path.display()
                    );
                }
            }
        }
    }
}

static SESSIONS: Mutex<Vec<(PathBuf, Session)>> = Mutex::new(Vec::new());

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn lock_path(path: &Path) -> PathBuf {
    sidecar(path, "-lock")
}

fn stamp_path(path: &Path) -> PathBuf {
    sidecar(path, "-clean")
}

fn wal_is_empty(path: &Path) -> bool {
    std::fs::metadata(sidecar(path, "-wal")).map_or(true, |meta| meta.len() == 0)
}

/// Whether the last holder left exactly this file cleanly.
fn closed_cleanly(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(stamp_path(path)) else {
        return false;
    };
    let stamped = Identity::from_text(&text);
    stamped.is_some() && stamped == Identity::of(path) && wal_is_empty(path)
}

fn io_error(what: &'static str, path: &Path, source: std::io::Error) -> StoreError {
    StoreError::File {
        what,
        path: path.to_owned(),
        source,
    }
}

/// Runs `check` on `conn` when `path` may be damaged (see the module's text),
/// and counts the connection as this process's; the store holds the returned
/// guard after its connection. `check` fails with [`StoreError::Damaged`] when
/// it finds damage.
pub(crate) fn check_on_open(
    conn: &Connection,
    path: &Path,
    check: impl Fn(&Connection, &Path) -> Result<(), StoreError>,
) -> Result<Opened, StoreError> {
    let mut sessions = SESSIONS.lock().unwrap_or_else(PoisonError::into_inner);
    let index = match sessions.iter().position(|(p, _)| p == path) {
        Some(index) => index,
        None => {
            let lock_file = lock_path(path);
            let lock = File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&lock_file)
                .map_err(|err| io_error("open", &lock_file, err))?;
            sessions.push((
                path.to_owned(),
                Session {
                    lock,
                    open: 0,
                    checked: false,
                    damaged: false,
                },
            ));
            sessions.len() - 1
        }
    };
    let session = &mut sessions[index].1;
    if session.open == 0 {
        session.checked = take_lock(path, &session.lock, check, conn)?;
        if session.checked {
            // Read whole and sound: a file set aside before is gone.
            session.damaged = false;
        }
    }
    session.open += 1;
    Ok(Opened {
        path: path.to_owned(),
    })
}

/// Takes the shared lock, reading the file whole first when this process is
/// alone with it and it was not left cleanly. Returns whether it read it.
fn take_lock(
    path: &Path,
    lock: &File,
    check: impl Fn(&Connection, &Path) -> Result<(), StoreError>,
    conn: &Connection,
) -> Result<bool, StoreError> {
    let lock_file = lock_path(path);
    let mut checked = false;
    match lock.try_lock() {
        Ok(()) => {
            // Alone with the file.
            let outcome = (|| {
                if !closed_cleanly(path) {
                    tracing::debug!(path = %path.display(), "reading the whole database: it was not left cleanly");
                    check(conn, path)?;
                    checked = true;
                }
                match std::fs::remove_file(stamp_path(path)) {
                    Ok(()) => Ok(()),
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    Err(err) => Err(io_error("remove", &stamp_path(path), err)),
                }
            })();
            lock.unlock()
                .map_err(|err| io_error("unlock", &lock_file, err))?;
            outcome?;
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            // Others have it open: the first of them read it, or found it left cleanly.
        }
        Err(std::fs::TryLockError::Error(err)) => return Err(io_error("lock", &lock_file, err)),
    }
    // Waits while a process taking the lock alone reads the file.
    lock.lock_shared()
        .map_err(|err| io_error("lock", &lock_file, err))?;
    Ok(checked)
}

/// Gives up this process's shared lock; when no other process holds it,
/// folds the write-ahead log into the file and stamps it as left cleanly
/// (unless this process found it damaged).
fn leave(path: &Path, session: &Session) -> Result<(), StoreError> {
    let lock = &session.lock;
    let lock_file = lock_path(path);
    if session.damaged {
        return lock
            .unlock()
            .map_err(|err| io_error("unlock", &lock_file, err));
    }
    lock.unlock()
        .map_err(|err| io_error("unlock", &lock_file, err))?;
    match lock.try_lock() {
        Ok(()) => {}
        // Another process goes on with the file: the last to leave stamps it.
        Err(std::fs::TryLockError::WouldBlock) => return Ok(()),
        Err(std::fs::TryLockError::Error(err)) => return Err(io_error("lock", &lock_file, err)),
    }
    let stamped = stamp(path);
    lock.unlock()
        .map_err(|err| io_error("unlock", &lock_file, err))?;
    stamped
}

/// Folds the write-ahead log into the file and writes the stamp, unless a
/// connection still has something in the log.
fn stamp(path: &Path) -> Result<(), StoreError> {
    if !path.exists() {
        return Ok(());
    }
    {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // TRUNCATE leaves an empty log; closing the last connection removes it.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    if !wal_is_empty(path) {
        return Ok(());
    }
    let Some(identity) = Identity::of(path) else {
        return Ok(());
    };
    let stamp = stamp_path(path);
    let partial = sidecar(path, "-clean.partial");
    std::fs::write(&partial, identity.to_text())
        .and_then(|()| std::fs::rename(&partial, &stamp))
        .map_err(|err| io_error("write", &stamp, err))
}

/// Whether this process read `path` whole when it last took the lock.
pub(crate) fn checked(path: &Path) -> bool {
    let sessions = SESSIONS.lock().unwrap_or_else(PoisonError::into_inner);
    sessions
        .iter()
        .any(|(p, session)| p == path && session.open > 0 && session.checked)
}

/// Records that this process read `path` whole, and whether it found damage.
pub(crate) fn mark_checked(path: &Path, damaged: bool) {
    let mut sessions = SESSIONS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, session)) = sessions.iter_mut().find(|(p, _)| p == path) {
        session.checked = true;
        session.damaged |= damaged;
    }
}

/// Leaves every database this process still has connections to, as its last
/// connection closing would: call it when the process ends with a store still
/// open (an app's state). A process that never calls it only costs the next
/// one a check.
pub fn end_sessions() {
    let mut sessions = SESSIONS.lock().unwrap_or_else(PoisonError::into_inner);
    for (path, session) in sessions.iter_mut().filter(|(_, s)| s.open > 0) {
        session.open = 0;
        if let Err(err) = leave(path, session) {
            tracing::warn!("cannot mark {} as closed cleanly: {err}", path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_reads_back_and_refuses_anything_else() {
        let identity = Identity {
            inode: 7,
            len: 4096,
            modified_ns: 1_764_000_000_123_456_789,
        };
        assert_eq!(Identity::from_text(&identity.to_text()), Some(identity));
        assert_eq!(Identity::from_text("7 4096"), None);
        assert_eq!(Identity::from_text("7 4096 12 extra"), None);
        assert_eq!(Identity::from_text("seven 4096 12"), None);
    }
}

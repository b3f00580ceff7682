//! Embedded schema migrations, applied in one transaction and counted in `user_version`.
//! Migrations are additive only: a released one is never edited.

use rusqlite::Connection;

use crate::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: the outbox of taps, device counters, the mirror of the event table,
    // the deliveries taken from the queue and what was quarantined.
    "
    CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id        TEXT NOT NULL UNIQUE,
        order_id        TEXT NOT NULL,
        status          TEXT NOT NULL,
        client          TEXT NOT NULL,
        device          TEXT NOT NULL,
        device_seq      INTEGER NOT NULL,
        tapped_at       TEXT NOT NULL,
        detail          TEXT NOT NULL,
        state           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'published', 'rejected')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        next_attempt_ms INTEGER,
        published_at    TEXT
    );
    CREATE INDEX outbox_pending_by_order ON outbox (order_id, seq) WHERE state = 'pending';
    CREATE INDEX outbox_by_state ON outbox (state, seq);

    CREATE TABLE device_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );

    CREATE TABLE mirror_events (
        order_id      TEXT NOT NULL,
        status        TEXT NOT NULL,
        client        TEXT NOT NULL,
        time          TEXT NOT NULL,
        day           TEXT NOT NULL,
        event_id      TEXT NOT NULL,
        device        TEXT,
        seq           INTEGER,
        version       TEXT NOT NULL,
        time_event_id TEXT NOT NULL,
        detail        TEXT NOT NULL,
        synced_at     TEXT NOT NULL,
        PRIMARY KEY (order_id, status)
    );
    CREATE INDEX mirror_events_by_day ON mirror_events (day, time_event_id);

    CREATE TABLE sync_watermarks (
        day           TEXT PRIMARY KEY,
        time_event_id TEXT NOT NULL,
        synced_at     TEXT NOT NULL
    );

    CREATE TABLE deliveries (
        event_id    TEXT PRIMARY KEY,
        order_id    TEXT NOT NULL,
        client      TEXT NOT NULL,
        ready_at    TEXT NOT NULL,
        received_at TEXT NOT NULL,
        notified_at TEXT
    );

    CREATE TABLE quarantine (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at TEXT NOT NULL,
        origin      TEXT NOT NULL,
        body        TEXT NOT NULL,
        error       TEXT NOT NULL
    );
    ",
    // 2: a day's view reads this device's taps by time.
    "
    CREATE INDEX outbox_by_tapped_at ON outbox (tapped_at);
    ",
    // 3: the drivers' list looks up each delivery's order in the deliveries and
    // in this device's taps.
    "
    CREATE INDEX deliveries_by_order ON deliveries (order_id, ready_at);
    CREATE INDEX outbox_by_order_status ON outbox (order_id, status);
    ",
    // 4: orders a driver station has taken (kept on the station only).
    "
    CREATE TABLE claims (
        order_id   TEXT PRIMARY KEY,
        claimed_at TEXT NOT NULL
    );
    ",
];

/// Brings the schema up to date. A database from a newer build is refused, not touched.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > MIGRATIONS.len() {
        return Err(StoreError::NewerSchema {
            found: current,
            known: MIGRATIONS.len(),
        });
    }
    if current == MIGRATIONS.len() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another process may have migrated while this one waited for the lock.
    let current: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current >= MIGRATIONS.len() {
        return Ok(());
    }
    for sql in &MIGRATIONS[current..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processes_opening_a_new_database_at_once_migrate_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.sqlite3");
        let openers: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut conn = Connection::open(&path).unwrap();
                    conn.busy_timeout(std::time::Duration::from_secs(10))
                        .unwrap();
                    migrate(&mut conn)
                })
            })
            .collect();
        for opener in openers {
            opener
                .join()
                .unwrap()
                .expect("each opener sees a migrated database");
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op_and_newer_schemas_are_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(StoreError::NewerSchema { found: 99, .. })
        ));
    }
}

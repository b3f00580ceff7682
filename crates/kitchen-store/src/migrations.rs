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
    // 5: an order is its number within a business day. The mirror, the claims,
    // the deliveries and this device's taps are keyed by (day, order); the
    // mirror follows the table's arrival feed from one cursor (kept in
    // device_state), and remembers which days it holds whole and when each
    // was last checked against the table. SQLite cannot change a primary key
    // in place: the rows move to new tables.
    "
    CREATE TABLE mirror_items (
        day           TEXT NOT NULL,
        order_id      TEXT NOT NULL,
        status        TEXT NOT NULL,
        client        TEXT NOT NULL,
        time          TEXT NOT NULL,
        event_id      TEXT NOT NULL,
        device        TEXT,
        seq           INTEGER,
        version       TEXT NOT NULL,
        time_event_id TEXT NOT NULL,
        detail        TEXT NOT NULL,
        stored_at     TEXT,
        ahead_ms      INTEGER,
        synced_at     TEXT NOT NULL,
        PRIMARY KEY (day, order_id, status)
    );
    INSERT INTO mirror_items (day, order_id, status, client, time, event_id, device, seq,
                              version, time_event_id, detail, synced_at)
        SELECT day, order_id, status, client, time, event_id, device, seq,
               version, time_event_id, detail, synced_at FROM mirror_events;
    DROP TABLE mirror_events;

    CREATE TABLE mirror_days (
        day        TEXT PRIMARY KEY,
        read_at    TEXT NOT NULL,
        checked_at TEXT,
        converged  INTEGER
    );
    INSERT INTO mirror_days (day, read_at) SELECT day, synced_at FROM sync_watermarks;
    DROP TABLE sync_watermarks;

    ALTER TABLE outbox ADD COLUMN order_day TEXT;
    CREATE INDEX outbox_by_order_day ON outbox (order_day, order_id);

    ALTER TABLE deliveries ADD COLUMN order_day TEXT;
    CREATE INDEX deliveries_by_order_day ON deliveries (order_day, order_id);

    CREATE TABLE order_claims (
        day        TEXT NOT NULL,
        order_id   TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        PRIMARY KEY (day, order_id)
    );
    INSERT INTO order_claims (day, order_id, claimed_at)
        SELECT substr(claimed_at, 1, 10), order_id, claimed_at FROM claims;
    DROP TABLE claims;
    ",
    // 6: the outbox's counts are kept as it changes, not counted again on every
    // refresh (a device keeps millions of published taps).
    "
    CREATE TABLE outbox_tally (
        state TEXT PRIMARY KEY,
        n     INTEGER NOT NULL
    );
    INSERT INTO outbox_tally (state, n) VALUES ('pending', 0), ('published', 0), ('rejected', 0);
    UPDATE outbox_tally SET n = (SELECT COUNT(*) FROM outbox WHERE outbox.state = outbox_tally.state);
    CREATE TRIGGER outbox_tally_insert AFTER INSERT ON outbox BEGIN
        UPDATE outbox_tally SET n = n + 1 WHERE state = NEW.state;
    END;
    CREATE TRIGGER outbox_tally_delete AFTER DELETE ON outbox BEGIN
        UPDATE outbox_tally SET n = n - 1 WHERE state = OLD.state;
    END;
    CREATE TRIGGER outbox_tally_update AFTER UPDATE OF state ON outbox
        WHEN OLD.state != NEW.state BEGIN
        UPDATE outbox_tally SET n = n - 1 WHERE state = OLD.state;
        UPDATE outbox_tally SET n = n + 1 WHERE state = NEW.state;
    END;
    ",
    // 7: orders' contacts (address, phone, the driver's note) a driver station
    // read from the table, kept until they expire; NULL `expires_at`: looked
    // up and not found.
    "
    CREATE TABLE contacts (
        day           TEXT NOT NULL,
        order_id      TEXT NOT NULL,
        address       TEXT,
        phone         TEXT,
        delivery_note TEXT,
        expires_at    TEXT,
        looked_up_at  TEXT NOT NULL,
        PRIMARY KEY (day, order_id)
    );
    CREATE INDEX contacts_by_expiry ON contacts (expires_at);
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
    fn a_database_of_the_one_key_per_order_schema_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("old.sqlite3")).unwrap();
        for sql in &MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 4;
             INSERT INTO mirror_events VALUES ('42', 'ready', 'Ana', '2026-03-14T12:00:00.000Z',
                 '2026-03-14', 'e1', 'oven-1', 3, '1', '2026-03-14T12:00:00.000Z#e1', '{}',
                 '2026-03-14T12:00:01.000Z');
             INSERT INTO sync_watermarks VALUES ('2026-03-14', '2026-03-14T12:00:00.000Z#e1',
                 '2026-03-14T12:00:01.000Z');
             INSERT INTO claims VALUES ('42', '2026-03-14T12:05:00.000Z');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let row: (String, String, String) = conn
            .query_row(
                "SELECT day, order_id, event_id FROM mirror_items",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(row, ("2026-03-14".into(), "42".into(), "e1".into()));
        let claim: (String, String) = conn
            .query_row("SELECT day, order_id FROM order_claims", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(claim, ("2026-03-14".into(), "42".into()));
        let held: String = conn
            .query_row("SELECT day FROM mirror_days", [], |r| r.get(0))
            .unwrap();
        assert_eq!(held, "2026-03-14");
    }

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

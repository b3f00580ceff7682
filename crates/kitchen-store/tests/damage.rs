//! A damaged database file or a full disk: the store says so clearly, refuses
//! taps rather than dropping them, and never touches what the file holds.

use chrono::Utc;
use kitchen_domain::Status;
use kitchen_store::{Store, StoreError, DATABASE_FILE};

/// A device with `taps` taps in its outbox; returns its folder and the file's bytes.
fn device_with_taps(taps: usize) -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    for i in 0..taps {
        store
            .record_tap(
                &format!("{i}"),
                Status::OrderDone,
                "Ana",
                "oven-1",
                Utc::now(),
            )
            .unwrap();
    }
    // Folds the write-ahead log into the file, as a clean shutdown does.
    drop(store);
    let bytes = std::fs::read(dir.path().join(DATABASE_FILE)).unwrap();
    (dir, bytes)
}

fn assert_damaged(err: StoreError, dir: &std::path::Path) {
    let text = err.to_string();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    assert!(text.contains("is damaged"), "{text}");
    assert!(
        text.contains(&dir.join(DATABASE_FILE).display().to_string()),
        "names the file: {text}"
    );
    assert!(text.contains("nothing was changed"), "{text}");
}

#[test]
fn a_truncated_database_is_refused_and_left_as_it_is() {
    let (dir, bytes) = device_with_taps(2_000);
    let path = dir.path().join(DATABASE_FILE);
    let cut = &bytes[..bytes.len() / 2];
    std::fs::write(&path, cut).unwrap();
    let err = Store::open_in(dir.path())
        .err()
        .expect("a truncated database is refused");
    assert_damaged(err, dir.path());
    assert_eq!(std::fs::read(&path).unwrap(), cut, "the file is untouched");
}

#[test]
fn garbage_in_the_middle_is_found_before_any_tap_is_taken() {
    let (dir, mut bytes) = device_with_taps(2_000);
    let path = dir.path().join(DATABASE_FILE);
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 8192] {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open_in(dir.path())
        .err()
        .expect("a damaged database is refused");
    assert_damaged(err, dir.path());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the file is untouched"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    let junk = b"this is not a database, but it is somebody's file".repeat(200);
    std::fs::write(&path, &junk).unwrap();
    let err = Store::open_in(dir.path()).err().expect("refused");
    assert_damaged(err, dir.path());
    assert_eq!(std::fs::read(&path).unwrap(), junk);
}

#[test]
fn a_full_disk_refuses_the_tap_and_keeps_every_earlier_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let db = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let pages: i64 = db.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    drop(db);
    // SQLite's own limit stands in for the disk: the next pages cannot be had.
    store.cap_pages(pages + 2).unwrap();
    let mut kept = 0;
    let err = loop {
        let client = "A".repeat(150);
        match store.record_tap(
            &format!("{kept}"),
            Status::OrderDone,
            &client,
            "oven-1",
            Utc::now(),
        ) {
            Ok(_) => kept += 1,
            Err(err) => break err,
        }
        assert!(kept < 100_000, "the limit is never reached");
    };
    assert!(matches!(err, StoreError::DiskFull(_)), "{err:?}");
    assert!(
        err.to_string().contains("the tap was NOT recorded"),
        "{err}"
    );
    assert_eq!(
        store.outbox_counts().unwrap().pending,
        kept as u64,
        "every earlier tap is kept"
    );
}

//! A damaged database file or a full disk: the store says so clearly, refuses
//! taps rather than dropping them, and never touches what the file holds.

use chrono::Utc;
use kitchen_domain::Status;
use kitchen_store::{set_aside_damaged, Store, StoreError, DATABASE_FILE};

/// A device named oven-1 with `taps` taps in its outbox; returns its folder,
/// the file's bytes and the taps' event ids.
fn device_with_taps(taps: usize) -> (tempfile::TempDir, Vec<u8>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    store.settle_device_name(Some("oven-1")).unwrap();
    let ids = (0..taps)
        .map(|i| {
            let tap = store
                .record_tap(
                    Utc::now().date_naive(),
                    &format!("{i}"),
                    Status::OrderDone,
                    "Ana",
                    "oven-1",
                    Utc::now(),
                )
                .unwrap();
            tap.event_id.to_string()
        })
        .collect();
    // Folds the write-ahead log into the file, as a clean shutdown does.
    drop(store);
    let bytes = std::fs::read(dir.path().join(DATABASE_FILE)).unwrap();
    (dir, bytes, ids)
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
    let (dir, bytes, _) = device_with_taps(2_000);
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
    let (dir, mut bytes, _) = device_with_taps(2_000);
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
            Utc::now().date_naive(),
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

/// A device with 2,000 taps whose file is then damaged.
fn damaged_device(damage: impl FnOnce(&mut Vec<u8>)) -> (tempfile::TempDir, Vec<u8>, Vec<String>) {
    let (dir, mut bytes, ids) = device_with_taps(2_000);
    damage(&mut bytes);
    std::fs::write(dir.path().join(DATABASE_FILE), &bytes).unwrap();
    (dir, bytes, ids)
}

#[test]
fn a_repair_sets_the_damaged_file_aside_and_carries_the_taps_it_can_read() {
    let (dir, damaged, ids) = damaged_device(|bytes| {
        let middle = bytes.len() / 2;
        bytes[middle..middle + 8192].fill(0xA5);
    });
    let repair = set_aside_damaged(dir.path(), Utc::now()).unwrap();

    assert_eq!(
        std::fs::read(&repair.set_aside).unwrap(),
        damaged,
        "the damaged file is kept byte for byte"
    );
    assert!(repair
        .set_aside
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("kitchen.damaged-"));
    let store = Store::open_in(dir.path()).expect("a new database in its place");
    let carried = store.outbox_entries(false, 10_000).unwrap();
    assert_eq!(carried.len(), repair.taps_carried);
    // Rows on the damaged pages are lost to the copy, not the rest.
    assert!(
        repair.taps_carried > 1_500 && repair.taps_carried < 2_000,
        "{repair:?}"
    );
    assert!(!repair.unreadable.is_empty(), "says what it could not read");
    for entry in &carried {
        assert!(ids.contains(&entry.event_id), "only the device's own taps");
    }
    // In their first order, so per-order order holds when they are published.
    let mut order = carried.iter().map(|e| e.device_seq).collect::<Vec<_>>();
    let sorted = {
        let mut s = order.clone();
        s.sort();
        s
    };
    assert_eq!(order, sorted);
    order.dedup();
    assert_eq!(order.len(), carried.len(), "no tap twice");

    assert_eq!(
        store.settle_device_name(None).unwrap(),
        "oven-1",
        "the name is kept"
    );
    drop(store);
    let mut store = Store::open_in(dir.path()).unwrap();
    let next = store
        .record_tap(
            Utc::now().date_naive(),
            "new",
            Status::OrderDone,
            "Bo",
            "oven-1",
            Utc::now(),
        )
        .unwrap();
    assert!(
        next.seq > 2_000,
        "numbers go on after the old taps: {}",
        next.seq
    );
}

#[test]
fn a_truncated_file_gives_up_the_taps_before_the_cut() {
    let (dir, _, _) = damaged_device(|bytes| bytes.truncate(bytes.len() / 2));
    let repair = set_aside_damaged(dir.path(), Utc::now()).unwrap();
    assert!(repair.taps_carried > 0, "{repair:?}");
    assert!(repair.taps_carried < 2_000, "{repair:?}");
    let store = Store::open_in(dir.path()).unwrap();
    assert_eq!(
        store.outbox_counts().unwrap().pending as usize,
        repair.taps_carried
    );
}

#[test]
fn a_file_that_is_no_database_at_all_is_set_aside_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    let junk = b"somebody's notes, not a database".repeat(500);
    std::fs::write(&path, &junk).unwrap();
    let repair = set_aside_damaged(dir.path(), Utc::now()).unwrap();
    assert_eq!(std::fs::read(&repair.set_aside).unwrap(), junk);
    assert_eq!(repair.taps_carried, 0);
    assert!(!repair.unreadable.is_empty(), "{repair:?}");
    Store::open_in(dir.path()).expect("a new database in its place");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".reading"))
        .collect();
    assert!(left.is_empty(), "the scratch copy is removed: {left:?}");
}

#[test]
fn a_sound_database_is_not_repaired() {
    let (dir, bytes, _) = device_with_taps(10);
    let err = set_aside_damaged(dir.path(), Utc::now()).unwrap_err();
    assert!(err.to_string().contains("is not damaged"), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join(DATABASE_FILE)).unwrap(),
        bytes
    );
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            DATABASE_FILE.to_owned(),
            format!("{DATABASE_FILE}-clean"),
            format!("{DATABASE_FILE}-lock")
        ],
        "nothing set aside: the database, its stamp as left cleanly and the lock its users share"
    );
}

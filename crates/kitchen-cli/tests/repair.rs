//! `kitchen repair` on a device whose database was damaged: the file is kept
//! aside byte for byte, the taps not yet published that can be read are carried
//! into a new database and reach the table, and the mirror is rebuilt from the
//! cloud.

use std::collections::BTreeSet;

use chrono::Utc;
use kitchen_domain::Status;
use kitchen_store::{Store, DATABASE_FILE};

use crate::common::*;
use crate::support::*;

const DEVICE: &str = "oven-1";
const UNPUBLISHED: usize = 600;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repair_keeps_the_damaged_file_publishes_its_taps_and_rebuilds_the_mirror() {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join(DEVICE);

    // A day the table and the mirror know: 20 orders through the kitchen.
    let mut store = device(dir.path(), DEVICE);
    store.settle_device_name(Some(DEVICE)).unwrap();
    let first = Utc::now() - chrono::Duration::minutes(5);
    let published = tap_orders(
        &mut store,
        DEVICE,
        1..=20,
        first,
        chrono::Duration::seconds(1),
    );
    assert_eq!(publish_all(&cloud.clients, store).await, published.len());
    store_until_idle(&cloud.clients).await;
    table_rows_when(&cloud.clients, published.len(), STALL).await;
    run(kitchen(&data_dir, DEVICE, &endpoint).arg("sync"));

    // Then taps the cloud has not had yet, and the file is damaged.
    let mut store = Store::open_in(&data_dir).unwrap();
    let mut waiting = BTreeSet::new();
    for i in 0..UNPUBLISHED {
        let client = format!("Client {i} {}", "x".repeat(150));
        let tap = store
            .record_tap(
                day_of(Utc::now()),
                &format!("U{i}"),
                Status::OrderDone,
                &client,
                DEVICE,
                Utc::now(),
            )
            .unwrap();
        waiting.insert(tap.event_id.to_string());
    }
    drop(store);
    let path = data_dir.join(DATABASE_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 8192].fill(0xA5);
    std::fs::write(&path, &bytes).unwrap();

    let refused = kitchen(&data_dir, DEVICE, &endpoint)
        .args(["tap", "X1", "preparing", "--client", "Ana"])
        .output()
        .unwrap();
    assert!(!refused.status.success(), "a damaged database takes no tap");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("kitchen repair"),
        "says what to do: {stderr}"
    );

    let output = run(kitchen(&data_dir, DEVICE, &endpoint).arg("repair"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    let kept = stdout
        .lines()
        .find_map(|line| line.strip_prefix("the damaged database is kept at "))
        .expect("says where the file is");
    assert_eq!(std::fs::read(kept).unwrap(), bytes, "kept byte for byte");
    // The business day the taps were on: before 04:00 UTC, the date before.
    let day = day_of(Utc::now());
    let today = kitchen_domain::day_key(day);
    assert!(
        stdout.contains(&format!(
            "mirror of {today} rebuilt from the table: {} events",
            published.len()
        )),
        "{stdout}"
    );
    // The next business day is read too, in case a fast clock filed taps
    // there; with none, it is not said.
    let next = kitchen_domain::day_key(day + chrono::Duration::days(1));
    assert!(!stdout.contains(&format!("mirror of {next}")), "{stdout}");

    // The carried taps are the device's own, not yet published.
    let store = Store::open_in(&data_dir).unwrap();
    let carried = store.outbox_entries(false, 10_000).unwrap();
    assert!(
        carried.len() > UNPUBLISHED / 2 && carried.len() < UNPUBLISHED,
        "most taps are readable, those on the damaged pages are not: {}",
        carried.len()
    );
    assert!(carried.iter().all(|e| waiting.contains(&e.event_id)));
    assert!(
        stdout.contains(&format!("{} taps not yet published", carried.len())),
        "{stdout}"
    );
    let mirrored = store.mirror_rows(&today).unwrap();
    assert_eq!(mirrored.len(), published.len(), "the mirror is whole again");
    drop(store);

    // They reach the table, and the device takes taps again.
    run(kitchen(&data_dir, DEVICE, &endpoint).arg("publish"));
    run(kitchen(&data_dir, DEVICE, &endpoint).args(["tap", "X1", "preparing", "--client", "Ana"]));
    run(kitchen(&data_dir, DEVICE, &endpoint).arg("publish"));
    store_until_idle(&cloud.clients).await;
    let expected = published.len() + carried.len() + 1;
    let rows = table_rows_when(&cloud.clients, expected, STALL).await;
    assert_eq!(rows.len(), expected);
    let in_table: BTreeSet<String> = rows.iter().map(|r| r.event_id.clone()).collect();
    assert!(carried.iter().all(|e| in_table.contains(&e.event_id)));
    run(kitchen(&data_dir, DEVICE, &endpoint).arg("sync"));
    run(kitchen(&data_dir, DEVICE, &endpoint).arg("verify"));
}

#[test]
fn repair_refuses_a_sound_database_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    store
        .record_tap(
            day_of(Utc::now()),
            "1",
            Status::OrderDone,
            "Ana",
            DEVICE,
            Utc::now(),
        )
        .unwrap();
    drop(store);
    let path = dir.path().join(DATABASE_FILE);
    let before = std::fs::read(&path).unwrap();
    let output = kitchen(dir.path(), DEVICE, "http://127.0.0.1:9")
        .arg("repair")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not damaged"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// `kitchen tap` with the store's debug log: whether it read the whole database.
fn tap_reads_whole(dir: &std::path::Path, order: &str) -> bool {
    let output = run(kitchen(dir, DEVICE, "http://127.0.0.1:9")
        .args([
            "tap",
            order,
            "order done",
            "--client",
            "Ana",
            "--no-publish",
        ])
        .env("KITCHEN_LOG", "kitchen_store=debug"));
    String::from_utf8_lossy(&output.stderr).contains("reading the whole database")
}

#[test]
fn a_clean_close_spares_the_next_start_a_whole_read_and_a_crash_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join(DEVICE);
    assert!(tap_reads_whole(&data_dir, "1"), "a new database is read");
    assert!(data_dir.join(format!("{DATABASE_FILE}-clean")).exists());
    assert!(!tap_reads_whole(&data_dir, "2"), "closed cleanly: not read");

    // A station running on the folder: a tap beside it is not read whole either.
    let log = dir.path().join("station.log");
    let mut station = run_device(
        &mut kitchen(&data_dir, DEVICE, "http://127.0.0.1:9"),
        "kitchen",
        None,
        &log,
    );
    let started = std::time::Instant::now();
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("running on")
    {
        assert!(station.try_wait().is_none(), "the station stopped");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the station did not start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!tap_reads_whole(&data_dir, "3"), "in use by the station");
    // A power cut: the next start reads the whole file.
    station.kill();
    assert!(tap_reads_whole(&data_dir, "4"), "read after a crash");
    assert!(!tap_reads_whole(&data_dir, "5"));

    let output = run(kitchen(&data_dir, DEVICE, "http://127.0.0.1:9").arg("check"));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("is sound"),
        "{output:?}"
    );
}

#[test]
fn prune_removes_old_published_days_and_names_a_bad_keep() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    store.settle_device_name(Some(DEVICE)).unwrap();
    let old = day_of(Utc::now()) - chrono::Days::new(120);
    let at = Utc::now() - chrono::Duration::days(120);
    let mut published = Vec::new();
    for order in 1..=5 {
        let tap = store
            .record_tap(
                old,
                &order.to_string(),
                Status::OrderDone,
                "Ana",
                DEVICE,
                at,
            )
            .unwrap();
        published.push(tap.event_id.to_string());
    }
    let ids: Vec<&str> = published.iter().map(String::as_str).collect();
    store.mark_published(&ids, at).unwrap();
    store
        .record_tap(old, "6", Status::OrderDone, "Ana", DEVICE, at)
        .unwrap();
    drop(store);

    let refused = kitchen(dir.path(), DEVICE, "http://127.0.0.1:9")
        .args(["prune", "--keep-days", "3"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("--keep-days 3 is not between 7 and 3650 days"),
        "{stderr}"
    );

    let output = run(kitchen(dir.path(), DEVICE, "http://127.0.0.1:9").arg("prune"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(": 5 published taps,"), "{stdout}");
    let store = Store::open_in(dir.path()).unwrap();
    let counts = store.outbox_counts().unwrap();
    assert_eq!(
        (counts.published, counts.pending),
        (0, 1),
        "the unpublished tap stays"
    );
}

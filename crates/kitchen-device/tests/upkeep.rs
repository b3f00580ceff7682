//! A device after months of service: it prunes the days it no longer keeps,
//! and damage its start did not read is found by the check after the start.
//! Neither needs the cloud: the device runs cut off from it.

use std::io::{Seek, SeekFrom, Write};
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use kitchen_aws::CloudConfig;
use kitchen_device::live::{LiveDevice, LiveOptions};
use kitchen_domain::Status;
use kitchen_store::{Store, DATABASE_FILE};

/// Nothing listens there: the device runs offline.
const UNREACHABLE: &str = "http://127.0.0.1:9";
/// How long a local step may go without progress before the test fails.
const STALL: Duration = Duration::from_secs(60);

fn offline() -> CloudConfig {
    CloudConfig {
        endpoint_url: Some(UNREACHABLE.into()),
        ..CloudConfig::default()
    }
}

fn upkeep_at_once() -> LiveOptions {
    LiveOptions {
        upkeep_after: Some(Duration::ZERO),
        ..LiveOptions::device("oven-1")
    }
}

fn noon(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap())
}

/// Taps `orders` orders of `day` through the kitchen, marked published.
fn published_day(store: &mut Store, day: NaiveDate, orders: usize) -> usize {
    let mut ids = Vec::new();
    for order in 1..=orders {
        for status in Status::KITCHEN {
            let tap = store
                .record_tap(day, &order.to_string(), status, "Ana", "oven-1", noon(day))
                .unwrap();
            ids.push(tap.event_id.to_string());
        }
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    store.mark_published(&ids, noon(day)).unwrap();
    ids.len()
}

/// Waits until `done` says so, failing when `progress` has not moved for [`STALL`].
async fn until<P: PartialEq + std::fmt::Debug>(
    what: &str,
    mut progress: impl FnMut() -> P,
    done: impl Fn(&P) -> bool,
) -> P {
    let mut last = progress();
    let mut moved = Instant::now();
    loop {
        if done(&last) {
            return last;
        }
        assert!(
            moved.elapsed() < STALL,
            "{what}: nothing moved for {STALL:?}; last {last:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = progress();
        if now != last {
            moved = Instant::now();
            last = now;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_device_prunes_the_days_it_no_longer_keeps_and_keeps_unpublished_taps() {
    let dir = tempfile::tempdir().unwrap();
    let today = Utc::now().date_naive();
    let old = today - Days::new(200);
    let recent = today - Days::new(2);
    let mut store = Store::open_in(dir.path()).unwrap();
    store.settle_device_name(Some("oven-1")).unwrap();
    let old_taps = published_day(&mut store, old, 300);
    let recent_taps = published_day(&mut store, recent, 10);
    // A tap of the old day the cloud never had: it stays until it is published.
    store
        .record_tap(old, "999", Status::OrderDone, "Bo", "oven-1", noon(old))
        .unwrap();
    assert_eq!(
        store.outbox_counts().unwrap().published as usize,
        old_taps + recent_taps
    );

    let live = LiveDevice::start(dir.path(), offline(), upkeep_at_once())
        .await
        .unwrap();
    assert_eq!(live.settings().keep_days, 90, "the default");
    let counts = until(
        "pruning the old day",
        || {
            let counts = store.outbox_counts().unwrap();
            (counts.published, counts.pending)
        },
        |&(published, _)| published as usize == recent_taps,
    )
    .await;
    assert_eq!(counts.1, 1, "the unpublished tap of the old day stays");
    let view = live.day_view(recent).await.unwrap();
    assert_eq!(view.len(), recent_taps, "the recent day is whole");
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damage_the_start_did_not_read_is_found_after_it_and_taps_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    {
        let mut store = Store::open_in(dir.path()).unwrap();
        store.settle_device_name(Some("oven-1")).unwrap();
        published_day(&mut store, Utc::now().date_naive(), 400);
    }
    // Closed cleanly: the next start does not read the file whole.
    kitchen_store::end_sessions();
    assert!(dir.path().join(format!("{DATABASE_FILE}-clean")).exists());

    // Damage the disk does not show: the same length and time, garbage inside.
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let len = std::fs::metadata(&path).unwrap().len();
    let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.seek(SeekFrom::Start(len / 2 / 4096 * 4096)).unwrap();
    file.write_all(&[0xA5; 8192]).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);

    let live = LiveDevice::start(dir.path(), offline(), upkeep_at_once())
        .await
        .expect("the start does not read the whole file");
    let damage = until(
        "the check after the start",
        || live.damage(),
        Option::is_some,
    )
    .await
    .expect("found");
    assert_eq!(damage.0, path);
    let err = live
        .record_tap("7", "order done", "Ana", None)
        .await
        .expect_err("a damaged database takes no tap");
    assert!(err.to_string().contains("is damaged"), "{err}");
    live.stop().await;
    drop(live);
    assert!(
        !dir.path().join(format!("{DATABASE_FILE}-clean")).exists(),
        "a file found damaged is never stamped as left cleanly"
    );
}

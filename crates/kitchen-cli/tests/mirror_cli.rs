//! `kitchen sync` and `kitchen verify` against a local cloud started by the test.

#[path = "../../kitchen-cloud/tests/common/mod.rs"]
mod common;
mod support;

use std::process::Output;

use common::*;
use support::*;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_brings_another_devices_taps_and_verify_fails_until_the_mirror_matches() {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));

    run(kitchen(&a, "oven-1", &endpoint).args(["simulate", "--orders", "3"]));
    assert_eq!(store_until_idle(&cloud.clients).await, 18);
    // The day the taps were filed under (UTC, the default store time zone).
    let day = kitchen_store::Store::open_in(&a)
        .unwrap()
        .outbox_entries(true, 1)
        .unwrap()[0]
        .tapped_at
        .format("%Y-%m-%d")
        .to_string();

    let synced = run(kitchen(&b, "counter-2", &endpoint).args(["sync", "--day", &day]));
    assert!(
        stdout(&synced).contains(&format!(
            "synced {day}: read 18 items in 1 page (18 new, 0 updated)"
        )),
        "{}",
        stdout(&synced)
    );
    let verified = run(kitchen(&b, "counter-2", &endpoint).args(["verify", "--day", &day]));
    assert!(
        stdout(&verified).contains("mirror 18 rows"),
        "{}",
        stdout(&verified)
    );
    assert!(
        stdout(&verified).ends_with("converged\n"),
        "{}",
        stdout(&verified)
    );
    run(kitchen(&b, "counter-2", &endpoint).arg("sync"));

    // A row lost locally: verify says so, with both counts, and exits non-zero.
    let db = rusqlite::Connection::open(b.join("kitchen.sqlite3")).unwrap();
    db.execute(
        "DELETE FROM mirror_events WHERE order_id = (SELECT MIN(order_id) FROM mirror_events) AND status = 'ready'",
        [],
    )
    .unwrap();
    let diverged = kitchen(&b, "counter-2", &endpoint)
        .args(["verify", "--day", &day])
        .output()
        .unwrap();
    assert!(!diverged.status.success());
    let text = stdout(&diverged);
    assert!(
        text.contains("mirror 17 rows") && text.contains("table 18 rows"),
        "{text}"
    );
    assert!(text.contains("NOT converged"), "{text}");

    let repaired = run(kitchen(&b, "counter-2", &endpoint).args(["sync", "--full", "--day", &day]));
    assert!(
        stdout(&repaired).contains("(1 new, 0 updated, 0 removed)"),
        "{}",
        stdout(&repaired)
    );
    run(kitchen(&b, "counter-2", &endpoint).args(["verify", "--day", &day]));
}

#[test]
fn a_bad_day_is_refused_in_one_line_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["sync", "verify"] {
        let output = kitchen(dir.path(), "oven-1", "http://127.0.0.1:9")
            .args([command, "--day", "2026-13-01"])
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("--day") && stderr.contains("YYYY-MM-DD"),
            "{stderr}"
        );
    }
}

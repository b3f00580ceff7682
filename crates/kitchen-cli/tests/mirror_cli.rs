//! `kitchen sync` and `kitchen verify` against a local cloud started by the test.

use std::process::Output;

use crate::common::*;
use crate::support::*;

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
    // The business day the taps were filed under.
    let day = kitchen_store::Store::open_in(&a)
        .unwrap()
        .outbox_entries(true, 1)
        .unwrap()[0]
        .day
        .clone()
        .expect("a tap carries its day");

    let synced = run(kitchen(&b, "counter-2", &endpoint).args(["sync", "--day", &day]));
    assert!(
        stdout(&synced).contains(&format!("read {day} whole: 18 items in 1 page (18 new")),
        "{}",
        stdout(&synced)
    );
    assert!(
        stdout(&synced).contains("of the arrival feed (0 new, 0 updated)"),
        "what the day read brought, the feed finds unchanged: {}",
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
        "DELETE FROM mirror_items WHERE order_id = (SELECT MIN(order_id) FROM mirror_items) AND status = 'ready'",
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
    let advice = String::from_utf8_lossy(&diverged.stderr);
    assert!(
        advice.contains("`kitchen sync` reads what arrived since the last sync")
            && advice.contains(&format!("`kitchen sync --full --day {day}`")),
        "{advice}"
    );

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

/// `kitchen drivers` lists what the Drivers screen lists, from the mirror; a
/// station that cannot show notifications leaves the queue to the others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drivers_lists_ready_orders_from_the_mirror_and_a_station_without_notifications_leaves_the_queue(
) {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let dir = tempfile::tempdir().unwrap();
    let (kitchen_dir, station) = (dir.path().join("oven"), dir.path().join("drivers"));
    run(kitchen(&kitchen_dir, "oven-1", &endpoint).args(["simulate", "--orders", "2"]));
    assert_eq!(store_until_idle(&cloud.clients).await, 12);

    // The poller in the foreground, on a desktop without a notification service.
    let poller = kitchen(&station, "drivers-1", &endpoint)
        .args(["drivers", "--poll"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let poller = ChildGuard::new(poller);
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    let output = poller.interrupt_and_wait();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no desktop notification service")
            && stderr.contains("leaving the delivery queue"),
        "the missing service is reported, not a crash: {stderr}"
    );
    assert!(stdout(&output).is_empty(), "{output:?}");
    assert_eq!(
        receive_all(&cloud.clients, "waiting-delivery").await.len(),
        2,
        "both ready orders are still on the queue, for a station that can announce them"
    );

    // The list comes from the mirror, on any device.
    run(kitchen(&station, "drivers-1", &endpoint).arg("sync"));
    let listed = stdout(&run(
        kitchen(&station, "drivers-1", &endpoint).arg("drivers")
    ));
    assert!(
        listed.starts_with("2 ready orders waiting for a driver"),
        "{listed}"
    );
    let json = stdout(&run(
        kitchen(&station, "drivers-1", &endpoint).args(["drivers", "--json"])
    ));
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    let (order, client) = (
        first["order"].as_str().unwrap().to_owned(),
        first["client"].as_str().unwrap().to_owned(),
    );
    assert!(first["day"].as_str().is_some(), "{first}");
    run(kitchen(&station, "drivers-1", &endpoint).args([
        "tap",
        &order,
        "picked up",
        "--client",
        &client,
    ]));
    let listed = stdout(&run(
        kitchen(&station, "drivers-1", &endpoint).arg("drivers")
    ));
    assert!(
        listed.starts_with("1 ready order waiting for a driver")
            && !listed
                .lines()
                .nth(1)
                .unwrap_or("")
                .contains(&format!("order {order} "))
            && listed.contains("1 on the road"),
        "{listed}"
    );
}

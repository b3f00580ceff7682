//! The desktop notifier against a real D-Bus session: a private bus per test
//! (`dbus-run-session`), with python-dbusmock's notification daemon recording
//! what it was sent, or with no notification service at all.
//!
//! Each test re-runs itself inside its own bus, so it never talks to the
//! desktop of whoever runs it. Missing tools fail the test; nothing is skipped.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use kitchen_notify::{DesktopNotifier, Notifier, NotifyError};
use std::sync::Arc;

use kitchen_aws::CloudConfig;
use kitchen_device::live::{LiveDevice, LiveOptions, NotificationHealth};
use kitchen_stack::local_cloud::LocalCloud;
use kitchen_store::Delivery;

/// Set in the re-run test process: it is inside the environment its parent prepared.
const INSIDE: &str = "KITCHEN_NOTIFY_TEST_INSIDE";
const SYSTEM_PYTHON: &str = "/usr/bin/python3";
const NOTIFICATIONS: &str = "org.freedesktop.Notifications";
const NOTIFICATIONS_PATH: &str = "/org/freedesktop/Notifications";

fn require_tool(name: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{name}` is missing: install the Debian package {package} to run this test"
    );
}

/// Runs `test` again in a child process with `env`, under `wrapper` if given, and
/// checks that it ran there and passed. Returns false in the parent, true in the child.
fn inside(test: &str, wrapper: Option<&str>, env: &[(&str, &str)]) -> bool {
    if std::env::var_os(INSIDE).is_some() {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut command = match wrapper {
        Some(wrapper) => {
            let mut c = Command::new(wrapper);
            c.arg("--").arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    command
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1");
    for (key, value) in env {
        command.env(key, value);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the test re-runs itself");
    let stdout = String::from_utf8_lossy(&stdout);
    let stderr = String::from_utf8_lossy(&stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    assert!(status.success(), "the test failed inside: {status}");
    // A filter that matched nothing would "pass" with zero tests: make sure it ran.
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "the test did not run inside"
    );
    false
}

/// python-dbusmock's notification daemon on the session bus; killed by pid on drop.
struct MockDaemon {
    child: Child,
}

impl MockDaemon {
    fn start() -> MockDaemon {
        assert!(
            Path::new(SYSTEM_PYTHON).is_file(),
            "{SYSTEM_PYTHON} is missing: python3-dbusmock runs with the system python"
        );
        let probe = Command::new(SYSTEM_PYTHON)
            .args(["-c", "import dbusmock"])
            .output()
            .expect("the system python runs");
        assert!(
            probe.status.success(),
            "python-dbusmock is missing: install the Debian package python3-dbusmock ({})",
            String::from_utf8_lossy(&probe.stderr).trim()
        );
        let child = Command::new(SYSTEM_PYTHON)
            .args(["-m", "dbusmock", "--template", "notification_daemon"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dbusmock starts");
        let daemon = MockDaemon { child };
        let started = Instant::now();
        while !name_has_owner(NOTIFICATIONS) {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "dbusmock did not take {NOTIFICATIONS} within 15 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        daemon
    }

    /// The Notify calls the daemon received: each one's printed arguments.
    fn notify_calls(&self) -> Vec<String> {
        let text = session_call(
            NOTIFICATIONS,
            NOTIFICATIONS_PATH,
            "org.freedesktop.DBus.Mock.GetCalls",
        );
        // gdbus prints `([(uint64 <time>, 'Notify', [<args>]), (<time>, 'Notify', …)],)`.
        text.split("'Notify', [")
            .skip(1)
            .map(|call| call.split("])").next().unwrap_or(call).to_owned())
            .collect()
    }
}

impl Drop for MockDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A method call without arguments on the session bus, printed by gdbus.
fn session_call(dest: &str, path: &str, method: &str) -> String {
    session_call_with(dest, path, method, &[])
}

fn session_call_with(dest: &str, path: &str, method: &str, args: &[&str]) -> String {
    require_tool("gdbus", "libglib2.0-bin");
    let out = Command::new("gdbus")
        .args(["call", "--session", "--dest", dest, "--object-path", path])
        .args(["--method", method])
        .args(args)
        .output()
        .expect("gdbus runs");
    assert!(
        out.status.success(),
        "gdbus {method}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn name_has_owner(name: &str) -> bool {
    session_call_with(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner",
        &[name],
    )
    .contains("true")
}

fn ready(order: &str, client: &str, minutes_ago: i64) -> Delivery {
    let now = Utc::now();
    Delivery {
        event_id: format!("event-{order}"),
        day: kitchen_domain::day_key(now.date_naive()),
        order: order.into(),
        client: client.into(),
        ready_at: now - chrono::Duration::seconds(minutes_ago * 60 + 10),
        received_at: now,
        notified_at: None,
    }
}

#[test]
fn each_notification_reaches_the_desktop_service_with_the_order_and_the_wait() {
    require_tool("dbus-run-session", "dbus-daemon (or dbus)");
    if !inside(
        "each_notification_reaches_the_desktop_service_with_the_order_and_the_wait",
        Some("dbus-run-session"),
        &[],
    ) {
        return;
    }
    let daemon = MockDaemon::start();
    let notifier = DesktopNotifier::default();
    notifier.check().expect("the service answers");
    notifier.notify(&ready("42", "Ana", 3)).expect("shown");
    notifier.notify(&ready("43", "Bia", 0)).expect("shown");
    // The daemon reads markup in bodies: a name is escaped, not obeyed.
    notifier
        .notify(&ready("44", "<a href=\"http://x\">Cy</a> & Co", 0))
        .expect("shown");

    let calls = daemon.notify_calls();
    assert_eq!(calls.len(), 3, "three Notify calls: {calls:#?}");
    assert!(calls[0].contains("'Order 42 is ready'"), "{}", calls[0]);
    assert!(calls[0].contains("'Ana · ready for 3 min'"), "{}", calls[0]);
    assert!(calls[0].contains("'Kitchen Dashboard'"), "{}", calls[0]);
    assert!(calls[1].contains("'Order 43 is ready'"), "{}", calls[1]);
    assert!(calls[1].contains("'Bia · ready now'"), "{}", calls[1]);
    assert!(
        calls[2].contains("'&lt;a href=&quot;http://x&quot;&gt;Cy&lt;/a&gt; &amp; Co · ready now'"),
        "{}",
        calls[2]
    );
}

#[test]
fn a_session_bus_without_a_notification_service_is_reported_not_a_crash() {
    require_tool("dbus-run-session", "dbus-daemon (or dbus)");
    if !inside(
        "a_session_bus_without_a_notification_service_is_reported_not_a_crash",
        Some("dbus-run-session"),
        &[],
    ) {
        return;
    }
    assert!(!name_has_owner(NOTIFICATIONS), "a private, empty bus");
    assert!(matches!(
        DesktopNotifier::default().check(),
        Err(NotifyError::NoService(_))
    ));
    let err = DesktopNotifier::default()
        .notify(&ready("42", "Ana", 1))
        .unwrap_err();
    assert!(matches!(err, NotifyError::NoService(_)), "{err:?}");
    assert!(err.to_string().contains("no desktop notification service"));
}

#[test]
fn a_desktop_without_a_session_bus_is_reported_not_a_crash() {
    let missing = std::env::temp_dir().join("kitchen-notify-no-such-bus/bus");
    let address = format!("unix:path={}", missing.display());
    if !inside(
        "a_desktop_without_a_session_bus_is_reported_not_a_crash",
        None,
        &[("DBUS_SESSION_BUS_ADDRESS", &address)],
    ) {
        return;
    }
    assert!(matches!(
        DesktopNotifier::default().check(),
        Err(NotifyError::NoService(_))
    ));
    let err = DesktopNotifier::default()
        .notify(&ready("42", "Ana", 1))
        .unwrap_err();
    assert!(matches!(err, NotifyError::NoService(_)), "{err:?}");
}

/// The whole path: a ready tap on a kitchen device goes through the bus and the
/// delivery queue of a local cloud to a driver station, which shows it once.
#[test]
fn a_ready_tap_on_the_kitchen_notifies_the_driver_station_once() {
    require_tool("dbus-run-session", "dbus-daemon (or dbus)");
    if !inside(
        "a_ready_tap_on_the_kitchen_notifies_the_driver_station_once",
        Some("dbus-run-session"),
        &[],
    ) {
        return;
    }
    let daemon = MockDaemon::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let cloud = LocalCloud::start(CloudConfig::default())
            .await
            .expect("the local cloud starts");
        let config = cloud.clients.config.clone();
        let dir = tempfile::tempdir().unwrap();
        let kitchen = LiveDevice::start(
            &dir.path().join("oven"),
            config.clone(),
            LiveOptions::device("oven-1"),
        )
        .await
        .unwrap();
        let station = LiveDevice::start(
            &dir.path().join("drivers"),
            config,
            LiveOptions::device("drivers-1").driver_station(Arc::new(DesktopNotifier::default())),
        )
        .await
        .unwrap();
        for status in ["packing for delivery", "ready"] {
            kitchen.record_tap("42", status, "Ana", None).await.unwrap();
        }
        let started = Instant::now();
        while daemon.notify_calls().is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no notification within 60 s: {:?}",
                station.connection()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Room for a duplicate to show up, if the poller let one through.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let calls = daemon.notify_calls();
        assert_eq!(calls.len(), 1, "one notification: {calls:#?}");
        assert!(calls[0].contains("'Order 42 is ready'"), "{}", calls[0]);
        assert!(calls[0].contains("'Ana · ready now'"), "{}", calls[0]);
        assert_eq!(station.connection().notifications, NotificationHealth::Ok);
        kitchen.stop().await;
        station.stop().await;
    });
}

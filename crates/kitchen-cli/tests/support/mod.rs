//! Running the `kitchen` binary from the CLI's integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const KITCHEN: &str = env!("CARGO_BIN_EXE_kitchen");

/// `kitchen` for one device against one endpoint; nothing from the caller's setup leaks in.
pub fn kitchen(data_dir: &Path, device: &str, endpoint: &str) -> Command {
    with_device_env(Command::new(KITCHEN), data_dir, device, endpoint)
}

/// `kitchen` on a device whose clock reads otherwise: Debian's libfaketime with
/// `clock` (`+3m`, `-1d`, `@2026-12-02 23:50:00` to start there and run on).
/// The library is preloaded into `kitchen` itself rather than run through the
/// `faketime` command, which forks: a guard that kills the command would leave
/// its `kitchen` running.
pub fn kitchen_at(clock: &str, data_dir: &Path, device: &str, endpoint: &str) -> Command {
    let mut command = with_device_env(Command::new(KITCHEN), data_dir, device, endpoint);
    command
        .env("LD_PRELOAD", LIBFAKETIME)
        .env("FAKETIME", clock)
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
    command
}

/// Debian's libfaketime (package faketime).
/// (`$LIB` is the loader's own multiarch folder, as the `faketime` command sets it.)
const LIBFAKETIME: &str = "/usr/$LIB/faketime/libfaketime.so.1";

fn with_device_env(mut command: Command, data_dir: &Path, device: &str, endpoint: &str) -> Command {
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", data_dir)
        .env("KITCHEN_DATA_DIR", data_dir)
        .env("KITCHEN_CLOUD_DIR", data_dir.join("no-local-cloud"))
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("KITCHEN_DEVICE", device);
    command
}

/// The store worker as its own process, stopped when dropped.
pub struct Worker(pub ChildGuard);

impl Worker {
    pub fn start(data_dir: &Path, endpoint: &str) -> Worker {
        let child = kitchen(data_dir, "store-worker", endpoint)
            .arg("worker")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("worker starts");
        Worker(ChildGuard::new(child))
    }
}

/// A private session bus and a notification daemon on it (python3-dbusmock,
/// run by the system Python), both stopped when dropped.
pub struct Desktop {
    bus: ChildGuard,
    daemon: ChildGuard,
    pub address: String,
}

impl Desktop {
    pub fn start(dir: &Path) -> Desktop {
        std::fs::create_dir_all(dir).unwrap();
        let socket = dir.join("bus");
        let address = format!("unix:path={}", socket.display());
        let bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile"])
            .arg(format!("--address={address}"))
            .stdout(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts (Debian package dbus)");
        let bus = ChildGuard::new(bus);
        let daemon = Command::new("/usr/bin/python3")
            .args(["-m", "dbusmock", "--template", "notification_daemon"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdout(Stdio::null())
            .spawn()
            .expect("python3-dbusmock starts");
        let desktop = Desktop {
            bus,
            daemon: ChildGuard::new(daemon),
            address,
        };
        let started = Instant::now();
        while !desktop
            .gdbus(&[
                "--dest",
                "org.freedesktop.DBus",
                "--object-path",
                "/org/freedesktop/DBus",
                "--method",
                "org.freedesktop.DBus.NameHasOwner",
                "org.freedesktop.Notifications",
            ])
            .contains("true")
        {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the notification daemon did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        desktop
    }

    fn gdbus(&self, args: &[&str]) -> String {
        let out = Command::new("gdbus")
            .args(["call", "--session"])
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .expect("gdbus runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// How many notifications each order got.
    pub fn notified(&self) -> BTreeMap<String, usize> {
        let calls = self.gdbus(&[
            "--dest",
            "org.freedesktop.Notifications",
            "--object-path",
            "/org/freedesktop/Notifications",
            "--method",
            "org.freedesktop.DBus.Mock.GetCalls",
        ]);
        let mut counts = BTreeMap::new();
        for call in calls.split("'Order ").skip(1) {
            if let Some(order) = call.split(" is ready'").next() {
                *counts.entry(order.to_owned()).or_default() += 1;
            }
        }
        counts
    }

    /// Both processes are still running (checked before trusting a count of zero).
    pub fn alive(&mut self) -> bool {
        self.bus.try_wait().is_none() && self.daemon.try_wait().is_none()
    }
}

/// `kitchen run` as a device of `role`, with the notification service of
/// `desktop` (or none), output kept in `log`; stopped when the guard drops.
pub fn run_device(
    command: &mut Command,
    role: &str,
    desktop: Option<&Desktop>,
    log: &Path,
) -> ChildGuard {
    let log = std::fs::File::create(log).expect("a log file");
    command
        .args(["run", "--role", role])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            desktop.map_or("unix:path=/nonexistent/bus".to_owned(), |d| {
                d.address.clone()
            }),
        )
        .env("KITCHEN_LOG", "info")
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    ChildGuard::new(command.spawn().expect("kitchen run starts"))
}

/// Runs `kitchen` and fails the test, with its stderr, when it fails.
pub fn run(command: &mut Command) -> Output {
    let output = command.output().expect("kitchen runs");
    assert!(
        output.status.success(),
        "kitchen failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A `kitchen` process a test started: killed when the guard drops, whether
/// the test passes or panics, so no station outlives its test (and its local
/// cloud) to poll a later test's server on the same port.
pub struct ChildGuard {
    child: Option<Child>,
}

impl ChildGuard {
    pub fn new(child: Child) -> ChildGuard {
        ChildGuard { child: Some(child) }
    }

    pub fn id(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Sends a signal (`-INT`, `-TERM`, `-KILL`…) to the process.
    pub fn signal(&self, signal: &str) {
        let _ = Command::new("kill")
            .args([signal, &self.id().to_string()])
            .status();
    }

    /// Ctrl-C, then its exit and output.
    pub fn interrupt_and_wait(mut self) -> Output {
        self.signal("-INT");
        let child = self.child.take().expect("a running child");
        child.wait_with_output().expect("the child exits")
    }

    /// SIGKILL, as a power cut would, and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Whether it has exited (and how).
    pub fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

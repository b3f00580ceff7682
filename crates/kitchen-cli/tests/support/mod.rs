//! Running the `kitchen` binary from the CLI's integration tests.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub const KITCHEN: &str = env!("CARGO_BIN_EXE_kitchen");

/// `kitchen` for one device against one endpoint; nothing from the caller's setup leaks in.
pub fn kitchen(data_dir: &Path, device: &str, endpoint: &str) -> Command {
    let mut command = Command::new(KITCHEN);
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
    child: Option<std::process::Child>,
}

impl ChildGuard {
    pub fn new(child: std::process::Child) -> ChildGuard {
        ChildGuard { child: Some(child) }
    }

    pub fn id(&self) -> u32 {
        self.child.as_ref().map_or(0, std::process::Child::id)
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

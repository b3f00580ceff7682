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

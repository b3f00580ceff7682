//! The app never writes AWS credentials: they come from the default chain on
//! every run, and no file in the device's data folder holds them.

use std::path::{Path, PathBuf};

use crate::support::*;

const ACCESS_KEY_ID: &str = "AKIAKITCHENNEVERSAVE";
const SECRET_ACCESS_KEY: &str = "kitchenSecretThatMustNeverBeWritten0123456";
const SESSION_TOKEN: &str = "kitchenSessionTokenThatMustNeverBeWritten";
/// The discard port on loopback: nothing answers, so every call fails fast.
const UNREACHABLE: &str = "http://127.0.0.1:9";

fn files_under(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn taps_and_a_sync_with_keys_in_the_environment_leave_no_key_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let with_keys = |args: &[&str]| {
        let mut command = kitchen(dir.path(), "oven-1", UNREACHABLE);
        command
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
            .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
            .env("AWS_REGION", "eu-west-1")
            .env("AWS_MAX_ATTEMPTS", "1")
            .args(args);
        command.output().expect("kitchen runs")
    };

    let mut printed = Vec::new();
    for (order, status) in [("1", "order done"), ("1", "preparing"), ("2", "order done")] {
        let output = with_keys(&["tap", order, status, "--client", "Ana"]);
        assert!(
            output.status.success(),
            "a tap is committed offline: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        printed.push(output);
    }
    // Offline: publishing and syncing fail, after having used the keys to sign.
    printed.push(with_keys(&["publish"]));
    printed.push(with_keys(&["sync"]));
    printed.push(with_keys(&["outbox"]));
    let outbox = String::from_utf8_lossy(&printed.last().unwrap().stdout).into_owned();
    assert!(
        outbox.contains("preparing"),
        "the taps wait in the outbox: {outbox}"
    );

    let mut files = Vec::new();
    files_under(dir.path(), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("kitchen.sqlite3")),
        "the device wrote its database: {files:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for secret in [ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN] {
            assert!(
                !contains(&bytes, secret),
                "{} holds {secret}",
                file.display()
            );
        }
    }
    for output in &printed {
        for stream in [&output.stdout, &output.stderr] {
            for secret in [SECRET_ACCESS_KEY, SESSION_TOKEN] {
                assert!(!contains(stream, secret), "printed {secret}");
            }
        }
    }
}

#[test]
fn the_scan_finds_a_key_when_one_is_written() {
    // The check above can fail: a key written anywhere in the folder is found.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("logs")).unwrap();
    std::fs::write(
        dir.path().join("logs/app.log"),
        format!("x{SECRET_ACCESS_KEY}y"),
    )
    .unwrap();
    let mut files = Vec::new();
    files_under(dir.path(), &mut files);
    assert!(files
        .iter()
        .any(|f| contains(&std::fs::read(f).unwrap(), SECRET_ACCESS_KEY)));
}

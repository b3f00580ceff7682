//! Log output for the shell: stderr, and a file in the app's log folder that rolls
//! over daily. The level comes from `KITCHEN_LOG` (e.g. `debug`, `kitchen_desktop=trace`).

use std::path::Path;

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

const LEVEL_VAR: &str = "KITCHEN_LOG";
const DEFAULT_LEVEL: &str = "info";
/// Two weeks of daily files: enough to look back at last week's service.
const KEPT_FILES: usize = 14;

pub fn init(log_dir: Option<&Path>) {
    // A typo in KITCHEN_LOG should not cost the kitchen its logs: fall back and say so.
    let (filter, rejected) = match std::env::var(LEVEL_VAR) {
        Ok(spec) => match EnvFilter::try_new(&spec) {
            Ok(filter) => (filter, None),
            Err(error) => (EnvFilter::new(DEFAULT_LEVEL), Some((spec, error))),
        },
        Err(_) => (EnvFilter::new(DEFAULT_LEVEL), None),
    };
    let file = log_dir.map(|dir| {
        // The appender prunes old files on start and complains if the folder is missing.
        let _ = std::fs::create_dir_all(dir);
        RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix("kitchen-desktop")
            .filename_suffix("log")
            .max_log_files(KEPT_FILES)
            .build(dir)
            .map_err(|error| (dir.to_owned(), error))
    });
    let (file, file_error) = match file {
        Some(Ok(file)) => (Some(file), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };

    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file.map(|file| fmt::layer().with_ansi(false).with_writer(file)))
        .init();

    if let Some((spec, error)) = rejected {
        tracing::warn!(%spec, %error, "ignoring {LEVEL_VAR}; logging at {DEFAULT_LEVEL}");
    }
    if let Some((dir, error)) = file_error {
        tracing::warn!(dir = %dir.display(), %error, "cannot log to a file; logging to stderr only");
    }
}

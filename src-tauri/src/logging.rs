//! Log output for the shell; the level comes from `KITCHEN_LOG` (e.g. `debug`, `kitchen_desktop=trace`).

use tracing_subscriber::EnvFilter;

const LEVEL_VAR: &str = "KITCHEN_LOG";
const DEFAULT_LEVEL: &str = "info";

pub fn init() {
    // A typo in KITCHEN_LOG should not cost the kitchen its logs: fall back and say so.
    let (filter, rejected) = match std::env::var(LEVEL_VAR) {
        Ok(spec) => match EnvFilter::try_new(&spec) {
            Ok(filter) => (filter, None),
            Err(error) => (EnvFilter::new(DEFAULT_LEVEL), Some((spec, error))),
        },
        Err(_) => (EnvFilter::new(DEFAULT_LEVEL), None),
    };

    tracing_subscriber::fmt().with_env_filter(filter).init();

    if let Some((spec, error)) = rejected {
        tracing::warn!(%spec, %error, "ignoring {LEVEL_VAR}; logging at {DEFAULT_LEVEL}");
    }
}

//! Where this device keeps its data: `KITCHEN_DATA_DIR` if set, else the platform's app data folder.

use std::ffi::OsString;
use std::path::PathBuf;

use tauri::{Manager, Runtime};

/// Lets tests, demos and a second instance on one machine use a folder of their own.
pub const OVERRIDE_VAR: &str = "KITCHEN_DATA_DIR";

pub fn resolve<R: Runtime, M: Manager<R>>(app: &M) -> Result<PathBuf, String> {
    choose(std::env::var_os(OVERRIDE_VAR), || {
        app.path()
            .app_data_dir()
            .map_err(|error| format!("no app data folder on this system: {error}"))
    })
}

// An empty variable counts as unset, so `KITCHEN_DATA_DIR= app` does not write into the working directory.
fn choose(
    override_dir: Option<OsString>,
    platform_dir: impl FnOnce() -> Result<PathBuf, String>,
) -> Result<PathBuf, String> {
    match override_dir {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => platform_dir(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform() -> Result<PathBuf, String> {
        Ok(PathBuf::from(
            "/home/cook/.local/share/com.pizzeria.kitchen-dashboard",
        ))
    }

    #[test]
    fn override_wins_over_platform_folder() {
        let dir = choose(Some("/srv/kitchen".into()), platform).unwrap();
        assert_eq!(dir, PathBuf::from("/srv/kitchen"));
    }

    #[test]
    fn unset_or_empty_override_uses_platform_folder() {
        assert_eq!(choose(None, platform).unwrap(), platform().unwrap());
        assert_eq!(
            choose(Some("".into()), platform).unwrap(),
            platform().unwrap()
        );
    }

    #[test]
    fn platform_failure_is_reported() {
        let error = choose(None, || Err("no home".to_owned())).unwrap_err();
        assert_eq!(error, "no home");
    }
}

//! Every command the UI can invoke, one module per feature.

mod app_info;

use tauri::{ipc::Invoke, Runtime};

/// The full command list, so `main` never needs to change when a command is added.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![app_info::get_app_info]
}

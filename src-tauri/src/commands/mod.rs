//! Every command the UI can invoke, one module per feature.

mod app_info;
mod connection;
mod day;
mod taps;

use tauri::{ipc::Invoke, Runtime};

/// The full command list, so `main` never needs to change when a command is added.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_info::get_app_info,
        connection::get_connection_state,
        taps::tap_status,
        day::list_day,
    ]
}

/// Every command with its arguments and result in TypeScript, for the generated
/// `commands.ts`; kept next to [`handler`], which lists the same commands.
#[cfg(test)]
pub fn signatures(cfg: &ts_rs::Config) -> Vec<(&'static str, &'static str, String)> {
    use kitchen_cloud::live::{ConnectionState, TapReceipt};
    use kitchen_store::DayViewRow;
    use ts_rs::TS;
    vec![
        ("get_app_info", "{}", app_info::AppInfo::name(cfg)),
        ("get_connection_state", "{}", ConnectionState::name(cfg)),
        (
            "tap_status",
            "{ order: string; status: string; client: string }",
            TapReceipt::name(cfg),
        ),
        ("list_day", "{ day: string }", Vec::<DayViewRow>::name(cfg)),
    ]
}

#[cfg(test)]
pub use app_info::AppInfo;

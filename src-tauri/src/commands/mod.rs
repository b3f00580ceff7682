//! Every command the UI can invoke, one module per feature.

mod app_info;
mod claims;
mod connection;
mod day;
mod exports;
mod repair;
mod settings;
mod taps;

use tauri::{ipc::Invoke, Runtime};

/// The full command list, so `main` never needs to change when a command is added.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_info::get_app_info,
        connection::get_connection_state,
        taps::tap_status,
        day::list_day,
        day::list_open,
        day::list_drivers,
        settings::get_settings,
        settings::save_settings,
        settings::test_connection,
        claims::claim_order,
        claims::list_claims,
        exports::save_export,
        repair::get_database_problem,
        repair::repair_database,
    ]
}

/// Every command with its arguments and result in TypeScript, for the generated
/// `commands.ts`; kept next to [`handler`], which lists the same commands.
#[cfg(test)]
pub fn signatures(cfg: &ts_rs::Config) -> Vec<(&'static str, &'static str, String)> {
    use kitchen_cloud::check::ResourceCheck;
    use kitchen_cloud::live::{ConnectionState, TapReceipt};
    use kitchen_domain::orders::DriverLists;
    use kitchen_store::{Claim, DayViewRow, DeviceSettings};
    use ts_rs::TS;

    use crate::device::{DatabaseProblem, RepairReport};
    vec![
        ("get_app_info", "{}", app_info::AppInfo::name(cfg)),
        ("get_connection_state", "{}", ConnectionState::name(cfg)),
        (
            "tap_status",
            "{ order: string; status: string; client: string; day: string | null }",
            TapReceipt::name(cfg),
        ),
        ("list_day", "{ day: string }", Vec::<DayViewRow>::name(cfg)),
        ("list_open", "{}", Vec::<DayViewRow>::name(cfg)),
        ("list_drivers", "{}", DriverLists::name(cfg)),
        ("get_settings", "{}", DeviceSettings::name(cfg)),
        (
            "save_settings",
            "{ settings: DeviceSettings }",
            DeviceSettings::name(cfg),
        ),
        (
            "test_connection",
            "{ settings: DeviceSettings }",
            Vec::<ResourceCheck>::name(cfg),
        ),
        (
            "claim_order",
            "{ day: string; order: string }",
            Claim::name(cfg),
        ),
        ("list_claims", "{}", Vec::<Claim>::name(cfg)),
        (
            "save_export",
            "{ fileName: string; contents: string }",
            String::name(cfg),
        ),
        (
            "get_database_problem",
            "{}",
            Option::<DatabaseProblem>::name(cfg),
        ),
        ("repair_database", "{}", RepairReport::name(cfg)),
    ]
}

#[cfg(test)]
pub use app_info::AppInfo;

//! The "About this device" screen: what is installed and where it keeps its data.

use kitchen_cloud::live::LiveDevice;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::error::CommandError;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// Folder where this device keeps its database.
    pub data_dir: String,
    /// IANA zone that decides which day an order belongs to (`STORE_TIME_ZONE`).
    pub store_time_zone: String,
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn get_app_info<R: Runtime>(
    app: AppHandle<R>,
    live: State<'_, LiveDevice>,
) -> Result<AppInfo, CommandError> {
    let package = app.package_info();
    Ok(AppInfo {
        name: package.name.clone(),
        version: package.version.to_string(),
        // The same folder the `kitchen` CLI uses for this device.
        data_dir: kitchen_store::resolve_data_dir(None).display().to_string(),
        store_time_zone: live.config().store_time_zone,
    })
}

//! The "About this device" screen: what is installed and where it keeps its data.

use kitchen_domain::BusinessDaySetting;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::device::Device;
use crate::error::CommandError;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// Folder where this device keeps its database.
    pub data_dir: String,
    /// The stack's business day (time zone and day-start hour) as this device
    /// knows it: which day an order belongs to.
    pub business_day: BusinessDaySetting,
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn get_app_info<R: Runtime>(
    app: AppHandle<R>,
    device: State<'_, Device>,
) -> Result<AppInfo, CommandError> {
    let package = app.package_info();
    Ok(AppInfo {
        name: package.name.clone(),
        version: package.version.to_string(),
        // The same folder the `kitchen` CLI uses for this device.
        data_dir: device.data_dir().display().to_string(),
        // Known even while the database is damaged, so the screens can tell the day.
        business_day: device.business_day().await,
    })
}

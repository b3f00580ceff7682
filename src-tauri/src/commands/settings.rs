//! The settings screen: the device's name and role, its cloud, the thresholds,
//! and "test connection".

use kitchen_device::check::{test_connection as check_resources, ResourceCheck};
use kitchen_store::{DeviceSettings, StoreError};
use tauri::State;

use crate::device::Device;
use crate::error::CommandError;

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn get_settings(device: State<'_, Device>) -> Result<DeviceSettings, CommandError> {
    let live = device.live().await?;
    Ok(live.settings())
}

/// Saves the settings and restarts the loops with them; invalid ones change nothing.
#[tauri::command]
#[tracing::instrument(skip(device), err)]
pub async fn save_settings(
    device: State<'_, Device>,
    settings: DeviceSettings,
) -> Result<DeviceSettings, CommandError> {
    let live = device.live().await?;
    Ok(live.reconfigure(&settings).await?)
}

/// Checks the cloud the form's settings name, before they are saved.
#[tauri::command]
#[tracing::instrument(skip(device), err)]
pub async fn test_connection(
    device: State<'_, Device>,
    settings: DeviceSettings,
) -> Result<Vec<ResourceCheck>, CommandError> {
    let live = device.live().await?;
    let settings = settings
        .validated()
        .map_err(|err| CommandError::from(StoreError::from(err)))?;
    Ok(check_resources(&live.config_for(&settings), settings.role).await)
}

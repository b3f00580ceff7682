//! The status bar: online / offline / degraded, taps not yet published, last sync.

use kitchen_device::live::ConnectionState;
use tauri::State;

use crate::device::Device;
use crate::error::CommandError;

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn get_connection_state(
    device: State<'_, Device>,
) -> Result<ConnectionState, CommandError> {
    let live = device.live().await?;
    Ok(live.connection())
}

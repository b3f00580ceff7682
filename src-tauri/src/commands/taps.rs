//! The kitchen's taps: a status for an order, durable before the UI shows it.

use kitchen_cloud::live::TapReceipt;
use tauri::State;

use crate::device::Device;
use crate::error::CommandError;

/// Validates the tap, commits it to the outbox and has the publisher send it now.
#[tauri::command]
#[tracing::instrument(skip(device), err)]
pub async fn tap_status(
    device: State<'_, Device>,
    order: String,
    status: String,
    client: String,
) -> Result<TapReceipt, CommandError> {
    let live = device.live().await?;
    Ok(live.record_tap(&order, &status, &client)?)
}

//! The kitchen's taps: a status for an order, durable before the UI shows it.

use kitchen_cloud::live::{LiveDevice, TapReceipt};
use tauri::State;

use crate::error::CommandError;

/// Validates the tap, commits it to the outbox and has the publisher send it now.
#[tauri::command]
#[tracing::instrument(skip(live), err)]
pub async fn tap_status(
    live: State<'_, LiveDevice>,
    order: String,
    status: String,
    client: String,
) -> Result<TapReceipt, CommandError> {
    Ok(live.record_tap(&order, &status, &client)?)
}

//! The status bar: online / offline / degraded, taps not yet published, last sync.

use kitchen_cloud::live::{ConnectionState, LiveDevice};
use tauri::State;

use crate::error::CommandError;

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn get_connection_state(
    live: State<'_, LiveDevice>,
) -> Result<ConnectionState, CommandError> {
    Ok(live.connection())
}

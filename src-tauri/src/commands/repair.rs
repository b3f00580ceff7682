//! The damaged-database screen: what is wrong, and the repair.

use tauri::{AppHandle, Runtime, State};

use crate::device::{DatabaseProblem, Device, RepairReport};
use crate::error::CommandError;

/// Why the device refuses taps, if it does: its database is damaged.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn get_database_problem(
    device: State<'_, Device>,
) -> Result<Option<DatabaseProblem>, CommandError> {
    Ok(device.problem().await)
}

/// Sets the damaged database aside (never deleted), carries its unpublished taps
/// into a new one and rebuilds the mirror from the cloud.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn repair_database<R: Runtime>(
    app: AppHandle<R>,
    device: State<'_, Device>,
) -> Result<RepairReport, CommandError> {
    device.repair(&app).await
}

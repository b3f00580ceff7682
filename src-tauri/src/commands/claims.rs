//! The drivers' claims: which ready orders this station has taken.

use kitchen_store::Claim;
use tauri::State;

use crate::device::Device;
use crate::error::CommandError;

/// Takes the order `order` of business day `day` for this station.
#[tauri::command]
#[tracing::instrument(skip(device), err)]
pub async fn claim_order(
    device: State<'_, Device>,
    day: String,
    order: String,
) -> Result<Claim, CommandError> {
    let live = device.live().await?;
    Ok(live.claim(&day, &order).await?)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_claims(device: State<'_, Device>) -> Result<Vec<Claim>, CommandError> {
    let live = device.live().await?;
    Ok(live.claims().await?)
}

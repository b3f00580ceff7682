//! The drivers' claims: which ready orders this station has taken.

use kitchen_cloud::live::LiveDevice;
use kitchen_store::Claim;
use tauri::State;

use crate::error::CommandError;

#[tauri::command]
#[tracing::instrument(skip(live), err)]
pub async fn claim_order(
    live: State<'_, LiveDevice>,
    order: String,
) -> Result<Claim, CommandError> {
    Ok(live.claim(&order)?)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_claims(live: State<'_, LiveDevice>) -> Result<Vec<Claim>, CommandError> {
    Ok(live.claims()?)
}

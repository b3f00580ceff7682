//! The kitchen's taps: a status for an order, durable before the UI shows it.

use kitchen_device::live::TapReceipt;
use tauri::State;

use crate::device::Device;
use crate::error::CommandError;

/// Validates the tap, commits it to the outbox and has the publisher send it
/// now. `day`: the order's business day (the card's); `null` for a new order
/// or one the board shows by its number.
#[tauri::command]
#[tracing::instrument(skip(device, client), err)]
pub async fn tap_status(
    device: State<'_, Device>,
    order: String,
    status: String,
    client: String,
    day: Option<String>,
) -> Result<TapReceipt, CommandError> {
    let live = device.live().await?;
    Ok(live
        .record_tap(&order, &status, &client, day.as_deref())
        .await?)
}

/// Enters a new order of today with what it is: its `order done` carries the
/// form's lines (as typed: `2x Margherita (large) + olives`), notes and where
/// it goes. A bad line or field is refused naming it.
#[tauri::command]
#[tracing::instrument(skip(device, client, form), err)]
pub async fn new_order(
    device: State<'_, Device>,
    order: String,
    client: String,
    form: kitchen_domain::OrderForm,
) -> Result<TapReceipt, CommandError> {
    let live = device.live().await?;
    Ok(live.record_new_order(&order, &client, form).await?)
}

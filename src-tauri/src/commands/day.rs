//! The orders the screens show: a business day's, the open ones on the board,
//! and the drivers' lists; the mirror of the event table merged with this
//! device's taps, computed in the core.

use kitchen_domain::orders::DriverLists;
use kitchen_domain::parse_day;
use kitchen_store::DayViewRow;
use tauri::State;

use crate::device::Device;
use crate::error::CommandError;

/// `day`: a business day, `YYYY-MM-DD`.
#[tauri::command]
#[tracing::instrument(skip(device), err)]
pub async fn list_day(
    device: State<'_, Device>,
    day: String,
) -> Result<Vec<DayViewRow>, CommandError> {
    let live = device.live().await?;
    let day = parse_day(&day).ok_or_else(|| {
        CommandError::invalid_field(
            "day",
            format!("field `day`: expected YYYY-MM-DD, got {day:?}"),
        )
    })?;
    let view = live.day_view(day).await?;
    crate::memory::trim_soon();
    Ok(view)
}

/// Every open order of the last 24 hours, whatever its business day: the board.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_open(device: State<'_, Device>) -> Result<Vec<DayViewRow>, CommandError> {
    let live = device.live().await?;
    Ok(live.open_view().await?)
}

/// The drivers' lists: ready orders on the shelf and orders on the road, oldest first.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_drivers(device: State<'_, Device>) -> Result<DriverLists, CommandError> {
    let live = device.live().await?;
    Ok(live.driver_lists().await?)
}

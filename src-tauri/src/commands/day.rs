//! A day's orders: the mirror of the event table merged with this device's taps.

use kitchen_cloud::mirror::parse_day;
use kitchen_store::DayViewRow;
use tauri::State;

use crate::device::Device;
use crate::error::CommandError;

/// `day`: `YYYY-MM-DD` in the store's time zone.
#[tauri::command]
#[tracing::instrument(skip(device), err)]
pub async fn list_day(
    device: State<'_, Device>,
    day: String,
) -> Result<Vec<DayViewRow>, CommandError> {
    let live = device.live().await?;
    let day = parse_day(&day).ok_or_else(|| {
        CommandError::invalid_input(format!("field `day`: expected YYYY-MM-DD, got {day:?}"))
    })?;
    let view = live.day_view(day)?;
    crate::memory::trim_soon();
    Ok(view)
}

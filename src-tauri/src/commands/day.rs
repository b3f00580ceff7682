//! The orders the screens show: a business day's, the kitchen board (now, or
//! as it stood at a moment of a day), a day's late orders, and the drivers'
//! lists; the mirror of the event table merged with this device's taps,
//! computed in the core.

use chrono::{DateTime, NaiveDate, Utc};
use kitchen_domain::board::{BoardView, LateOrder};
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
    let view = live.day_view(business_day(&day)?).await?;
    crate::memory::trim_soon();
    Ok(view)
}

/// The kitchen board: every open order of the last 24 hours, whatever its
/// business day, in its stage's column; and the "all day" count.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_board(device: State<'_, Device>) -> Result<BoardView, CommandError> {
    let live = device.live().await?;
    Ok(live.board().await?)
}

/// The board of business day `day` as it stood at `at` (RFC 3339): the replay.
#[tauri::command]
#[tracing::instrument(skip(device), err)]
pub async fn list_board_at(
    device: State<'_, Device>,
    day: String,
    at: String,
) -> Result<BoardView, CommandError> {
    let live = device.live().await?;
    let day = business_day(&day)?;
    let at = DateTime::parse_from_rfc3339(&at)
        .map_err(|_| {
            CommandError::invalid_field(
                "at",
                format!("field `at`: expected an RFC 3339 time, got {at:?}"),
            )
        })?
        .with_timezone(&Utc);
    Ok(live.board_at(day, at).await?)
}

/// The late orders of business day `day`, longest first, by this device's threshold.
#[tauri::command]
#[tracing::instrument(skip(device), err)]
pub async fn list_late(
    device: State<'_, Device>,
    day: String,
) -> Result<Vec<LateOrder>, CommandError> {
    let live = device.live().await?;
    Ok(live.late_orders(business_day(&day)?).await?)
}

/// The drivers' lists: ready orders on the shelf and orders on the road, oldest first.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_drivers(device: State<'_, Device>) -> Result<DriverLists, CommandError> {
    let live = device.live().await?;
    Ok(live.driver_lists().await?)
}

/// The argument `day` read as a business day.
fn business_day(day: &str) -> Result<NaiveDate, CommandError> {
    parse_day(day).ok_or_else(|| {
        CommandError::invalid_field(
            "day",
            format!("field `day`: expected YYYY-MM-DD, got {day:?}"),
        )
    })
}

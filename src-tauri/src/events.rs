//! The core's [`Change`]s as named Tauri events, each with its own typed payload.

use kitchen_device::live::Change;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::broadcast::{error::RecvError, Receiver};

/// Payload: [`kitchen_device::live::ConnectionState`].
pub const CONNECTION_CHANGED: &str = "connection-changed";
/// Payload: [`kitchen_device::live::MirrorUpdate`].
pub const MIRROR_UPDATED: &str = "mirror-updated";

/// Every event and the name of its payload type, for the generated `events.ts`.
/// Kept next to [`emit`], whose match lists the same events.
#[cfg(test)]
pub fn payload_types(cfg: &ts_rs::Config) -> Vec<(&'static str, String)> {
    use kitchen_device::live::{ConnectionState, MirrorUpdate};
    use ts_rs::TS;
    vec![
        (CONNECTION_CHANGED, ConnectionState::name(cfg)),
        (MIRROR_UPDATED, MirrorUpdate::name(cfg)),
    ]
}

fn emit<R: Runtime>(app: &AppHandle<R>, change: Change) -> tauri::Result<()> {
    match change {
        Change::Connection(state) => app.emit(CONNECTION_CHANGED, state),
        Change::MirrorUpdated(update) => app.emit(MIRROR_UPDATED, update),
    }
}

/// Emits each change to the windows for as long as the core sends them.
pub fn forward<R: Runtime>(app: AppHandle<R>, mut changes: Receiver<Change>) {
    tauri::async_runtime::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(change) => {
                    if let Err(error) = emit(&app, change) {
                        tracing::warn!(%error, "cannot send an event to the window");
                    }
                }
                // Each connection event carries the whole state, so the next one catches up.
                Err(RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "the window fell behind on changes")
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}

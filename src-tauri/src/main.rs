//! Kitchen Dashboard desktop shell: opens the window, starts the device's live
//! loops, and wires the UI's commands and events to the core.

// Release builds on Windows would otherwise open a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod bindings;
mod commands;
mod error;
mod events;
mod logging;

use std::sync::Arc;

use kitchen_cloud::live::{LiveDevice, LiveOptions};
use kitchen_cloud::CloudConfig;
use kitchen_notify::DesktopNotifier;
use tauri::{Manager, RunEvent};

/// The device's data folder and cloud as the CLI finds them: `KITCHEN_DATA_DIR`,
/// `KITCHEN_DEVICE`, `KITCHEN_ROLE`, the AWS and `KITCHEN_*` variables, else a
/// running local cloud; the settings saved in the app win over them.
async fn start_device() -> Result<LiveDevice, Box<dyn std::error::Error>> {
    let data_dir = kitchen_store::resolve_data_dir(None);
    let config = CloudConfig::from_env().or_running_local_cloud();
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let role = var("KITCHEN_ROLE")
        .map(|role| role.parse())
        .transpose()
        .map_err(|err| format!("KITCHEN_ROLE: {err}"))?;
    let options = LiveOptions {
        device: var("KITCHEN_DEVICE"),
        role,
        notifier: Some(Arc::new(DesktopNotifier::default())),
    };
    tracing::info!(
        data_dir = %data_dir.display(),
        endpoint = config.endpoint_url.as_deref().unwrap_or("AWS"),
        "starting the device"
    );
    Ok(LiveDevice::start(&data_dir, config, options).await?)
}

fn main() {
    let app = tauri::Builder::default()
        .setup(|app| {
            logging::init(app.path().app_log_dir().ok().as_deref());
            let device = tauri::async_runtime::block_on(start_device())?;
            events::forward(app.handle().clone(), device.subscribe());
            app.manage(device);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!());

    let app = match app {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, "the desktop shell could not start");
            eprintln!("error: the desktop shell could not start: {error}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            if let Some(device) = app.try_state::<LiveDevice>() {
                // Lets a publish in flight record its outcome before the process ends.
                tauri::async_runtime::block_on(device.stop());
            }
        }
    });
}

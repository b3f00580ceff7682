//! Kitchen Dashboard desktop shell: opens the window, starts the device's live
//! loops, and wires the UI's commands and events to the core.

// Release builds on Windows would otherwise open a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod bindings;
mod commands;
mod device;
mod error;
mod events;
mod logging;
mod memory;
mod rendering;

use device::{Device, Startup};
use tauri::{Manager, RunEvent};

fn main() {
    let rendering = match rendering::configure() {
        Ok(rendering) => rendering,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2);
        }
    };
    let app = tauri::Builder::default()
        // The drivers' "Open in maps": `geo:` links only (capabilities/default.json).
        .plugin(tauri_plugin_opener::init())
        .setup(move |app| {
            logging::init(app.path().app_log_dir().ok().as_deref());
            tracing::info!(?rendering, "drawing the window");
            let startup = Startup::from_env()?;
            let device = tauri::async_runtime::block_on(Device::start(app.handle(), startup))?;
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
            if let Some(device) = app.try_state::<Device>() {
                // Lets a publish in flight record its outcome before the process ends.
                tauri::async_runtime::block_on(device.stop());
            }
            // The next start need not read the whole database again.
            kitchen_store::end_sessions();
        }
    });
}

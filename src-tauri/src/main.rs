//! Kitchen Dashboard desktop shell: opens the window and wires the UI's commands to the core.

// Release builds on Windows would otherwise open a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod logging;

fn main() {
    logging::init();

    let result = tauri::Builder::default()
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());

    if let Err(error) = result {
        tracing::error!(%error, "the desktop shell stopped with an error");
        std::process::exit(1);
    }
}

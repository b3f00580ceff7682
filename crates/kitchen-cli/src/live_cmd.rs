//! `kitchen run`: a device without a window, with the desktop app's loops —
//! publishing its taps, mirroring today, and on a driver station polling the
//! delivery queue with desktop notifications — until Ctrl-C or SIGTERM.

use std::sync::Arc;

use anyhow::Result;
use clap::Args;
use kitchen_aws::clock::CLOCK_WARNING;
use kitchen_device::live::{ConnectionState, ConnectionStatus, LiveDevice, LiveOptions};
use kitchen_notify::DesktopNotifier;
use kitchen_store::DeviceRole;

use crate::Global;

#[derive(Args)]
pub struct RunArgs {
    /// kitchen, driver-station or manager; default: the saved role, else kitchen
    #[arg(long, env = "KITCHEN_ROLE", value_parser = parse_role)]
    role: Option<DeviceRole>,
}

fn parse_role(text: &str) -> Result<DeviceRole, String> {
    text.parse()
        .map_err(|err: kitchen_domain::ContractError| err.to_string())
}

pub async fn run(global: &Global, args: RunArgs) -> Result<()> {
    let data_dir = kitchen_store::resolve_data_dir(global.data_dir.as_deref());
    let options = LiveOptions {
        device: global.device.clone(),
        role: args.role,
        notifier: Some(Arc::new(DesktopNotifier::default())),
        upkeep_after: None,
    };
    let live = LiveDevice::start(&data_dir, global.cloud_config(), options).await?;
    let settings = live.settings();
    eprintln!(
        "device {} ({:?}) running on {} (Ctrl-C to stop)",
        live.device(),
        settings.role,
        live.config().endpoint_url.as_deref().unwrap_or("AWS")
    );
    let mut states = live.watch_connection();
    let stop = crate::taps::wait_for_stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            changed = states.changed() => {
                if changed.is_err() {
                    break;
                }
                println!("{}", line(&states.borrow_and_update()));
            }
            _ = &mut stop => break,
        }
    }
    live.stop().await;
    Ok(())
}

/// One line per change of the connection state, as the status bar shows it.
fn line(state: &ConnectionState) -> String {
    let status = match &state.status {
        ConnectionStatus::Connecting => "connecting".to_owned(),
        ConnectionStatus::Online => "online".to_owned(),
        ConnectionStatus::Degraded { reason } => format!("degraded ({reason})"),
        ConnectionStatus::Offline { reason } => format!("offline ({reason})"),
    };
    let sync = state
        .last_sync
        .map(|t| format!(", last sync {}", t.format("%H:%M:%S UTC")))
        .unwrap_or_default();
    let check = state
        .last_check
        .map(|t| format!(", checked {}", t.format("%H:%M:%S UTC")))
        .unwrap_or_default();
    let clock = state
        .clock_offset_ms
        .filter(|ms| ms.abs() > CLOCK_WARNING.num_milliseconds())
        .map(|ms| {
            let off = if ms.abs() >= 90_000 {
                format!("{} min", (ms.abs() + 30_000) / 60_000)
            } else {
                format!("{} s", ms.abs() / 1000)
            };
            format!(
                ", this device's clock is {off} {}",
                if ms > 0 { "fast" } else { "slow" }
            )
        })
        .unwrap_or_default();
    let day = &state.business_day;
    let business = if day.confirmed {
        String::new()
    } else {
        format!(
            ", business day not confirmed by the cloud yet ({} from {:02}:00)",
            day.time_zone, day.day_start_hour
        )
    };
    let parked = state
        .dead_letters
        .filter(|waiting| *waiting > 0)
        .map(|waiting| {
            format!(", {waiting} in the dead-letter queues (`kitchen cloud redrive` once fixed)")
        })
        .unwrap_or_default();
    format!(
        "{status}: {} unpublished{sync}{check}{clock}{business}{parked}",
        state.unpublished
    )
}

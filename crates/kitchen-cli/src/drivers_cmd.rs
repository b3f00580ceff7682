//! `kitchen drivers`: the ready orders waiting for a driver on this device, and
//! with `--poll` the delivery poller with desktop notifications in the foreground.

use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Args;
use kitchen_cloud::delivery::{DeliveryPoller, DeliveryReport};
use kitchen_cloud::{Clients, CloudError};
use kitchen_notify::DesktopNotifier;
use kitchen_store::Delivery;

use crate::taps::open_device;
use crate::Global;

#[derive(Args)]
pub struct DriversArgs {
    /// Poll the delivery queue and notify each new ready order, until Ctrl-C
    #[arg(long)]
    poll: bool,
    /// One JSON object per waiting order
    #[arg(long, conflicts_with = "poll")]
    json: bool,
}

pub async fn drivers(global: &Global, args: DriversArgs) -> Result<()> {
    let (store, _) = open_device(global)?;
    if args.poll {
        return poll(global, store).await;
    }
    let waiting = store.waiting_deliveries()?;
    if args.json {
        for delivery in &waiting {
            println!("{}", serde_json::to_string(delivery)?);
        }
        return Ok(());
    }
    let now = Utc::now();
    println!("{} ready orders waiting for a driver", waiting.len());
    for delivery in &waiting {
        println!("  {}", line(delivery, now));
    }
    Ok(())
}

fn line(delivery: &Delivery, now: DateTime<Utc>) -> String {
    format!(
        "order {:<8} {:<20} ready at {}, waiting {} min",
        delivery.order,
        delivery.client,
        delivery.ready_at.format("%H:%M:%S UTC"),
        delivery.waiting_for(now).num_minutes()
    )
}

async fn poll(global: &Global, store: kitchen_store::Store) -> Result<()> {
    let clients = Clients::new(&global.cloud_config()).await;
    let poller = DeliveryPoller::new(&clients, store, Arc::new(DesktopNotifier::default()));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(poller.run_with(stop_rx, print_poll));
    eprintln!(
        "delivery poller: {} → this device (Ctrl-C to stop)",
        clients.config.delivery_queue
    );
    crate::taps::wait_for_stop_signal().await;
    let _ = stop_tx.send(true);
    let _ = task.await;
    Ok(())
}

/// One line per new ready order; problems on stderr, so stdout stays a list.
fn print_poll(poll: &Result<DeliveryReport, CloudError>) {
    let report = match poll {
        Ok(report) => report,
        Err(err) => {
            eprintln!("delivery queue: {err} (retrying)");
            return;
        }
    };
    let now = Utc::now();
    for delivery in &report.new_orders {
        println!("{}", line(delivery, now));
    }
    for failure in &report.notify_failures {
        eprintln!("order {}: {}", failure.order, failure.error);
    }
    for quarantined in &report.quarantined {
        eprintln!(
            "quarantined message {}: {}",
            quarantined.message_id, quarantined.error
        );
    }
}

//! `kitchen drivers`: the ready orders waiting for a driver on this device, and
//! with `--poll` the delivery poller with desktop notifications in the foreground.

use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use clap::Args;
use kitchen_aws::Clients;
use kitchen_device::delivery::{DeliveryPoller, PollTurn};
use kitchen_device::ports::Cloud;
use kitchen_device::views;
use kitchen_domain::orders::ShelfOrder;
use kitchen_domain::BusinessDay;
use kitchen_notify::DesktopNotifier;
use kitchen_store::Delivery;

use crate::taps::{business_day, open_device};
use crate::words::noun;
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

/// The drivers' lists of this device, as its Drivers screen shows them: from
/// the mirror and this device's taps, through the same function.
pub async fn drivers(global: &Global, args: DriversArgs) -> Result<()> {
    let (store, device) = open_device(global)?;
    let rule = business_day(global, &store)?;
    if args.poll {
        return poll(global, store, &device, rule).await;
    }
    let now = Utc::now();
    let lists = views::driver_lists(&store, &rule, now)?;
    if args.json {
        for order in &lists.ready {
            println!("{}", serde_json::to_string(order)?);
        }
        return Ok(());
    }
    let zone = rule.zone();
    let n = lists.ready.len();
    println!(
        "{n} ready {} waiting for a driver",
        noun(n, "order", "orders")
    );
    for order in &lists.ready {
        println!("  {}", shelf_line(order, "ready at", zone, now));
    }
    if !lists.on_the_road.is_empty() {
        println!("{} on the road", lists.on_the_road.len());
        for order in &lists.on_the_road {
            println!("  {}", shelf_line(order, "picked up at", zone, now));
        }
    }
    Ok(())
}

fn shelf_line(order: &ShelfOrder, what: &str, zone: Tz, now: DateTime<Utc>) -> String {
    let since = DateTime::parse_from_rfc3339(&order.since)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    let mut line = format!(
        "order {:<8} of {}  {:<20} {what} {}, {} min",
        order.order,
        order.day,
        order.client,
        since.with_timezone(&zone).format("%H:%M:%S"),
        (now - since).num_minutes().max(0)
    );
    // Where it goes, as the Drivers screen shows it.
    for part in [&order.address, &order.phone, &order.delivery_note]
        .into_iter()
        .flatten()
    {
        line.push_str(" · ");
        line.push_str(part);
    }
    line
}

fn line(delivery: &Delivery, now: DateTime<Utc>) -> String {
    format!(
        "order {:<8} of {}  {:<20} ready at {}, waiting {} min",
        delivery.order,
        delivery.day,
        delivery.client,
        delivery.ready_at.format("%H:%M:%S UTC"),
        delivery.waiting_for(now).num_minutes()
    )
}

async fn poll(
    global: &Global,
    store: kitchen_store::Store,
    device: &str,
    rule: BusinessDay,
) -> Result<()> {
    let clients = Clients::new(&global.cloud_config()).await;
    let poller = DeliveryPoller::on(
        &Cloud::aws(&clients),
        store,
        Arc::new(DesktopNotifier::default()),
        device,
        rule,
    );
    let stop = kitchen_aws::supervisor::CancellationToken::new();
    let task = tokio::spawn(poller.run_with(stop.clone(), print_turn));
    eprintln!(
        "delivery poller: {} → this device (Ctrl-C to stop)",
        clients.config.delivery_queue
    );
    crate::taps::wait_for_stop_signal().await;
    stop.cancel();
    let _ = task.await;
    Ok(())
}

/// One line per new ready order; problems on stderr, so stdout stays a list.
fn print_turn(turn: &PollTurn) {
    let report = match turn {
        PollTurn::Polled(Ok(report)) => report,
        PollTurn::Polled(Err(err)) => {
            eprintln!("delivery queue: {err} (retrying)");
            return;
        }
        PollTurn::NotifierUnavailable(err) => {
            eprintln!("{err}: leaving the delivery queue to the other stations until it is back");
            return;
        }
    };
    let now = Utc::now();
    for delivery in &report.new_orders {
        println!("{}", line(delivery, now));
    }
    for order in &report.claimed_elsewhere {
        eprintln!("order {order}: another station notifies it");
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

//! Taps from the command line: record, simulate, publish and inspect the outbox.

use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Utc;
use clap::Args;
use kitchen_aws::Clients;
use kitchen_device::business_day::known_business_day;
use kitchen_device::publisher::{DrainReport, Publisher};
use kitchen_device::views;
use kitchen_domain::{day_key, sample, BusinessDay, OrderContents, OrderLine, Status};
use kitchen_store::{resolve_data_dir, OutboxState, Store};

use crate::words::count;
use crate::Global;

#[derive(Args)]
pub struct TapArgs {
    /// Order id, e.g. 42
    order: String,
    /// One of: "order done", preparing, "in the oven", "left the oven",
    /// "packing for delivery", ready, "picked up", delivered, cancelled
    status: String,
    /// The customer's name
    #[arg(long)]
    client: String,
    /// The order's business day (YYYY-MM-DD): order numbers restart every day.
    /// Default: the order of that number the board shows, else a new one of today
    #[arg(long, value_name = "YYYY-MM-DD")]
    day: Option<String>,
    /// Keep the tap in the outbox; do not publish now
    #[arg(long)]
    no_publish: bool,
    /// A line of an "order done" tap, as "2x Margherita (large) + olives, no
    /// onion" (repeat for each line)
    #[arg(long = "line", value_name = "LINE")]
    lines: Vec<String>,
    /// The kitchen's note on an "order done" tap ("cut in 8")
    #[arg(long)]
    note: Option<String>,
    /// Where a delivery goes
    #[arg(long)]
    address: Option<String>,
    /// The customer's phone number
    #[arg(long)]
    phone: Option<String>,
    /// The driver's note ("ring twice")
    #[arg(long)]
    delivery_note: Option<String>,
}

impl TapArgs {
    /// The order's contents the flags give, checked for the tap's status.
    fn contents(&self, status: Status) -> Result<OrderContents> {
        let lines = self
            .lines
            .iter()
            .map(|line| line.parse::<OrderLine>())
            .collect::<Result<Vec<_>, _>>()?;
        let contents = OrderContents {
            lines,
            note: self.note.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            delivery_note: self.delivery_note.clone(),
        };
        Ok(contents.validated(status)?)
    }
}

#[derive(Args)]
pub struct SimulateArgs {
    /// How many orders
    #[arg(long, default_value_t = 100)]
    orders: u32,
    /// The first order id (default: one above the highest numeric id tapped here)
    #[arg(long)]
    first_order: Option<u64>,
    /// Also take this many of the orders (the first ones) on through "picked
    /// up" and "delivered", as a day looks once the drivers are done
    #[arg(long, default_value_t = 0, value_name = "N")]
    delivered: u32,
    /// Keep the taps in the outbox; do not publish now
    #[arg(long)]
    no_publish: bool,
    /// Spread the orders over the last three hours, as an evening looks: the
    /// oldest delivered, then on the road, ready, and the newest still in the
    /// kitchen, each tap at its moment (instead of every order through the
    /// kitchen now)
    #[arg(long, conflicts_with = "delivered")]
    evening: bool,
}

#[derive(Args)]
pub struct PublishArgs {
    /// Keep publishing as taps arrive, until stopped
    #[arg(long)]
    watch: bool,
    /// PutEvents calls in flight at once
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
}

#[derive(Args)]
pub struct OutboxArgs {
    /// Also list published taps
    #[arg(long)]
    all: bool,
    /// Put the taps the bus refused back in line to publish
    #[arg(long)]
    retry_rejected: bool,
    /// At most this many rows
    #[arg(long, default_value_t = 200)]
    limit: usize,
    /// One JSON object per line
    #[arg(long)]
    json: bool,
}

/// Opens this device's database and settles its name (flag, then remembered, then host).
pub fn open_device(global: &Global) -> Result<(Store, String)> {
    let dir = resolve_data_dir(global.data_dir.as_deref());
    let store = Store::open_in(&dir)
        .with_context(|| format!("opening the database in {}", dir.display()))?;
    let device = store.settle_device_name(global.device.as_deref())?;
    Ok((store, device))
}

/// The stack's business day as this device knows it; a warning when it has
/// not been read from the cloud yet (`kitchen sync` reads it).
pub fn business_day(global: &Global, store: &Store) -> Result<BusinessDay> {
    let setting = known_business_day(store, &global.cloud_config())?;
    if !setting.confirmed {
        eprintln!(
            "note: the stack's business day is not known on this device yet; using {} from {:02}:00 until `kitchen sync` reads it",
            setting.time_zone, setting.day_start_hour
        );
    }
    Ok(setting.rule()?)
}

pub async fn tap(global: &Global, args: TapArgs) -> Result<()> {
    let status: Status = args.status.parse()?;
    // Bad input is named before anything else is said.
    kitchen_domain::validate_order(&args.order)?;
    kitchen_domain::validate_client(&args.client)?;
    let contents = args.contents(status)?;
    let (mut store, device) = open_device(global)?;
    let rule = business_day(global, &store)?;
    let day = views::tap_day(&store, &rule, &args.order, args.day.as_deref(), Utc::now())?;
    let (order, client) = (&args.order, &args.client);
    let tap = store.record_tap_with(day, order, status, client, &device, Utc::now(), contents)?;
    println!(
        "tapped order {} of {} → {} at {} (event {}, {} #{})",
        tap.order,
        day_key(tap.day),
        tap.status,
        kitchen_domain::time_key(tap.time),
        tap.event_id,
        tap.device,
        tap.seq
    );
    if !args.no_publish {
        publish_now(global, store).await?;
    }
    Ok(())
}

pub async fn simulate(global: &Global, args: SimulateArgs) -> Result<()> {
    anyhow::ensure!(args.orders > 0, "--orders must be at least 1");
    anyhow::ensure!(
        args.delivered <= args.orders,
        "--delivered ({}) cannot be more than --orders ({})",
        args.delivered,
        args.orders
    );
    let (mut store, device) = open_device(global)?;
    let day = business_day(global, &store)?.day_of(Utc::now());
    let first = match args.first_order {
        Some(first) => first,
        None => store.highest_numeric_order()?.map_or(1, |n| n + 1),
    };
    if args.evening {
        let taps = simulate_evening(&mut store, &device, first, args.orders, global)?;
        println!(
            "simulated an evening of {} ({}–{}): {}",
            count(args.orders, "order", "orders"),
            first,
            first + u64::from(args.orders) - 1,
            count(taps, "tap", "taps"),
        );
        if !args.no_publish {
            publish_now(global, store).await?;
        }
        return Ok(());
    }
    for i in 0..u64::from(args.orders) {
        let order = (first + i).to_string();
        let client = sample::client(i);
        let delivered = i < u64::from(args.delivered);
        let road: &[Status] = if delivered {
            &[Status::PickedUp, Status::Delivered]
        } else {
            &[]
        };
        for status in Status::KITCHEN.iter().chain(road) {
            let contents = match status {
                Status::OrderDone => sample::order_contents(i),
                _ => OrderContents::default(),
            };
            store.record_tap_with(day, &order, *status, client, &device, Utc::now(), contents)?;
        }
    }
    let taps = args.orders as usize * Status::KITCHEN.len() + args.delivered as usize * 2;
    println!(
        "simulated {} ({}–{}) of {}: {}",
        count(args.orders, "order", "orders"),
        first,
        first + u64::from(args.orders) - 1,
        day_key(day),
        count(taps, "tap", "taps")
    );
    if !args.no_publish {
        publish_now(global, store).await?;
    }
    Ok(())
}

/// Minutes from each status to the next of an order's way: the kitchen's five
/// steps, the shelf, the road.
const EVENING_STEPS: [i64; 7] = [2, 5, 8, 1, 2, 5, 16];

/// `orders` orders entered evenly over the last three hours, each tapped on
/// its way at the moment it would have been, as far as it has come by now.
/// Returns the number of taps.
fn simulate_evening(
    store: &mut Store,
    device: &str,
    first: u64,
    orders: u32,
    global: &Global,
) -> Result<usize> {
    let rule = business_day(global, store)?;
    let now = Utc::now();
    let span = chrono::Duration::minutes(180);
    let way: Vec<Status> = Status::KITCHEN
        .iter()
        .copied()
        .chain([Status::PickedUp, Status::Delivered])
        .collect();
    let mut taps = 0;
    for i in 0..u64::from(orders) {
        let order = (first + i).to_string();
        let client = sample::client(i);
        let entered = now - span + span * i as i32 / orders as i32;
        let day = rule.day_of(entered);
        let mut at = entered;
        for (step, status) in way.iter().enumerate() {
            if at > now {
                break;
            }
            let contents = match status {
                Status::OrderDone => sample::order_contents(first + i),
                _ => OrderContents::default(),
            };
            store.record_tap_with(day, &order, *status, client, device, at, contents)?;
            taps += 1;
            // A minute more or less; one order in six waits on a busy oven.
            let slower = match step {
                2 if i % 6 == 0 => 14,
                _ => (i % 3) as i64,
            };
            at += chrono::Duration::minutes(EVENING_STEPS.get(step).copied().unwrap_or(0) + slower);
        }
    }
    Ok(taps)
}

/// Drains the outbox once; an unreachable cloud leaves the taps safely queued.
async fn publish_now(global: &Global, store: Store) -> Result<()> {
    let clients = Clients::new(&global.cloud_config()).await;
    let mut publisher = Publisher::new(clients.events.clone(), &clients.config.bus_name, store);
    let result = publisher.drain().await;
    let counts = publisher.store().outbox_counts()?;
    match result {
        Ok(report) => print_report(&report),
        Err(err) if err.is_unreachable() => println!("cloud unreachable, kept for later: {err}"),
        Err(err) => println!("not published now: {err}"),
    }
    println!(
        "{} not yet published, {} refused by the bus",
        counts.pending, counts.rejected
    );
    Ok(())
}

fn print_report(report: &DrainReport) {
    println!(
        "published {} in {} ({} to retry, {} refused)",
        count(report.published, "tap", "taps"),
        count(report.calls, "PutEvents call", "PutEvents calls"),
        report.retrying,
        report.rejected
    );
}

pub async fn publish(global: &Global, args: PublishArgs) -> Result<()> {
    let (store, _) = open_device(global)?;
    let clients = Clients::new(&global.cloud_config()).await;
    let mut publisher = Publisher::new(clients.events.clone(), &clients.config.bus_name, store)
        .with_concurrency(args.concurrency);
    if !args.watch {
        let report = publisher.drain().await?;
        print_report(&report);
        let counts = publisher.store().outbox_counts()?;
        println!(
            "{} not yet published, {} refused by the bus",
            counts.pending, counts.rejected
        );
        return Ok(());
    }
    let stop = kitchen_aws::supervisor::CancellationToken::new();
    let (health_tx, _health_rx) =
        tokio::sync::watch::channel(kitchen_device::publisher::PublisherHealth::Online);
    let wake = std::sync::Arc::new(tokio::sync::Notify::new());
    let task = tokio::spawn(publisher.run(wake, stop.clone(), health_tx));
    wait_for_stop_signal().await;
    stop.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
    Ok(())
}

pub async fn wait_for_stop_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM can be watched");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

pub fn outbox(global: &Global, args: OutboxArgs) -> Result<()> {
    let (mut store, _) = open_device(global)?;
    if args.retry_rejected {
        let n = store.retry_rejected()?;
        println!(
            "{} put back in line",
            count(n, "refused tap", "refused taps")
        );
    }
    let entries = store.outbox_entries(args.all, args.limit)?;
    if args.json {
        for entry in &entries {
            println!("{}", serde_json::to_string(entry)?);
        }
        return Ok(());
    }
    let counts = store.outbox_counts()?;
    println!(
        "{} pending, {} refused by the bus, {} published",
        counts.pending, counts.rejected, counts.published
    );
    for e in entries {
        let state = match e.state {
            OutboxState::Pending => "pending",
            OutboxState::Published => "published",
            OutboxState::Rejected => "REFUSED",
        };
        let why = e.last_error.map(|r| format!("  ({r})")).unwrap_or_default();
        println!(
            "{:>6}  {}  {:<9}  order {:<8} of {:<10} {:<22} {:<16} tries {}{}",
            e.seq,
            e.tapped_at.format("%Y-%m-%d %H:%M:%S"),
            state,
            e.order,
            e.day.as_deref().unwrap_or("-"),
            e.status,
            e.client,
            e.attempts,
            why
        );
    }
    Ok(())
}

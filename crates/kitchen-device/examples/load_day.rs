//! Writes a made-up day of orders straight into the event table with the store
//! function, as if it had come through the bus: what the footprint benchmark
//! loads before it starts the app. Quicker than publishing through a local
//! cloud, whose rules cost it tens of milliseconds an event.
//!
//!   cargo run -p kitchen-device --example load_day -- ORDERS DELIVERED [DEVICE]
//!
//! Uses the same configuration as the CLI (`AWS_ENDPOINT_URL`, `KITCHEN_TABLE`,
//! `STORE_TIME_ZONE`, `STORE_DAY_START_HOUR`…). Orders arrive evenly from the
//! start of today's business day to a few minutes ago; the first DELIVERED of
//! them are also picked up and delivered.

use chrono::{Duration, Utc};
use kitchen_aws::store_fn::StoreFunction;
use kitchen_aws::{Clients, CloudConfig};
use kitchen_domain::{sample, Status, Tap};

/// PutItem calls in flight at once.
const IN_FLIGHT: usize = 16;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: load_day ORDERS DELIVERED [DEVICE]";
    let orders: u32 = args.first().ok_or(usage)?.parse()?;
    let delivered: u32 = args.get(1).ok_or(usage)?.parse()?;
    let device = args.get(2).map_or("footprint-kitchen", String::as_str);
    if delivered > orders {
        return Err(format!("DELIVERED ({delivered}) is more than ORDERS ({orders})").into());
    }

    let config = kitchen_stack::or_running_local_cloud(CloudConfig::from_env());
    let rule = config.business_day()?;
    let clients = Clients::new(&config).await;
    let function = StoreFunction::for_clients(&clients)?;

    let now = Utc::now();
    let today = rule.day_of(now);
    let start = rule.start_of(today);
    // The last order leaves the kitchen a few minutes before now.
    let span = (now - Duration::minutes(5) - start).max(Duration::minutes(1));
    let mut taps = Vec::new();
    let mut seq = 0;
    for i in 0..orders {
        let entered = start + span * i as i32 / orders.max(1) as i32;
        let client = sample::client(u64::from(i));
        let road: &[Status] = if i < delivered {
            &[Status::PickedUp, Status::Delivered]
        } else {
            &[]
        };
        for (step, status) in Status::KITCHEN.iter().chain(road).enumerate() {
            seq += 1;
            let at = (entered + Duration::seconds(20 * step as i64)).min(now);
            taps.push(Tap::new(
                today,
                &format!("{}", 10_001 + i),
                *status,
                client,
                device,
                seq,
                at,
            )?);
        }
    }

    let mut stored = 0;
    let mut writes = tokio::task::JoinSet::new();
    for tap in taps {
        if writes.len() >= IN_FLIGHT {
            writes.join_next().await.expect("a write in flight")??;
            stored += 1;
        }
        let function = function.clone();
        writes.spawn(async move { function.store_event(&tap.to_status_event()).await });
    }
    while let Some(done) = writes.join_next().await {
        done??;
        stored += 1;
    }
    println!("stored {stored} events for {orders} orders on {today}");
    Ok(())
}

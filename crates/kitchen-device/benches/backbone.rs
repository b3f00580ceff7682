//! Backbone benchmarks, each against a naive baseline measured in the same run:
//! - tap → durable outbox commit (p50/p99), against a bare INSERT with the same pragmas;
//! - draining a backlog to the local cloud, batched publisher against one PutEvents
//!   call per event (the original flow's way): once to a bus with no rules (what
//!   the calls cost) and once to `pizzaria`, whose rules route every entry to SQS
//!   (where moto's own per-entry work dominates).
//!
//! `cargo bench -p kitchen-device --bench backbone`; sizes: BENCH_TAPS (10000),
//! BENCH_BACKLOG (5000), BENCH_ROUTED_EVENTS (1000), BENCH_CONCURRENCY (4). The
//! store worker and a delivery-queue reader run throughout, as in service.

mod support;

use std::time::{Duration, Instant};
use support::*;

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use chrono::Utc;
use kitchen_aws::supervisor::{CancellationToken, DropGuard};
use kitchen_aws::worker::StoreWorker;
use kitchen_aws::CloudConfig;
use kitchen_device::publisher::Publisher;
use kitchen_domain::{Status, DETAIL_TYPE, SOURCE};
use kitchen_stack::local_cloud::LocalCloud;
use kitchen_store::Store;

/// Fills a device's outbox with `taps` taps: orders through the six kitchen stages.
fn fill(store: &mut Store, taps: usize) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(taps);
    for i in 0..taps {
        let order = (i / 6 + 1).to_string();
        let status = Status::KITCHEN[i % 6];
        let started = Instant::now();
        store
            .record_tap(
                Utc::now().date_naive(),
                &order,
                status,
                "Ana",
                "bench",
                Utc::now(),
            )
            .expect("tap");
        latencies.push(started.elapsed());
    }
    latencies
}

fn tap_commit(taps: usize) -> (Duration, Duration, Duration, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let mut ours = fill(&mut store, taps);
    ours.sort();

    // Baseline: the same durable commit with nothing else (no validation, no counter).
    let conn = rusqlite::Connection::open(dir.path().join("bare.sqlite3")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, order_id TEXT, status TEXT, detail TEXT)",
    )
    .unwrap();
    let mut bare = Vec::with_capacity(taps);
    for i in 0..taps {
        let started = Instant::now();
        conn.execute(
            "INSERT INTO t (order_id, status, detail) VALUES (?1, ?2, ?3)",
            rusqlite::params![i.to_string(), "ready", "{}"],
        )
        .unwrap();
        bare.push(started.elapsed());
    }
    bare.sort();
    (
        percentile(&ours, 0.5),
        percentile(&ours, 0.99),
        percentile(&bare, 0.5),
        percentile(&bare, 0.99),
    )
}

/// A fresh local cloud with the store worker draining, as in production: moto
/// slows down as a queue gets deep, so both contenders run with shallow queues.
async fn cloud_with_worker() -> (LocalCloud, DropGuard) {
    let cloud = LocalCloud::start(CloudConfig::default())
        .await
        .expect("local cloud");
    let worker = StoreWorker::connect(&cloud.clients)
        .await
        .expect("worker")
        .with_wait_seconds(1);
    let stop = CancellationToken::new();
    tokio::spawn(worker.run(stop.clone()));
    // The drivers' side empties `waiting-delivery`, as it would in service.
    let sqs = cloud.clients.sqs.clone();
    let delivery = cloud
        .clients
        .queue_url("waiting-delivery")
        .await
        .expect("delivery queue");
    let stopped = stop.clone();
    tokio::spawn(async move {
        while !stopped.is_cancelled() {
            let Ok(out) = sqs
                .receive_message()
                .queue_url(&delivery)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
            else {
                continue;
            };
            for message in out.messages() {
                if let Some(handle) = message.receipt_handle() {
                    let _ = sqs
                        .delete_message()
                        .queue_url(&delivery)
                        .receipt_handle(handle)
                        .send()
                        .await;
                }
            }
        }
    });
    (cloud, stop.drop_guard())
}

async fn drain_batched(bus: &str, backlog: usize) -> f64 {
    let (cloud, _worker) = cloud_with_worker().await;
    create_bare_bus(&cloud).await;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    fill(&mut store, backlog);
    let mut publisher = Publisher::new(cloud.clients.events.clone(), bus, store)
        .with_concurrency(size("BENCH_CONCURRENCY", 4));
    let started = Instant::now();
    let report = publisher.drain().await.expect("drain");
    let elapsed = started.elapsed();
    assert_eq!(report.published, backlog);
    backlog as f64 / elapsed.as_secs_f64()
}

/// The original flow's way: one PutEvents call per event, one after another.
async fn drain_one_call_per_event(bus: &str, events: usize) -> f64 {
    let (cloud, _worker) = cloud_with_worker().await;
    create_bare_bus(&cloud).await;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    fill(&mut store, events);
    let entries = store.outbox_entries(false, events).unwrap();
    let started = Instant::now();
    for entry in &entries {
        let request = PutEventsRequestEntry::builder()
            .event_bus_name(bus)
            .source(SOURCE)
            .detail_type(DETAIL_TYPE)
            .detail(&entry.detail)
            .build();
        let out = cloud
            .clients
            .events
            .put_events()
            .entries(request)
            .send()
            .await
            .expect("put");
        assert_eq!(out.failed_entry_count(), 0);
        store
            .mark_published(&[entry.event_id.as_str()], Utc::now())
            .unwrap();
    }
    events as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let taps = size("BENCH_TAPS", 10_000);
    let backlog = size("BENCH_BACKLOG", 5_000);
    let routed = size("BENCH_ROUTED_EVENTS", 1_000);

    let (p50, p99, bare50, bare99) = tap_commit(taps);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let bus_batched = runtime.block_on(drain_batched(BARE_BUS, backlog));
    let bus_single = runtime.block_on(drain_one_call_per_event(BARE_BUS, backlog));
    let routed_batched = runtime.block_on(drain_batched("pizzaria", routed));
    let routed_single = runtime.block_on(drain_one_call_per_event("pizzaria", routed));

    let met = |ok: bool| if ok { "met" } else { "not met" };
    println!();
    println!("| benchmark | ours | naive baseline | ratio | target |");
    println!("|---|---|---|---|---|");
    println!(
        "| tap → durable commit, p50 ({taps} taps) | {:.3} ms | {:.3} ms (bare INSERT) | {:.2}× | |",
        ms(p50), ms(bare50), ms(p50) / ms(bare50)
    );
    println!(
        "| tap → durable commit, p99 ({taps} taps) | {:.3} ms | {:.3} ms (bare INSERT) | {:.2}× | ≤ 5 ms: {} |",
        ms(p99), ms(bare99), ms(p99) / ms(bare99), met(p99 <= Duration::from_millis(5))
    );
    println!(
        "| drain a {backlog}-tap backlog to the local cloud's bus | {bus_batched:.0} events/s | {bus_single:.0} events/s (1 call/event) | {:.1}× | ≥ 5×: {} |",
        bus_batched / bus_single, met(bus_batched / bus_single >= 5.0)
    );
    println!(
        "| same, routed to both queues and stored ({routed} taps) | {routed_batched:.0} events/s | {routed_single:.0} events/s (1 call/event) | {:.1}× | |",
        routed_batched / routed_single
    );
}

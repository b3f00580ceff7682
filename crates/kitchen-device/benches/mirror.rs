//! Incremental mirror against a full table scan, measured in the same run: the
//! table holds BENCH_TABLE_ITEMS (100000) events over ten days, then
//! BENCH_NEW_EVENTS (100) new ones arrive. The incremental sync reads what
//! arrived through the `by-arrival` feed from the device's cursor; the baseline
//! scans the whole table. The incremental time is split into the local cloud's
//! part (the Query calls alone, repeated bare) and the rest (parsing, SQLite).
//!
//! `cargo bench -p kitchen-device --bench mirror`

mod support;

use std::time::{Duration, Instant};
use support::*;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Utc;
use kitchen_aws::table::scan_all;
use kitchen_aws::CloudConfig;
use kitchen_device::mirror::{MirrorSync, BY_ARRIVAL_INDEX};
use kitchen_domain::{day_key, time_key, BusinessDay};
use kitchen_stack::local_cloud::LocalCloud;
use kitchen_store::Store;

const DAYS: u64 = 10;

fn main() {
    let total = size("BENCH_TABLE_ITEMS", 100_000);
    let new_events = size("BENCH_NEW_EVENTS", 100);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let cloud = LocalCloud::start(CloudConfig::default()).await.expect("local cloud");
        let today = Utc::now().date_naive();
        let per_day = total / DAYS as usize;
        let started = Instant::now();
        for back in 0..DAYS {
            let day = today - chrono::Days::new(back);
            load(&cloud, (0..per_day).map(|n| item(day, n, 1, None)).collect()).await;
        }
        eprintln!("loaded {total} items in {:.0} s", started.elapsed().as_secs_f64());

        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        let sync = MirrorSync::new(&cloud.clients, BusinessDay::new("UTC", 0).unwrap());
        let first = sync.sync(&mut store, &[]).await.unwrap();
        let held: u64 = first.days_read.iter().map(|r| r.items_read).sum();
        assert!(held as usize >= per_day, "{first:?}");

        // New events arrive, for today.
        let now = Utc::now();
        load(
            &cloud,
            (0..new_events)
                .map(|n| item(today, per_day + n, 23, Some(now)))
                .collect(),
        )
        .await;
        let cursor = store.feed_cursor().unwrap().expect("a cursor");
        let started = Instant::now();
        let incremental = sync.follow_feed(&mut store).await.unwrap();
        let incremental_time = started.elapsed();
        assert!(incremental.items_read as usize >= new_events);

        // The cloud's part of it: the same Query pages, nothing done with them.
        let from = time_key(
            chrono::DateTime::parse_from_rfc3339(cursor.split('#').next().unwrap())
                .unwrap()
                .with_timezone(&Utc)
                - kitchen_device::mirror::FEED_OVERLAP,
        );
        let started = Instant::now();
        let mut start = None;
        loop {
            let page = cloud
                .clients
                .dynamodb
                .query()
                .table_name("pizzaria-events")
                .index_name(BY_ARRIVAL_INDEX)
                .key_condition_expression("#day = :day AND #key > :from")
                .expression_attribute_names("#day", "arrival_day")
                .expression_attribute_names("#key", "arrival_key")
                .expression_attribute_values(":day", AttributeValue::S(day_key(now.date_naive())))
                .expression_attribute_values(":from", AttributeValue::S(from.clone()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .unwrap();
            match page.last_evaluated_key() {
                Some(key) if !key.is_empty() => start = Some(key.clone()),
                _ => break,
            }
        }
        let cloud_time = started.elapsed();

        // moto's Scan walks the whole table for every page: give the baseline time.
        let mut patient = cloud.clients.clone();
        patient.dynamodb = aws_sdk_dynamodb::Client::from_conf(
            patient
                .dynamodb
                .config()
                .to_builder()
                .timeout_config(
                    aws_config::timeout::TimeoutConfig::builder()
                        .operation_timeout(Duration::from_secs(600))
                        .operation_attempt_timeout(Duration::from_secs(600))
                        .build(),
                )
                .build(),
        );
        let started = Instant::now();
        let scanned = scan_all(&patient).await.unwrap();
        let scan_time = started.elapsed();
        assert_eq!(scanned.len(), total + new_events);

        println!();
        println!("| benchmark | ours | naive baseline | ratio | target |");
        println!("|---|---|---|---|---|");
        println!(
            "| mirror {new_events} new events, table of {} | {:.1} ms incremental, {} items read ({:.1} ms of it in the local cloud's Query) | {:.1} ms full scan | {:.0}× faster | ≥ 50×: {} |",
            total + new_events,
            ms(incremental_time),
            incremental.items_read,
            ms(cloud_time),
            ms(scan_time),
            ms(scan_time) / ms(incremental_time),
            if ms(scan_time) / ms(incremental_time) >= 50.0 { "met" } else { "not met" }
        );
    });
}

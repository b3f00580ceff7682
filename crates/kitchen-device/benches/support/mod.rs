//! Shared by the benchmarks: sizes from the environment, percentiles, the
//! runtime they run on, and a local cloud with its store worker running.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use chrono::{NaiveDate, Utc};
use kitchen_aws::supervisor::CancellationToken;
use kitchen_aws::worker::StoreWorker;
use kitchen_aws::CloudConfig;
use kitchen_domain::{day_key, order_key, time_key};
use kitchen_stack::local_cloud::LocalCloud;
use tokio::task::JoinSet;

/// A size from the environment variable `name`, else `default`.
pub fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `p` percentile (0.0–1.0) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The runtime of a device: two worker threads, as on the app's machines.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// A local cloud with the store worker running until the token is cancelled.
pub async fn cloud_with_worker() -> (LocalCloud, CancellationToken) {
    let cloud = LocalCloud::start(CloudConfig::default())
        .await
        .expect("the local cloud starts");
    let stop = CancellationToken::new();
    let worker = StoreWorker::connect(&cloud.clients)
        .await
        .expect("the store worker connects");
    tokio::spawn(worker.run(stop.clone()));
    (cloud, stop)
}

/// An item as the store function writes it; `n` numbers the event within its
/// day; stored at `stored` (its day's hour when `None`).
pub fn item(
    day: NaiveDate,
    n: usize,
    hour: u32,
    stored: Option<chrono::DateTime<Utc>>,
) -> HashMap<String, AttributeValue> {
    let s = |v: String| AttributeValue::S(v);
    let time = format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        day,
        hour,
        (n / 60) % 60,
        n % 60,
        n % 1000
    );
    let event_id = uuid::Uuid::now_v7().to_string();
    let status = kitchen_domain::Status::KITCHEN[n % 6].as_str();
    let stored = stored.map_or_else(|| time.clone(), time_key);
    let order = format!("{}", n / 6);
    HashMap::from([
        ("order_key".into(), s(order_key(&day_key(day), &order))),
        ("order".into(), s(order)),
        ("status".into(), s(status.into())),
        ("client".into(), s("Ana".into())),
        ("time".into(), s(time.clone())),
        ("event_id".into(), s(event_id.clone())),
        ("day".into(), s(day_key(day))),
        ("time_event_id".into(), s(format!("{time}#{event_id}"))),
        ("version".into(), s("1".into())),
        ("detail".into(), s("{}".into())),
        ("device".into(), s("bench".into())),
        ("arrival_day".into(), s(stored[..10].to_owned())),
        ("arrival_key".into(), s(format!("{stored}#{event_id}"))),
        ("stored_at".into(), s(stored)),
    ])
}

pub async fn load(cloud: &LocalCloud, items: Vec<HashMap<String, AttributeValue>>) {
    let mut calls = JoinSet::new();
    for chunk in items.chunks(25) {
        let requests: Vec<WriteRequest> = chunk
            .iter()
            .map(|item| {
                WriteRequest::builder()
                    .put_request(
                        PutRequest::builder()
                            .set_item(Some(item.clone()))
                            .build()
                            .unwrap(),
                    )
                    .build()
            })
            .collect();
        let call = cloud
            .clients
            .dynamodb
            .batch_write_item()
            .request_items("pizzaria-events", requests);
        calls.spawn(async move { call.send().await.expect("batch write") });
        if calls.len() >= 8 {
            let out = calls.join_next().await.unwrap().unwrap();
            assert!(out.unprocessed_items().is_none_or(|u| u.is_empty()));
        }
    }
    while let Some(out) = calls.join_next().await {
        assert!(out
            .unwrap()
            .unprocessed_items()
            .is_none_or(|u| u.is_empty()));
    }
}

/// A bus with no rules on the same local cloud: what the bus call itself costs,
/// without moto's per-entry routing work (which AWS does not have).
pub const BARE_BUS: &str = "bench-bare";

pub async fn create_bare_bus(cloud: &LocalCloud) {
    cloud
        .clients
        .events
        .create_event_bus()
        .name(BARE_BUS)
        .send()
        .await
        .expect("bare bus");
}

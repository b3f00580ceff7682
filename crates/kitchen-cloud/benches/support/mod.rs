//! Shared by the benchmarks: sizes from the environment, percentiles, the
//! runtime they run on, and a local cloud with its store worker running.
#![allow(dead_code)]

use std::time::Duration;

use kitchen_cloud::local_cloud::LocalCloud;
use kitchen_cloud::worker::StoreWorker;
use kitchen_cloud::CloudConfig;
use tokio::sync::watch;

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

/// A local cloud with the store worker running until the sender says stop.
pub async fn cloud_with_worker() -> (LocalCloud, watch::Sender<bool>, watch::Receiver<bool>) {
    let cloud = LocalCloud::start(CloudConfig::default())
        .await
        .expect("the local cloud starts");
    let (stop, stopped) = watch::channel(false);
    let worker = StoreWorker::connect(&cloud.clients)
        .await
        .expect("the store worker connects");
    tokio::spawn(worker.run(stopped.clone()));
    (cloud, stop, stopped)
}

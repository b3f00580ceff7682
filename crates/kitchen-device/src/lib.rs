//! The running device, the application's core: one writer thread over the
//! device's database, the loops that keep it live under one supervisor (the
//! publisher, the mirror, the day check, the upkeep, a driver station's
//! delivery poller, a manager's dead-letter watch), the views the screens and
//! the CLI show, Settings' connection test, and repair. The loops reach the
//! cloud through its ports (`ports`: the bus, the table, the delivery queue),
//! which run on `kitchen_aws`'s clients; the SQL is `kitchen_store`'s.

pub mod business_day;
pub mod check;
pub mod delivery;
pub mod device_config;
pub mod live;
pub mod mirror;
pub mod personal;
pub mod ports;
pub mod publisher;
pub mod repair;
pub mod views;
pub mod writer;

use kitchen_aws::CloudError;
use kitchen_store::StoreError;
use thiserror::Error;

pub use device_config::DeviceConfig;

/// What a device's work can fail with: a cloud call, or its own database.
#[derive(Debug, Error)]
pub enum DeviceError {
    #[error(transparent)]
    Cloud(#[from] CloudError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DeviceError {
    /// The cloud could not be reached at all (no network, server down, timeout).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, DeviceError::Cloud(err) if err.is_unreachable())
    }
}

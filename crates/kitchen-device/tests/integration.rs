//! The device's integration tests, one binary: each module is one area (most
//! against a local cloud each test starts for itself), `common` what they share.
//! One binary links the AWS stack once instead of once per area.

mod common;

mod delivery;
mod live;
mod mirror;
mod outage;
mod personal_data;
mod publishing;
mod retries;
mod template_policy;
mod throttling;
mod two_devices;
mod upkeep;

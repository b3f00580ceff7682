//! The pizzeria's event contract: statuses, taps, the EventBridge entry a tap
//! becomes and the envelope a consumer receives. Pure data and validation, no I/O.

pub mod board;
mod business_day;
pub mod contents;
mod delivery;
mod endpoint;
mod error;
mod event;
pub mod orders;
pub mod sample;
mod status;

pub use business_day::{
    day_key, order_key, parse_day, BusinessDay, BusinessDaySetting, DEFAULT_DAY_START_HOUR,
};
pub use contents::{Contact, OrderContents, OrderForm, OrderLine, PERSONAL_FIELDS};
pub use delivery::{Delivery, Notifier, NotifyError};
pub use endpoint::{is_loopback_url, validate_endpoint};
pub use error::{ContractError, MESSAGES};
pub use event::{
    entry_size, parse_envelope, time_key, validate_client, validate_device, validate_order,
    validate_time, Detail, StatusEvent, Tap, DETAIL_TYPE, MAX_CLIENT_CHARS, MAX_DEVICE_CHARS,
    MAX_ENTRY_BYTES, MAX_ORDER_CHARS, SCHEMA_VERSION, SOURCE,
};
pub use status::Status;

/// The app's identifier: shared with the desktop app's, so the CLI and the app
/// find one data folder.
pub const APP_IDENTIFIER: &str = "com.pizzeria.kitchen-dashboard";

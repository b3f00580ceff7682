//! Personal data on the device: a driver station reads the contacts (address,
//! phone, the driver's note) of the orders on its lists from the table, and
//! every device forgets them on the stack's schedule (`PersonalDataDays`, as
//! the table does). Nothing here logs a contact.

use std::collections::BTreeSet;

use crate::ports::Table;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use kitchen_domain::BusinessDay;
use kitchen_store::{Forgotten, SavedContact, Store, StoreError};

use crate::writer::StoreAccess;
use crate::{views, DeviceError};

/// The device value holding the stack's personal-data days, as last read.
pub const PERSONAL_DATA_DAYS: &str = "personal_data_days";
/// How often a driver station looks for contacts it does not hold, unless
/// the mirror or the delivery queue brings a new order sooner.
pub const CONTACTS_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);
/// Rows of each kind one round of forgetting changes.
const FORGET_BATCH: usize = 500;

/// How many days this device keeps personal data: the stack's, as last read,
/// else the template's default.
pub fn kept_days(store: &Store) -> Result<u32, StoreError> {
    Ok(store
        .device_value(PERSONAL_DATA_DAYS)?
        .and_then(|days| days.parse().ok())
        .filter(|days| (1..=kitchen_aws::config::MAX_PERSONAL_DATA_DAYS).contains(days))
        .unwrap_or(kitchen_aws::config::DEFAULT_PERSONAL_DATA_DAYS))
}

/// Reads from the table the contacts of the orders on the drivers' lists
/// that this device does not hold yet, and keeps them. Answers the business
/// days of the orders whose contact it found (their screens change).
pub async fn read_new_contacts(
    store: &mut impl StoreAccess,
    table: &dyn Table,
    rule: BusinessDay,
    now: DateTime<Utc>,
) -> Result<BTreeSet<String>, DeviceError> {
    let wanted = store
        .with(move |s| {
            let lists = views::driver_lists(s, &rule, now)?;
            let orders: Vec<(String, String)> = lists
                .ready
                .iter()
                .chain(&lists.on_the_road)
                .filter(|order| order.address.is_none() && order.phone.is_none())
                .map(|order| (order.day.clone(), order.order.clone()))
                .collect();
            s.contacts_to_look_up(&orders, now)
        })
        .await?;
    if wanted.is_empty() {
        return Ok(BTreeSet::new());
    }
    let found = table.contacts(wanted.clone(), now).await?;
    let days = found.iter().map(|item| item.day.clone()).collect();
    let saved: Vec<SavedContact> = found
        .into_iter()
        .map(|item| SavedContact {
            day: item.day,
            order: item.order,
            contact: item.contact,
            expires_at: item.expires_at,
        })
        .collect();
    store
        .with(move |s| s.save_contacts(&wanted, &saved, now))
        .await?;
    Ok(days)
}

/// Forgets the personal data past its time, one small batch per job, until
/// nothing is left or `stop` says so.
pub async fn forget(
    store: &mut impl StoreAccess,
    now: DateTime<Utc>,
    today: NaiveDate,
    mut stop: impl FnMut() -> bool,
) -> Result<Forgotten, StoreError> {
    let mut all = Forgotten::default();
    loop {
        let round = store
            .with(move |s| {
                let keep = Duration::days(i64::from(kept_days(s)?));
                s.forget_personal_data(now, today, keep, FORGET_BATCH)
            })
            .await?;
        all.contacts += round.contacts;
        all.taps += round.taps;
        all.mirror_rows += round.mirror_rows;
        if !round.more || stop() {
            return Ok(all);
        }
    }
}

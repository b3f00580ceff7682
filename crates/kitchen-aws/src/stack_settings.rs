//! The stack's settings that every device shares, kept in the event table
//! itself under a key no order has (`#stack`): the business day (the store's
//! time zone and the hour a day starts). The store function writes what it
//! files days by; a deploy writes what it deployed; devices read it with the
//! `Query` they mirror with, and keep it for when they are offline.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Utc;
use kitchen_domain::{time_key, BusinessDay, BusinessDaySetting};

use crate::{Clients, CloudError};

/// The key of the table's settings items. No order key starts with `#`.
pub const SETTINGS_KEY: &str = "#stack";
const BUSINESS_DAY: &str = "business-day";
const PERSONAL_DATA: &str = "personal-data";

/// Whether a table item is something other than an order's event: one of
/// the stack's own (settings, notification claims), or an order's contact
/// (its sort key starts with `#`, as no status does; see [`crate::table::CONTACT`]).
pub fn is_not_event(item: &HashMap<String, AttributeValue>) -> bool {
    let starts_with_hash = |name: &str| {
        item.get(name)
            .and_then(|v| v.as_s().ok())
            .is_some_and(|key| key.starts_with('#'))
    };
    starts_with_hash("order_key") || starts_with_hash("status")
}

/// Writes the business day the stack files orders by.
pub async fn publish_business_day(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    rule: &BusinessDay,
) -> Result<(), CloudError> {
    let s = |v: &str| AttributeValue::S(v.to_owned());
    dynamodb
        .put_item()
        .table_name(table)
        .item("order_key", s(SETTINGS_KEY))
        .item("status", s(BUSINESS_DAY))
        .item("time_zone", s(rule.zone_name()))
        .item(
            "day_start_hour",
            AttributeValue::N(rule.start_hour().to_string()),
        )
        .item("updated_at", s(&time_key(Utc::now())))
        .send()
        .await
        .map_err(|e| CloudError::call("PutItem", table, e))?;
    Ok(())
}

/// The stack's settings, as the table holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackSettings {
    /// `None` when no store function or deploy has written it yet.
    pub business_day: Option<BusinessDaySetting>,
    /// How many days the table keeps an order's address and phone; `None`
    /// when no store function has written it yet.
    pub personal_data_days: Option<u32>,
}

/// The stack's business day, as the table holds it; `None` when no store
/// function or deploy has written it yet.
pub async fn read_business_day(
    clients: &Clients,
) -> Result<Option<BusinessDaySetting>, CloudError> {
    Ok(read_stack_settings(clients).await?.business_day)
}

/// The stack's settings (one `Query`).
pub async fn read_stack_settings(clients: &Clients) -> Result<StackSettings, CloudError> {
    let table = &clients.config.table_name;
    let out = clients
        .dynamodb
        .query()
        .table_name(table)
        .key_condition_expression("#key = :key")
        .expression_attribute_names("#key", "order_key")
        .expression_attribute_values(":key", AttributeValue::S(SETTINGS_KEY.into()))
        .send()
        .await
        .map_err(|e| CloudError::call("Query", table, e))?;
    let status = |item: &HashMap<String, AttributeValue>| {
        item.get("status")
            .and_then(|v| v.as_s().ok())
            .cloned()
            .unwrap_or_default()
    };
    let mut settings = StackSettings::default();
    for item in out.items() {
        match status(item).as_str() {
            BUSINESS_DAY => settings.business_day = Some(business_day_of(item, table)?),
            PERSONAL_DATA => {
                settings.personal_data_days =
                    crate::table::number(item, "days").filter(|days: &u32| {
                        (1..=crate::config::MAX_PERSONAL_DATA_DAYS).contains(days)
                    });
            }
            _ => {}
        }
    }
    Ok(settings)
}

fn business_day_of(
    item: &HashMap<String, AttributeValue>,
    table: &str,
) -> Result<BusinessDaySetting, CloudError> {
    let zone = item.get("time_zone").and_then(|v| v.as_s().ok());
    let hour = item
        .get("day_start_hour")
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse::<u8>().ok());
    let (Some(zone), Some(hour)) = (zone, hour) else {
        return Err(CloudError::Missing(format!(
            "the business day setting in {table} is incomplete"
        )));
    };
    let setting = BusinessDaySetting {
        time_zone: zone.clone(),
        day_start_hour: hour,
        confirmed: true,
    };
    // A setting this build cannot use is reported, not applied.
    setting
        .rule()
        .map_err(|e| CloudError::Missing(format!("the business day setting in {table}: {e}")))?;
    Ok(setting)
}

/// Writes how many days the store function keeps orders' contacts, for the
/// devices, which forget them on the same schedule.
pub async fn publish_personal_data_days(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    days: u32,
) -> Result<(), CloudError> {
    dynamodb
        .put_item()
        .table_name(table)
        .item("order_key", AttributeValue::S(SETTINGS_KEY.into()))
        .item("status", AttributeValue::S(PERSONAL_DATA.into()))
        .item("days", AttributeValue::N(days.to_string()))
        .item("updated_at", AttributeValue::S(time_key(Utc::now())))
        .send()
        .await
        .map_err(|e| CloudError::call("PutItem", table, e))?;
    Ok(())
}

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

/// Whether a table item is one of the stack's own (settings, notification
/// claims) rather than an order's event.
pub fn is_stack_item(item: &HashMap<String, AttributeValue>) -> bool {
    item.get("order_key")
        .and_then(|v| v.as_s().ok())
        .is_some_and(|key| key.starts_with('#'))
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

/// The stack's business day, as the table holds it; `None` when no store
/// function or deploy has written it yet.
pub async fn read_business_day(
    clients: &Clients,
) -> Result<Option<BusinessDaySetting>, CloudError> {
    let table = &clients.config.table_name;
    let out = clients
        .dynamodb
        .query()
        .table_name(table)
        .key_condition_expression("#key = :key AND #status = :status")
        .expression_attribute_names("#key", "order_key")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":key", AttributeValue::S(SETTINGS_KEY.into()))
        .expression_attribute_values(":status", AttributeValue::S(BUSINESS_DAY.into()))
        .send()
        .await
        .map_err(|e| CloudError::call("Query", table, e))?;
    let Some(item) = out.items().first() else {
        return Ok(None);
    };
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
    Ok(Some(setting))
}

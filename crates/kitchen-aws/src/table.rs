//! Reading the event table: rows as the store function wrote them.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use crate::{Clients, CloudError};

/// One item of the event table: the latest event of an (order, status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRow {
    pub order: String,
    pub status: String,
    pub client: String,
    pub time: String,
    pub event_id: String,
    pub day: String,
    pub time_event_id: String,
    pub device: Option<String>,
    pub seq: Option<u64>,
    pub version: String,
    pub detail: String,
    /// When the store function wrote it; `None` for items from before the feed.
    pub stored_at: Option<String>,
    /// `<stored_at>#<event_id>`: the item's place in the arrival feed.
    pub arrival_key: Option<String>,
    /// How far ahead of its arrival the tap's time was, when over five minutes.
    pub ahead_ms: Option<i64>,
}

impl TableRow {
    /// Reads an item; a missing required attribute names itself.
    pub fn from_item(item: &HashMap<String, AttributeValue>) -> Result<TableRow, CloudError> {
        let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        let required = |name: &str| {
            text(name)
                .ok_or_else(|| CloudError::Missing(format!("attribute `{name}` of a table item")))
        };
        Ok(TableRow {
            order: required("order")?,
            status: required("status")?,
            client: required("client")?,
            time: required("time")?,
            event_id: required("event_id")?,
            day: required("day")?,
            time_event_id: required("time_event_id")?,
            device: text("device"),
            seq: number(item, "seq"),
            version: text("version").unwrap_or_else(|| "1".into()),
            detail: text("detail").unwrap_or_default(),
            stored_at: text("stored_at"),
            arrival_key: text("arrival_key"),
            ahead_ms: number(item, "ahead_ms"),
        })
    }
}

/// A number attribute of an item; `None` when it is missing or not a number.
pub fn number<N: std::str::FromStr>(
    item: &HashMap<String, AttributeValue>,
    name: &str,
) -> Option<N> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse().ok())
}

/// Every order event of the table (not the stack's own items), following
/// pagination to the end (a full scan).
pub async fn scan_all(clients: &Clients) -> Result<Vec<TableRow>, CloudError> {
    let table = &clients.config.table_name;
    let mut rows = Vec::new();
    let mut start: Option<HashMap<String, AttributeValue>> = None;
    loop {
        let page = clients
            .dynamodb
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(|e| CloudError::call("Scan", table, e))?;
        for item in page.items() {
            if !crate::stack_settings::is_not_event(item) {
                rows.push(TableRow::from_item(item)?);
            }
        }
        match page.last_evaluated_key() {
            Some(key) if !key.is_empty() => start = Some(key.clone()),
            _ => return Ok(rows),
        }
    }
}

/// The sort key of an order's contact item: the personal data of its
/// `order done` (address, phone, the driver's note), kept apart from the event
/// so that it can expire while the event's history stays. No status starts
/// with `#`. The item has no day or arrival attributes, so the indexes (the
/// day views, the arrival feed) never carry it: only a device that shows it
/// asks for it by key.
pub const CONTACT: &str = "#contact";

/// The table's time-to-live attribute (epoch seconds): the table deletes an
/// item some time after it. Only contact items have it.
pub const EXPIRES_AT: &str = "expires_at";

/// An order's contact as the table holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactItem {
    pub day: String,
    pub order: String,
    pub contact: kitchen_domain::Contact,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// BatchGetItem takes at most this many keys.
const MAX_KEYS: usize = 100;

/// The contacts the table holds for these orders (business day, number);
/// orders without one are left out. Contacts past their time are left out too:
/// the table deletes them some time after, not at once.
pub async fn read_contacts(
    clients: &Clients,
    orders: &[(String, String)],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ContactItem>, CloudError> {
    use aws_sdk_dynamodb::types::KeysAndAttributes;
    let table = &clients.config.table_name;
    let s = |v: &str| AttributeValue::S(v.to_owned());
    let mut found = Vec::new();
    for chunk in orders.chunks(MAX_KEYS) {
        let keys = chunk
            .iter()
            .map(|(day, order)| {
                HashMap::from([
                    (
                        "order_key".to_owned(),
                        s(&kitchen_domain::order_key(day, order)),
                    ),
                    ("status".to_owned(), s(CONTACT)),
                ])
            })
            .collect();
        let mut request = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .build()
                .map_err(|e| CloudError::Missing(format!("a key list for {table}: {e}")))?,
        );
        let mut tries = 0;
        while let Some(keys) = request.take() {
            tries += 1;
            let out = clients
                .dynamodb
                .batch_get_item()
                .request_items(table, keys)
                .send()
                .await
                .map_err(|e| CloudError::call("BatchGetItem", table, e))?;
            for item in out
                .responses()
                .and_then(|r| r.get(table))
                .into_iter()
                .flatten()
            {
                if let Some(contact) = contact_item(item).filter(|c| c.expires_at > now) {
                    found.push(contact);
                }
            }
            // Keys the table did not answer this time (throttling): asked
            // again, a little later each time.
            request = out
                .unprocessed_keys()
                .and_then(|left| left.get(table))
                .filter(|left| !left.keys().is_empty())
                .cloned();
            if request.is_some() {
                if tries >= 8 {
                    return Err(CloudError::Missing(format!(
                        "{table} left contacts unread after {tries} tries"
                    )));
                }
                tokio::time::sleep(std::time::Duration::from_millis(50 << tries)).await;
            }
        }
    }
    Ok(found)
}

/// A contact item; `None` for an item that is not one.
pub fn contact_item(item: &HashMap<String, AttributeValue>) -> Option<ContactItem> {
    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    if text("status").as_deref() != Some(CONTACT) {
        return None;
    }
    let expires_at = chrono::DateTime::from_timestamp(number(item, EXPIRES_AT)?, 0)?;
    Some(ContactItem {
        day: text("day_of_order")?,
        order: text("order")?,
        contact: kitchen_domain::Contact {
            address: text("address"),
            phone: text("phone"),
            delivery_note: text("delivery_note"),
        },
        expires_at,
    })
}

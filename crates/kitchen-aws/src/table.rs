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
            if !crate::stack_settings::is_stack_item(item) {
                rows.push(TableRow::from_item(item)?);
            }
        }
        match page.last_evaluated_key() {
            Some(key) if !key.is_empty() => start = Some(key.clone()),
            _ => return Ok(rows),
        }
    }
}

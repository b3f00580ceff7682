//! Moving an existing stack's history to the table of this version: order
//! numbers restart every business day, so items are keyed `<day>#<order>`, and
//! every item carries its arrival stamp for the change feed.
//!
//! - [`copy_table`] reads a table of the earlier layout (one item per order
//!   number and status) and writes each item into the configured table, with
//!   its business day, key and stamp; run it again and it changes nothing.
//! - [`stamp_table`] stamps the items of the configured table that have no
//!   arrival stamp yet, so the feed (and every device) sees them once.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, TableDescription};
use chrono::{DateTime, Utc};
use kitchen_domain::{day_key, time_key, BusinessDay, Status, StatusEvent};

use kitchen_aws::stack_settings::is_not_event;
use kitchen_aws::store_fn::{StoreFnError, StoreFunction, Stored};
use kitchen_aws::{Clients, CloudError};

/// What a migration did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MigrateReport {
    /// Items read.
    pub scanned: u64,
    /// Items written (copied, or stamped in place).
    pub written: u64,
    /// Items already there (a migration run again), or already stamped.
    pub unchanged: u64,
    /// Items that could not be read as an order event; left where they are.
    pub skipped: u64,
}

/// How many items a table holds, as the service reports it (refreshed every
/// few hours on AWS): the size of a migration's progress bar.
pub async fn item_count(clients: &Clients, table: &str) -> Result<u64, CloudError> {
    Ok(describe(clients, table)
        .await?
        .and_then(|t| t.item_count())
        .map_or(0, |n| n.max(0) as u64))
}

/// The table as the service describes it.
pub(crate) async fn describe(
    clients: &Clients,
    table: &str,
) -> Result<Option<TableDescription>, CloudError> {
    let out = clients
        .dynamodb
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(|e| CloudError::call("DescribeTable", table, e))?;
    Ok(out.table)
}

/// Copies every item of the table `from` (the earlier layout) into the
/// configured table, filing each under the business day of its time by
/// `rule`. `progress` is called after each page with the items read so far.
pub async fn copy_table(
    clients: &Clients,
    from: &str,
    rule: BusinessDay,
    mut progress: impl FnMut(u64),
) -> Result<MigrateReport, CloudError> {
    let function = StoreFunction::new(clients.dynamodb.clone(), &clients.config.table_name, rule);
    let mut report = MigrateReport::default();
    let mut pages = Pages::new(clients, from);
    while let Some(items) = pages.next().await? {
        for item in &items {
            report.scanned += 1;
            let Some(event) = old_event(item) else {
                report.skipped += 1;
                continue;
            };
            match function.store_event(&event).await {
                Ok(Stored::Written) => report.written += 1,
                Ok(Stored::Duplicate | Stored::Older) => report.unchanged += 1,
                Err(StoreFnError::Table(err)) => return Err(err),
                Err(StoreFnError::Invalid(err)) => {
                    tracing::warn!(table = from, "an item left where it is: {err}");
                    report.skipped += 1;
                }
            }
        }
        progress(report.scanned);
    }
    Ok(report)
}

/// Stamps the configured table's items that have no arrival stamp with now:
/// the feed hands each to every device once.
pub async fn stamp_table(
    clients: &Clients,
    mut progress: impl FnMut(u64),
) -> Result<MigrateReport, CloudError> {
    let table = clients.config.table_name.clone();
    let mut report = MigrateReport::default();
    let mut pages = Pages::new(clients, &table);
    while let Some(items) = pages.next().await? {
        for item in items.iter().filter(|item| !is_not_event(item)) {
            report.scanned += 1;
            if item.contains_key("stored_at") {
                report.unchanged += 1;
                continue;
            }
            let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok());
            let (Some(key), Some(status), Some(event_id)) =
                (text("order_key"), text("status"), text("event_id"))
            else {
                report.skipped += 1;
                continue;
            };
            if stamp(clients, &table, key, status, event_id, Utc::now()).await? {
                report.written += 1;
            } else {
                report.unchanged += 1;
            }
        }
        progress(report.scanned);
    }
    Ok(report)
}

/// Stamps one item unless it was stamped meanwhile (a store write wins).
async fn stamp(
    clients: &Clients,
    table: &str,
    key: &str,
    status: &str,
    event_id: &str,
    at: DateTime<Utc>,
) -> Result<bool, CloudError> {
    let stored = time_key(at);
    let result = clients
        .dynamodb
        .update_item()
        .table_name(table)
        .key("order_key", AttributeValue::S(key.to_owned()))
        .key("status", AttributeValue::S(status.to_owned()))
        .update_expression("SET stored_at = :at, arrival_day = :day, arrival_key = :arrival")
        .condition_expression("attribute_exists(order_key) AND attribute_not_exists(stored_at)")
        .expression_attribute_values(":at", AttributeValue::S(stored.clone()))
        .expression_attribute_values(":day", AttributeValue::S(day_key(at.date_naive())))
        .expression_attribute_values(
            ":arrival",
            AttributeValue::S(format!("{stored}#{event_id}")),
        )
        .send()
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
        {
            Ok(false)
        }
        Err(err) => Err(CloudError::call("UpdateItem", table, err)),
    }
}

/// A table's items, a page of a scan at a time.
pub(crate) struct Pages<'a> {
    clients: &'a Clients,
    table: &'a str,
    start: Option<HashMap<String, AttributeValue>>,
    finished: bool,
}

impl<'a> Pages<'a> {
    pub(crate) fn new(clients: &'a Clients, table: &'a str) -> Pages<'a> {
        Pages {
            clients,
            table,
            start: None,
            finished: false,
        }
    }

    pub(crate) async fn next(
        &mut self,
    ) -> Result<Option<Vec<HashMap<String, AttributeValue>>>, CloudError> {
        if self.finished {
            return Ok(None);
        }
        let page = self
            .clients
            .dynamodb
            .scan()
            .table_name(self.table)
            .limit(100)
            .set_exclusive_start_key(self.start.take())
            .send()
            .await
            .map_err(|e| CloudError::call("Scan", self.table, e))?;
        match page.last_evaluated_key() {
            Some(key) if !key.is_empty() => self.start = Some(key.clone()),
            _ => self.finished = true,
        }
        Ok(Some(page.items.unwrap_or_default()))
    }
}

/// An item of the earlier layout as the event it was written from.
fn old_event(item: &HashMap<String, AttributeValue>) -> Option<StatusEvent> {
    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    let time = DateTime::parse_from_rfc3339(&text("time")?)
        .ok()?
        .with_timezone(&Utc);
    let detail = text("detail")
        .and_then(|d| serde_json::from_str(&d).ok())
        .unwrap_or(serde_json::Value::Null);
    Some(StatusEvent {
        event_id: text("event_id")?,
        order: text("order")?,
        status: text("status")?.parse::<Status>().ok()?,
        client: text("client")?,
        time,
        device: text("device"),
        seq: kitchen_aws::table::number(item, "seq"),
        version: text("version").unwrap_or_else(|| "1".into()),
        // The earlier layout filed days from midnight: the day is told anew.
        day: None,
        detail,
    })
}

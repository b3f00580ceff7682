//! The ports on AWS: the SDK's clients behind [`Bus`], [`Table`] and [`Queue`].
//! `order`, `status`, `day` and `time` are reserved words in DynamoDB: every
//! name goes through a placeholder.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use chrono::{DateTime, Utc};
use kitchen_aws::stack_settings::{is_not_event, read_stack_settings, StackSettings};
use kitchen_aws::table::{read_contacts, ContactItem, TableRow};
use kitchen_aws::{queue, Clients, CloudError};
use kitchen_domain::{time_key, DETAIL_TYPE, SOURCE};

use super::{
    Bus, BusEntry, CloudCall, EntryAnswer, ItemIdentity, NotificationClaim, Page, PageToken, Queue,
    QueueMessage, Table,
};
use crate::delivery::notification_claim_key;

/// The table's index of one business day's items, by `time#event_id`.
pub const BY_DAY_INDEX: &str = "by-day";
/// The table's change feed: items by `stored_at#event_id`, one partition per
/// UTC day of arrival.
pub const BY_ARRIVAL_INDEX: &str = "by-arrival";

/// Where a DynamoDB read goes on.
pub(super) type PageKey = HashMap<String, AttributeValue>;

type Item = HashMap<String, AttributeValue>;

/// The bus on EventBridge.
pub struct EventBus {
    events: aws_sdk_eventbridge::Client,
    name: String,
}

impl EventBus {
    pub fn new(events: aws_sdk_eventbridge::Client, name: &str) -> EventBus {
        EventBus {
            events,
            name: name.to_owned(),
        }
    }
}

impl Bus for EventBus {
    fn name(&self) -> &str {
        &self.name
    }

    fn put_events(&self, entries: Vec<BusEntry>) -> CloudCall<Vec<EntryAnswer>> {
        let entries = entries
            .iter()
            .map(|entry| {
                PutEventsRequestEntry::builder()
                    .event_bus_name(&self.name)
                    .source(SOURCE)
                    .detail_type(DETAIL_TYPE)
                    .detail(&entry.detail)
                    // The moment of the tap, so taps made offline keep their time.
                    .time(aws_smithy_types::DateTime::from_millis(
                        entry.time.timestamp_millis(),
                    ))
                    .build()
            })
            .collect();
        let request = self.events.put_events().set_entries(Some(entries));
        let bus = self.name.clone();
        Box::pin(async move {
            let output = request
                .send()
                .await
                .map_err(|e| CloudError::call("PutEvents", &bus, e))?;
            Ok(output
                .entries()
                .iter()
                .map(|result| match result.error_code() {
                    None => EntryAnswer::Accepted,
                    Some(code) => EntryAnswer::Failed {
                        code: code.to_owned(),
                        message: result.error_message().unwrap_or("").to_owned(),
                    },
                })
                .collect())
        })
    }
}

/// The event table on DynamoDB.
pub struct EventTable {
    dynamodb: aws_sdk_dynamodb::Client,
    clients: Clients,
    name: String,
}

impl EventTable {
    pub fn new(clients: &Clients) -> EventTable {
        EventTable {
            dynamodb: clients.dynamodb.clone(),
            clients: clients.clone(),
            name: clients.config.table_name.clone(),
        }
    }

    /// One page of an index's partition, after `after` on its sort key if
    /// given; with `identities_only`, only what a checksum needs.
    fn query_page(
        &self,
        index: &'static str,
        (hash_name, hash): (&str, &str),
        after: Option<(&str, &str)>,
        page: Option<PageToken>,
        limit: Option<i32>,
        identities_only: bool,
    ) -> CloudCall<Page<Item>> {
        let mut query = self
            .dynamodb
            .query()
            .table_name(&self.name)
            .index_name(index)
            .expression_attribute_names("#hash", hash_name)
            .expression_attribute_values(":hash", AttributeValue::S(hash.to_owned()))
            .set_limit(limit)
            .set_exclusive_start_key(page.map(|token| token.0));
        if identities_only {
            query = query
                .projection_expression("#order, #status, event_id, order_key")
                .expression_attribute_names("#order", "order")
                .expression_attribute_names("#status", "status");
        }
        query = match after {
            Some((range_name, after)) => query
                .key_condition_expression("#hash = :hash AND #range > :after")
                .expression_attribute_names("#range", range_name)
                .expression_attribute_values(":after", AttributeValue::S(after.to_owned())),
            None => query.key_condition_expression("#hash = :hash"),
        };
        let resource = format!("{}/{index}", self.name);
        Box::pin(async move {
            let page = query
                .send()
                .await
                .map_err(|e| CloudError::call("Query", resource, e))?;
            let next = next_page(page.last_evaluated_key());
            let items = page
                .items
                .unwrap_or_default()
                .into_iter()
                .filter(|item| !is_not_event(item))
                .collect();
            Ok(Page { items, next })
        })
    }
}

fn next_page(key: Option<&PageKey>) -> Option<PageToken> {
    key.filter(|key| !key.is_empty()).cloned().map(PageToken)
}

/// The rows of a page of items; a missing attribute names itself.
fn rows(page: Page<Item>) -> Result<Page<TableRow>, CloudError> {
    let items = page
        .items
        .iter()
        .map(TableRow::from_item)
        .collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        next: page.next,
    })
}

impl Table for EventTable {
    fn name(&self) -> &str {
        &self.name
    }

    fn arrivals(
        &self,
        arrival_day: &str,
        after: &str,
        page: Option<PageToken>,
        limit: Option<i32>,
    ) -> CloudCall<Page<TableRow>> {
        let read = self.query_page(
            BY_ARRIVAL_INDEX,
            ("arrival_day", arrival_day),
            Some(("arrival_key", after)),
            page,
            limit,
            false,
        );
        Box::pin(async move { rows(read.await?) })
    }

    fn day(
        &self,
        day: &str,
        page: Option<PageToken>,
        limit: Option<i32>,
    ) -> CloudCall<Page<TableRow>> {
        let read = self.query_page(BY_DAY_INDEX, ("day", day), None, page, limit, false);
        Box::pin(async move { rows(read.await?) })
    }

    fn day_identities(
        &self,
        day: &str,
        page: Option<PageToken>,
        limit: Option<i32>,
    ) -> CloudCall<Page<ItemIdentity>> {
        let read = self.query_page(BY_DAY_INDEX, ("day", day), None, page, limit, true);
        let day = day.to_owned();
        Box::pin(async move {
            let page = read.await?;
            let items = page
                .items
                .iter()
                .map(|item| {
                    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
                    match (text("order"), text("status"), text("event_id")) {
                        (Some(order), Some(status), Some(event_id)) => Ok(ItemIdentity {
                            order,
                            status,
                            event_id,
                        }),
                        _ => Err(CloudError::Missing(format!(
                            "order, status or event_id of a table item of {day}"
                        ))),
                    }
                })
                .collect::<Result<_, _>>()?;
            Ok(Page {
                items,
                next: page.next,
            })
        })
    }

    fn scan(&self, page: Option<PageToken>, limit: Option<i32>) -> CloudCall<Page<TableRow>> {
        let request = self
            .dynamodb
            .scan()
            .table_name(&self.name)
            .set_limit(limit)
            .set_exclusive_start_key(page.map(|token| token.0));
        let table = self.name.clone();
        Box::pin(async move {
            let page = request
                .send()
                .await
                .map_err(|e| CloudError::call("Scan", table, e))?;
            let next = next_page(page.last_evaluated_key());
            let items = page
                .items()
                .iter()
                .filter(|item| !is_not_event(item))
                .map(TableRow::from_item)
                .collect::<Result<_, _>>()?;
            Ok(Page { items, next })
        })
    }

    fn stack_settings(&self) -> CloudCall<StackSettings> {
        let clients = self.clients.clone();
        Box::pin(async move { read_stack_settings(&clients).await })
    }

    fn contacts(
        &self,
        orders: Vec<(String, String)>,
        now: DateTime<Utc>,
    ) -> CloudCall<Vec<ContactItem>> {
        let clients = self.clients.clone();
        Box::pin(async move { read_contacts(&clients, &orders, now).await })
    }

    fn claim_notification(&self, claim: NotificationClaim) -> CloudCall<bool> {
        let s = |v: &str| AttributeValue::S(v.to_owned());
        let request = self
            .dynamodb
            .put_item()
            .table_name(&self.name)
            .item(
                "order_key",
                s(&notification_claim_key(&claim.day, &claim.order)),
            )
            .item("status", s("ready"))
            .item("device", s(&claim.device))
            .item("event_id", s(&claim.event_id))
            .item("claimed_at", s(&time_key(Utc::now())))
            .condition_expression("attribute_not_exists(order_key)")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let table = self.name.clone();
        Box::pin(async move {
            match request.send().await {
                Ok(_) => Ok(true),
                Err(err) => match err.as_service_error() {
                    Some(PutItemError::ConditionalCheckFailedException(failed)) => Ok(failed
                        .item()
                        .and_then(|item| item.get("device"))
                        .and_then(|v| v.as_s().ok())
                        .is_some_and(|claimer| *claimer == claim.device)),
                    _ => Err(CloudError::call("PutItem", table, err)),
                },
            }
        })
    }
}

/// The delivery queue on SQS. Its URL is looked up on the first call that
/// reaches the cloud, so a station can start offline.
pub struct DeliveryQueue {
    clients: Clients,
    name: String,
    url: Arc<Mutex<Option<String>>>,
}

impl DeliveryQueue {
    pub fn new(clients: &Clients) -> DeliveryQueue {
        DeliveryQueue {
            clients: clients.clone(),
            name: clients.config.delivery_queue.clone(),
            url: Arc::default(),
        }
    }

    /// The queue's URL, looked up once.
    fn url(
        &self,
    ) -> impl std::future::Future<Output = Result<String, CloudError>> + Send + 'static {
        let (clients, name, cached) = (self.clients.clone(), self.name.clone(), self.url.clone());
        async move {
            if let Some(url) = cached
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
            {
                return Ok(url);
            }
            let url = clients.queue_url(&name).await?;
            *cached.lock().unwrap_or_else(PoisonError::into_inner) = Some(url.clone());
            Ok(url)
        }
    }
}

impl Queue for DeliveryQueue {
    fn name(&self) -> &str {
        &self.name
    }

    fn receive(&self, wait_seconds: i32) -> CloudCall<Vec<QueueMessage>> {
        let (url, sqs) = (self.url(), self.clients.sqs_long_poll.clone());
        Box::pin(async move {
            let url = url.await?;
            let messages = queue::receive(&sqs, &url, wait_seconds).await?;
            Ok(messages
                .into_iter()
                .map(|m| QueueMessage {
                    id: m.message_id().unwrap_or_default().to_owned(),
                    body: m.body().unwrap_or_default().to_owned(),
                    receipt: m.receipt_handle().unwrap_or_default().to_owned(),
                })
                .collect())
        })
    }

    fn delete(&self, receipts: Vec<String>) -> CloudCall<usize> {
        let (url, sqs) = (self.url(), self.clients.sqs.clone());
        Box::pin(async move {
            let url = url.await?;
            queue::delete_receipts(&sqs, &url, &receipts).await
        })
    }
}

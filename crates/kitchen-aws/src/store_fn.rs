//! The store function: writes each status event into the event table, idempotently.
//! One handler serves both entry points, the AWS Lambda (SQS event source with
//! partial batch failures) and the local long-polling worker.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use chrono::{DateTime, Duration, Utc};
use kitchen_domain::{
    day_key, order_key, parse_day, parse_envelope, time_key, BusinessDay, Contact, ContractError,
    StatusEvent,
};
use thiserror::Error;

use crate::table::{CONTACT, EXPIRES_AT};
use crate::CloudError;

/// An event's detail as the history keeps it: without the personal data.
fn history_detail(event: &StatusEvent) -> serde_json::Value {
    let mut detail = event.detail.clone();
    Contact::take_from(&mut detail);
    detail
}

/// A tap stamped this long after it arrived came from a clock that runs ahead:
/// it is kept, and marked with how far ahead it was.
pub const AHEAD_MARK: Duration = Duration::minutes(5);
/// How far from the business day of its time an event's own `day` may be: an
/// order entered before the day's start hour is finished after it.
const DAY_SPREAD: i64 = 2;

/// What storing one event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Written,
    /// The table already holds this very event.
    Duplicate,
    /// The table holds a newer event for the same (order, status): left as it is.
    Older,
}

#[derive(Debug, Error)]
pub enum StoreFnError {
    /// The message can never be stored: it goes back to the queue and, after the
    /// queue's retries, to the dead-letter queue, where it is kept.
    #[error("invalid event: {0}")]
    Invalid(#[from] ContractError),
    /// The table could not be written now; the message will be tried again.
    #[error(transparent)]
    Table(#[from] CloudError),
}

/// One SQS record handed to the function.
#[derive(Debug, Clone, Default)]
pub struct QueueRecord {
    pub message_id: String,
    pub body: String,
    /// What sets the record's visibility; none for a record not from a queue.
    pub receipt_handle: Option<String>,
    /// How many times the queue has handed this message out, this time included.
    pub receive_count: u32,
}

/// When a message the function did not store comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// The event can never be stored (it is not a valid event): it comes back at
    /// once, so it spends its tries and reaches the dead-letter queue soon.
    Never,
    /// The table could not take it now (unavailable, throttled, a timeout): it
    /// comes back after [`retry_after`] its tries so far, so an outage of the
    /// table does not spend the message's tries in a few minutes.
    Later,
}

/// A message of a batch the function did not store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotStored {
    pub message_id: String,
    pub retry: Retry,
}

/// The first wait before a message whose write failed for a passing reason
/// comes back; it doubles with each try, up to [`RETRY_AFTER_MAX`].
pub const RETRY_AFTER_FIRST: std::time::Duration = std::time::Duration::from_secs(30);
/// The longest wait between two tries of one message.
pub const RETRY_AFTER_MAX: std::time::Duration = std::time::Duration::from_secs(3600);

/// How long a message handed out `receive_count` times stays hidden after a
/// passing failure: 30 s, 1 min, 2 min, … up to an hour. With the store queue's
/// ten tries, a message outlasts three hours of a table that does not answer.
pub fn retry_after(receive_count: u32) -> std::time::Duration {
    let doublings = receive_count.saturating_sub(1).min(16);
    RETRY_AFTER_FIRST
        .saturating_mul(1 << doublings)
        .min(RETRY_AFTER_MAX)
}

/// Sets when each message of `failed` comes back (see [`Retry`]), in one call
/// to the queue the records came from. A failure to do so is only logged: the
/// messages then come back after the queue's visibility timeout.
pub async fn defer(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    records: &[QueueRecord],
    failed: &[NotStored],
) {
    use aws_sdk_sqs::types::ChangeMessageVisibilityBatchRequestEntry as Entry;
    let entries: Vec<Entry> = failed
        .iter()
        .filter_map(|f| {
            let record = records.iter().find(|r| r.message_id == f.message_id)?;
            let seconds = match f.retry {
                Retry::Never => 0,
                Retry::Later => retry_after(record.receive_count).as_secs() as i32,
            };
            Entry::builder()
                .id(f.message_id.clone())
                .receipt_handle(record.receipt_handle.clone()?)
                .visibility_timeout(seconds)
                .build()
                .ok()
        })
        .collect();
    if entries.is_empty() {
        return;
    }
    let count = entries.len();
    match sqs
        .change_message_visibility_batch()
        .queue_url(queue_url)
        .set_entries(Some(entries))
        .send()
        .await
    {
        Ok(out) => {
            for failure in out.failed() {
                tracing::warn!(
                    entry = failure.id(),
                    code = failure.code(),
                    "cannot set when a failed message comes back"
                );
            }
        }
        Err(err) => tracing::warn!(
            "cannot set when {count} failed messages come back: {}",
            CloudError::call("ChangeMessageVisibilityBatch", queue_url, err)
        ),
    }
}

#[derive(Clone, Debug)]
pub struct StoreFunction {
    dynamodb: aws_sdk_dynamodb::Client,
    table: String,
    business_day: BusinessDay,
    /// How long an order's contact (address, phone) is kept.
    personal_data: Duration,
}

impl StoreFunction {
    pub fn new(
        dynamodb: aws_sdk_dynamodb::Client,
        table: impl Into<String>,
        business_day: BusinessDay,
    ) -> StoreFunction {
        StoreFunction {
            dynamodb,
            table: table.into(),
            business_day,
            personal_data: Duration::days(i64::from(crate::config::DEFAULT_PERSONAL_DATA_DAYS)),
        }
    }

    /// Keeps orders' contacts for `days` days after they are stored.
    pub fn keeping_personal_data(mut self, days: u32) -> StoreFunction {
        self.personal_data = Duration::days(i64::from(days));
        self
    }

    /// The store function on the table and business day of `clients`'
    /// configuration (`STORE_TIME_ZONE`, `STORE_DAY_START_HOUR`); a setting
    /// that is not valid stops it before it stores anything.
    pub fn for_clients(clients: &crate::Clients) -> Result<StoreFunction, CloudError> {
        let business_day = clients.config.business_day().map_err(|e| {
            CloudError::LocalCloud(format!("the store function's business day: {e}"))
        })?;
        Ok(StoreFunction::new(
            clients.dynamodb.clone(),
            &clients.config.table_name,
            business_day,
        )
        .keeping_personal_data(clients.config.personal_data_days()))
    }

    /// Writes the business day this function files orders by into the table,
    /// for the devices: done when the function starts.
    /// With it, how many days it keeps orders' contacts.
    pub async fn publish_business_day(&self) -> Result<(), CloudError> {
        crate::stack_settings::publish_business_day(
            &self.dynamodb,
            &self.table,
            &self.business_day,
        )
        .await?;
        let days = u32::try_from(self.personal_data.num_days()).unwrap_or(u32::MAX);
        crate::stack_settings::publish_personal_data_days(&self.dynamodb, &self.table, days).await
    }

    /// Handles a batch as SQS delivers it and returns the messages that failed,
    /// for the Lambda's partial batch response or for the worker to leave on the
    /// queue, each with when it should come back.
    pub async fn handle_batch(&self, records: &[QueueRecord]) -> Vec<NotStored> {
        let mut tasks = tokio::task::JoinSet::new();
        for record in records.iter().cloned() {
            let function = self.clone();
            tasks.spawn(async move {
                let result = function.store_body(&record.body).await;
                (record.message_id, result)
            });
        }
        let mut failed = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (message_id, result) = joined.expect("storing an event never panics");
            match result {
                Ok(outcome) => tracing::debug!(%message_id, ?outcome, "stored"),
                Err(err) => {
                    let retry = match err {
                        StoreFnError::Invalid(_) => Retry::Never,
                        StoreFnError::Table(_) => Retry::Later,
                    };
                    tracing::warn!(%message_id, ?retry, "not stored: {err}");
                    failed.push(NotStored { message_id, retry });
                }
            }
        }
        failed
    }

    /// Parses an EventBridge envelope and stores its event.
    pub async fn store_body(&self, body: &str) -> Result<Stored, StoreFnError> {
        let event = parse_envelope(body)?;
        self.store_event(&event).await
    }

    /// Writes the event unless the table already holds it or a newer one for the
    /// same (order of the day, status): a conditional write on `time#event_id`.
    /// The item is stamped with the moment it is written, by this function's
    /// clock: the arrival feed devices follow.
    ///
    /// An `order done` with an address, a phone or a driver's note is stored
    /// in two items: the event without them, which the history keeps, and the
    /// order's contact, which the table deletes after the personal-data days.
    pub async fn store_event(&self, event: &StatusEvent) -> Result<Stored, StoreFnError> {
        let now = Utc::now();
        let item = self.item(event, now)?;
        if let Some(contact) = self.contact_item(event, now)? {
            self.store_contact(event, contact).await?;
        }
        let result = self
            .put_unless_later(item, event, "<")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => Ok(Stored::Written),
            Err(err) => match err.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(failed)) => {
                    let same = failed
                        .item()
                        .and_then(|item| item.get("event_id"))
                        .and_then(|v| v.as_s().ok())
                        .is_some_and(|id| *id == event.event_id);
                    Ok(if same {
                        Stored::Duplicate
                    } else {
                        Stored::Older
                    })
                }
                _ => Err(CloudError::call("PutItem", &self.table, err).into()),
            },
        }
    }

    /// The table item of an event written at `stored_at`. The original flow's
    /// readers find `order`, `status`, `client` and `time` as before.
    pub fn item(
        &self,
        event: &StatusEvent,
        stored_at: DateTime<Utc>,
    ) -> Result<HashMap<String, AttributeValue>, ContractError> {
        let s = |v: &str| AttributeValue::S(v.to_owned());
        let day = self.day_of(event)?;
        let stored = time_key(stored_at);
        let mut item = HashMap::from([
            ("order_key".to_owned(), s(&order_key(&day, &event.order))),
            ("order".to_owned(), s(&event.order)),
            ("status".to_owned(), s(event.status.as_str())),
            ("client".to_owned(), s(&event.client)),
            ("time".to_owned(), s(&event.time_key())),
            ("event_id".to_owned(), s(&event.event_id)),
            ("day".to_owned(), s(&day)),
            ("time_event_id".to_owned(), s(&event.time_event_id())),
            ("version".to_owned(), s(&event.version)),
            // The detail as received (fields of newer versions are kept), but
            // for the personal data, which goes to the order's contact item.
            ("detail".to_owned(), s(&history_detail(event).to_string())),
            ("stored_at".to_owned(), s(&stored)),
            (
                "arrival_day".to_owned(),
                s(&day_key(stored_at.date_naive())),
            ),
            (
                "arrival_key".to_owned(),
                s(&format!("{stored}#{}", event.event_id)),
            ),
        ]);
        if let Some(device) = &event.device {
            item.insert("device".into(), s(device));
        }
        if let Some(seq) = event.seq {
            item.insert("seq".into(), AttributeValue::N(seq.to_string()));
        }
        let ahead = event.time - stored_at;
        if ahead > AHEAD_MARK {
            item.insert(
                "ahead_ms".into(),
                AttributeValue::N(ahead.num_milliseconds().to_string()),
            );
        }
        Ok(item)
    }

    /// The contact item of an event that carries personal data, kept until
    /// [`EXPIRES_AT`] (the table's time to live); `None` for any other event.
    pub fn contact_item(
        &self,
        event: &StatusEvent,
        stored_at: DateTime<Utc>,
    ) -> Result<Option<HashMap<String, AttributeValue>>, ContractError> {
        let mut detail = event.detail.clone();
        let Some(contact) = Contact::take_from(&mut detail) else {
            return Ok(None);
        };
        let s = |v: &str| AttributeValue::S(v.to_owned());
        let day = self.day_of(event)?;
        let expires = stored_at + self.personal_data;
        let mut item = HashMap::from([
            ("order_key".to_owned(), s(&order_key(&day, &event.order))),
            ("status".to_owned(), s(CONTACT)),
            ("order".to_owned(), s(&event.order)),
            // Not `day`: an item with it would be in the by-day index.
            ("day_of_order".to_owned(), s(&day)),
            ("event_id".to_owned(), s(&event.event_id)),
            ("time_event_id".to_owned(), s(&event.time_event_id())),
            ("stored_at".to_owned(), s(&time_key(stored_at))),
            (
                EXPIRES_AT.to_owned(),
                AttributeValue::N(expires.timestamp().to_string()),
            ),
        ]);
        for (name, value) in [
            ("address", contact.address),
            ("phone", contact.phone),
            ("delivery_note", contact.delivery_note),
        ] {
            if let Some(value) = value {
                item.insert(name.to_owned(), s(&value));
            }
        }
        Ok(Some(item))
    }

    /// A PutItem of `item` that the table takes only when it holds no item of
    /// its key, or one whose `time_event_id` is `before` (`<`, or `<=` to also
    /// take the same event again) the event's.
    fn put_unless_later(
        &self,
        item: HashMap<String, AttributeValue>,
        event: &StatusEvent,
        before: &str,
    ) -> aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder {
        self.dynamodb
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(format!(
                "attribute_not_exists(#order_key) OR #time_event_id {before} :time_event_id"
            ))
            // `order`, `status`, `time` and `day` are reserved words in DynamoDB:
            // attribute names always go through placeholders.
            .expression_attribute_names("#order_key", "order_key")
            .expression_attribute_names("#time_event_id", "time_event_id")
            .expression_attribute_values(":time_event_id", AttributeValue::S(event.time_event_id()))
    }

    /// Writes an order's contact unless the table holds one of a later
    /// `order done` of the same order.
    async fn store_contact(
        &self,
        event: &StatusEvent,
        item: HashMap<String, AttributeValue>,
    ) -> Result<(), StoreFnError> {
        let result = self.put_unless_later(item, event, "<=").send().await;
        match result {
            Ok(_) => Ok(()),
            Err(err) => match err.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(_)) => Ok(()),
                _ => Err(CloudError::call("PutItem", &self.table, err).into()),
            },
        }
    }

    /// The order's business day: the one its event names (checked against its
    /// time), else the business day of its time.
    pub fn day_of(&self, event: &StatusEvent) -> Result<String, ContractError> {
        let of_time = self.business_day.day_of(event.time);
        let Some(day) = event.day.as_deref() else {
            return Ok(day_key(of_time));
        };
        let named = parse_day(day).ok_or_else(|| ContractError::Invalid {
            field: "detail.day",
            reason: format!("{day:?} is not a day as YYYY-MM-DD"),
        })?;
        let spread = (of_time - named).num_days();
        if !(-1..=DAY_SPREAD).contains(&spread) {
            return Err(ContractError::Invalid {
                field: "detail.day",
                reason: format!(
                    "{day} is {spread} days from the business day of the tap's time ({})",
                    day_key(of_time)
                ),
            });
        }
        Ok(day_key(named))
    }
}

//! The store function: writes each status event into the event table, idempotently.
//! One handler serves both entry points, the AWS Lambda (SQS event source with
//! partial batch failures) and the local long-polling worker.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use chrono_tz::Tz;
use kitchen_domain::{parse_envelope, ContractError, StatusEvent};
use thiserror::Error;

use crate::CloudError;

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
#[derive(Debug, Clone)]
pub struct QueueRecord {
    pub message_id: String,
    pub body: String,
}

#[derive(Clone, Debug)]
pub struct StoreFunction {
    dynamodb: aws_sdk_dynamodb::Client,
    table: String,
    time_zone: Tz,
}

impl StoreFunction {
    pub fn new(
        dynamodb: aws_sdk_dynamodb::Client,
        table: impl Into<String>,
        time_zone: &str,
    ) -> Result<StoreFunction, CloudError> {
        let time_zone = time_zone.parse::<Tz>().map_err(|e| {
            CloudError::LocalCloud(format!(
                "STORE_TIME_ZONE {time_zone:?} is not an IANA time zone: {e}"
            ))
        })?;
        Ok(StoreFunction {
            dynamodb,
            table: table.into(),
            time_zone,
        })
    }

    /// The store function on the table and time zone of `clients`' configuration.
    pub fn for_clients(clients: &crate::Clients) -> Result<StoreFunction, CloudError> {
        StoreFunction::new(
            clients.dynamodb.clone(),
            &clients.config.table_name,
            &clients.config.store_time_zone,
        )
    }

    /// Handles a batch as SQS delivers it and returns the message ids that failed,
    /// for the Lambda's partial batch response or for the worker to leave on the queue.
    pub async fn handle_batch(&self, records: &[QueueRecord]) -> Vec<String> {
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
                    tracing::warn!(%message_id, "not stored: {err}");
                    failed.push(message_id);
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
    /// same (order, status): a conditional write on `time#event_id`.
    pub async fn store_event(&self, event: &StatusEvent) -> Result<Stored, StoreFnError> {
        let result = self
            .dynamodb
            .put_item()
            .table_name(&self.table)
            .set_item(Some(self.item(event)))
            .condition_expression("attribute_not_exists(#order) OR #time_event_id < :time_event_id")
            // Reserved words in DynamoDB: always through placeholders.
            .expression_attribute_names("#order", "order")
            .expression_attribute_names("#time_event_id", "time_event_id")
            .expression_attribute_values(":time_event_id", AttributeValue::S(event.time_event_id()))
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

    fn item(&self, event: &StatusEvent) -> HashMap<String, AttributeValue> {
        let s = |v: &str| AttributeValue::S(v.to_owned());
        let mut item = HashMap::from([
            ("order".to_owned(), s(&event.order)),
            ("status".to_owned(), s(event.status.as_str())),
            ("client".to_owned(), s(&event.client)),
            ("time".to_owned(), s(&event.time_key())),
            ("event_id".to_owned(), s(&event.event_id)),
            ("day".to_owned(), s(&self.day_of(event))),
            ("time_event_id".to_owned(), s(&event.time_event_id())),
            ("version".to_owned(), s(&event.version)),
            // The detail as received: fields of newer versions are kept.
            ("detail".to_owned(), s(&event.detail.to_string())),
        ]);
        if let Some(device) = &event.device {
            item.insert("device".into(), s(device));
        }
        if let Some(seq) = event.seq {
            item.insert("seq".into(), AttributeValue::N(seq.to_string()));
        }
        item
    }

    /// `YYYY-MM-DD` of the event's time in the store's time zone.
    pub fn day_of(&self, event: &StatusEvent) -> String {
        event
            .time
            .with_timezone(&self.time_zone)
            .format("%Y-%m-%d")
            .to_string()
    }
}

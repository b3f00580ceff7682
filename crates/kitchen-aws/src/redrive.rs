//! Moving dead-lettered messages back to the queue they came from, once what
//! failed them (a table outage, a bad setting) is fixed: receive from the
//! dead-letter queue, send the same body to its source, then delete. A message
//! is deleted only after its copy was accepted, so a failure half-way leaves
//! it where it was; at worst the source gets it twice, and the table keeps one
//! copy of each event (its writes are idempotent on the event id).
//!
//! SQS's own `StartMessageMoveTask` does the same on AWS; the local cloud
//! lacks it, and this way works on both.

use std::collections::BTreeMap;

use aws_sdk_sqs::types::{QueueAttributeName, SendMessageBatchRequestEntry};

use crate::{Clients, CloudError};

/// Which dead-letter queue: the store queue's (events the store function
/// could not write) or the delivery queue's (ready orders no station took).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadLetters {
    Store,
    Delivery,
}

impl DeadLetters {
    /// The source queue's name and its dead-letter queue's, as the template names them.
    pub fn queues(self, clients: &Clients) -> (String, String) {
        let source = match self {
            DeadLetters::Store => clients.config.store_queue.clone(),
            DeadLetters::Delivery => clients.config.delivery_queue.clone(),
        };
        let dead = format!("{source}-dlq");
        (source, dead)
    }
}

/// What a redrive did, or in a dry run would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redrive {
    pub source: String,
    pub dead_letter: String,
    /// Messages the dead-letter queue held when it started (SQS's approximate count).
    pub waiting: u64,
    /// Messages moved back (0 in a dry run).
    pub moved: u64,
}

/// The approximate number of messages waiting in the queue `name`.
pub async fn depth(clients: &Clients, name: &str) -> Result<u64, CloudError> {
    queue_count(
        clients,
        name,
        QueueAttributeName::ApproximateNumberOfMessages,
    )
    .await
}

/// One of the queue `name`'s approximate counts (waiting, in flight, delayed).
pub async fn queue_count(
    clients: &Clients,
    name: &str,
    count: QueueAttributeName,
) -> Result<u64, CloudError> {
    let url = clients.queue_url(name).await?;
    let out = clients
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(count.clone())
        .send()
        .await
        .map_err(|e| CloudError::call("GetQueueAttributes", name, e))?;
    Ok(out
        .attributes()
        .and_then(|attributes| attributes.get(&count))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0))
}

/// Moves every message of `which` dead-letter queue back to its source, or
/// with `dry_run` only counts them. `progress` hears the count moved so far.
pub async fn redrive(
    clients: &Clients,
    which: DeadLetters,
    dry_run: bool,
    mut progress: impl FnMut(u64),
) -> Result<Redrive, CloudError> {
    let (source, dead_letter) = which.queues(clients);
    let waiting = depth(clients, &dead_letter).await?;
    let mut report = Redrive {
        source,
        dead_letter,
        waiting,
        moved: 0,
    };
    if dry_run || waiting == 0 {
        return Ok(report);
    }
    let dead_url = clients.queue_url(&report.dead_letter).await?;
    let source_url = clients.queue_url(&report.source).await?;
    loop {
        let received = clients
            .sqs
            .receive_message()
            .queue_url(&dead_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .map_err(|e| CloudError::call("ReceiveMessage", &report.dead_letter, e))?;
        let messages = received.messages();
        if messages.is_empty() {
            return Ok(report);
        }
        let mut receipts = BTreeMap::new();
        let mut entries = Vec::new();
        for (index, message) in messages.iter().enumerate() {
            let (Some(body), Some(receipt)) = (message.body(), message.receipt_handle()) else {
                continue;
            };
            let id = index.to_string();
            receipts.insert(id.clone(), receipt.to_owned());
            entries.push(
                SendMessageBatchRequestEntry::builder()
                    .id(id)
                    .message_body(body)
                    .build()
                    .map_err(|e| CloudError::Redrive(e.to_string()))?,
            );
        }
        if entries.is_empty() {
            return Ok(report);
        }
        let sent = clients
            .sqs
            .send_message_batch()
            .queue_url(&source_url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| CloudError::call("SendMessageBatch", &report.source, e))?;
        for entry in sent.successful() {
            let Some(receipt) = receipts.get(entry.id()) else {
                continue;
            };
            clients
                .sqs
                .delete_message()
                .queue_url(&dead_url)
                .receipt_handle(receipt)
                .send()
                .await
                .map_err(|e| CloudError::call("DeleteMessage", &report.dead_letter, e))?;
            report.moved += 1;
        }
        if let Some(failed) = sent.failed().first() {
            // The rest stays dead-lettered, as it was; the count says how far it got.
            return Err(CloudError::Redrive(format!(
                "{} refused a message ({}: {}); {} moved, the rest left in {}",
                report.source,
                failed.code(),
                failed.message().unwrap_or("no message"),
                report.moved,
                report.dead_letter
            )));
        }
        progress(report.moved);
    }
}

//! What the two SQS readers share (the store worker, and a driver station's
//! delivery poller): one long poll, and deleting the messages handled.

use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, Message, MessageSystemAttributeName};

use crate::CloudError;

/// One long poll of `queue_url`: up to 10 messages, waiting up to `wait_seconds`,
/// each with how many times it has been handed out.
pub async fn receive(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    wait_seconds: i32,
) -> Result<Vec<Message>, CloudError> {
    let received = sqs
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .wait_time_seconds(wait_seconds)
        .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
        .send()
        .await
        .map_err(|e| CloudError::call("ReceiveMessage", queue_url, e))?;
    Ok(received.messages.unwrap_or_default())
}

/// Deletes `messages`, handled already, in one call. Returns how many were
/// not deleted: they come back after their visibility timeout, as duplicates
/// the readers drop.
pub async fn delete(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    messages: &[&Message],
) -> Result<usize, CloudError> {
    let receipts: Vec<String> = messages
        .iter()
        .filter_map(|m| m.receipt_handle().map(str::to_owned))
        .collect();
    delete_receipts(sqs, queue_url, &receipts).await
}

/// Deletes the messages of these receipt handles in one call; answers how
/// many were not deleted.
pub async fn delete_receipts(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    receipts: &[String],
) -> Result<usize, CloudError> {
    let entries: Vec<DeleteMessageBatchRequestEntry> = receipts
        .iter()
        .filter(|receipt| !receipt.is_empty())
        .enumerate()
        .filter_map(|(i, receipt)| {
            DeleteMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .receipt_handle(receipt)
                .build()
                .ok()
        })
        .collect();
    if entries.is_empty() {
        return Ok(0);
    }
    let deleted = sqs
        .delete_message_batch()
        .queue_url(queue_url)
        .set_entries(Some(entries))
        .send()
        .await
        .map_err(|e| CloudError::call("DeleteMessageBatch", queue_url, e))?;
    for failure in deleted.failed() {
        tracing::warn!(
            queue = queue_url.rsplit('/').next().unwrap_or(queue_url),
            entry = failure.id(),
            code = failure.code(),
            "message handled but not deleted (it comes back as a duplicate): {:?}",
            failure.message()
        );
    }
    Ok(deleted.failed().len())
}

/// How many times `message` has been handed out, this time included (1 when
/// the queue did not say).
pub fn receive_count(message: &Message) -> u32 {
    message
        .attributes()
        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

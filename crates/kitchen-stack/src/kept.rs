//! What the local cloud keeps across `kitchen cloud down` and `cloud up`. moto
//! holds everything in memory; before it stops, the event table's items and
//! the messages waiting in the stack's queues are written to a file in the
//! local cloud's folder, and the next start writes them back, so the devices
//! find the history they mirror (and their day checks find nothing to drop).
//!
//! The file is JSON lines: a header, then one line per item (DynamoDB's JSON,
//! `{"order_key": {"S": "…"}, …}`) or per message (its queue and body). Lines
//! are replayed in order; writing an item again replaces it, and a message
//! sent twice is a duplicate the readers drop, so a restore cut short is
//! simply run again. A message a station was holding at that moment (received,
//! not yet deleted) cannot be read and is not kept; it is counted.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use aws_sdk_sqs::types::{QueueAttributeName, SendMessageBatchRequestEntry};
use aws_smithy_types::{base64, Blob};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use kitchen_aws::redrive::queue_count;
use kitchen_aws::{Clients, CloudError};

use crate::migrate::{describe, Pages};

/// The file, in the local cloud's folder.
pub const FILE: &str = "kept.jsonl";

/// DynamoDB's limit on one `BatchWriteItem`; SQS's on one `SendMessageBatch`.
const ITEMS_PER_BATCH: usize = 25;
const MESSAGES_PER_BATCH: usize = 10;
/// Long enough that no message received for the file comes back while the
/// rest are read.
const HOLD_SECONDS: i32 = 600;

/// What was kept, or written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept {
    pub items: u64,
    pub messages: u64,
    /// Messages a reader held when they were kept: not in the file.
    pub held: u64,
    /// Since when this local cloud's state has been kept (its first start).
    pub since: DateTime<Utc>,
}

impl Kept {
    fn none_since(since: DateTime<Utc>) -> Kept {
        Kept {
            items: 0,
            messages: 0,
            held: 0,
            since,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    kept: String,
    since: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Line {
    Item { item: Map<String, Value> },
    Message { queue: String, body: String },
}

/// The path of the file in `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// Since when the state kept in `dir` has been kept, if a file is there.
pub fn kept_since(dir: &Path) -> Option<DateTime<Utc>> {
    let file = std::fs::File::open(path_in(dir)).ok()?;
    let mut first = String::new();
    BufReader::new(file).read_line(&mut first).ok()?;
    serde_json::from_str::<Header>(&first).ok().map(|h| h.since)
}

/// The stack's queues, as the template names them.
fn queues(clients: &Clients) -> Vec<String> {
    let config = &clients.config;
    [&config.store_queue, &config.delivery_queue]
        .into_iter()
        .flat_map(|queue| [queue.clone(), format!("{queue}-dlq")])
        .collect()
}

/// Writes the table's items and the queues' waiting messages to the file in
/// `dir`, with what an earlier file there held that was never written back:
/// its items the table no longer holds and its messages not waiting again (a
/// restore cut short leaves both in the table or queue and in the file). The
/// file appears whole or not at all.
pub async fn save(clients: &Clients, dir: &Path, since: DateTime<Utc>) -> Result<Kept, CloudError> {
    let path = path_in(dir);
    let partial = dir.join(format!("{FILE}.partial"));
    let (since, earlier) = match read_file(&path)? {
        Some(earlier) => (earlier.since.min(since), earlier.lines),
        None => (since, Vec::new()),
    };
    let mut kept = Kept::none_since(since);

    // What the cloud holds now, read before anything is written.
    let key = key_attributes(clients).await?;
    let mut now = Vec::new();
    let mut keys_now = HashSet::new();
    let mut pages = Pages::new(clients, &clients.config.table_name);
    while let Some(items) = pages.next().await? {
        for item in &items {
            let item = item_json(item)?;
            keys_now.insert(key_of(&key, &item));
            now.push(Line::Item { item });
        }
    }
    let mut messages_now = HashSet::new();
    for queue in queues(clients) {
        let url = clients.queue_url(&queue).await?;
        let mut received_here = 0;
        loop {
            let received = clients
                .sqs
                .receive_message()
                .queue_url(&url)
                .max_number_of_messages(10)
                .visibility_timeout(HOLD_SECONDS)
                .send()
                .await
                .map_err(|e| CloudError::call("ReceiveMessage", &queue, e))?;
            let messages = received.messages();
            if messages.is_empty() {
                break;
            }
            for body in messages.iter().filter_map(|m| m.body()) {
                messages_now.insert((queue.clone(), body.to_owned()));
                now.push(Line::Message {
                    queue: queue.clone(),
                    body: body.to_owned(),
                });
            }
            received_here += messages.len() as u64;
        }
        // In flight: what this received, and what a reader holds.
        let in_flight = queue_count(
            clients,
            &queue,
            QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
        )
        .await?;
        kept.held += in_flight.saturating_sub(received_here);
    }

    // The earlier file's lines first, as they were kept, but for those the
    // cloud holds again; then what it holds now.
    let still_earlier = earlier
        .into_iter()
        .map(|(_, line)| line)
        .filter(|line| match line {
            Line::Item { item } => !keys_now.contains(&key_of(&key, item)),
            Line::Message { queue, body } => !messages_now.contains(&(queue.clone(), body.clone())),
        });
    let file_error = |at: &Path, e: std::io::Error| {
        CloudError::LocalCloud(format!("cannot write {}: {e}", at.display()))
    };
    let partial_error = |e| file_error(&partial, e);
    let mut out = BufWriter::new(std::fs::File::create(&partial).map_err(partial_error)?);
    let header = Header {
        kept: "the local cloud's table and queues".into(),
        since,
    };
    writeln!(
        out,
        "{}",
        serde_json::to_string(&header).expect("a header serialises")
    )
    .map_err(partial_error)?;
    for line in still_earlier.chain(now) {
        match line {
            Line::Item { .. } => kept.items += 1,
            Line::Message { .. } => kept.messages += 1,
        }
        writeln!(
            out,
            "{}",
            serde_json::to_string(&line).expect("a line serialises")
        )
        .map_err(partial_error)?;
    }
    out.flush().map_err(partial_error)?;
    out.into_inner()
        .map_err(|e| partial_error(e.into_error()))?
        .sync_all()
        .map_err(partial_error)?;
    std::fs::rename(&partial, &path).map_err(|e| file_error(&path, e))?;
    Ok(kept)
}

/// A kept file as read: since when it keeps, and its lines with their numbers.
struct KeptFile {
    since: DateTime<Utc>,
    lines: Vec<(usize, Line)>,
}

/// Line `number` of the kept file at `path` cannot be used, for `what`.
fn bad_line(path: &Path, number: usize, what: impl std::fmt::Display) -> CloudError {
    CloudError::LocalCloud(format!("{} line {number}: {what}", path.display()))
}

/// The file at `path`; `None` when there is none. A line that cannot be read
/// is refused, naming it: nothing in the file is dropped.
fn read_file(path: &Path) -> Result<Option<KeptFile>, CloudError> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CloudError::LocalCloud(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    let bad = |number: usize, what: String| bad_line(path, number, what);
    let mut lines = BufReader::new(file).lines();
    let header = lines
        .next()
        .transpose()
        .map_err(|e| bad(1, e.to_string()))?
        .ok_or_else(|| bad(1, "empty file".into()))?;
    let header: Header =
        serde_json::from_str(&header).map_err(|e| bad(1, format!("not the header: {e}")))?;
    let mut read = Vec::new();
    for (index, line) in lines.enumerate() {
        let number = index + 2;
        let line = line.map_err(|e| bad(number, e.to_string()))?;
        read.push((
            number,
            serde_json::from_str::<Line>(&line).map_err(|e| bad(number, e.to_string()))?,
        ));
    }
    Ok(Some(KeptFile {
        since: header.since,
        lines: read,
    }))
}

/// The table's key attributes (partition key, sort key), as it describes them.
async fn key_attributes(clients: &Clients) -> Result<Vec<String>, CloudError> {
    Ok(describe(clients, &clients.config.table_name)
        .await?
        .map(|t| {
            t.key_schema()
                .iter()
                .map(|k| k.attribute_name().to_owned())
                .collect()
        })
        .unwrap_or_default())
}

/// An item's key: its key attributes' DynamoDB JSON.
fn key_of(key: &[String], item: &Map<String, Value>) -> String {
    let values: Vec<Option<&Value>> = key.iter().map(|name| item.get(name)).collect();
    serde_json::to_string(&values).expect("a key serialises")
}

/// Writes back what the file in `dir` keeps, then removes it; `None` when
/// there is no file. A failure leaves the file for the next start.
pub async fn restore(clients: &Clients, dir: &Path) -> Result<Option<Kept>, CloudError> {
    let path = path_in(dir);
    let Some(file) = read_file(&path)? else {
        return Ok(None);
    };
    let mut kept = Kept::none_since(file.since);
    let mut items = Vec::new();
    let mut messages: HashMap<String, Vec<String>> = HashMap::new();
    for (number, line) in file.lines {
        match line {
            Line::Item { item } => {
                items.push(item_from_json(&item).map_err(|e| bad_line(&path, number, e))?);
                if items.len() == ITEMS_PER_BATCH {
                    kept.items += put_items(clients, std::mem::take(&mut items)).await?;
                }
            }
            Line::Message { queue, body } => messages.entry(queue).or_default().push(body),
        }
    }
    kept.items += put_items(clients, items).await?;
    for (queue, bodies) in messages {
        let url = clients.queue_url(&queue).await?;
        for batch in bodies.chunks(MESSAGES_PER_BATCH) {
            kept.messages += send_messages(clients, &queue, &url, batch).await?;
        }
    }
    std::fs::remove_file(&path)
        .map_err(|e| CloudError::LocalCloud(format!("cannot remove {}: {e}", path.display())))?;
    Ok(Some(kept))
}

/// Writes `items` to the table, again for those the service leaves unprocessed.
async fn put_items(
    clients: &Clients,
    items: Vec<HashMap<String, AttributeValue>>,
) -> Result<u64, CloudError> {
    let table = clients.config.table_name.clone();
    let count = items.len() as u64;
    let mut requests = items
        .into_iter()
        .map(|item| {
            let put = PutRequest::builder()
                .set_item(Some(item))
                .build()
                .map_err(|e| CloudError::LocalCloud(format!("an item kept: {e}")))?;
            Ok(WriteRequest::builder().put_request(put).build())
        })
        .collect::<Result<Vec<_>, CloudError>>()?;
    let mut pause = Duration::from_millis(50);
    while !requests.is_empty() {
        let out = clients
            .dynamodb
            .batch_write_item()
            .request_items(&table, requests)
            .send()
            .await
            .map_err(|e| CloudError::call("BatchWriteItem", &table, e))?;
        requests = out
            .unprocessed_items()
            .and_then(|left| left.get(&table))
            .cloned()
            .unwrap_or_default();
        if !requests.is_empty() {
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
    Ok(count)
}

async fn send_messages(
    clients: &Clients,
    queue: &str,
    url: &str,
    bodies: &[String],
) -> Result<u64, CloudError> {
    let entries = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            SendMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .message_body(body)
                .build()
                .map_err(|e| CloudError::LocalCloud(format!("a message kept for {queue}: {e}")))
        })
        .collect::<Result<Vec<_>, CloudError>>()?;
    let sent = clients
        .sqs
        .send_message_batch()
        .queue_url(url)
        .set_entries(Some(entries))
        .send()
        .await
        .map_err(|e| CloudError::call("SendMessageBatch", queue, e))?;
    if let Some(failed) = sent.failed().first() {
        return Err(CloudError::LocalCloud(format!(
            "{queue} refused a message kept for it ({}: {})",
            failed.code(),
            failed.message().unwrap_or("no message")
        )));
    }
    Ok(sent.successful().len() as u64)
}

/// An item in DynamoDB's JSON.
fn item_json(item: &HashMap<String, AttributeValue>) -> Result<Map<String, Value>, CloudError> {
    item.iter()
        .map(|(name, value)| Ok((name.clone(), value_json(name, value)?)))
        .collect()
}

fn value_json(name: &str, value: &AttributeValue) -> Result<Value, CloudError> {
    let blob = |b: &Blob| Value::String(base64::encode(b.as_ref()));
    Ok(match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(n) => json!({ "NULL": n }),
        AttributeValue::B(b) => json!({ "B": blob(b) }),
        AttributeValue::Ss(set) => json!({ "SS": set }),
        AttributeValue::Ns(set) => json!({ "NS": set }),
        AttributeValue::Bs(set) => json!({ "BS": set.iter().map(blob).collect::<Vec<_>>() }),
        AttributeValue::L(list) => json!({
            "L": list.iter().map(|v| value_json(name, v)).collect::<Result<Vec<_>, _>>()?
        }),
        AttributeValue::M(map) => json!({ "M": item_json(map)? }),
        _ => {
            return Err(CloudError::LocalCloud(format!(
                "the attribute {name:?} has a type this version cannot keep"
            )))
        }
    })
}

/// An item from DynamoDB's JSON; the error names the attribute.
fn item_from_json(item: &Map<String, Value>) -> Result<HashMap<String, AttributeValue>, String> {
    item.iter()
        .map(|(name, value)| Ok((name.clone(), value_from_json(name, value)?)))
        .collect()
}

fn value_from_json(name: &str, value: &Value) -> Result<AttributeValue, String> {
    let wrong = || format!("the attribute {name:?} is not one DynamoDB value: {value}");
    let (kind, inner) = match value.as_object() {
        Some(object) if object.len() == 1 => object.iter().next().expect("one entry"),
        _ => return Err(wrong()),
    };
    let text = |v: &Value| v.as_str().map(str::to_owned).ok_or_else(wrong);
    let texts = |v: &Value| {
        v.as_array()
            .ok_or_else(wrong)?
            .iter()
            .map(text)
            .collect::<Result<Vec<_>, _>>()
    };
    let blob = |v: &Value| {
        base64::decode(text(v)?)
            .map(Blob::new)
            .map_err(|e| format!("the attribute {name:?} holds bad base64: {e}"))
    };
    Ok(match kind.as_str() {
        "S" => AttributeValue::S(text(inner)?),
        "N" => AttributeValue::N(text(inner)?),
        "BOOL" => AttributeValue::Bool(inner.as_bool().ok_or_else(wrong)?),
        "NULL" => AttributeValue::Null(inner.as_bool().ok_or_else(wrong)?),
        "B" => AttributeValue::B(blob(inner)?),
        "SS" => AttributeValue::Ss(texts(inner)?),
        "NS" => AttributeValue::Ns(texts(inner)?),
        "BS" => AttributeValue::Bs(
            inner
                .as_array()
                .ok_or_else(wrong)?
                .iter()
                .map(blob)
                .collect::<Result<_, _>>()?,
        ),
        "L" => AttributeValue::L(
            inner
                .as_array()
                .ok_or_else(wrong)?
                .iter()
                .map(|v| value_from_json(name, v))
                .collect::<Result<_, _>>()?,
        ),
        "M" => AttributeValue::M(item_from_json(inner.as_object().ok_or_else(wrong)?)?),
        _ => return Err(wrong()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_attribute_comes_back_as_it_was() {
        let item: HashMap<String, AttributeValue> = [
            ("s", AttributeValue::S("Rua Haddock Lobo, 1020".into())),
            ("n", AttributeValue::N("-12.5".into())),
            ("bool", AttributeValue::Bool(true)),
            ("null", AttributeValue::Null(true)),
            ("b", AttributeValue::B(Blob::new(vec![0, 255, 7]))),
            ("ss", AttributeValue::Ss(vec!["a".into(), "b".into()])),
            ("ns", AttributeValue::Ns(vec!["1".into(), "2".into()])),
            (
                "bs",
                AttributeValue::Bs(vec![Blob::new(vec![1]), Blob::new(vec![])]),
            ),
            (
                "l",
                AttributeValue::L(vec![
                    AttributeValue::S("x".into()),
                    AttributeValue::N("3".into()),
                ]),
            ),
            (
                "m",
                AttributeValue::M(
                    [(
                        "inner".to_owned(),
                        AttributeValue::L(vec![AttributeValue::Bool(false)]),
                    )]
                    .into(),
                ),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let text = Value::Object(item_json(&item).unwrap()).to_string();
        let back: Map<String, Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(item_from_json(&back).unwrap(), item);
    }

    #[test]
    fn a_value_that_is_not_dynamodb_json_is_refused_naming_the_attribute() {
        for bad in [
            json!({ "status": "ready" }),
            json!({ "status": { "S": "ready", "N": "1" } }),
            json!({ "status": { "X": "ready" } }),
            json!({ "status": { "S": 5 } }),
            json!({ "status": { "B": "not base64!" } }),
        ] {
            let err = item_from_json(bad.as_object().unwrap()).unwrap_err();
            assert!(err.contains("\"status\""), "{err}");
        }
    }
}

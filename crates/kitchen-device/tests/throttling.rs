//! The cloud answering slowly and with throttling errors: a proxy on loopback,
//! between the publisher and the local cloud, throttles every PutEvents call for
//! its first seconds, then answers some calls with
//! ThrottlingException, fails part of the entries of others as AWS does when an
//! account is over its rate, holds others for seconds (some past the SDK's
//! attempt timeout, after which the call has still reached the bus). The
//! publisher backs off and catches up: every tap reaches the table once, each
//! order's taps reach the bus in tap order, and nothing is lost.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use kitchen_aws::{Clients, CloudConfig};
use kitchen_device::publisher::{Publisher, PublisherHealth};
use kitchen_domain::Status;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};

use crate::common::*;

const ORDERS: u32 = 100;
/// Every PutEvents call is throttled this long after the proxy starts: longer
/// than the SDK's own retries of a call, so the publisher sees the bus refuse.
const THROTTLED_START: Duration = Duration::from_secs(3);

/// What the proxy did to the PutEvents calls.
#[derive(Debug, Default)]
struct Seen {
    calls: usize,
    throttled: usize,
    partly_failed: usize,
    slow: usize,
    past_timeout: usize,
    /// (order, status) of every entry the bus received, in the order it received them.
    reached_bus: Vec<(String, String)>,
}

/// What to do with one PutEvents call.
enum Fault {
    Pass,
    Throttle,
    /// Forward the first half of the entries; answer the rest as throttled.
    FailSecondHalf,
    Hold(Duration),
}

impl Dice {
    fn fault(&mut self) -> Fault {
        match self.below(100) {
            0..=24 => Fault::Throttle,
            25..=39 => Fault::FailSecondHalf,
            40..=51 => Fault::Hold(Duration::from_millis(500 + self.below(2_000))),
            // Past the SDK's 5 s attempt timeout: the client gives up, the bus has it.
            52..=54 => Fault::Hold(Duration::from_secs(6)),
            _ => Fault::Pass,
        }
    }
}

struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
    }

    /// The request again, with `body`, asking the server to close afterwards.
    fn bytes_with(&self, body: &[u8]) -> Vec<u8> {
        let mut out = String::new();
        for line in self.head.lines() {
            let key = line.split(':').next().unwrap_or("").trim();
            if key.eq_ignore_ascii_case("content-length") || key.eq_ignore_ascii_case("connection")
            {
                continue;
            }
            out.push_str(line);
            out.push_str("\r\n");
        }
        out.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        ));
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(body);
        bytes
    }
}

async fn read_request(client: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut request = Request {
        head,
        body: buffer[head_end + 4..].to_vec(),
    };
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while request.body.len() < length {
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        request.body.extend_from_slice(&chunk[..n]);
    }
    Some(request)
}

/// Sends `bytes` to the local cloud and returns its whole answer.
async fn forward(upstream: SocketAddr, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(bytes).await?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).await?;
    Ok(answer)
}

fn json_response(status: &str, body: &Value) -> Vec<u8> {
    let body = body.to_string();
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn entries_of(body: &[u8]) -> Vec<Value> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("Entries").and_then(Value::as_array).cloned())
        .unwrap_or_default()
}

fn order_and_status(entry: &Value) -> (String, String) {
    let detail: Value = entry["Detail"]
        .as_str()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    (
        detail["order"].as_str().unwrap_or_default().to_owned(),
        detail["status"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn handle(
    mut client: TcpStream,
    upstream: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    dice: Arc<Mutex<Dice>>,
    started: Instant,
) {
    let Some(request) = read_request(&mut client).await else {
        return;
    };
    let put_events = request
        .header("x-amz-target")
        .is_some_and(|t| t.ends_with("PutEvents"));
    let fault = if put_events && started.elapsed() < THROTTLED_START {
        Fault::Throttle
    } else if put_events {
        dice.lock().unwrap().fault()
    } else {
        Fault::Pass
    };
    let entries = if put_events {
        entries_of(&request.body)
    } else {
        Vec::new()
    };
    let record = |sent: &[Value]| {
        let mut seen = seen.lock().unwrap();
        seen.reached_bus.extend(sent.iter().map(order_and_status));
    };
    if put_events {
        seen.lock().unwrap().calls += 1;
    }
    let answer = match fault {
        Fault::Throttle => {
            seen.lock().unwrap().throttled += 1;
            json_response(
                "400 Bad Request",
                &json!({"__type": "ThrottlingException", "message": "Rate exceeded"}),
            )
        }
        Fault::FailSecondHalf if entries.len() >= 2 => {
            seen.lock().unwrap().partly_failed += 1;
            let half = entries.len() / 2;
            let mut body: Value = serde_json::from_slice(&request.body).unwrap();
            body["Entries"] = Value::Array(entries[..half].to_vec());
            let sent = serde_json::to_vec(&body).unwrap();
            let Ok(answer) = forward(upstream, &request.bytes_with(&sent)).await else {
                return;
            };
            record(&entries[..half]);
            let text = String::from_utf8_lossy(&answer);
            let (_, answer_body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
            let answered: Value = serde_json::from_str(answer_body).expect("PutEvents JSON");
            let mut results = answered["Entries"].as_array().cloned().unwrap_or_default();
            results.extend((half..entries.len()).map(
                |_| json!({"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}),
            ));
            let failed =
                answered["FailedEntryCount"].as_u64().unwrap_or(0) + (entries.len() - half) as u64;
            json_response(
                "200 OK",
                &json!({"FailedEntryCount": failed, "Entries": results}),
            )
        }
        Fault::Hold(wait) => {
            {
                let mut seen = seen.lock().unwrap();
                seen.slow += 1;
                if wait >= Duration::from_secs(5) {
                    seen.past_timeout += 1;
                }
            }
            tokio::time::sleep(wait).await;
            let Ok(answer) = forward(upstream, &request.bytes_with(&request.body)).await else {
                return;
            };
            record(&entries);
            answer
        }
        Fault::Pass | Fault::FailSecondHalf => {
            let Ok(answer) = forward(upstream, &request.bytes_with(&request.body)).await else {
                return;
            };
            record(&entries);
            answer
        }
    };
    // The client may have given up (attempt timeout): then nobody reads this.
    let _ = client.write_all(&answer).await;
    let _ = client.shutdown().await;
}

/// Starts the proxy on a free loopback port in front of `upstream`.
async fn start_proxy(upstream: SocketAddr, seed: u64) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let dice = Arc::new(Mutex::new(Dice(seed)));
    let shared = seen.clone();
    let started = Instant::now();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(handle(
                client,
                upstream,
                shared.clone(),
                dice.clone(),
                started,
            ));
        }
    });
    (format!("http://{address}"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttling_slow_bus_is_caught_up_with_and_nothing_is_lost() {
    let cloud = local_cloud().await;
    let upstream: SocketAddr = cloud
        .endpoint()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let seed = Utc::now().timestamp_millis() as u64;
    println!("seed {seed}");
    let (proxy, seen) = start_proxy(upstream, seed).await;
    let through_proxy = Clients::new(&CloudConfig {
        endpoint_url: Some(proxy),
        ..cloud.clients.config.clone()
    })
    .await;

    let dir = tempfile::tempdir().unwrap();
    let mut store = device(dir.path(), "oven-1");
    let taps = tap_orders(
        &mut store,
        "oven-1",
        1..=ORDERS,
        Utc::now() - chrono::Duration::minutes(30),
        chrono::Duration::milliseconds(500),
    );
    drop(store);

    let publisher = Publisher::new(
        through_proxy.events.clone(),
        &through_proxy.config.bus_name,
        device(dir.path(), "oven-1"),
    );
    let stop = kitchen_aws::supervisor::CancellationToken::new();
    let (health, mut healths) = watch::channel(PublisherHealth::Online);
    let running = tokio::spawn(publisher.run(Arc::new(Notify::new()), stop.clone(), health));
    let health_seen = tokio::spawn(async move {
        let mut degraded = false;
        while healths.changed().await.is_ok() {
            degraded |= matches!(*healths.borrow(), PublisherHealth::Degraded { .. });
        }
        degraded
    });

    let watcher = device(dir.path(), "oven-1");
    let pending = until_done("the publisher catching up (taps pending)", STALL, || {
        let pending = watcher.outbox_counts().unwrap().pending;
        std::future::ready((pending == 0, pending))
    })
    .await;
    stop.cancel();
    running.await.unwrap();
    let degraded = health_seen.await.unwrap();
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    println!(
        "PutEvents calls {}, throttled {}, partly failed {}, slow {} ({} past the attempt timeout)",
        seen.calls, seen.throttled, seen.partly_failed, seen.slow, seen.past_timeout
    );
    let counts = watcher.outbox_counts().unwrap();
    assert_eq!(pending, 0, "every tap published: {counts:?}");
    assert_eq!(counts.rejected, 0, "throttling never sets a tap aside");
    assert!(
        seen.throttled > 0 && seen.partly_failed > 0 && seen.slow > 0,
        "the faults happened: {seen:?}"
    );
    assert!(degraded, "the publisher reported the bus as degraded");

    // Each order's taps reached the bus in tap order (a resend after a timeout
    // may repeat one; its first arrival is what counts).
    let mut first_arrivals: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut arrived = BTreeSet::new();
    for (order, status) in &seen.reached_bus {
        if arrived.insert((order.clone(), status.clone())) {
            first_arrivals
                .entry(order.clone())
                .or_default()
                .push(status.clone());
        }
    }
    let kitchen: Vec<String> = Status::KITCHEN
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    for (order, statuses) in &first_arrivals {
        assert_eq!(
            statuses, &kitchen,
            "order {order} reached the bus in tap order"
        );
    }
    assert_eq!(first_arrivals.len(), ORDERS as usize);

    // The table: every tap once.
    store_until_idle(&cloud.clients).await;
    let rows = table_rows_when(&cloud.clients, taps.len(), STALL).await;
    assert_eq!(rows.len(), taps.len(), "one row per tap");
    let in_table: BTreeSet<String> = rows.iter().map(|r| r.event_id.clone()).collect();
    for tap in &taps {
        assert!(
            in_table.contains(&tap.event_id.to_string()),
            "tap {} {} is in the table",
            tap.order,
            tap.status
        );
    }
}

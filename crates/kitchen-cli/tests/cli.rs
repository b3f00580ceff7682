//! The `kitchen` binary against a local cloud started by the test.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use kitchen_domain::{parse_envelope, OrderContents};

use crate::common::*;
use crate::support::*;

fn published_count(data_dir: &Path) -> i64 {
    let db = rusqlite::Connection::open(data_dir.join("kitchen.sqlite3")).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    db.query_row(
        "SELECT COUNT(*) FROM outbox WHERE state = 'published'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulating_100_orders_stores_600_events_and_sends_100_ready_orders_to_the_drivers() {
    let cloud = local_cloud().await;
    let dir = tempfile::tempdir().unwrap();
    let endpoint = cloud.endpoint();
    let _worker = Worker::start(dir.path(), &endpoint);

    let output =
        run(kitchen(dir.path(), "oven-1", &endpoint).args(["simulate", "--orders", "100"]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("published 600"), "{stdout}");

    let rows = table_rows_when(&cloud.clients, 600, STALL).await;
    assert_eq!(rows.len(), 600, "100 orders × 6 statuses");
    let outbox = kitchen_store::Store::open_in(dir.path())
        .unwrap()
        .outbox_entries(true, 1000)
        .unwrap();
    for entry in &outbox {
        let row = rows
            .iter()
            .find(|r| r.order == entry.order && r.status == entry.status)
            .unwrap_or_else(|| panic!("order {} {} missing", entry.order, entry.status));
        assert_eq!(row.client, entry.client);
        assert_eq!(row.event_id, entry.event_id);
        // The envelope carries whole seconds; the table keeps the tap's second.
        assert_eq!(
            &row.time[..19],
            &entry.tapped_at.format("%Y-%m-%dT%H:%M:%S").to_string()
        );
    }

    // Each "order done" says what the order is, for the kitchen; the other
    // statuses carry nothing of it. Where it goes is personal data: each order
    // has a contact item of its own, which expires.
    for row in &rows {
        let detail: serde_json::Value = serde_json::from_str(&row.detail).unwrap();
        let status = row.status.parse().unwrap();
        let contents = OrderContents::from_detail(detail.as_object().unwrap(), status).unwrap();
        if status == kitchen_domain::Status::OrderDone {
            assert!(!contents.lines.is_empty(), "{}", row.detail);
            assert_eq!(contents.address, None, "{}", row.detail);
            assert_eq!(contents.phone, None, "{}", row.detail);
        } else {
            assert!(contents.is_empty(), "{}", row.detail);
        }
    }
    let scanned = cloud
        .clients
        .dynamodb
        .scan()
        .table_name(&cloud.clients.config.table_name)
        .send()
        .await
        .unwrap();
    let contacts: Vec<_> = scanned
        .items()
        .iter()
        .filter_map(kitchen_aws::table::contact_item)
        .collect();
    assert_eq!(contacts.len(), 100, "one contact per order");
    assert!(contacts.iter().all(|c| c.contact.address.is_some()
        && c.expires_at > chrono::Utc::now() + chrono::Duration::days(29)));

    let ready = receive_all(&cloud.clients, "waiting-delivery").await;
    assert_eq!(ready.len(), 100);
    let mut orders: Vec<String> = ready
        .iter()
        .map(|body| {
            let event = parse_envelope(body).expect("a valid envelope");
            assert_eq!(event.status, kitchen_domain::Status::Ready);
            event.order
        })
        .collect();
    orders.sort_by_key(|o| o.parse::<u32>().unwrap());
    orders.dedup();
    assert_eq!(orders.len(), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publisher_killed_mid_drain_loses_and_duplicates_nothing_after_restart() {
    let cloud = local_cloud().await;
    let dir = tempfile::tempdir().unwrap();
    let endpoint = cloud.endpoint();
    let _worker = Worker::start(dir.path(), &endpoint);
    run(kitchen(dir.path(), "oven-1", &endpoint).args([
        "simulate",
        "--orders",
        "334",
        "--no-publish",
    ]));
    let total = 334 * 6;

    let mut publisher = ChildGuard::new(
        kitchen(dir.path(), "oven-1", &endpoint)
            .args(["publish", "--concurrency", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    until_done("the publisher publishing its first 300 taps", STALL, || {
        let published = published_count(dir.path());
        std::future::ready((published >= 300, published))
    })
    .await;
    publisher.kill(); // SIGKILL
    let at_kill = published_count(dir.path());
    assert!(
        at_kill < total,
        "killed in the middle, not after the end ({at_kill})"
    );

    let output = run(kitchen(dir.path(), "oven-1", &endpoint).arg("publish"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 not yet published"));
    assert_eq!(published_count(dir.path()), total);

    let rows = table_rows_when(&cloud.clients, total as usize, STALL).await;
    assert_eq!(
        rows.len(),
        total as usize,
        "every tap is in the table exactly once"
    );
    let outbox = kitchen_store::Store::open_in(dir.path())
        .unwrap()
        .outbox_entries(true, 5000)
        .unwrap();
    let mut ids: Vec<&str> = rows.iter().map(|r| r.event_id.as_str()).collect();
    ids.sort();
    let mut expected: Vec<&str> = outbox.iter().map(|e| e.event_id.as_str()).collect();
    expected.sort();
    assert_eq!(ids, expected);
}

#[test]
fn bad_input_exits_non_zero_with_one_line_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    // An endpoint nobody listens on: nothing here needs the cloud.
    let endpoint = "http://127.0.0.1:9";
    let cases: &[(&[&str], &str)] = &[
        (&["tap", "42", "baking", "--client", "Ana"], "status"),
        (&["tap", "", "ready", "--client", "Ana"], "order"),
        (&["tap", "42", "ready", "--client", " "], "client"),
        (&["simulate", "--orders", "0"], "--orders"),
        (
            &["simulate", "--orders", "2", "--delivered", "3"],
            "--delivered",
        ),
        (
            &["tap", "42", "ready", "--client", "Ana\nFAKE LOG LINE"],
            "client",
        ),
        (
            &[
                "--endpoint-url",
                "http://10.1.2.3:4566",
                "tap",
                "42",
                "ready",
                "--client",
                "Ana",
            ],
            "in the clear",
        ),
    ];
    for (args, field) in cases {
        let output = kitchen(dir.path(), "oven-1", endpoint)
            .args(*args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?} should fail");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(
            lines[0].starts_with("error: ") && lines[0].contains(field),
            "{stderr}"
        );
    }
    let too_long = "x".repeat(201);
    let output = kitchen(dir.path(), "oven-1", endpoint)
        .args(["tap", "1", "ready", "--client", &too_long])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("`client` is too long"));
    // Nothing was stored by any of them.
    let store = kitchen_store::Store::open_in(dir.path()).unwrap();
    assert_eq!(
        store.outbox_counts().unwrap(),
        kitchen_store::OutboxCounts::default()
    );
}

#[test]
fn a_tap_while_the_cloud_is_unreachable_is_kept_and_shown_in_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = format!(
        "http://127.0.0.1:{}",
        kitchen_stack::local_cloud::free_port()
    );
    let output =
        run(kitchen(dir.path(), "oven-1", &endpoint)
            .args(["tap", "42", "ready", "--client", "Ana"]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("cloud unreachable") && stdout.contains("1 not yet published"),
        "{stdout}"
    );
    let output = run(kitchen(dir.path(), "oven-1", &endpoint).arg("outbox"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("1 pending") && stdout.contains("order 42"),
        "{stdout}"
    );
}

#[test]
fn cloud_up_is_idempotent_and_cloud_down_stops_everything_by_pid() {
    let dir = tempfile::tempdir().unwrap();
    let port = kitchen_stack::local_cloud::free_port();
    let cloud_dir = dir.path().join("cloud");
    let _guard = LocalCloudGuard(cloud_dir.clone());
    let local = |args: &[&str]| {
        let mut command = kitchen(dir.path(), "oven-1", "");
        command
            .env("KITCHEN_CLOUD_DIR", &cloud_dir)
            .env_remove("AWS_ENDPOINT_URL")
            .args(args);
        command
    };
    let first = run(&mut local(&["cloud", "up", "--port", &port.to_string()]));
    let endpoint = String::from_utf8_lossy(&first.stdout).trim().to_owned();
    assert_eq!(endpoint, format!("http://127.0.0.1:{port}"));
    let state = || {
        let text = std::fs::read_to_string(cloud_dir.join("local-cloud.json")).unwrap();
        serde_json::from_str::<kitchen_stack::local_cloud::LocalCloudState>(&text).unwrap()
    };
    let before = state();
    let worker_pid = before.worker_pid.expect("the store worker runs");
    assert!(
        kitchen_stack::local_cloud::pid_alive(before.moto_pid)
            && kitchen_stack::local_cloud::pid_alive(worker_pid)
    );

    let again = run(&mut local(&["cloud", "up", "--port", &port.to_string()]));
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), endpoint);
    assert_eq!(state(), before, "a second `cloud up` reuses what runs");

    // Other commands find the running local cloud on their own.
    let tapped = run(&mut local(&["tap", "5", "ready", "--client", "Ana"]));
    assert!(String::from_utf8_lossy(&tapped.stdout).contains("published 1"));

    run(&mut local(&["cloud", "down"]));
    assert!(!kitchen_stack::local_cloud::pid_alive(before.moto_pid));
    assert!(!kitchen_stack::local_cloud::pid_alive(worker_pid));
    let status = run(&mut local(&["cloud", "status"]));
    assert!(String::from_utf8_lossy(&status.stdout).contains("not running"));
}

/// Stops what `kitchen cloud up` started in `dir` when a test ends, passed or not.
struct LocalCloudGuard(std::path::PathBuf);

impl Drop for LocalCloudGuard {
    fn drop(&mut self) {
        if let Some(state) = kitchen_stack::local_cloud::LocalCloudState::load(&self.0) {
            if let Some(pid) = state.worker_pid {
                kitchen_stack::local_cloud::stop_pid(pid);
            }
            kitchen_stack::local_cloud::stop_pid(state.moto_pid);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_cloud_keeps_its_table_and_queues_across_down_and_up() {
    let dir = tempfile::tempdir().unwrap();
    let port = kitchen_stack::local_cloud::free_port().to_string();
    let cloud_dir = dir.path().join("cloud");
    let _guard = LocalCloudGuard(cloud_dir.clone());
    let oven = dir.path().join("oven");
    let local = |data: &Path, args: &[&str]| {
        let mut command = kitchen(data, "oven-1", "");
        command
            .env("KITCHEN_CLOUD_DIR", &cloud_dir)
            .env_remove("AWS_ENDPOINT_URL")
            .args(args);
        command
    };
    let up = run(&mut local(&oven, &["cloud", "up", "--port", &port]));
    let endpoint = String::from_utf8_lossy(&up.stdout).trim().to_owned();
    let clients = kitchen_aws::Clients::new(&kitchen_aws::CloudConfig {
        endpoint_url: Some(endpoint.clone()),
        ..Default::default()
    })
    .await;

    // Two orders through the kitchen: 12 events for the table, and two ready
    // orders waiting in the delivery queue for a station.
    run(&mut local(&oven, &["simulate", "--orders", "2"]));
    let before = table_rows_when(&clients, 12, STALL).await;
    assert_eq!(before.len(), 12);
    let delivery = clients.config.delivery_queue.clone();
    assert_eq!(
        kitchen_aws::redrive::depth(&clients, &delivery)
            .await
            .unwrap(),
        2
    );
    run(&mut local(&oven, &["sync"]));
    run(&mut local(&oven, &["verify"]));

    let down = run(&mut local(&oven, &["cloud", "down"]));
    let said = String::from_utf8_lossy(&down.stdout).into_owned();
    assert!(said.contains("and 2 queued messages in"), "{said}");
    let kept_file = cloud_dir.join(kitchen_stack::kept::FILE);
    assert!(kept_file.is_file(), "{said}");
    let status = run(&mut local(&oven, &["cloud", "status"]));
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        status.contains("not running") && status.contains("kept since"),
        "{status}"
    );
    let items: &str = said
        .strip_prefix("kept ")
        .and_then(|rest| rest.split(" items of the table").next())
        .unwrap_or_else(|| panic!("the count kept: {said}"));

    let kept_at_first = std::fs::read_to_string(&kept_file).unwrap();

    // A new moto (its memory empty) gets it all back.
    let up = run(&mut local(&oven, &["cloud", "up", "--port", &port]));
    let restored = String::from_utf8_lossy(&up.stderr).into_owned();
    assert!(
        restored.contains(&format!(
            "restored {items} items of the table and 2 queued messages"
        )),
        "{restored}"
    );
    assert!(!kept_file.exists(), "written back once: {restored}");
    assert_eq!(table_rows(&clients).await, before);
    assert_eq!(
        kitchen_aws::redrive::depth(&clients, &delivery)
            .await
            .unwrap(),
        2
    );
    // The device's mirror and the table agree, so its day check drops nothing;
    // and the restarted store worker stores a new tap.
    run(&mut local(&oven, &["verify"]));
    run(&mut local(&oven, &["tap", "7", "ready", "--client", "Bia"]));
    assert_eq!(table_rows_when(&clients, 13, STALL).await.len(), 13);

    // A restore cut short leaves its file beside what it wrote back: the next
    // stop keeps each item and message once (the new tap is a third ready
    // order waiting for a station).
    std::fs::write(&kept_file, &kept_at_first).unwrap();
    let down = run(&mut local(&oven, &["cloud", "down"]));
    let said = String::from_utf8_lossy(&down.stdout).into_owned();
    let kept_again = std::fs::read_to_string(&kept_file).unwrap();
    let lines: Vec<serde_json::Value> = kept_again
        .lines()
        .skip(1)
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let keys: Vec<(String, String)> = lines
        .iter()
        .filter_map(|line| line.get("item"))
        .map(|item| {
            (
                item["order_key"]["S"].as_str().unwrap().to_owned(),
                item["status"]["S"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let distinct: std::collections::BTreeSet<_> = keys.iter().collect();
    assert_eq!(distinct.len(), keys.len(), "each item once: {kept_again}");
    let messages = lines
        .iter()
        .filter(|line| line.get("body").is_some())
        .count();
    assert_eq!(messages, 3, "each message once: {kept_again}");
    assert!(
        said.starts_with(&format!(
            "kept {} items of the table and 3 queued messages",
            keys.len()
        )),
        "{said}"
    );
    assert!(
        keys.len() > items.parse::<usize>().unwrap(),
        "the new tap kept too: {said}"
    );

    // A file that cannot be read is not written over, nor is the cloud stopped:
    // nothing is lost until told to discard it.
    run(&mut local(&oven, &["cloud", "up", "--port", &port]));
    std::fs::write(
        &kept_file,
        format!("{}\nnot json\n", kept_at_first.lines().next().unwrap()),
    )
    .unwrap();
    let refused = local(&oven, &["cloud", "down"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(!refused.status.success(), "{stderr}");
    assert!(
        stderr.contains("line 2")
            && stderr.contains("still running")
            && stderr.contains("--discard"),
        "{stderr}"
    );
    let status = run(&mut local(&oven, &["cloud", "status"]));
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(status.contains("local cloud running at"), "{status}");
    assert_eq!(table_rows(&clients).await.len(), 13, "nothing lost");
    let discarded = run(&mut local(&oven, &["cloud", "down", "--discard"]));
    assert!(String::from_utf8_lossy(&discarded.stdout).contains("local cloud stopped"));
}

/// The stack's parameters and its resources' logical ids.
async fn stack_state(
    clients: &kitchen_aws::Clients,
) -> (
    std::collections::BTreeMap<String, String>,
    std::collections::BTreeSet<String>,
) {
    let name = &clients.config.stack_name;
    let stacks = clients
        .cloudformation
        .describe_stacks()
        .stack_name(name)
        .send()
        .await
        .unwrap();
    let parameters = stacks.stacks()[0]
        .parameters()
        .iter()
        .map(|p| {
            (
                p.parameter_key().unwrap().to_owned(),
                p.parameter_value().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let resources = clients
        .cloudformation
        .describe_stack_resources()
        .stack_name(name)
        .send()
        .await
        .unwrap()
        .stack_resources()
        .iter()
        .filter_map(|r| r.logical_resource_id().map(str::to_owned))
        .collect();
    (parameters, resources)
}

/// Calls a query-protocol API of the local cloud (which takes any signature)
/// with Debian's curl, for services this project has no client of; returns
/// the XML answer.
fn query_api(endpoint: &str, service: &str, form: &str) -> String {
    let scope = format!(
        "Authorization: AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"
    );
    let out = std::process::Command::new("curl")
        .args(["-sSf", "-X", "POST", endpoint, "-H", &scope, "-d", form])
        .output()
        .expect("curl runs (Debian package curl)");
    assert!(
        out.status.success(),
        "{service} {form}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Puts `body` at `bucket/key` in the local cloud's S3 (it takes unsigned
/// requests), with Debian's curl.
fn put_object(endpoint: &str, bucket: &str, key: &str, body: &[u8], dir: &Path) {
    let file = dir.join("object");
    std::fs::write(&file, body).unwrap();
    for url in [
        format!("{endpoint}/{bucket}"),
        format!("{endpoint}/{bucket}/{key}"),
    ] {
        let mut curl = std::process::Command::new("curl");
        curl.args(["-sSf", "-X", "PUT", &url]);
        if url.ends_with(key) {
            curl.arg("--data-binary")
                .arg(format!("@{}", file.display()));
        }
        let out = curl.output().expect("curl runs (Debian package curl)");
        assert!(
            out.status.success(),
            "PUT {url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deploy_keeps_what_it_is_not_told_to_change_and_refuses_a_replacement() {
    let cloud = local_cloud().await;
    let endpoint = cloud.endpoint();
    let dir = tempfile::tempdir().unwrap();
    let deploy = |args: &[&str]| {
        let mut command = kitchen(dir.path(), "admin", &endpoint);
        command.args(args).stdin(Stdio::null());
        command
    };

    // The store function goes in, its code from S3 (an empty zip will do: the
    // local cloud never runs it).
    let empty_zip = [&b"PK\x05\x06"[..], &[0u8; 18]].concat();
    put_object(
        &endpoint,
        "kitchen-code",
        "store.zip",
        &empty_zip,
        dir.path(),
    );
    let out = run(&mut deploy(&[
        "--store-time-zone",
        "America/Sao_Paulo",
        "cloud",
        "deploy",
        "--function-bucket",
        "kitchen-code",
        "--function-key",
        "store.zip",
        "--alarm-email",
        "ops@pizzaria.example",
        "--yes",
    ]));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("deployed"),
        "{out:?}"
    );
    let (parameters, resources) = stack_state(&cloud.clients).await;
    assert_eq!(parameters["DeployFunction"], "true");
    assert_eq!(parameters["StoreTimeZone"], "America/Sao_Paulo");
    assert_eq!(parameters["AlarmEmail"], "ops@pizzaria.example");
    assert!(resources.contains("StoreFunction"), "{resources:?}");
    // The alarms' topic e-mails the address given.
    let topic = cloud
        .clients
        .cloudformation
        .describe_stacks()
        .stack_name(&cloud.clients.config.stack_name)
        .send()
        .await
        .unwrap()
        .stacks()[0]
        .outputs()
        .iter()
        .find(|o| o.output_key() == Some("AlarmTopicArn"))
        .and_then(|o| o.output_value())
        .expect("the AlarmTopicArn output")
        .to_owned();
    let subscriptions = query_api(
        &endpoint,
        "sns",
        &format!("Action=ListSubscriptionsByTopic&TopicArn={topic}"),
    );
    assert!(
        subscriptions.contains("<Protocol>email</Protocol>")
            && subscriptions.contains("<Endpoint>ops@pizzaria.example</Endpoint>"),
        "{subscriptions}"
    );
    // Each rule keeps what it could not deliver in its target's dead letters.
    for (rule, dead_letters) in [
        ("AllStatusEventsRule", "pizzaria-events-store-dlq"),
        ("ReadyEventsRule", "waiting-delivery-dlq"),
    ] {
        let rule_name = cloud
            .clients
            .cloudformation
            .describe_stack_resource()
            .stack_name(&cloud.clients.config.stack_name)
            .logical_resource_id(rule)
            .send()
            .await
            .unwrap()
            .stack_resource_detail
            .unwrap()
            .physical_resource_id
            .unwrap();
        let rule_name = rule_name
            .rsplit('|')
            .next()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        let targets = cloud
            .clients
            .events
            .list_targets_by_rule()
            .event_bus_name("pizzaria")
            .rule(rule_name)
            .send()
            .await
            .unwrap();
        let target = &targets.targets()[0];
        let kept_in = target
            .dead_letter_config()
            .and_then(|d| d.arn())
            .unwrap_or_default();
        assert!(
            kept_in.ends_with(&format!(":{dead_letters}")),
            "{rule}: {target:?}"
        );
        assert_eq!(
            target
                .retry_policy()
                .and_then(|r| r.maximum_event_age_in_seconds()),
            Some(86400),
            "{rule}: {target:?}"
        );
    }

    // An operator sets a parameter this command has no flag for.
    let keep = |key: &str| {
        aws_sdk_cloudformation::types::Parameter::builder()
            .parameter_key(key)
            .use_previous_value(true)
            .build()
    };
    let mut by_hand: Vec<_> = parameters
        .keys()
        .filter(|k| *k != "UntakenOrderSeconds")
        .map(|k| keep(k))
        .collect();
    by_hand.push(
        aws_sdk_cloudformation::types::Parameter::builder()
            .parameter_key("UntakenOrderSeconds")
            .parameter_value("600")
            .build(),
    );
    cloud
        .clients
        .cloudformation
        .update_stack()
        .stack_name(&cloud.clients.config.stack_name)
        .template_body(kitchen_stack::provision::TEMPLATE)
        .set_parameters(Some(by_hand))
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityNamedIam)
        .send()
        .await
        .unwrap();
    let (parameters, _) = stack_state(&cloud.clients).await;
    assert_eq!(parameters["UntakenOrderSeconds"], "600");

    // A deploy that names neither the function nor the zone keeps both, and
    // keeps what it has no flag for.
    run(&mut deploy(&["cloud", "deploy", "--yes"]));
    let (after, resources) = stack_state(&cloud.clients).await;
    assert_eq!(after, parameters, "every parameter kept");
    assert!(resources.contains("StoreFunction"), "{resources:?}");
    assert!(
        resources.contains("StoreFunctionEventSource"),
        "{resources:?}"
    );

    // A new table name would replace the table: refused, nothing changed.
    let refused = deploy(&["--table", "pizzaria-events-2", "cloud", "deploy", "--yes"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stdout = String::from_utf8_lossy(&refused.stdout);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stdout.contains("GOES: the event table") && stdout.contains("pizzaria-events-2"),
        "{stdout}"
    );
    assert!(stderr.contains("--allow-replace"), "{stderr}");
    assert_eq!(stack_state(&cloud.clients).await.0, parameters);

    // A change is shown and waits for a yes: no answer, no deploy.
    let unanswered = deploy(&["--day-start-hour", "5", "cloud", "deploy"])
        .output()
        .unwrap();
    assert!(!unanswered.status.success());
    assert!(
        String::from_utf8_lossy(&unanswered.stderr).contains("not deployed"),
        "{unanswered:?}"
    );
    assert_eq!(stack_state(&cloud.clients).await.0, parameters);
}

#[test]
fn an_order_done_tap_says_what_the_order_is_and_a_bad_field_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let tap = |args: &[&str]| {
        let mut command = kitchen(dir.path(), "oven-1", "http://127.0.0.1:9");
        command.args(["tap", "42", "order done", "--client", "Ana", "--no-publish"]);
        command.args(args);
        command.output().unwrap()
    };
    let done = tap(&[
        "--line",
        "2x Margherita (large) + olives, no onion",
        "--line",
        "Guaraná 2L",
        "--note",
        "cut in 8",
        "--address",
        "Rua Augusta, 1200",
        "--phone",
        "+55 11 91234-5678",
        "--delivery-note",
        "ring twice",
    ]);
    assert!(done.status.success(), "{done:?}");
    let outbox = kitchen_store::Store::open_in(dir.path())
        .unwrap()
        .outbox_entries(true, 10)
        .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&outbox[0].detail).unwrap();
    let contents = OrderContents::from_detail(
        detail.as_object().unwrap(),
        kitchen_domain::Status::OrderDone,
    )
    .unwrap();
    let lines: Vec<String> = contents.lines.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        ["2× Margherita (large) + olives, no onion", "1× Guaraná 2L"]
    );
    assert_eq!(contents.note.as_deref(), Some("cut in 8"));
    assert_eq!(contents.delivery_note.as_deref(), Some("ring twice"));

    // Once ready, the drivers' list says where it goes, as the screen does.
    let ready = kitchen(dir.path(), "oven-1", "http://127.0.0.1:9")
        .args(["tap", "42", "ready", "--client", "Ana", "--no-publish"])
        .output()
        .unwrap();
    assert!(ready.status.success(), "{ready:?}");
    let drivers = run(kitchen(dir.path(), "oven-1", "http://127.0.0.1:9").arg("drivers"));
    let listed = String::from_utf8_lossy(&drivers.stdout);
    assert!(
        listed.contains("· Rua Augusta, 1200 · +55 11 91234-5678 · ring twice"),
        "{listed}"
    );

    // Each bad field is named, and nothing is recorded.
    for (args, field) in [
        (&["--line", "0x Margherita"][..], "lines.quantity"),
        (&["--phone", "call me maybe"][..], "phone"),
        (&["--address", "Rua A\u{1b}[2J"][..], "address"),
    ] {
        let refused = tap(args);
        assert_eq!(refused.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(&format!("`{field}`")), "{args:?}: {stderr}");
    }
    let after = kitchen_store::Store::open_in(dir.path())
        .unwrap()
        .outbox_entries(true, 10)
        .unwrap();
    assert_eq!(
        after.len(),
        2,
        "the order done and its ready, nothing refused"
    );
}

#[test]
fn an_evening_simulated_has_orders_at_every_stage_each_tap_at_its_moment() {
    let dir = tempfile::tempdir().unwrap();
    let started = chrono::Utc::now();
    let out = run(kitchen(dir.path(), "counter", "http://127.0.0.1:9").args([
        "simulate",
        "--orders",
        "120",
        "--evening",
        "--no-publish",
    ]));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("simulated an evening of 120 orders"),
        "{out:?}"
    );
    let entries = kitchen_store::Store::open_in(dir.path())
        .unwrap()
        .outbox_entries(true, 2000)
        .unwrap();
    // Where each order stands: its latest status.
    let mut latest: std::collections::BTreeMap<&str, (&chrono::DateTime<chrono::Utc>, &str)> =
        Default::default();
    for entry in &entries {
        let seen = latest
            .entry(&entry.order)
            .or_insert((&entry.tapped_at, &entry.status));
        if entry.tapped_at >= *seen.0 {
            *seen = (&entry.tapped_at, &entry.status);
        }
        assert!(entry.tapped_at <= chrono::Utc::now(), "a tap in the future");
        assert!(entry.tapped_at >= started - chrono::Duration::minutes(181));
    }
    assert_eq!(latest.len(), 120);
    let stages: std::collections::BTreeSet<&str> = latest.values().map(|(_, s)| *s).collect();
    for stage in [
        "order done",
        "in the oven",
        "ready",
        "picked up",
        "delivered",
    ] {
        assert!(stages.contains(stage), "no order {stage}: {stages:?}");
    }
    let delivered = latest.values().filter(|(_, s)| *s == "delivered").count();
    assert!(delivered > 60, "{delivered} delivered of 120");
}

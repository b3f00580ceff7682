//! The CloudFormation template grants least privilege: the desktop app's policy
//! and the store function's role allow exactly what the code calls, on the one
//! resource each call needs, and nothing anywhere is granted with a wildcard.

use std::collections::BTreeSet;
use std::path::Path;

use kitchen_store::DeviceRole;
use serde_yaml::Value;

use crate::common::*;

fn template() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra/template.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_yaml::from_str(&text).expect("the template parses, its !Ref/!GetAtt/!Sub tags included")
}

fn resource<'a>(template: &'a Value, name: &str) -> &'a Value {
    template["Resources"]
        .get(name)
        .unwrap_or_else(|| panic!("resource {name} in the template"))
}

/// A value as text: intrinsic functions keep their tag (`!GetAtt Bus.Arn`).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Tagged(tagged) => format!("{} {}", tagged.tag, text(&tagged.value)),
        Value::Sequence(items) => items.iter().map(text).collect::<Vec<_>>().join(" "),
        other => serde_yaml::to_string(other).unwrap().trim().to_owned(),
    }
}

/// A field that IAM takes as one string or a list of strings.
fn one_or_many(value: &Value) -> Vec<String> {
    match value {
        Value::Sequence(items) => items.iter().map(text).collect(),
        Value::Null => Vec::new(),
        one => vec![text(one)],
    }
}

/// One statement, reduced to what it grants.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Grant {
    actions: BTreeSet<String>,
    resources: BTreeSet<String>,
    condition: String,
}

fn grants(document: &Value) -> Vec<Grant> {
    let statements = document["Statement"]
        .as_sequence()
        .expect("a Statement list");
    let mut grants: Vec<Grant> = statements
        .iter()
        .map(|statement| {
            assert_eq!(text(&statement["Effect"]), "Allow", "{statement:?}");
            for broad in ["NotAction", "NotResource", "NotPrincipal"] {
                assert!(statement.get(broad).is_none(), "{broad} in {statement:?}");
            }
            Grant {
                actions: one_or_many(&statement["Action"]).into_iter().collect(),
                resources: one_or_many(&statement["Resource"]).into_iter().collect(),
                condition: statement
                    .get("Condition")
                    .map(|c| serde_yaml::to_string(c).unwrap())
                    .unwrap_or_default(),
            }
        })
        .collect();
    grants.sort();
    grants
}

fn grant(actions: &[&str], resources: &[&str], condition: &str) -> Grant {
    Grant {
        actions: actions.iter().map(|a| a.to_string()).collect(),
        resources: resources.iter().map(|r| r.to_string()).collect(),
        condition: condition.to_owned(),
    }
}

fn sorted(mut grants: Vec<Grant>) -> Vec<Grant> {
    grants.sort();
    grants
}

/// Every statement granted to `role` by the template's managed policies.
fn role_grants(template: &Value, role: &str) -> Vec<Grant> {
    let mut found = Vec::new();
    for (_, resource) in template["Resources"].as_mapping().unwrap() {
        if text(&resource["Type"]) != "AWS::IAM::ManagedPolicy" {
            continue;
        }
        let properties = &resource["Properties"];
        if one_or_many(&properties["Roles"]).contains(&format!("!Ref {role}")) {
            found.extend(grants(&properties["PolicyDocument"]));
        }
    }
    sorted(found)
}

/// What every device is granted: publish its taps (any device can show the
/// kitchen board), mirror the table, and check both.
fn device_grants() -> Vec<Grant> {
    vec![
        grant(
            &["events:PutEvents"],
            &["!GetAtt Bus.Arn"],
            "StringEquals:\n  events:source: com.pizza.status\n",
        ),
        // "Test connection" checks that the bus exists.
        grant(&["events:DescribeEventBus"], &["!GetAtt Bus.Arn"], ""),
        // The day views and the arrival feed: the indexes, which hold no contact.
        grant(
            &["dynamodb:Query"],
            &[
                "!Sub ${Table.Arn}/index/by-day",
                "!Sub ${Table.Arn}/index/by-arrival",
            ],
            "",
        ),
        grant(&["dynamodb:DescribeTable"], &["!GetAtt Table.Arn"], ""),
        // The stack's settings, and no other key of the table.
        grant(
            &["dynamodb:Query"],
            &["!GetAtt Table.Arn"],
            "ForAllValues:StringEquals:\n  dynamodb:LeadingKeys:\n  - '#stack'\n",
        ),
    ]
}

/// The roles, and what each is granted on which resource.
fn expected_roles() -> Vec<(&'static str, DeviceRole, Vec<Grant>)> {
    let driver_station = [
        // A driver station claims a ready order's notification, once across
        // stations: a put of that order's claim item, and nothing else.
        grant(
            &["dynamodb:PutItem"],
            &["!GetAtt Table.Arn"],
            "ForAllValues:StringLike:\n  dynamodb:LeadingKeys:\n  - '#notified#*'\n",
        ),
        // Where the orders on its lists go: their contact items, by key.
        grant(&["dynamodb:BatchGetItem"], &["!GetAtt Table.Arn"], ""),
        grant(
            &[
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
            ],
            &["!GetAtt DeliveryQueue.Arn"],
            "",
        ),
    ];
    // A manager's device counts what waits in the dead-letter queues.
    let manager = [grant(
        &["sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
        &[
            "!GetAtt StoreDeadLetterQueue.Arn",
            "!GetAtt DeliveryDeadLetterQueue.Arn",
        ],
        "",
    )];
    vec![
        ("KitchenRole", DeviceRole::Kitchen, sorted(device_grants())),
        (
            "DriverStationRole",
            DeviceRole::DriverStation,
            sorted([device_grants(), driver_station.to_vec()].concat()),
        ),
        (
            "ManagerRole",
            DeviceRole::Manager,
            sorted([device_grants(), manager.to_vec()].concat()),
        ),
    ]
}

#[test]
fn each_device_role_is_granted_its_calls_on_the_one_resource_each_needs() {
    let template = template();
    for (role, _, expected) in expected_roles() {
        assert_eq!(role_grants(&template, role), expected, "{role}");
        // The role holds nothing else.
        let properties = &resource(&template, role)["Properties"];
        for extra in ["Policies", "ManagedPolicyArns", "PermissionsBoundary"] {
            assert!(properties.get(extra).is_none(), "{role} has {extra}");
        }
    }
}

/// The actions of `grants`.
fn actions(grants: &[Grant]) -> BTreeSet<String> {
    grants
        .iter()
        .flat_map(|g| g.actions.iter().cloned())
        .collect()
}

/// Runs a device of each role against the local cloud through what its people
/// do (taps, the screens' views, Settings' test, a repair) and what its loops
/// do on their own, records every cloud call its clients make, and compares
/// them with the actions its role is granted: none missing, none unused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_is_granted_exactly_the_calls_its_device_makes() {
    use kitchen_device::check::test_connection_with;
    use kitchen_device::delivery::{Notifier, NotifyError};
    use kitchen_device::live::{LiveDevice, LiveOptions};
    use kitchen_store::Delivery;

    #[derive(Default)]
    struct Shown(std::sync::Mutex<Vec<String>>);
    impl Notifier for Shown {
        fn notify(&self, order: &Delivery) -> Result<(), NotifyError> {
            self.0.lock().unwrap().push(order.order.clone());
            Ok(())
        }
    }

    let cloud = local_cloud().await;
    let config = cloud.clients.config.clone();
    let template = template();
    let dir = tempfile::tempdir().unwrap();
    for (role_name, role, granted) in expected_roles() {
        let shown = std::sync::Arc::new(Shown::default());
        let options = match role {
            DeviceRole::DriverStation => {
                LiveOptions::device("drivers-1").driver_station(shown.clone())
            }
            _ => LiveOptions {
                role: Some(role),
                ..LiveOptions::device(&format!("{role:?}-1").to_lowercase())
            },
        };
        let live = LiveDevice::start(&dir.path().join(role_name), config.clone(), options)
            .await
            .unwrap();
        let mut states = live.watch_connection();
        // A tap, published; a driver station's is a ready order it then takes.
        let order = format!("{role:?}");
        live.record_tap(&order, "ready", "Ana", None).await.unwrap();
        until_done("the tap published", STALL, || {
            let state = states.borrow_and_update().clone();
            async move {
                (
                    state.unpublished == 0 && state.last_sync.is_some(),
                    state.unpublished,
                )
            }
        })
        .await;
        // The screens' views, an older day from the table, Settings' test, a repair.
        live.open_view().await.unwrap();
        let today = live.today();
        live.day_view(today - chrono::Duration::days(3))
            .await
            .unwrap();
        let checks = test_connection_with(&live.clients(), role).await;
        assert!(checks.iter().all(|c| c.outcome.is_ok()), "{checks:#?}");
        live.rebuild_mirror(&[kitchen_domain::day_key(today)])
            .await
            .unwrap();
        match role {
            DeviceRole::DriverStation => {
                until_done("the ready order notified", STALL, || {
                    let shown = shown.0.lock().unwrap().clone();
                    let order = order.clone();
                    async move { (shown.contains(&order), shown) }
                })
                .await;
                live.driver_lists().await.unwrap();
                until_done("the station looking up where the order goes", STALL, || {
                    let called = live.clients().calls.actions();
                    async move { (called.contains("dynamodb:BatchGetItem"), called) }
                })
                .await;
            }
            DeviceRole::Manager => {
                until_done("the dead letters counted", STALL, || {
                    let state = states.borrow_and_update().clone();
                    async move { (state.dead_letters == Some(0), state.dead_letters) }
                })
                .await;
            }
            DeviceRole::Kitchen => {}
        }
        let called = live.clients().calls.actions();
        live.stop().await;
        assert_eq!(
            called,
            actions(&granted),
            "{role_name}: the calls its device made, against what it is granted"
        );
        assert_eq!(granted, role_grants(&template, role_name));
    }
}

#[test]
fn the_store_function_reads_its_queue_and_only_puts_into_its_table() {
    let template = template();
    let role = &resource(&template, "StoreFunctionRole")["Properties"];
    assert!(role.get("ManagedPolicyArns").is_none());
    let policies = role["Policies"].as_sequence().unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(
        grants(&policies[0]["PolicyDocument"]),
        sorted(vec![
            grant(
                &[
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                    "sqs:ChangeMessageVisibility",
                ],
                &["!GetAtt StoreQueue.Arn"],
                "",
            ),
            grant(&["dynamodb:PutItem"], &["!GetAtt Table.Arn"], ""),
            grant(
                &["logs:CreateLogStream", "logs:PutLogEvents"],
                &["!Sub arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${AWS::StackName}-store:*"],
                "",
            ),
        ])
    );
    // The role is the Lambda's, and the function's code writes with PutItem alone.
    assert_eq!(
        text(&role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"]),
        "lambda.amazonaws.com"
    );
    let code = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../kitchen-aws/src/store_fn.rs"),
    )
    .unwrap();
    assert!(code.contains(".put_item()"));
    for other in [
        ".update_item()",
        ".delete_item()",
        ".get_item()",
        ".batch_write_item()",
        ".transact_write_items()",
        ".query()",
        ".scan()",
    ] {
        assert!(!code.contains(other), "the store function calls {other}");
    }
}

#[test]
fn only_the_bus_rules_may_send_to_the_queues() {
    let template = template();
    for (policy, queue, rule) in [
        ("StoreQueuePolicy", "StoreQueue", "AllStatusEventsRule"),
        ("DeliveryQueuePolicy", "DeliveryQueue", "ReadyEventsRule"),
        // What a rule could not deliver, it keeps in its target's dead letters.
        (
            "StoreDeadLetterQueuePolicy",
            "StoreDeadLetterQueue",
            "AllStatusEventsRule",
        ),
        (
            "DeliveryDeadLetterQueuePolicy",
            "DeliveryDeadLetterQueue",
            "ReadyEventsRule",
        ),
    ] {
        let properties = &resource(&template, policy)["Properties"];
        assert_eq!(
            one_or_many(&properties["Queues"]),
            [format!("!Ref {queue}")]
        );
        let statements = properties["PolicyDocument"]["Statement"]
            .as_sequence()
            .unwrap();
        assert_eq!(statements.len(), 1, "{policy}");
        let statement = &statements[0];
        assert_eq!(
            text(&statement["Principal"]["Service"]),
            "events.amazonaws.com"
        );
        assert_eq!(one_or_many(&statement["Action"]), ["sqs:SendMessage"]);
        assert_eq!(
            one_or_many(&statement["Resource"]),
            [format!("!GetAtt {queue}.Arn")]
        );
        assert_eq!(
            text(&statement["Condition"]["ArnEquals"]["aws:SourceArn"]),
            format!("!GetAtt {rule}.Arn"),
            "{policy}"
        );
    }
}

/// Every policy document in the template, wherever it sits.
fn policy_documents<'a>(value: &'a Value, path: &str, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                let key = text(key);
                let path = format!("{path}/{key}");
                if key == "PolicyDocument" || key == "AssumeRolePolicyDocument" {
                    found.push((path.clone(), child));
                }
                policy_documents(child, &path, found);
            }
        }
        Value::Sequence(items) => {
            for (i, child) in items.iter().enumerate() {
                policy_documents(child, &format!("{path}/{i}"), found);
            }
        }
        Value::Tagged(tagged) => policy_documents(&tagged.value, path, found),
        _ => {}
    }
}

#[test]
fn no_statement_anywhere_uses_a_wildcard_action_resource_or_principal() {
    let template = template();
    let mut documents = Vec::new();
    policy_documents(&template["Resources"], "", &mut documents);
    assert!(
        documents.len() >= 6,
        "found the policy documents: {documents:?}"
    );
    // The one wildcard: the log streams inside the function's own log group.
    let own_log_streams = "log-group:/aws/lambda/${AWS::StackName}-store:*";
    for (path, document) in documents {
        for statement in document["Statement"].as_sequence().unwrap() {
            for action in one_or_many(&statement["Action"]) {
                assert!(!action.contains('*'), "{path}: action {action}");
            }
            for resource in one_or_many(&statement["Resource"]) {
                assert!(
                    !resource.contains('*') || resource.ends_with(own_log_streams),
                    "{path}: resource {resource}"
                );
            }
            if let Some(principal) = statement.get("Principal") {
                let principal = serde_yaml::to_string(principal).unwrap();
                assert!(!principal.contains('*'), "{path}: principal {principal}");
            }
        }
    }
}

#[test]
fn the_store_time_zone_parameter_takes_every_zone_name_and_nothing_else() {
    let template = template();
    let parameter = &template["Parameters"]["StoreTimeZone"];
    let pattern = text(&parameter["AllowedPattern"]);
    // CloudFormation matches the whole value, as the anchors say.
    assert!(
        pattern.starts_with('^') && pattern.ends_with('$'),
        "{pattern}"
    );
    let pattern = regex::Regex::new(&pattern).unwrap();
    for zone in chrono_tz::TZ_VARIANTS {
        assert!(pattern.is_match(zone.name()), "{} is refused", zone.name());
    }
    for typo in [
        "",
        "America/Sao Paulo",
        "/UTC",
        "UTC;",
        "America//Sao_Paulo",
        "Europe/Lisbon\n",
    ] {
        assert!(!pattern.is_match(typo), "{typo:?} is taken");
    }
    assert!(!text(&parameter["ConstraintDescription"]).is_empty());
}

#[test]
fn a_store_queue_message_outlasts_hours_of_a_table_that_does_not_answer() {
    use kitchen_aws::store_fn::{retry_after, RETRY_AFTER_FIRST, RETRY_AFTER_MAX};
    let template = template();
    let queue = &resource(&template, "StoreQueue")["Properties"];
    let tries = queue["RedrivePolicy"]["maxReceiveCount"].as_u64().unwrap() as u32;
    // The waits between a message's tries, before its last one fails.
    let waits: std::time::Duration = (1..tries).map(retry_after).sum();
    assert!(
        waits >= std::time::Duration::from_secs(2 * 3600),
        "{tries} tries outlast only {waits:?} of a table outage"
    );
    assert_eq!(retry_after(1), RETRY_AFTER_FIRST);
    assert_eq!(retry_after(2), RETRY_AFTER_FIRST * 2);
    assert_eq!(retry_after(100), RETRY_AFTER_MAX);
    // A wait is a visibility timeout: SQS takes at most 12 hours.
    assert!(RETRY_AFTER_MAX <= std::time::Duration::from_secs(12 * 3600));
    // The Lambda gives failed messages back to the queue it reads.
    let function = &resource(&template, "StoreFunction")["Properties"];
    assert_eq!(
        text(&function["Environment"]["Variables"]["STORE_QUEUE_URL"]),
        "!Ref StoreQueue"
    );
}

#[test]
fn each_rule_target_retries_for_a_day_then_keeps_the_event_in_its_dead_letter_queue() {
    let template = template();
    for (rule, queue, dead_letters) in [
        ("AllStatusEventsRule", "StoreQueue", "StoreDeadLetterQueue"),
        (
            "ReadyEventsRule",
            "DeliveryQueue",
            "DeliveryDeadLetterQueue",
        ),
    ] {
        let targets = resource(&template, rule)["Properties"]["Targets"]
            .as_sequence()
            .unwrap();
        assert_eq!(targets.len(), 1, "{rule}");
        let target = &targets[0];
        assert_eq!(text(&target["Arn"]), format!("!GetAtt {queue}.Arn"));
        assert_eq!(
            text(&target["DeadLetterConfig"]["Arn"]),
            format!("!GetAtt {dead_letters}.Arn"),
            "{rule}"
        );
        let retry = &target["RetryPolicy"];
        assert_eq!(retry["MaximumEventAgeInSeconds"].as_u64(), Some(86400));
        assert!(retry["MaximumRetryAttempts"].as_u64().unwrap() >= 100);
    }
}

#[test]
fn alarms_watch_the_dead_letters_the_function_and_untaken_orders_and_tell_the_topic() {
    let template = template();
    let alarms: Vec<(String, &Value)> = template["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| text(&r["Type"]) == "AWS::CloudWatch::Alarm")
        .map(|(name, r)| (text(name), r))
        .collect();
    let watched: BTreeSet<(String, String, String)> = alarms
        .iter()
        .map(|(name, alarm)| {
            let p = &alarm["Properties"];
            assert_eq!(
                one_or_many(&p["AlarmActions"]),
                ["!Ref AlarmTopic"],
                "{name}"
            );
            assert_eq!(text(&p["ComparisonOperator"]), "GreaterThanThreshold");
            assert_eq!(text(&p["TreatMissingData"]), "notBreaching", "{name}");
            let dimensions = p["Dimensions"].as_sequence().unwrap();
            assert_eq!(dimensions.len(), 1, "{name}");
            (
                text(&p["Namespace"]),
                text(&p["MetricName"]),
                text(&dimensions[0]["Value"]),
            )
        })
        .collect();
    let expect = |ns: &str, metric: &str, of: &str| (ns.into(), metric.into(), of.into());
    assert_eq!(
        watched,
        BTreeSet::from([
            expect(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "!GetAtt StoreDeadLetterQueue.QueueName"
            ),
            expect(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "!GetAtt DeliveryDeadLetterQueue.QueueName"
            ),
            expect("AWS/Lambda", "Errors", "!Sub ${AWS::StackName}-store"),
            expect(
                "AWS/SQS",
                "ApproximateAgeOfOldestMessage",
                "!GetAtt DeliveryQueue.QueueName"
            ),
            expect(
                "AWS/SQS",
                "ApproximateAgeOfOldestMessage",
                "!GetAtt StoreQueue.QueueName"
            ),
        ])
    );
    // Dead letters: any at all.
    for (name, alarm) in &alarms {
        if text(&alarm["Properties"]["MetricName"]) == "ApproximateNumberOfMessagesVisible" {
            assert_eq!(alarm["Properties"]["Threshold"].as_u64(), Some(0), "{name}");
        }
    }
    // The function's alarm exists only with the function, and names it.
    let (_, errors) = alarms
        .iter()
        .find(|(name, _)| name == "StoreFunctionErrorsAlarm")
        .unwrap();
    assert_eq!(text(&errors["Condition"]), "WithFunction");
    assert_eq!(
        text(&resource(&template, "StoreFunction")["Properties"]["FunctionName"]),
        "!Sub ${AWS::StackName}-store"
    );
    // The topic e-mails the address given, when one is.
    let topic = &resource(&template, "AlarmTopic")["Properties"];
    let subscription = text(&topic["Subscription"]);
    assert!(
        subscription.contains("WithAlarmEmail") && subscription.contains("!Ref AlarmEmail"),
        "{subscription}"
    );
}

#[test]
fn the_table_expires_contacts_on_the_attribute_the_store_function_writes() {
    let template = template();
    let table = &resource(&template, "Table")["Properties"];
    let ttl = &table["TimeToLiveSpecification"];
    assert_eq!(text(&ttl["AttributeName"]), kitchen_aws::table::EXPIRES_AT);
    assert_eq!(ttl["Enabled"], Value::Bool(true));
    // The days come from a parameter, default 30, and reach the function.
    let days = &template["Parameters"]["PersonalDataDays"];
    assert_eq!(text(&days["Default"]), "30");
    assert_eq!(text(&days["MinValue"]), "1");
    let function = &resource(&template, "StoreFunction")["Properties"];
    assert_eq!(
        text(&function["Environment"]["Variables"]["PERSONAL_DATA_DAYS"]),
        "!Ref PersonalDataDays"
    );
    // No index keys a contact item's attributes: it is in no index.
    for index in table["GlobalSecondaryIndexes"].as_sequence().unwrap() {
        for key in index["KeySchema"].as_sequence().unwrap() {
            let name = text(&key["AttributeName"]);
            assert!(
                ["day", "time_event_id", "arrival_day", "arrival_key"].contains(&name.as_str()),
                "{name}"
            );
        }
    }
}

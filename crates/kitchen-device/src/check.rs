//! "Test connection": asks the cloud, with only the calls the desktop role may
//! make, whether each resource the app needs is there and reachable, and says
//! which one is missing or forbidden.

use aws_credential_types::provider::ProvideCredentials;
use serde::Serialize;
use ts_rs::TS;

use kitchen_store::DeviceRole;

use kitchen_aws::redrive::{depth, DeadLetters};
use kitchen_aws::{Clients, CloudConfig, CloudError};

/// The day nobody's orders are on: a query for it reads the index and no rows.
const EMPTY_DAY: &str = "1970-01-01";

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum CheckOutcome {
    Ok,
    /// The resource does not exist under that name (or the credentials do not).
    Missing {
        message: String,
    },
    /// It exists, but these credentials may not use it.
    Forbidden {
        message: String,
    },
    /// The cloud did not answer.
    Unreachable {
        message: String,
    },
    /// It works, and holds what someone must look at: events in a
    /// dead-letter queue, with the command that moves them back.
    Waiting {
        message: String,
    },
    Error {
        message: String,
    },
}

/// One resource and what its check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResourceCheck {
    /// "credentials", "bus", "table", "index", "queue", "dead letters" or "business day".
    pub resource: String,
    pub name: String,
    pub outcome: CheckOutcome,
}

impl CheckOutcome {
    fn of(result: Result<(), CloudError>) -> CheckOutcome {
        let err = match result {
            Ok(()) => return CheckOutcome::Ok,
            Err(err) => err,
        };
        let message = err.to_string();
        match &err {
            CloudError::Unreachable { .. } => CheckOutcome::Unreachable { message },
            CloudError::Missing(_) => CheckOutcome::Missing { message },
            CloudError::Service { code, .. } if is_missing(code) => {
                CheckOutcome::Missing { message }
            }
            CloudError::Service { code, .. } if is_forbidden(code) => {
                CheckOutcome::Forbidden { message }
            }
            _ => CheckOutcome::Error { message },
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, CheckOutcome::Ok)
    }
}

fn is_missing(code: &str) -> bool {
    code.contains("NotFound") || code.contains("NonExistent") || code.contains("DoesNotExist")
}

fn is_forbidden(code: &str) -> bool {
    [
        "AccessDenied",
        "Unauthorized",
        "Forbidden",
        "ExpiredToken",
        "InvalidClientTokenId",
        "UnrecognizedClient",
        "InvalidSignature",
        "SignatureDoesNotMatch",
    ]
    .iter()
    .any(|needle| code.contains(needle))
}

/// Checks what a device of `role` uses, in this order: credentials, the bus,
/// the table and its indexes, a driver station's delivery queue, a manager's
/// two dead-letter queues (any event waiting there is said), and the stack's
/// business day. Each check runs even if an earlier one failed.
pub async fn test_connection(config: &CloudConfig, role: DeviceRole) -> Vec<ResourceCheck> {
    test_connection_with(&Clients::new(config).await, role).await
}

/// [`test_connection`] through `clients`.
pub async fn test_connection_with(clients: &Clients, role: DeviceRole) -> Vec<ResourceCheck> {
    let config = &clients.config;
    let check = |resource: &str, name: &str, result| ResourceCheck {
        resource: resource.into(),
        name: name.into(),
        outcome: CheckOutcome::of(result),
    };
    let credentials_name = config
        .profile
        .clone()
        .unwrap_or_else(|| "default chain".into());
    let mut checks = vec![
        check("credentials", &credentials_name, credentials(clients).await),
        check("bus", &config.bus_name, bus(clients).await),
        check("table", &config.table_name, table(clients).await),
        check(
            "index",
            &format!("{}/by-day", config.table_name),
            index(clients, "by-day", "day").await,
        ),
        check(
            "index",
            &format!("{}/by-arrival", config.table_name),
            index(clients, "by-arrival", "arrival_day").await,
        ),
    ];
    match role {
        DeviceRole::DriverStation => {
            checks.push(check("queue", &config.delivery_queue, queue(clients).await));
        }
        DeviceRole::Manager => {
            checks.push(dead_letters(clients, DeadLetters::Store).await);
            checks.push(dead_letters(clients, DeadLetters::Delivery).await);
        }
        DeviceRole::Kitchen => {}
    }
    checks.push(business_day(clients).await);
    checks
}

/// A dead-letter queue, which should be empty: what waits there was never
/// stored (the store queue's) or never taken by a driver station (the
/// delivery queue's) until someone moves it back.
async fn dead_letters(clients: &Clients, which: DeadLetters) -> ResourceCheck {
    let (_, name) = which.queues(clients);
    let (what, command) = match which {
        DeadLetters::Store => (
            "events the store function could not write",
            "kitchen cloud redrive",
        ),
        DeadLetters::Delivery => (
            "ready orders no driver station took",
            "kitchen cloud redrive --delivery",
        ),
    };
    let outcome = match depth(clients, &name).await {
        Ok(0) => CheckOutcome::Ok,
        Ok(waiting) => CheckOutcome::Waiting {
            message: format!(
                "{waiting} {what} wait here: fix what failed them, then run `{command}`"
            ),
        },
        Err(err) => CheckOutcome::of(Err(err)),
    };
    ResourceCheck {
        resource: "dead letters".into(),
        name,
        outcome,
    }
}

/// The stack's business day, which every device takes from the table.
async fn business_day(clients: &Clients) -> ResourceCheck {
    let (name, result) = match kitchen_aws::stack_settings::read_business_day(clients).await {
        Ok(Some(setting)) => (
            format!(
                "{} from {:02}:00",
                setting.time_zone, setting.day_start_hour
            ),
            Ok(()),
        ),
        Ok(None) => (
            "not set".to_owned(),
            Err(CloudError::Missing(format!(
                "the stack's business day in {}: deploy the stack or start its store function",
                clients.config.table_name
            ))),
        ),
        Err(err) => ("unknown".to_owned(), Err(err)),
    };
    ResourceCheck {
        resource: "business day".into(),
        name,
        outcome: CheckOutcome::of(result),
    }
}

async fn credentials(clients: &Clients) -> Result<(), CloudError> {
    let sdk = clients.config.load_sdk_config().await;
    let provider = sdk
        .credentials_provider()
        .ok_or_else(|| CloudError::Missing("credentials: no provider in the chain".into()))?;
    provider
        .provide_credentials()
        .await
        .map(|_| ())
        .map_err(|err| CloudError::Missing(format!("credentials: {err}")))
}

/// On AWS, PutEvents to a bus that does not exist may still succeed: ask for it.
async fn bus(clients: &Clients) -> Result<(), CloudError> {
    let name = &clients.config.bus_name;
    clients
        .events
        .describe_event_bus()
        .name(name)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| CloudError::call("DescribeEventBus", name, e))
}

async fn table(clients: &Clients) -> Result<(), CloudError> {
    let name = &clients.config.table_name;
    clients
        .dynamodb
        .describe_table()
        .table_name(name)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| CloudError::call("DescribeTable", name, e))
}

/// The query the mirror makes on an index, for a day with no items.
async fn index(clients: &Clients, index: &str, hash: &str) -> Result<(), CloudError> {
    let table = &clients.config.table_name;
    let result = clients
        .dynamodb
        .query()
        .table_name(table)
        .index_name(index)
        .key_condition_expression("#day = :day")
        .expression_attribute_names("#day", hash)
        .expression_attribute_values(
            ":day",
            aws_sdk_dynamodb::types::AttributeValue::S(EMPTY_DAY.into()),
        )
        .limit(1)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| CloudError::call("Query", format!("{table}/{index}"), e));
    match result {
        // A table without the index answers ValidationException naming it.
        Err(CloudError::Service { code, message, .. })
            if code == "ValidationException" && message.to_lowercase().contains("index") =>
        {
            Err(CloudError::Missing(format!(
                "index {index} on {table}: {message}"
            )))
        }
        other => other,
    }
}

async fn queue(clients: &Clients) -> Result<(), CloudError> {
    let name = &clients.config.delivery_queue;
    let url = clients.queue_url(name).await?;
    clients
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| CloudError::call("GetQueueAttributes", name, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str) -> Result<(), CloudError> {
        Err(CloudError::Service {
            operation: "DescribeTable",
            resource: "t".into(),
            code: code.into(),
            message: "m".into(),
        })
    }

    #[test]
    fn answers_are_sorted_into_what_a_person_can_fix() {
        assert!(CheckOutcome::of(Ok(())).is_ok());
        assert!(matches!(
            CheckOutcome::of(service("ResourceNotFoundException")),
            CheckOutcome::Missing { .. }
        ));
        assert!(matches!(
            CheckOutcome::of(service("AWS.SimpleQueueService.NonExistentQueue")),
            CheckOutcome::Missing { .. }
        ));
        assert!(matches!(
            CheckOutcome::of(service("AccessDeniedException")),
            CheckOutcome::Forbidden { .. }
        ));
        assert!(matches!(
            CheckOutcome::of(service("ThrottlingException")),
            CheckOutcome::Error { .. }
        ));
        let outcome = serde_json::to_value(CheckOutcome::Forbidden {
            message: "no".into(),
        })
        .unwrap();
        assert_eq!(
            outcome,
            serde_json::json!({"state": "forbidden", "message": "no"})
        );
    }
}

//! Which cloud calls a set of clients has made, as the IAM actions that allow
//! them (`sqs:DeleteMessage` for `DeleteMessageBatch`): what a device's role
//! must be granted, read from what its code really does.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::{
    interceptors::context::BeforeTransmitInterceptorContextRef, interceptors::Intercept,
    orchestrator::Metadata, runtime_components::RuntimeComponents,
};
use aws_smithy_types::config_bag::ConfigBag;

/// The distinct actions called through the clients it is given to.
#[derive(Clone, Debug, Default)]
pub struct CallLog {
    actions: Arc<Mutex<BTreeSet<String>>>,
}

impl CallLog {
    /// Every action called so far, sorted.
    pub fn actions(&self) -> BTreeSet<String> {
        self.actions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The IAM action that allows `operation` of `service` (the SDK's names).
pub fn iam_action(service: &str, operation: &str) -> String {
    let service = service.to_ascii_lowercase();
    let prefix = match service.as_str() {
        "eventbridge" => "events",
        other => other,
    };
    // SQS's batch calls are allowed by the action of their single form.
    let operation = match (prefix, operation.strip_suffix("Batch")) {
        ("sqs", Some(single)) => single,
        _ => operation,
    };
    format!("{prefix}:{operation}")
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "CallLog"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(metadata) = cfg.load::<Metadata>() {
            let action = iam_action(metadata.service(), metadata.name());
            let mut actions = self.actions.lock().unwrap_or_else(PoisonError::into_inner);
            actions.insert(action);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_named_by_the_iam_action_that_allows_them() {
        // The SDK's service names, as its operations' metadata give them.
        assert_eq!(iam_action("EventBridge", "PutEvents"), "events:PutEvents");
        assert_eq!(iam_action("DynamoDB", "Query"), "dynamodb:Query");
        assert_eq!(iam_action("SQS", "DeleteMessageBatch"), "sqs:DeleteMessage");
        assert_eq!(
            iam_action("sqs", "ChangeMessageVisibilityBatch"),
            "sqs:ChangeMessageVisibility"
        );
        // DynamoDB's batch calls are actions of their own.
        assert_eq!(
            iam_action("dynamodb", "BatchWriteItem"),
            "dynamodb:BatchWriteItem"
        );
    }
}

//! The kitchen's AWS adapter: where the cloud is and the SDK clients built
//! from that, the errors of its calls, the event table's items, the queues, the
//! stack's settings in the table, and the store function (one handler for the
//! Lambda and the local worker). No SQLite: the Lambda links this alone.

pub mod calls;
pub mod clock;
pub mod config;
pub mod queue;
pub mod redrive;
pub mod stack_settings;
pub mod store_fn;
pub mod supervisor;
pub mod table;
pub mod worker;

use std::fmt::Display;

use aws_smithy_runtime_api::client::result::SdkError;
use thiserror::Error;

pub use config::{Clients, CloudConfig};

#[derive(Debug, Error)]
pub enum CloudError {
    /// The cloud could not be reached at all (no network, server down, timeout).
    #[error("{operation} on {resource}: cloud unreachable: {detail}")]
    Unreachable {
        operation: &'static str,
        resource: String,
        detail: String,
    },
    /// The cloud answered with an error.
    #[error("{operation} on {resource} failed: {code}: {message}")]
    Service {
        operation: &'static str,
        resource: String,
        code: String,
        message: String,
    },
    #[error("not found in the cloud: {0}")]
    Missing(String),
    #[error("local cloud: {0}")]
    LocalCloud(String),
    #[error("deploying the stack failed: {0}")]
    Deploy(String),
    #[error("moving dead-lettered messages back: {0}")]
    Redrive(String),
}

impl CloudError {
    /// Sorts an SDK error into "could not reach" and "answered with an error".
    pub fn call<E, R>(
        operation: &'static str,
        resource: impl Display,
        err: SdkError<E, R>,
    ) -> CloudError
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let resource = resource.to_string();
        match &err {
            SdkError::ServiceError(service) => {
                let inner = service.err();
                CloudError::Service {
                    operation,
                    resource,
                    code: inner.code().unwrap_or("Unknown").to_owned(),
                    message: inner.message().unwrap_or("").to_owned(),
                }
            }
            _ => CloudError::Unreachable {
                operation,
                resource,
                detail: error_chain(&err),
            },
        }
    }

    pub fn is_unreachable(&self) -> bool {
        matches!(self, CloudError::Unreachable { .. })
    }
}

/// An error and its causes on one line: SDK errors hide the useful part in `source()`.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

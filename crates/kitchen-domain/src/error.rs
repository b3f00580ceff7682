//! What is wrong with an event or a tap, naming the field.

use thiserror::Error;

/// A violation of the event contract. Every variant names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ContractError {
    #[error("field `status`: unknown status {0:?} (expected one of: order done, preparing, in the oven, left the oven, packing for delivery, ready, picked up, delivered, cancelled)")]
    UnknownStatus(String),
    #[error("field `{0}` is missing")]
    Missing(&'static str),
    #[error("field `{field}` must be {expected}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    #[error("field `{0}` is empty")]
    Empty(&'static str),
    #[error("field `{field}` is too long: {len} characters, at most {max}")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("field `{field}` is invalid: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("the event is {size} bytes, over the {max}-byte limit of an EventBridge entry")]
    TooLarge { size: usize, max: usize },
}

impl ContractError {
    /// The field this error is about, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ContractError::UnknownStatus(_) => Some("status"),
            ContractError::Missing(field)
            | ContractError::Empty(field)
            | ContractError::WrongType { field, .. }
            | ContractError::TooLong { field, .. }
            | ContractError::Invalid { field, .. } => Some(field),
            ContractError::NotJson(_) | ContractError::TooLarge { .. } => None,
        }
    }
}

//! What a failed command tells the UI: a code it can act on and a message to show.

use kitchen_device::DeviceError;
use kitchen_store::StoreError;
use serde::Serialize;
use ts_rs::TS;

use crate::device::DatabaseProblem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input was refused; the message names the field. Nothing was stored.
    InvalidInput,
    /// The device's database is damaged: nothing was written; the app offers the repair.
    DatabaseDamaged,
    /// Anything else: the message says what.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    /// The input field an `invalid_input` error is about, as the command's
    /// arguments name it (`client`, `day`, `awsProfile`), when there is one.
    pub field: Option<String>,
}

impl CommandError {
    /// Input refused because of `field`; the message says why.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> CommandError {
        CommandError {
            code: ErrorCode::InvalidInput,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    pub fn internal(message: impl Into<String>) -> CommandError {
        CommandError {
            code: ErrorCode::Internal,
            message: message.into(),
            field: None,
        }
    }
}

impl CommandError {
    /// What every command that needs the database says while it is damaged.
    pub fn damaged(problem: &DatabaseProblem) -> CommandError {
        CommandError {
            code: ErrorCode::DatabaseDamaged,
            message: format!(
                "the device's database {} is damaged ({}): taps are refused until it is repaired; nothing was changed",
                problem.path, problem.detail
            ),
            field: None,
        }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<DeviceError> for CommandError {
    fn from(err: DeviceError) -> CommandError {
        let (code, field) = match &err {
            DeviceError::Store(StoreError::Contract(contract)) => {
                (ErrorCode::InvalidInput, contract.field().map(str::to_owned))
            }
            DeviceError::Store(StoreError::Damaged { .. }) => (ErrorCode::DatabaseDamaged, None),
            _ => (ErrorCode::Internal, None),
        };
        CommandError {
            code,
            message: err.to_string(),
            field,
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(err: StoreError) -> CommandError {
        DeviceError::Store(err).into()
    }
}

impl From<kitchen_aws::CloudError> for CommandError {
    fn from(err: kitchen_aws::CloudError) -> CommandError {
        DeviceError::Cloud(err).into()
    }
}

//! What is wrong with an event or a tap, naming the field.

use std::fmt;

use thiserror::Error;

use crate::Status;

/// The shape of each message, `{name}` standing for what it names. The
/// core writes its messages from these, and so does the in-memory backend of
/// the UI (they are generated into its `contract.ts`), so both say the same.
pub const MESSAGES: [(&str, &str); 8] = [
    (
        "unknownStatus",
        "field `status`: unknown status {value} (expected one of: {statuses})",
    ),
    ("missing", "field `{field}` is missing"),
    ("wrongType", "field `{field}` must be {expected}"),
    ("empty", "field `{field}` is empty"),
    (
        "tooLong",
        "field `{field}` is too long: {len} characters, at most {max}",
    ),
    ("invalid", "field `{field}` is invalid: {reason}"),
    ("notJson", "the body is not JSON: {detail}"),
    (
        "tooLarge",
        "the event is {size} bytes, over the {max}-byte limit of an EventBridge entry",
    ),
];

/// A violation of the event contract. Every variant names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ContractError {
    UnknownStatus(String),
    Missing(&'static str),
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    Empty(&'static str),
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    Invalid {
        field: &'static str,
        reason: String,
    },
    NotJson(String),
    TooLarge {
        size: usize,
        max: usize,
    },
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

    /// Which of [`MESSAGES`] this error says, and what goes in it.
    fn parts(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            ContractError::UnknownStatus(value) => {
                let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                (
                    "unknownStatus",
                    vec![
                        ("value", format!("{value:?}")),
                        ("statuses", statuses.join(", ")),
                    ],
                )
            }
            ContractError::Missing(field) => ("missing", vec![("field", (*field).to_owned())]),
            ContractError::WrongType { field, expected } => (
                "wrongType",
                vec![
                    ("field", (*field).to_owned()),
                    ("expected", (*expected).to_owned()),
                ],
            ),
            ContractError::Empty(field) => ("empty", vec![("field", (*field).to_owned())]),
            ContractError::TooLong { field, len, max } => (
                "tooLong",
                vec![
                    ("field", (*field).to_owned()),
                    ("len", len.to_string()),
                    ("max", max.to_string()),
                ],
            ),
            ContractError::Invalid { field, reason } => (
                "invalid",
                vec![("field", (*field).to_owned()), ("reason", reason.clone())],
            ),
            ContractError::NotJson(detail) => ("notJson", vec![("detail", detail.clone())]),
            ContractError::TooLarge { size, max } => (
                "tooLarge",
                vec![("size", size.to_string()), ("max", max.to_string())],
            ),
        }
    }
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (key, values) = self.parts();
        let template = MESSAGES
            .iter()
            .find(|(name, _)| *name == key)
            .map_or("{field}", |(_, template)| template);
        f.write_str(&fill(template, &values))
    }
}

/// `template` with each `{name}` replaced by its value; the values are not
/// read again, so a value holding braces stays as it is.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if values.iter().any(|(n, _)| *n == name) => {
                let value = values.iter().find(|(n, _)| *n == name).map(|(_, v)| v);
                out.push_str(value.map_or("", String::as_str));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_message_names_its_field_and_values_in_its_shape() {
        let long = ContractError::TooLong {
            field: "client",
            len: 201,
            max: 200,
        };
        assert_eq!(
            long.to_string(),
            "field `client` is too long: 201 characters, at most 200"
        );
        assert_eq!(
            ContractError::Invalid {
                field: "note",
                reason: "has {braces}".into()
            }
            .to_string(),
            "field `note` is invalid: has {braces}"
        );
        assert!(ContractError::UnknownStatus("baking".into())
            .to_string()
            .starts_with(
            "field `status`: unknown status \"baking\" (expected one of: order done, preparing,"
        ));
    }

    #[test]
    fn every_message_has_a_shape() {
        let errors = [
            ContractError::UnknownStatus("x".into()),
            ContractError::Missing("order"),
            ContractError::WrongType {
                field: "order",
                expected: "a string",
            },
            ContractError::Empty("order"),
            ContractError::TooLong {
                field: "order",
                len: 2,
                max: 1,
            },
            ContractError::Invalid {
                field: "order",
                reason: "r".into(),
            },
            ContractError::NotJson("eof".into()),
            ContractError::TooLarge { size: 2, max: 1 },
        ];
        let keys: Vec<&str> = errors.iter().map(|e| e.parts().0).collect();
        let shapes: Vec<&str> = MESSAGES.iter().map(|(key, _)| *key).collect();
        assert_eq!(keys, shapes);
        for error in errors {
            assert!(!error.to_string().contains('{'), "{error}");
        }
    }
}

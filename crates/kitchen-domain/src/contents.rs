//! What an order is: its lines (quantity, item, size, modifiers), a note for
//! the kitchen, and for a delivery the address, a phone number and a note for
//! the driver. Carried by an `order done` event only, as optional fields of
//! version "1": a consumer that does not know them reads the event as before.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::{ContractError, Status};

/// At most this many lines in one order.
pub const MAX_LINES: usize = 50;
/// At most this many of one line.
pub const MAX_QUANTITY: u32 = 99;
pub const MAX_ITEM_CHARS: usize = 60;
pub const MAX_SIZE_CHARS: usize = 20;
/// At most this many modifiers on one line, each at most [`MAX_MODIFIER_CHARS`].
pub const MAX_MODIFIERS: usize = 10;
pub const MAX_MODIFIER_CHARS: usize = 40;
/// The kitchen's note, the driver's note and the address.
pub const MAX_NOTE_CHARS: usize = 200;
pub const MAX_ADDRESS_CHARS: usize = 200;
pub const MAX_PHONE_CHARS: usize = 30;

/// An order as the counter types it: each line as a person writes it
/// (`2x Margherita (large) + olives`), and the notes and where it goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct OrderForm {
    #[ts(optional, as = "Option<Vec<String>>")]
    pub lines: Vec<String>,
    #[ts(optional)]
    pub note: Option<String>,
    #[ts(optional)]
    pub address: Option<String>,
    #[ts(optional)]
    pub phone: Option<String>,
    #[ts(optional)]
    pub delivery_note: Option<String>,
}

impl OrderForm {
    /// The contents the form says, checked; blank lines are skipped.
    pub fn contents(self) -> Result<OrderContents, ContractError> {
        let lines = self
            .lines
            .iter()
            .map(|line| line.trim())
            .filter(|line| !line.is_empty())
            .enumerate()
            .map(|(i, line)| line.parse::<OrderLine>().map_err(|e| at_line(i, e)))
            .collect::<Result<Vec<_>, _>>()?;
        OrderContents {
            lines,
            note: self.note,
            address: self.address,
            phone: self.phone,
            delivery_note: self.delivery_note,
        }
        .validated(Status::OrderDone)
    }
}

/// One line of an order: `2× Margherita (large) + olives, no onion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OrderLine {
    pub quantity: u32,
    pub item: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub size: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<String>>")]
    pub modifiers: Vec<String>,
}

/// An order's contents; every field may be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OrderContents {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<OrderLine>>")]
    pub lines: Vec<OrderLine>,
    /// For the kitchen: "cut in 8".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub note: Option<String>,
    /// Where a delivery goes. Personal data: shown only where it is needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub address: Option<String>,
    /// The customer's phone. Personal data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub phone: Option<String>,
    /// For the driver: "ring twice".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub delivery_note: Option<String>,
}

/// The fields of an `order done` detail that are personal data. The table
/// keeps them apart from the event, and only until they expire; the event's
/// history keeps the rest.
pub const PERSONAL_FIELDS: [&str; 3] = ["address", "phone", "delivery_note"];

/// Where a delivery goes and how to reach the customer: personal data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_note: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        *self == Contact::default()
    }

    /// Takes the personal fields out of an event's detail; `None` when it had
    /// none. What else the detail holds stays.
    pub fn take_from(detail: &mut Value) -> Option<Contact> {
        let fields = detail.as_object_mut()?;
        let mut take = |name: &str| match fields.remove(name) {
            Some(Value::String(text)) => Some(text),
            _ => None,
        };
        let contact = Contact {
            address: take("address"),
            phone: take("phone"),
            delivery_note: take("delivery_note"),
        };
        (!contact.is_empty()).then_some(contact)
    }

    /// The contact of these contents.
    pub fn of(contents: &OrderContents) -> Contact {
        Contact {
            address: contents.address.clone(),
            phone: contents.phone.clone(),
            delivery_note: contents.delivery_note.clone(),
        }
    }
}

impl OrderContents {
    pub fn is_empty(&self) -> bool {
        *self == OrderContents::default()
    }

    /// The contents trimmed and checked, for a tap of `status`: only an
    /// `order done` tap carries them. Errors name the field; they never repeat
    /// an address or a phone number, which are personal data.
    pub fn validated(self, status: Status) -> Result<OrderContents, ContractError> {
        if self.is_empty() {
            return Ok(self);
        }
        if status != Status::OrderDone {
            return Err(ContractError::Invalid {
                field: "lines",
                reason: format!(
                    "only an \"order done\" tap carries the order's contents, not {:?}",
                    status.as_str()
                ),
            });
        }
        if self.lines.len() > MAX_LINES {
            return Err(ContractError::Invalid {
                field: "lines",
                reason: format!("{} lines, at most {MAX_LINES}", self.lines.len()),
            });
        }
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| line.validated().map_err(|e| at_line(i, e)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OrderContents {
            lines,
            note: optional(self.note, "note", MAX_NOTE_CHARS)?,
            address: optional(self.address, "address", MAX_ADDRESS_CHARS)?,
            phone: optional(self.phone, "phone", MAX_PHONE_CHARS)?
                .map(validate_phone)
                .transpose()?,
            delivery_note: optional(self.delivery_note, "delivery_note", MAX_NOTE_CHARS)?,
        })
    }

    /// The contents a `detail` carries, checked as the rest of it is; fields
    /// of other names are left to the detail, which keeps them.
    pub fn from_detail(
        fields: &Map<String, Value>,
        status: Status,
    ) -> Result<OrderContents, ContractError> {
        let mut known = Map::new();
        for key in ["lines", "note", "address", "phone", "delivery_note"] {
            match fields.get(key) {
                None | Some(Value::Null) => {}
                Some(value) => {
                    known.insert(key.to_owned(), value.clone());
                }
            }
        }
        if known.is_empty() {
            return Ok(OrderContents::default());
        }
        // The parser's own message may quote a value (an address): not said.
        let contents: OrderContents =
            serde_json::from_value(Value::Object(known)).map_err(|_| ContractError::Invalid {
                field: "detail.lines",
                reason: "the order's contents are not as the contract says: `lines` is a list of \
                         {quantity, item, size?, modifiers?}; `note`, `address`, `phone` and \
                         `delivery_note` are text"
                    .into(),
            })?;
        contents.validated(status)
    }
}

impl OrderLine {
    fn validated(self) -> Result<OrderLine, ContractError> {
        if !(1..=MAX_QUANTITY).contains(&self.quantity) {
            return Err(ContractError::Invalid {
                field: "lines.quantity",
                reason: format!("{} is not from 1 to {MAX_QUANTITY}", self.quantity),
            });
        }
        if self.modifiers.len() > MAX_MODIFIERS {
            return Err(ContractError::Invalid {
                field: "lines.modifiers",
                reason: format!(
                    "{} modifiers, at most {MAX_MODIFIERS}",
                    self.modifiers.len()
                ),
            });
        }
        Ok(OrderLine {
            quantity: self.quantity,
            item: text(&self.item, "lines.item", MAX_ITEM_CHARS)?,
            size: optional(self.size, "lines.size", MAX_SIZE_CHARS)?,
            modifiers: self
                .modifiers
                .iter()
                .map(|m| text(m, "lines.modifiers", MAX_MODIFIER_CHARS))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// A line as a person types it: `2x Margherita (large) + olives, no onion`;
/// the quantity (`2x`, `2 x`, `2×`) may be left out for one.
impl FromStr for OrderLine {
    type Err = ContractError;

    fn from_str(text: &str) -> Result<OrderLine, ContractError> {
        let (rest, modifiers) = match text.split_once('+') {
            Some((rest, modifiers)) => (
                rest,
                modifiers
                    .split(',')
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            None => (text, Vec::new()),
        };
        let rest = rest.trim();
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let after = &rest[digits..];
        let counted = |name: &str| -> Result<(u32, String), ContractError> {
            let quantity = rest[..digits].parse().map_err(|_| ContractError::Invalid {
                field: "lines.quantity",
                reason: format!("{:?} is not a quantity", &rest[..digits]),
            })?;
            Ok((quantity, name.trim().to_owned()))
        };
        // `2x Margherita`, `3 × Coke`, `12 Garlic bread`; else one of it.
        let (quantity, rest) = match after.trim_start().strip_prefix(['x', 'X', '×']) {
            _ if digits == 0 => (1, rest.to_owned()),
            Some(name) if name.is_empty() || name.starts_with(' ') => counted(name)?,
            _ if after.starts_with(' ') => counted(after)?,
            _ => (1, rest.to_owned()),
        };
        let (item, size) = match rest.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
            Some((item, size)) => (item.trim().to_owned(), Some(size.trim().to_owned())),
            None => (rest, None),
        };
        OrderLine {
            quantity,
            item,
            size: size.filter(|s| !s.is_empty()),
            modifiers,
        }
        .validated()
    }
}

impl fmt::Display for OrderLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}× {}", self.quantity, self.item)?;
        if let Some(size) = &self.size {
            write!(f, " ({size})")?;
        }
        if !self.modifiers.is_empty() {
            write!(f, " + {}", self.modifiers.join(", "))?;
        }
        Ok(())
    }
}

fn at_line(index: usize, err: ContractError) -> ContractError {
    match err {
        ContractError::Invalid { field, reason } => ContractError::Invalid {
            field,
            reason: format!("line {}: {reason}", index + 1),
        },
        ContractError::TooLong { field, len, max } => ContractError::Invalid {
            field,
            reason: format!("line {}: {len} characters, at most {max}", index + 1),
        },
        ContractError::Empty(field) => ContractError::Invalid {
            field,
            reason: format!("line {}: empty", index + 1),
        },
        other => other,
    }
}

/// A required text: trimmed, not empty, within `max` characters, no control
/// characters. The error says how long it was, never what it said.
fn text(value: &str, field: &'static str, max: usize) -> Result<String, ContractError> {
    crate::event::non_empty_within(value.trim(), field, max)
}

/// An optional text: blank is none.
fn optional(
    value: Option<String>,
    field: &'static str,
    max: usize,
) -> Result<Option<String>, ContractError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(v, field, max).map(Some),
    }
}

/// Digits, spaces and `+ - ( ) .` only, with at least three digits.
fn validate_phone(phone: String) -> Result<String, ContractError> {
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    if !phone.chars().all(allowed) || phone.chars().filter(char::is_ascii_digit).count() < 3 {
        return Err(ContractError::Invalid {
            field: "phone",
            reason: "is not a phone number (digits, spaces and + - ( ) . only)".into(),
        });
    }
    Ok(phone)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_typed_order_is_refused_in_the_words_the_browser_preview_uses_too() {
        // ui/src/lib/backend/mock.test.ts expects these very messages.
        let refused = |lines: &[&str]| {
            OrderForm {
                lines: lines.iter().map(|l| (*l).to_owned()).collect(),
                ..OrderForm::default()
            }
            .contents()
            .unwrap_err()
            .to_string()
        };
        assert_eq!(
            refused(&["100x Margherita"]),
            "field `lines.quantity` is invalid: line 1: 100 is not from 1 to 99"
        );
        assert_eq!(
            refused(&[&format!("1x {}", "M".repeat(61))]),
            "field `lines.item` is invalid: line 1: 61 characters, at most 60"
        );
    }

    use super::*;

    fn line(text: &str) -> OrderLine {
        text.parse().unwrap()
    }

    #[test]
    fn a_line_is_read_as_a_person_types_it_and_shown_back() {
        assert_eq!(
            line("2x Margherita (large) + olives, no onion"),
            OrderLine {
                quantity: 2,
                item: "Margherita".into(),
                size: Some("large".into()),
                modifiers: vec!["olives".into(), "no onion".into()],
            }
        );
        assert_eq!(line("Calzone").quantity, 1);
        assert_eq!(line("3 × Coke").item, "Coke");
        assert_eq!(line("12 Garlic bread").quantity, 12);
        // A name that starts with a digit keeps it when a quantity is given.
        assert_eq!(line("1x 4 Cheeses").item, "4 Cheeses");
        let shown = line("2x Margherita (large) + olives, no onion").to_string();
        assert_eq!(shown, "2× Margherita (large) + olives, no onion");
        assert_eq!(
            line(&shown),
            line("2x Margherita (large) + olives, no onion")
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let field = |r: Result<OrderLine, ContractError>| r.unwrap_err().field().unwrap();
        assert_eq!(field("0x Margherita".parse()), "lines.quantity");
        assert_eq!(field("100x Margherita".parse()), "lines.quantity");
        assert_eq!(field("2x ".parse()), "lines.item");
        assert_eq!(
            field(format!("{} (large)", "M".repeat(61)).parse()),
            "lines.item"
        );
        assert_eq!(
            field("Margherita (extra extra extra large)".parse()),
            "lines.size"
        );
        let many = format!("Margherita + {}", ["olives"; 11].join(", "));
        assert_eq!(field(many.parse()), "lines.modifiers");

        let done = |c: OrderContents| c.validated(Status::OrderDone);
        let err = |c: OrderContents| done(c).unwrap_err();
        let lines = vec![line("Margherita"); MAX_LINES + 1];
        assert_eq!(
            err(OrderContents {
                lines,
                ..Default::default()
            })
            .field(),
            Some("lines")
        );
        let address = Some("Rua A\n12".into());
        assert_eq!(
            err(OrderContents {
                address,
                ..Default::default()
            })
            .field(),
            Some("address")
        );
        let phone = Some("call me".into());
        let refused = err(OrderContents {
            phone,
            ..Default::default()
        });
        assert_eq!(refused.field(), Some("phone"));
        assert!(!refused.to_string().contains("call me"), "{refused}");
        let note = Some("n".repeat(MAX_NOTE_CHARS + 1));
        assert_eq!(
            err(OrderContents {
                note,
                ..Default::default()
            })
            .field(),
            Some("note")
        );
        // Only an "order done" tap carries them.
        let lines = vec![line("Margherita")];
        let ready = OrderContents {
            lines,
            ..Default::default()
        }
        .validated(Status::Ready);
        assert_eq!(ready.unwrap_err().field(), Some("lines"));
        // Blank fields are none.
        let blank = OrderContents {
            note: Some("  ".into()),
            ..Default::default()
        };
        assert!(done(blank).unwrap().is_empty());
    }

    #[test]
    fn a_typed_order_form_becomes_checked_contents() {
        let form = OrderForm {
            lines: vec![
                "2x Margherita (large) + olives".into(),
                "  ".into(),
                "Coke".into(),
            ],
            note: Some("cut in 8".into()),
            phone: Some(" ".into()),
            ..OrderForm::default()
        };
        let contents = form.contents().unwrap();
        assert_eq!(contents.lines.len(), 2);
        assert_eq!(contents.phone, None);
        let bad = OrderForm {
            lines: vec!["Margherita".into(), "0x Coke".into()],
            ..OrderForm::default()
        };
        let err = bad.contents().unwrap_err();
        assert_eq!(err.field(), Some("lines.quantity"));
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn contents_are_read_from_a_detail_beside_fields_they_do_not_know() {
        let detail = serde_json::json!({
            "order": "42",
            "lines": [{ "quantity": 2, "item": "Margherita", "modifiers": ["olives"] }],
            "address": "Rua das Flores 12",
            "phone": "+55 11 91234-5678",
            "allergens": ["gluten"],
        });
        let contents =
            OrderContents::from_detail(detail.as_object().unwrap(), Status::OrderDone).unwrap();
        assert_eq!(contents.lines[0].to_string(), "2× Margherita + olives");
        assert_eq!(contents.phone.as_deref(), Some("+55 11 91234-5678"));
        let none = serde_json::json!({ "order": "42" });
        let none = OrderContents::from_detail(none.as_object().unwrap(), Status::Ready).unwrap();
        assert!(none.is_empty());
        let bad = serde_json::json!({ "lines": "Rua das Flores 12" });
        let bad = OrderContents::from_detail(bad.as_object().unwrap(), Status::OrderDone);
        let bad = bad.unwrap_err();
        assert_eq!(bad.field(), Some("detail.lines"));
        assert!(!bad.to_string().contains("Flores"), "{bad}");
    }
}

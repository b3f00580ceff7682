//! Order statuses, as the exact lower-case phrases of the event contract.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ContractError;

/// Where an order stands. The kitchen stages come first, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Status {
    OrderDone,
    Preparing,
    InTheOven,
    LeftTheOven,
    PackingForDelivery,
    Ready,
    PickedUp,
    Delivered,
    Cancelled,
}

impl Status {
    /// Every status, kitchen stages first, then delivery, then `cancelled`.
    pub const ALL: [Status; 9] = [
        Status::OrderDone,
        Status::Preparing,
        Status::InTheOven,
        Status::LeftTheOven,
        Status::PackingForDelivery,
        Status::Ready,
        Status::PickedUp,
        Status::Delivered,
        Status::Cancelled,
    ];

    /// The six kitchen stages a new order goes through, in order: the first
    /// six of [`Status::ALL`].
    pub const KITCHEN: [Status; 6] = {
        let mut stages = [Status::OrderDone; 6];
        let mut i = 0;
        while i < stages.len() {
            stages[i] = Status::ALL[i];
            i += 1;
        }
        stages
    };

    pub fn as_str(self) -> &'static str {
        match self {
            Status::OrderDone => "order done",
            Status::Preparing => "preparing",
            Status::InTheOven => "in the oven",
            Status::LeftTheOven => "left the oven",
            Status::PackingForDelivery => "packing for delivery",
            Status::Ready => "ready",
            Status::PickedUp => "picked up",
            Status::Delivered => "delivered",
            Status::Cancelled => "cancelled",
        }
    }

    /// The stage that follows this one, if any (`cancelled` and `delivered` end an order).
    pub fn next(self) -> Option<Status> {
        match self {
            Status::OrderDone => Some(Status::Preparing),
            Status::Preparing => Some(Status::InTheOven),
            Status::InTheOven => Some(Status::LeftTheOven),
            Status::LeftTheOven => Some(Status::PackingForDelivery),
            Status::PackingForDelivery => Some(Status::Ready),
            Status::Ready => Some(Status::PickedUp),
            Status::PickedUp => Some(Status::Delivered),
            Status::Delivered | Status::Cancelled => None,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = ContractError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| ContractError::UnknownStatus(s.to_owned()))
    }
}

impl TryFrom<String> for Status {
    type Error = ContractError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Status> for &'static str {
    fn from(status: Status) -> Self {
        status.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_phrase_and_json() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>().unwrap(), status);
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(serde_json::from_str::<Status>(&json).unwrap(), status);
        }
    }

    #[test]
    fn unknown_or_differently_cased_status_is_rejected_by_name() {
        for bad in ["Ready", "baking", "", "ready "] {
            let err = bad.parse::<Status>().unwrap_err();
            assert_eq!(err, ContractError::UnknownStatus(bad.to_owned()));
            assert!(err.to_string().contains("status"), "{err}");
        }
    }

    #[test]
    fn kitchen_stages_chain_to_ready() {
        let mut stage = Status::OrderDone;
        let mut seen = vec![stage];
        while let Some(next) = stage.next().filter(|s| *s <= Status::Ready) {
            seen.push(next);
            stage = next;
        }
        assert_eq!(seen, Status::KITCHEN);
    }
}

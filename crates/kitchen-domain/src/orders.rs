//! Orders worked out from their events: where each order stands, which are
//! still open, and the drivers' lists. Every screen and the CLI read orders
//! through these, so they give the same answers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::{OrderContents, Status};

/// One event of an order, as a view of the mirror and the outbox holds it.
#[derive(Debug, Clone, Copy)]
pub struct OrderEvent<'a> {
    pub day: &'a str,
    pub order: &'a str,
    pub status: &'a str,
    pub client: &'a str,
    /// RFC 3339 UTC with milliseconds: fixed width, so it sorts as text.
    pub time: &'a str,
    pub event_id: &'a str,
}

/// Where an order stands: the status of its latest event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderSummary {
    pub day: String,
    pub order: String,
    pub client: String,
    pub current: Status,
    pub current_at: String,
    /// When the order was entered (`order done`), else its first event.
    pub created_at: String,
}

impl OrderSummary {
    /// Not delivered and not cancelled.
    pub fn is_open(&self) -> bool {
        !matches!(self.current, Status::Delivered | Status::Cancelled)
    }

    pub fn created(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.created_at)
    }
}

pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Events sort by time; a tie goes to the later stage, then to the event id.
fn sort_key<'a>(event: &OrderEvent<'a>, status: Status) -> (&'a str, usize, &'a str) {
    let rank = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
    (event.time, rank, event.event_id)
}

/// Each order of `events` (one per business day and number) with its current
/// status. Undo is a later tap of an earlier stage, so the current status is
/// that of the latest event. Statuses of newer schemas are left out.
pub fn summarize<'a>(events: impl IntoIterator<Item = OrderEvent<'a>>) -> Vec<OrderSummary> {
    type Latest<'a> = ((&'a str, usize, &'a str), Status, &'a str);
    let mut orders: BTreeMap<(&'a str, &'a str), (Latest<'a>, Option<&'a str>, &'a str)> =
        BTreeMap::new();
    for event in events {
        let Ok(status) = event.status.parse::<Status>() else {
            continue;
        };
        let key = sort_key(&event, status);
        let entry = orders.entry((event.day, event.order)).or_insert((
            (key, status, event.client),
            None,
            event.time,
        ));
        if key > entry.0 .0 {
            entry.0 = (key, status, event.client);
        }
        if status == Status::OrderDone {
            entry.1 = Some(entry.1.map_or(event.time, |t: &str| t.min(event.time)));
        }
        entry.2 = entry.2.min(event.time);
    }
    orders
        .into_iter()
        .map(
            |((day, order), ((key, current, client), entered, first))| OrderSummary {
                day: day.to_owned(),
                order: order.to_owned(),
                client: client.to_owned(),
                current,
                current_at: key.0.to_owned(),
                created_at: entered.unwrap_or(first).to_owned(),
            },
        )
        .collect()
}

/// An order with every event a view holds of it, in order: what the board at
/// any moment and the late list read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderHistory {
    pub day: String,
    pub order: String,
    /// The client its latest event names.
    pub client: String,
    /// Each status it reached with its time, oldest first (a tie goes to the later stage).
    pub events: Vec<(Status, String)>,
    /// What the order is, when its `order done` said it.
    pub contents: Option<OrderContents>,
}

impl OrderHistory {
    /// The time of the latest event of `status`.
    pub fn time_of(&self, status: Status) -> Option<&str> {
        self.events
            .iter()
            .rev()
            .find(|(s, _)| *s == status)
            .map(|(_, time)| time.as_str())
    }

    /// The time of its first event.
    pub fn first_time(&self) -> &str {
        self.events.first().map_or("", |(_, time)| time.as_str())
    }

    /// Where it stood at `at` (the status of its last event then), or stands
    /// now when `at` is `None`; `None` before its first event.
    pub fn status_at(&self, at: Option<&str>) -> Option<Status> {
        self.events
            .iter()
            .take_while(|(_, time)| at.is_none_or(|at| time.as_str() <= at))
            .last()
            .map(|(status, _)| *status)
    }
}

/// Each order of `events` (one per business day and number) with its whole
/// history; an event may come with the order's contents. Statuses of newer
/// schemas are left out.
pub fn histories<'a>(
    events: impl IntoIterator<Item = (OrderEvent<'a>, Option<&'a OrderContents>)>,
) -> Vec<OrderHistory> {
    type Sorted<'a> = Vec<((&'a str, usize, &'a str), Status, &'a str)>;
    let mut orders: BTreeMap<(&'a str, &'a str), (Sorted<'a>, Option<&'a OrderContents>)> =
        BTreeMap::new();
    for (event, contents) in events {
        let Ok(status) = event.status.parse::<Status>() else {
            continue;
        };
        let entry = orders.entry((event.day, event.order)).or_default();
        entry
            .0
            .push((sort_key(&event, status), status, event.client));
        if contents.is_some() {
            entry.1 = contents;
        }
    }
    orders
        .into_iter()
        .map(|((day, order), (mut events, contents))| {
            events.sort_by(|a, b| a.0.cmp(&b.0));
            let client = events.last().map_or("", |(_, _, client)| *client);
            OrderHistory {
                day: day.to_owned(),
                order: order.to_owned(),
                client: client.to_owned(),
                events: events
                    .iter()
                    .map(|(key, status, _)| (*status, key.0.to_owned()))
                    .collect(),
                contents: contents.cloned(),
            }
        })
        .collect()
}

/// Open orders entered at or after `since` (the board's bound), oldest first.
pub fn open_orders(summaries: Vec<OrderSummary>, since: DateTime<Utc>) -> Vec<OrderSummary> {
    let mut open: Vec<OrderSummary> = summaries
        .into_iter()
        .filter(|o| o.is_open() && o.created().is_some_and(|at| at >= since))
        .collect();
    open.sort_by(|a, b| (&a.created_at, &a.day, &a.order).cmp(&(&b.created_at, &b.day, &b.order)));
    open
}

/// An order on the drivers' screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShelfOrder {
    /// The order's business day: with the number, which order it is.
    pub day: String,
    pub order: String,
    pub client: String,
    /// When it became ready (on the road: when it was picked up).
    pub since: String,
    /// Where it goes, when its `order done` said so. Personal data.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The customer's phone. Personal data.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// For the driver: "ring twice".
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_note: Option<String>,
}

/// The drivers' two lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DriverLists {
    /// On the shelf, oldest first: the one that has waited longest goes out next.
    pub ready: Vec<ShelfOrder>,
    /// Picked up, not delivered yet, oldest first.
    pub on_the_road: Vec<ShelfOrder>,
}

/// The drivers' lists from the orders' summaries.
pub fn driver_lists(summaries: &[OrderSummary]) -> DriverLists {
    let mut lists = DriverLists::default();
    for order in summaries {
        let list = match order.current {
            Status::Ready => &mut lists.ready,
            Status::PickedUp => &mut lists.on_the_road,
            _ => continue,
        };
        list.push(ShelfOrder {
            day: order.day.clone(),
            order: order.order.clone(),
            client: order.client.clone(),
            since: order.current_at.clone(),
            address: None,
            phone: None,
            delivery_note: None,
        });
    }
    for list in [&mut lists.ready, &mut lists.on_the_road] {
        list.sort_by(|a, b| (&a.since, &a.day, &a.order).cmp(&(&b.since, &b.day, &b.order)));
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(day: &'a str, order: &'a str, status: &'a str, time: &'a str) -> OrderEvent<'a> {
        OrderEvent {
            day,
            order,
            status,
            client: "Ana",
            time,
            event_id: time,
        }
    }

    #[test]
    fn the_latest_event_is_where_the_order_stands_and_undo_is_a_later_tap() {
        let events = [
            event("2026-12-02", "1", "order done", "2026-12-02T20:00:00.000Z"),
            event("2026-12-02", "1", "in the oven", "2026-12-02T20:05:00.000Z"),
            // Undo: "preparing" tapped again after "in the oven".
            event("2026-12-02", "1", "preparing", "2026-12-02T20:05:00.400Z"),
        ];
        let orders = summarize(events);
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0].current, Status::Preparing);
        assert_eq!(orders[0].created_at, "2026-12-02T20:00:00.000Z");
    }

    #[test]
    fn the_same_number_on_two_days_is_two_orders() {
        let events = [
            event(
                "2026-12-01",
                "860001",
                "delivered",
                "2026-12-01T21:00:00.000Z",
            ),
            event("2026-12-02", "860001", "ready", "2026-12-02T21:00:00.000Z"),
        ];
        let orders = summarize(events);
        assert_eq!(orders.len(), 2);
        let lists = driver_lists(&orders);
        assert_eq!(lists.ready.len(), 1);
        assert_eq!(lists.ready[0].day, "2026-12-02");
    }

    #[test]
    fn open_orders_leave_out_finished_and_old_ones() {
        let events = [
            event("2026-12-01", "1", "order done", "2026-12-01T10:00:00.000Z"),
            event("2026-12-02", "2", "order done", "2026-12-02T23:50:00.000Z"),
            event("2026-12-02", "2", "ready", "2026-12-03T00:10:00.000Z"),
            event("2026-12-02", "3", "order done", "2026-12-02T22:00:00.000Z"),
            event("2026-12-02", "3", "cancelled", "2026-12-02T22:01:00.000Z"),
            event("2026-12-02", "4", "future", "2026-12-02T22:01:00.000Z"),
        ];
        let since = "2026-12-02T00:30:00Z".parse().unwrap();
        let open = open_orders(summarize(events), since);
        let numbers: Vec<&str> = open.iter().map(|o| o.order.as_str()).collect();
        assert_eq!(numbers, ["2"]);
    }
}

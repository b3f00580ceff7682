//! The kitchen board, the "all day" count and the manager's late orders,
//! worked out from orders' histories. The screens and the CLI both show these,
//! so they give the same answers.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::orders::{parse_time, OrderHistory};
use crate::{OrderContents, Status};

/// An order card on the kitchen board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BoardOrder {
    /// The order's business day: with the number, which order it is.
    pub day: String,
    pub order: String,
    pub client: String,
    /// The kitchen stage it is at.
    #[ts(type = "Status")]
    pub current: Status,
    /// When it was entered (its `order done`): the aging timer counts from here.
    pub created_at: String,
    /// What to cook: the lines and the kitchen's note, never where it goes.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contents: Option<OrderContents>,
}

/// One column of the board: the orders at one kitchen stage, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BoardColumn {
    #[ts(type = "Status")]
    pub stage: Status,
    pub orders: Vec<BoardOrder>,
}

/// One item of the "all day" count: how many of it the open orders still want.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AllDayItem {
    pub item: String,
    pub count: u32,
}

/// The kitchen board: the six kitchen columns, and what is still to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BoardView {
    /// The six kitchen stages in order, each with its orders, oldest first.
    pub columns: Vec<BoardColumn>,
    /// What the orders not ready yet still want, summed by item (sizes
    /// together): most first, then by name.
    pub all_day: Vec<AllDayItem>,
}

impl BoardView {
    /// How many orders the board shows.
    pub fn len(&self) -> usize {
        self.columns.iter().map(|c| c.orders.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The board as it stood at `at` (RFC 3339, as rows carry time), or as it
/// stands now when `at` is `None`. An order sits in the column of its last
/// event at or before `at`; orders picked up, delivered or cancelled by then,
/// and orders not entered yet, are not on it.
pub fn board_at(orders: &[OrderHistory], at: Option<&str>) -> BoardView {
    let mut columns: BTreeMap<Status, Vec<BoardOrder>> = BTreeMap::new();
    for order in orders {
        let Some(current) = order.status_at(at) else {
            continue;
        };
        if !Status::KITCHEN.contains(&current) {
            continue;
        }
        // An order done tapped after the moment (clocks that disagree) does not date the card.
        let created_at = match (order.time_of(Status::OrderDone), at) {
            (Some(done), Some(at)) if done > at => order.first_time(),
            (Some(done), _) => done,
            (None, _) => order.first_time(),
        };
        columns.entry(current).or_default().push(BoardOrder {
            day: order.day.clone(),
            order: order.order.clone(),
            client: order.client.clone(),
            current,
            created_at: created_at.to_owned(),
            contents: order.contents.as_ref().and_then(kitchen_contents),
        });
    }
    let columns: Vec<BoardColumn> = Status::KITCHEN
        .into_iter()
        .map(|stage| {
            let mut orders = columns.remove(&stage).unwrap_or_default();
            orders.sort_by(|a, b| {
                (&a.created_at, &a.day, &a.order).cmp(&(&b.created_at, &b.day, &b.order))
            });
            BoardColumn { stage, orders }
        })
        .collect();
    let all_day = all_day(&columns);
    BoardView { columns, all_day }
}

/// What the kitchen reads of an order's contents: its lines and note. The
/// address and phone are for the drivers' screen only.
fn kitchen_contents(contents: &OrderContents) -> Option<OrderContents> {
    let kept = OrderContents {
        lines: contents.lines.clone(),
        note: contents.note.clone(),
        ..OrderContents::default()
    };
    (kept != OrderContents::default()).then_some(kept)
}

/// The "all day" count of the orders on the board that are not ready yet.
fn all_day(columns: &[BoardColumn]) -> Vec<AllDayItem> {
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for order in columns
        .iter()
        .filter(|c| c.stage != Status::Ready)
        .flat_map(|c| &c.orders)
    {
        for line in order.contents.iter().flat_map(|c| &c.lines) {
            *counts.entry(&line.item).or_default() += line.quantity;
        }
    }
    let mut items: Vec<AllDayItem> = counts
        .into_iter()
        .map(|(item, count)| AllDayItem {
            item: item.to_owned(),
            count,
        })
        .collect();
    // The map gave them by name: a stable sort by count keeps that within a count.
    items.sort_by_key(|item| Reverse(item.count));
    items
}

/// An order that took too long from its `order done` to ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LateOrder {
    pub day: String,
    pub order: String,
    pub client: String,
    pub created_at: String,
    /// When it became ready; absent while it is not ready yet.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_at: Option<String>,
    /// From `order done` to ready, or to the moment asked about while not ready.
    #[ts(type = "number")]
    pub waited_ms: i64,
}

/// Orders that took longer than `late_after` from `order done` to ready, or
/// that are older than that at `until` and still not ready; longest first.
/// An order picked up or delivered without a `ready` tap was ready by then.
/// Cancelled orders that never became ready are not late: they are gone.
pub fn late_orders(
    orders: &[OrderHistory],
    late_after: Duration,
    until: DateTime<Utc>,
) -> Vec<LateOrder> {
    let mut late = Vec::new();
    for order in orders {
        let ready_at = [Status::Ready, Status::PickedUp, Status::Delivered]
            .into_iter()
            .find_map(|status| order.time_of(status));
        if ready_at.is_none() && order.time_of(Status::Cancelled).is_some() {
            continue;
        }
        let created_at = order
            .time_of(Status::OrderDone)
            .unwrap_or(order.first_time());
        let (Some(created), end) = (parse_time(created_at), ready_at.and_then(parse_time)) else {
            continue;
        };
        let waited = end.unwrap_or(until) - created;
        if waited > late_after {
            late.push(LateOrder {
                day: order.day.clone(),
                order: order.order.clone(),
                client: order.client.clone(),
                created_at: created_at.to_owned(),
                ready_at: ready_at.map(str::to_owned),
                waited_ms: waited.num_milliseconds(),
            });
        }
    }
    late.sort_by(|a, b| {
        (Reverse(a.waited_ms), &a.created_at, &a.day, &a.order).cmp(&(
            Reverse(b.waited_ms),
            &b.created_at,
            &b.day,
            &b.order,
        ))
    });
    late
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::{histories, OrderEvent};
    use crate::OrderLine;

    fn event<'a>(order: &'a str, status: &'a str, time: &'a str) -> OrderEvent<'a> {
        OrderEvent {
            day: "2026-12-02",
            order,
            status,
            client: "Ana",
            time,
            event_id: time,
        }
    }

    fn line(quantity: u32, item: &str) -> OrderLine {
        OrderLine {
            quantity,
            item: item.to_owned(),
            size: None,
            modifiers: Vec::new(),
        }
    }

    fn numbers(column: &BoardColumn) -> Vec<&str> {
        column.orders.iter().map(|o| o.order.as_str()).collect()
    }

    #[test]
    fn each_kitchen_stage_is_a_column_oldest_order_first_and_finished_orders_are_off_it() {
        let events = [
            event("2", "order done", "2026-12-02T20:01:00.000Z"),
            event("1", "order done", "2026-12-02T20:00:00.000Z"),
            event("1", "in the oven", "2026-12-02T20:10:00.000Z"),
            event("3", "order done", "2026-12-02T19:59:00.000Z"),
            event("3", "picked up", "2026-12-02T20:30:00.000Z"),
            event("4", "order done", "2026-12-02T20:02:00.000Z"),
            event("5", "order done", "2026-12-02T19:00:00.000Z"),
        ];
        let orders = histories(events.map(|e| (e, None)));
        let board = board_at(&orders, None);
        let stages: Vec<Status> = board.columns.iter().map(|c| c.stage).collect();
        assert_eq!(stages, Status::KITCHEN);
        assert_eq!(numbers(&board.columns[0]), ["5", "2", "4"]);
        assert_eq!(numbers(&board.columns[2]), ["1"]);
        assert_eq!(board.len(), 4, "the order picked up has left the kitchen");
    }

    #[test]
    fn the_board_at_a_moment_shows_each_order_where_it_was_then() {
        let events = [
            event("1", "order done", "2026-12-02T20:00:00.000Z"),
            event("1", "in the oven", "2026-12-02T20:10:00.000Z"),
            event("1", "delivered", "2026-12-02T21:00:00.000Z"),
            event("2", "order done", "2026-12-02T20:20:00.000Z"),
        ];
        let orders = histories(events.map(|e| (e, None)));
        let at = |time: &str| board_at(&orders, Some(time));
        assert!(at("2026-12-02T19:59:59.999Z").is_empty());
        assert_eq!(numbers(&at("2026-12-02T20:05:00.000Z").columns[0]), ["1"]);
        let later = at("2026-12-02T20:30:00.000Z");
        assert_eq!(numbers(&later.columns[2]), ["1"]);
        assert_eq!(numbers(&later.columns[0]), ["2"]);
        assert!(at("2026-12-02T21:00:00.000Z").columns[0].orders.len() == 1);
        assert_eq!(at("2026-12-02T21:00:00.000Z").len(), 1);
    }

    #[test]
    fn all_day_sums_what_the_orders_not_ready_want_and_the_board_hides_where_they_go() {
        let margheritas = OrderContents {
            lines: vec![line(2, "Margherita"), line(1, "Calabresa")],
            address: Some("Rua Augusta, 1200".into()),
            phone: Some("+55 11 5555-0101".into()),
            ..OrderContents::default()
        };
        let one_more = OrderContents {
            lines: vec![line(1, "Calabresa"), line(1, "Margherita")],
            note: Some("cut in 8".into()),
            ..OrderContents::default()
        };
        let ready = OrderContents {
            lines: vec![line(5, "Quatro queijos")],
            ..OrderContents::default()
        };
        let events = [
            (
                event("1", "order done", "2026-12-02T20:00:00.000Z"),
                Some(&margheritas),
            ),
            (
                event("2", "order done", "2026-12-02T20:01:00.000Z"),
                Some(&one_more),
            ),
            (
                event("3", "order done", "2026-12-02T20:02:00.000Z"),
                Some(&ready),
            ),
            (event("3", "ready", "2026-12-02T20:20:00.000Z"), None),
        ];
        let board = board_at(&histories(events), None);
        let counts: Vec<(&str, u32)> = board
            .all_day
            .iter()
            .map(|i| (i.item.as_str(), i.count))
            .collect();
        assert_eq!(counts, [("Margherita", 3), ("Calabresa", 2)]);
        let card = &board.columns[0].orders[0];
        let contents = card.contents.as_ref().unwrap();
        assert_eq!(contents.lines.len(), 2);
        assert_eq!((&contents.address, &contents.phone), (&None, &None));
        assert_eq!(
            board.columns[0].orders[1]
                .contents
                .as_ref()
                .unwrap()
                .note
                .as_deref(),
            Some("cut in 8")
        );
    }

    #[test]
    fn late_orders_are_those_slow_to_ready_or_still_waiting_longest_first() {
        let events = [
            // 30 minutes to ready: late.
            event("1", "order done", "2026-12-02T20:00:00.000Z"),
            event("1", "ready", "2026-12-02T20:30:00.000Z"),
            // 10 minutes: on time.
            event("2", "order done", "2026-12-02T20:00:00.000Z"),
            event("2", "ready", "2026-12-02T20:10:00.000Z"),
            // Not ready, 60 minutes old at 21:00: late.
            event("3", "order done", "2026-12-02T20:00:00.000Z"),
            // Delivered without a ready tap, 40 minutes in: late.
            event("4", "order done", "2026-12-02T20:00:00.000Z"),
            event("4", "delivered", "2026-12-02T20:40:00.000Z"),
            // Cancelled before ready: not late, gone.
            event("5", "order done", "2026-12-02T19:00:00.000Z"),
            event("5", "cancelled", "2026-12-02T20:40:00.000Z"),
        ];
        let orders = histories(events.map(|e| (e, None)));
        let until = "2026-12-02T21:00:00Z".parse().unwrap();
        let late = late_orders(&orders, Duration::minutes(25), until);
        let found: Vec<(&str, i64, Option<&str>)> = late
            .iter()
            .map(|l| {
                (
                    l.order.as_str(),
                    l.waited_ms / 60_000,
                    l.ready_at.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("3", 60, None),
                ("4", 40, Some("2026-12-02T20:40:00.000Z")),
                ("1", 30, Some("2026-12-02T20:30:00.000Z")),
            ]
        );
    }
}

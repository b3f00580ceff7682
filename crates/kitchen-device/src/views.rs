//! What the screens and the CLI show, computed once from the device's database:
//! a business day, the open orders on the board (whatever their day, for 24
//! hours, and those a fast clock already entered on the next day), the board
//! itself (now, or at a moment of a day), the late orders of
//! a day, and the drivers' lists. Each reads the mirror merged with this
//! device's own taps, so a tap shows at once, online or not.

use chrono::SecondsFormat;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use kitchen_domain::board::{board_at, late_orders as late_of, BoardView, LateOrder};
use kitchen_domain::orders::{driver_lists as lists_of, open_orders, DriverLists};
use kitchen_domain::{day_key, BusinessDay, Contact, ContractError, Status};
use kitchen_store::{
    summarize_view, view_histories, DayViewRow, Store, StoreError, DEFAULT_LATE_AFTER_MINUTES,
};

use crate::mirror::{day_window, OPEN_ORDERS_BOUND};

/// The business days open orders at `now` may belong to: today, the next day
/// (a device whose clock runs fast enters its orders just before this device's
/// day ends), then the earlier days the last 24 hours touch, newest first.
pub fn open_days(rule: &BusinessDay, now: DateTime<Utc>) -> Vec<NaiveDate> {
    let mut days = rule.days_between(now - OPEN_ORDERS_BOUND, now);
    days.reverse();
    days.insert(1.min(days.len()), rule.day_of(now) + Duration::days(1));
    days
}

/// A business day as the screens show it: the mirror and this device's taps.
pub fn day_view(
    store: &Store,
    rule: &BusinessDay,
    day: NaiveDate,
) -> Result<Vec<DayViewRow>, StoreError> {
    store.day_view(&day_window(rule, day))
}

/// The rows of every open order (not delivered, not cancelled) entered in the
/// last 24 hours, whatever its business day, the next day's included: the
/// kitchen board's orders.
pub fn open_view(
    store: &Store,
    rule: &BusinessDay,
    now: DateTime<Utc>,
) -> Result<Vec<DayViewRow>, StoreError> {
    let windows: Vec<_> = open_days(rule, now)
        .into_iter()
        .map(|day| day_window(rule, day))
        .collect();
    let rows = store.days_view(&windows)?;
    let open: std::collections::HashSet<(String, String)> =
        open_orders(summarize_view(&rows), now - OPEN_ORDERS_BOUND)
            .into_iter()
            .map(|order| (order.day, order.order))
            .collect();
    Ok(rows
        .into_iter()
        .filter(|row| open.contains(&(row.day.clone(), row.order.clone())))
        .collect())
}

/// The kitchen board now: the open orders of the last 24 hours in their columns.
pub fn board(
    store: &Store,
    rule: &BusinessDay,
    now: DateTime<Utc>,
) -> Result<BoardView, StoreError> {
    let rows = open_view(store, rule, now)?;
    Ok(board_at(&view_histories(&rows), None))
}

/// The board of business day `day` as it stood at `at`: the manager's replay.
pub fn board_of_day_at(
    store: &Store,
    rule: &BusinessDay,
    day: NaiveDate,
    at: DateTime<Utc>,
) -> Result<BoardView, StoreError> {
    let rows = day_view(store, rule, day)?;
    let at = at.to_rfc3339_opts(SecondsFormat::Millis, true);
    Ok(board_at(&view_histories(&rows), Some(&at)))
}

/// The late orders of business day `day`, by this device's "late" threshold:
/// slow to ready, or still not ready at `now` (a past day: at its end).
pub fn late_orders(
    store: &Store,
    rule: &BusinessDay,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<LateOrder>, StoreError> {
    let minutes = store
        .saved_settings()?
        .map_or(DEFAULT_LATE_AFTER_MINUTES, |s| s.late_after_minutes);
    let rows = day_view(store, rule, day)?;
    let until = now.min(rule.window(day).1);
    Ok(late_of(
        &view_histories(&rows),
        Duration::minutes(i64::from(minutes)),
        until,
    ))
}

/// The drivers' lists: open orders on the shelf and on the road.
pub fn driver_lists(
    store: &Store,
    rule: &BusinessDay,
    now: DateTime<Utc>,
) -> Result<DriverLists, StoreError> {
    let rows = open_view(store, rule, now)?;
    let mut lists = lists_of(&summarize_view(&rows));
    // Where each goes: as its "order done" said on this device, else its contact.
    for shelf in lists.ready.iter_mut().chain(lists.on_the_road.iter_mut()) {
        let done = rows.iter().find(|r| {
            r.day == shelf.day && r.order == shelf.order && r.status == Status::OrderDone.as_str()
        });
        let contact = match done.and_then(|r| r.contents.as_ref()) {
            // This device's own tap, until it forgets it.
            Some(contents) if contents.address.is_some() || contents.phone.is_some() => {
                Some(Contact::of(contents))
            }
            // The contact a driver station read from the table, until it expires.
            _ => store.contact(&shelf.day, &shelf.order, now)?,
        };
        if let Some(contact) = contact {
            shelf.address = contact.address;
            shelf.phone = contact.phone;
            shelf.delivery_note = contact.delivery_note;
        }
    }
    Ok(lists)
}

/// Which business day an order number tapped without one means: today's order
/// of that number, else an open one of the next day (a device whose clock runs
/// fast enters those just before the day starts), else an open one of an
/// earlier day the board shows, else a new order of today.
pub fn day_of_tap(
    store: &Store,
    rule: &BusinessDay,
    order: &str,
    now: DateTime<Utc>,
) -> Result<NaiveDate, StoreError> {
    let keys: Vec<String> = open_days(rule, now)
        .iter()
        .map(|day| day_key(*day))
        .collect();
    let found = store.order_day_among(order, &keys)?;
    Ok(found
        .and_then(|key| kitchen_domain::parse_day(&key))
        .unwrap_or_else(|| rule.day_of(now)))
}

/// The business day a tap is for: `given` (`YYYY-MM-DD`; today's, or one of
/// the few before it that an open order may still belong to), else the one
/// [`day_of_tap`] finds. A bad day is refused naming the field `day`.
pub fn tap_day(
    store: &Store,
    rule: &BusinessDay,
    order: &str,
    given: Option<&str>,
    now: DateTime<Utc>,
) -> Result<NaiveDate, StoreError> {
    let Some(text) = given else {
        return day_of_tap(store, rule, order, now);
    };
    let today = rule.day_of(now);
    kitchen_domain::parse_day(text.trim())
        .filter(|day| *day <= today + Duration::days(1) && *day >= today - Duration::days(3))
        .ok_or_else(|| {
            ContractError::Invalid {
                field: "day",
                reason: format!(
                    "{text:?} is not a business day as YYYY-MM-DD from the last days (today is {})",
                    day_key(today)
                ),
            }
            .into()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kitchen_domain::OrderContents;

    #[test]
    fn a_ready_order_on_the_drivers_list_says_where_it_goes() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        let rule = BusinessDay::new("UTC", 4).unwrap();
        let now = Utc::now();
        let day = rule.day_of(now);
        let contents = OrderContents {
            lines: vec!["Margherita".parse().unwrap()],
            address: Some("Rua Augusta, 1200".into()),
            phone: Some("+55 11 91234-5678".into()),
            delivery_note: Some("ring twice".into()),
            ..OrderContents::default()
        };
        store
            .record_tap_with(day, "7", Status::OrderDone, "Ana", "oven-1", now, contents)
            .unwrap();
        store
            .record_tap(day, "7", Status::Ready, "Ana", "oven-1", now)
            .unwrap();
        store
            .record_tap(day, "8", Status::Ready, "Bia", "oven-1", now)
            .unwrap();
        let lists = driver_lists(&store, &rule, now).unwrap();
        let seven = lists.ready.iter().find(|o| o.order == "7").unwrap();
        assert_eq!(seven.address.as_deref(), Some("Rua Augusta, 1200"));
        assert_eq!(seven.phone.as_deref(), Some("+55 11 91234-5678"));
        assert_eq!(seven.delivery_note.as_deref(), Some("ring twice"));
        // An order whose event said nothing of it shows none.
        let eight = lists.ready.iter().find(|o| o.order == "8").unwrap();
        assert_eq!(eight.address, None);
    }

    #[test]
    fn a_tap_without_a_day_joins_the_order_a_fast_clock_entered_on_the_next_day() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        let rule = BusinessDay::new("UTC", 4).unwrap();
        // Five minutes before the day starts, by this device's clock; the
        // other device's clock runs ten minutes fast.
        let now = "2026-12-06T03:55:00Z".parse::<DateTime<Utc>>().unwrap();
        let (today, next) = (rule.day_of(now), rule.day_of(now) + Duration::days(1));
        let fast = now + Duration::minutes(10);
        store
            .record_tap(next, "12", Status::OrderDone, "Ana", "oven-fast", fast)
            .unwrap();
        store
            .record_tap(next, "13", Status::OrderDone, "Bia", "oven-fast", fast)
            .unwrap();
        store
            .record_tap(next, "13", Status::Delivered, "Bia", "oven-fast", fast)
            .unwrap();
        store
            .record_tap(today, "14", Status::Delivered, "Caio", "oven-1", now)
            .unwrap();
        store
            .record_tap(next, "14", Status::OrderDone, "Duda", "oven-fast", fast)
            .unwrap();

        // The open order of the next day is the one meant.
        assert_eq!(day_of_tap(&store, &rule, "12", now).unwrap(), next);
        // A closed one of the next day is not: a new order of today.
        assert_eq!(day_of_tap(&store, &rule, "13", now).unwrap(), today);
        // Today's order of that number comes first, open or not.
        assert_eq!(day_of_tap(&store, &rule, "14", now).unwrap(), today);
        // A number nobody has entered is a new order of today.
        assert_eq!(day_of_tap(&store, &rule, "15", now).unwrap(), today);
    }

    #[test]
    fn the_board_shows_the_orders_a_fast_clock_entered_on_the_next_day() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        let rule = BusinessDay::new("UTC", 4).unwrap();
        // A minute before the day starts, by this device's clock; the other
        // device's runs five minutes fast and has entered two orders already.
        let now = "2026-12-06T03:59:00Z".parse::<DateTime<Utc>>().unwrap();
        let (today, next) = (rule.day_of(now), rule.day_of(now) + Duration::days(1));
        let fast = now + Duration::minutes(5);
        store
            .record_tap(today, "30", Status::InTheOven, "Ana", "oven-1", now)
            .unwrap();
        store
            .record_tap(next, "1", Status::Preparing, "Bia", "oven-fast", fast)
            .unwrap();
        store
            .record_tap(next, "2", Status::Ready, "Caio", "oven-fast", fast)
            .unwrap();
        store
            .record_tap(next, "3", Status::Delivered, "Duda", "oven-fast", fast)
            .unwrap();

        let board = board(&store, &rule, now).unwrap();
        let shown: Vec<(String, String)> = board
            .columns
            .iter()
            .flat_map(|c| c.orders.iter().map(|o| (o.day.clone(), o.order.clone())))
            .collect();
        let (today, next) = (day_key(today), day_key(next));
        for open in [(&today, "30"), (&next, "1"), (&next, "2")] {
            assert!(
                shown.contains(&(open.0.clone(), open.1.into())),
                "{open:?} on the board: {shown:?}"
            );
        }
        assert!(
            !shown.contains(&(next.clone(), "3".into())),
            "a delivered one is not: {shown:?}"
        );
        // The drivers see the ready one on the shelf at once.
        let lists = driver_lists(&store, &rule, now).unwrap();
        assert_eq!(
            lists
                .ready
                .iter()
                .map(|o| (o.day.as_str(), o.order.as_str()))
                .collect::<Vec<_>>(),
            [(next.as_str(), "2")]
        );
    }
}

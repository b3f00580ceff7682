//! `kitchen board` and `kitchen late`: the kitchen board (now, or as it stood
//! at a minute of a day) and a day's late orders, as the Kitchen and Manager
//! screens show them: the same functions of the core, from this device's
//! mirror and its own taps; no cloud call.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use clap::Args;
use kitchen_device::views;
use kitchen_domain::board::{BoardOrder, BoardView, LateOrder};
use kitchen_domain::BusinessDay;

use crate::mirror_cmd::day_arg;
use crate::taps::{business_day, open_device};
use crate::words::noun;
use crate::Global;

#[derive(Args)]
pub struct BoardArgs {
    /// The board as it stood at this minute (HH:MM on the store's clock) of the
    /// business day `--day`, as the manager's replay shows it
    #[arg(long, value_name = "HH:MM")]
    at: Option<String>,
    /// With --at: the business day (YYYY-MM-DD; default: today)
    #[arg(long, value_name = "YYYY-MM-DD", requires = "at")]
    day: Option<String>,
    /// The board as one JSON object, as the app's screen receives it
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct LateArgs {
    /// The business day (YYYY-MM-DD; default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    day: Option<String>,
    /// One JSON object per late order
    #[arg(long)]
    json: bool,
}

pub fn board(global: &Global, args: BoardArgs) -> Result<()> {
    let day = day_arg(args.day.as_deref())?;
    if let Some(minute) = &args.at {
        clock_minute(minute)?;
    }
    let (store, _) = open_device(global)?;
    let rule = business_day(global, &store)?;
    let now = Utc::now();
    let (view, clock) = match &args.at {
        Some(minute) => {
            let day = day.unwrap_or_else(|| rule.day_of(now));
            let at = minute_of_day(&rule, day, minute)?;
            (views::board_of_day_at(&store, &rule, day, at)?, at)
        }
        None => (views::board(&store, &rule, now)?, now),
    };
    if args.json {
        println!("{}", serde_json::to_string(&view)?);
        return Ok(());
    }
    print!("{}", render_board(&view, rule.zone(), clock));
    Ok(())
}

pub fn late(global: &Global, args: LateArgs) -> Result<()> {
    let day = day_arg(args.day.as_deref())?;
    let (store, _) = open_device(global)?;
    let rule = business_day(global, &store)?;
    let now = Utc::now();
    let day = day.unwrap_or_else(|| rule.day_of(now));
    let late = views::late_orders(&store, &rule, day, now)?;
    if args.json {
        for order in &late {
            println!("{}", serde_json::to_string(order)?);
        }
        return Ok(());
    }
    let n = late.len();
    println!("{n} late {} on {day}", noun(n, "order", "orders"));
    for order in &late {
        println!("  {}", late_line(order, rule.zone()));
    }
    Ok(())
}

/// The end of minute `HH:MM` of business day `day` on the store's clock: what
/// the replay shows at that minute counts every tap made before the next one.
/// The hours before the day's start hour are the next calendar date's.
fn minute_of_day(rule: &BusinessDay, day: NaiveDate, text: &str) -> Result<DateTime<Utc>> {
    let minute = clock_minute(text)?;
    let date = if minute.hour() < u32::from(rule.start_hour()) {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    let local = date.and_time(minute);
    let zone = rule.zone();
    // A minute the clocks skipped is read after the jump.
    let start = zone
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .ok_or_else(|| {
            anyhow!(
                "--at {text}: no such minute on {date} in {}",
                rule.zone_name()
            )
        })?;
    Ok(start.with_timezone(&Utc) + Duration::milliseconds(59_999))
}

/// The `--at` argument: a minute on the clock.
fn clock_minute(text: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|_| anyhow!("--at must be a time as HH:MM, got {text:?}"))
}

fn render_board(view: &BoardView, zone: Tz, now: DateTime<Utc>) -> String {
    let n = view.len();
    let mut out = format!(
        "{n} open {} on the board at {}\n",
        noun(n, "order", "orders"),
        now.with_timezone(&zone).format("%H:%M")
    );
    for column in &view.columns {
        out.push_str(&format!("{} ({})\n", column.stage, column.orders.len()));
        for order in &column.orders {
            out.push_str(&format!("  {}\n", card_line(order, now)));
        }
    }
    if !view.all_day.is_empty() {
        let items: Vec<String> = view
            .all_day
            .iter()
            .map(|i| format!("{} ×{}", i.item, i.count))
            .collect();
        out.push_str(&format!("all day: {}\n", items.join(", ")));
    }
    out
}

fn card_line(order: &BoardOrder, now: DateTime<Utc>) -> String {
    let age = parse(&order.created_at).map_or(0, |at| (now - at).num_minutes().max(0));
    let mut line = format!(
        "#{:<8} of {}  {:<20} {age} min",
        order.order, order.day, order.client
    );
    if let Some(contents) = &order.contents {
        let lines: Vec<String> = contents
            .lines
            .iter()
            .map(|l| match &l.size {
                Some(size) => format!("{}× {} ({size})", l.quantity, l.item),
                None => format!("{}× {}", l.quantity, l.item),
            })
            .collect();
        if !lines.is_empty() {
            line.push_str(&format!("  {}", lines.join(", ")));
        }
        if let Some(note) = &contents.note {
            line.push_str(&format!(" · note: {note}"));
        }
    }
    line
}

fn late_line(order: &LateOrder, zone: Tz) -> String {
    let clock = |time: &str| {
        parse(time).map_or_else(
            || time.to_owned(),
            |t| t.with_timezone(&zone).format("%H:%M").to_string(),
        )
    };
    let ready = match &order.ready_at {
        Some(at) => format!("ready {}", clock(at)),
        None => "not ready yet".to_owned(),
    };
    format!(
        "order {:<8} {:<20} in {}, {ready}: {} min",
        order.order,
        order.client,
        clock(&order.created_at),
        order.waited_ms / 60_000
    )
}

fn parse(time: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kitchen_domain::parse_day;

    #[test]
    fn a_minute_before_the_start_hour_is_the_next_dates() {
        let rule = BusinessDay::new("America/Sao_Paulo", 4).unwrap();
        let day = parse_day("2026-12-02").unwrap();
        let evening = minute_of_day(&rule, day, "23:50").unwrap();
        assert_eq!(evening.to_rfc3339(), "2026-12-03T02:50:59.999+00:00");
        let night = minute_of_day(&rule, day, "00:10").unwrap();
        assert_eq!(night.to_rfc3339(), "2026-12-03T03:10:59.999+00:00");
        assert!(minute_of_day(&rule, day, "25:00").is_err());
    }
}

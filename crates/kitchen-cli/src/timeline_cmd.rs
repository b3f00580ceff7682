//! `kitchen timeline`: each order of a day with the time it reached each stage,
//! from this device's mirror and its own taps; no cloud call.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use clap::Args;
use kitchen_device::views;
use kitchen_domain::Status;
use kitchen_store::{DayViewRow, ViewSource};

use crate::mirror_cmd::day_arg;
use crate::taps::{business_day, open_device};
use crate::words::count;
use crate::Global;

#[derive(Args)]
pub struct TimelineArgs {
    /// The business day to show (YYYY-MM-DD; default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    day: Option<String>,
}

pub fn timeline(global: &Global, args: TimelineArgs) -> Result<()> {
    let day = day_arg(args.day.as_deref())?;
    let (store, _) = open_device(global)?;
    let rule = business_day(global, &store)?;
    let day = day.unwrap_or_else(|| rule.day_of(Utc::now()));
    let zone = rule.zone();
    let rows = views::day_view(&store, &rule, day)?;
    if rows.is_empty() {
        println!(
            "no orders on {day} in this device's mirror (`kitchen sync --day {day}` fetches them)"
        );
        return Ok(());
    }
    print!("{}", render(&rows, zone));
    Ok(())
}

/// One order's stages: status → (time, whether it is a local tap the table has not confirmed).
struct OrderTimeline<'a> {
    order: &'a str,
    client: &'a str,
    stages: BTreeMap<usize, (String, bool)>,
}

/// The table: one line per order (numeric ids in number order), one column per
/// stage that occurs that day, times as HH:MM:SS in the store's time zone.
fn render(rows: &[DayViewRow], zone: Tz) -> String {
    let mut orders: BTreeMap<(u64, &str), OrderTimeline> = BTreeMap::new();
    for row in rows {
        let Some(stage) = Status::ALL.iter().position(|s| s.as_str() == row.status) else {
            continue;
        };
        let key = (row.order.parse().unwrap_or(u64::MAX), row.order.as_str());
        let timeline = orders.entry(key).or_insert_with(|| OrderTimeline {
            order: &row.order,
            client: &row.client,
            stages: BTreeMap::new(),
        });
        let local = matches!(row.source, ViewSource::Local(_));
        // A mark where the tapping device's clock was ahead of the cloud's.
        let time = match row.ahead_ms {
            Some(ahead) => format!("{}!{}m", clock(&row.time, zone), ahead / 60_000),
            None => clock(&row.time, zone),
        };
        timeline.stages.insert(stage, (time, local));
    }
    let stages: Vec<usize> = (0..Status::ALL.len())
        .filter(|s| orders.values().any(|o| o.stages.contains_key(s)))
        .collect();

    let mut header = vec!["order".to_owned(), "client".to_owned()];
    header.extend(stages.iter().map(|&s| Status::ALL[s].as_str().to_owned()));
    let mut lines = vec![header];
    let mut any_local = false;
    for timeline in orders.values() {
        let mut line = vec![timeline.order.to_owned(), timeline.client.to_owned()];
        for stage in &stages {
            line.push(match timeline.stages.get(stage) {
                Some((time, true)) => {
                    any_local = true;
                    format!("{time}*")
                }
                Some((time, false)) => time.clone(),
                None => "-".to_owned(),
            });
        }
        lines.push(line);
    }

    let widths: Vec<usize> = (0..lines[0].len())
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(&count(orders.len(), "order", "orders"));
    if any_local {
        out.push_str("; * a tap of this device not yet in the table");
    }
    if rows.iter().any(|row| row.ahead_ms.is_some()) {
        out.push_str("; !Nm a tap from a clock N minutes ahead of the cloud's");
    }
    out.push('\n');
    out
}

fn clock(time: &str, zone: Tz) -> String {
    DateTime::parse_from_rfc3339(time)
        .map(|t| t.with_timezone(&zone).format("%H:%M:%S").to_string())
        .unwrap_or_else(|_| time.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kitchen_store::OutboxState;

    fn row(order: &str, status: &str, time: &str, source: ViewSource) -> DayViewRow {
        DayViewRow {
            day: "2026-03-14".into(),
            order: order.into(),
            status: status.into(),
            client: "Ana".into(),
            time: time.into(),
            event_id: "e".into(),
            device: None,
            time_event_id: time.into(),
            source,
            ahead_ms: None,
            contents: None,
        }
    }

    #[test]
    fn orders_are_lines_and_stages_are_columns_in_stage_order() {
        let rows = [
            row(
                "10",
                "preparing",
                "2026-03-14T12:05:00.000Z",
                ViewSource::Table,
            ),
            row(
                "9",
                "order done",
                "2026-03-14T12:00:00.000Z",
                ViewSource::Table,
            ),
            row(
                "10",
                "order done",
                "2026-03-14T12:01:30.000Z",
                ViewSource::Table,
            ),
            row(
                "9",
                "ready",
                "2026-03-14T12:30:00.000Z",
                ViewSource::Local(OutboxState::Pending),
            ),
        ];
        let text = render(&rows, "America/Sao_Paulo".parse().unwrap());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["order", "client", "order", "done", "preparing", "ready"]
        );
        // Order 9 before 10 (by number), times in the store's zone (UTC−3).
        assert!(lines[1].starts_with("9 "), "{text}");
        assert!(
            lines[1].contains("09:00:00") && lines[1].contains("09:30:00*"),
            "{text}"
        );
        assert!(
            lines[2].contains("09:01:30") && lines[2].contains("09:05:00"),
            "{text}"
        );
        assert!(lines[2].trim_end().ends_with('-'), "{text}");
        assert!(lines[3].starts_with("2 orders; *"), "{text}");
    }
}

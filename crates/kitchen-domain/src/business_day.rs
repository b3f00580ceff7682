//! The pizzeria's business day: the day an order belongs to, in the store's time
//! zone, starting at the day-start hour, so a night open until 1 am counts in
//! the day it opened. One setting of the stack, shared by every device.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::ContractError;

/// The hour a business day starts at unless the stack says otherwise.
pub const DEFAULT_DAY_START_HOUR: u8 = 4;

/// How an order's business day is told from a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusinessDay {
    zone: Tz,
    start_hour: u8,
}

impl BusinessDay {
    /// `zone`: an IANA name; `start_hour`: 0–23 on the store's clocks.
    pub fn new(zone: &str, start_hour: u8) -> Result<BusinessDay, ContractError> {
        let zone = zone
            .trim()
            .parse::<Tz>()
            .map_err(|_| ContractError::Invalid {
                field: "timeZone",
                reason: format!("{zone:?} is not an IANA time zone such as America/Sao_Paulo"),
            })?;
        if start_hour > 23 {
            return Err(ContractError::Invalid {
                field: "dayStartHour",
                reason: format!("{start_hour} is not an hour from 0 to 23"),
            });
        }
        Ok(BusinessDay { zone, start_hour })
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    pub fn zone_name(&self) -> &'static str {
        self.zone.name()
    }

    pub fn start_hour(&self) -> u8 {
        self.start_hour
    }

    /// The business day a moment falls in.
    pub fn day_of(&self, time: DateTime<Utc>) -> NaiveDate {
        let local = time.with_timezone(&self.zone).naive_local();
        (local - Duration::hours(i64::from(self.start_hour))).date()
    }

    /// The first moment of a business day. Where a change of the clocks skips the
    /// start hour, the day starts at the first local time after it that exists.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let start = day
            .and_hms_opt(u32::from(self.start_hour), 0, 0)
            .expect("an hour from 0 to 23 is a valid time");
        (0..=24)
            .map(|quarter| start + Duration::minutes(15 * quarter))
            .find_map(|local| self.zone.from_local_datetime(&local).earliest())
            .map_or_else(|| start.and_utc(), |time| time.with_timezone(&Utc))
    }

    /// The instants of a business day, `[start, end)`.
    pub fn window(&self, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let next = day.succ_opt().unwrap_or(day);
        (self.start_of(day), self.start_of(next))
    }

    /// The business days that overlap `[from, to]`, oldest first.
    pub fn days_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<NaiveDate> {
        let (first, last) = (self.day_of(from.min(to)), self.day_of(to.max(from)));
        first.iter_days().take_while(|day| *day <= last).collect()
    }
}

impl fmt::Display for BusinessDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, from {:02}:00", self.zone.name(), self.start_hour)
    }
}

/// The business day setting as devices keep and show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BusinessDaySetting {
    /// IANA name of the store's time zone.
    pub time_zone: String,
    /// The hour (0–23) on the store's clocks at which a business day starts.
    pub day_start_hour: u8,
    /// `true` once read from the stack; `false` while this device only has its
    /// own configuration (it has not reached the cloud yet).
    pub confirmed: bool,
}

impl BusinessDaySetting {
    pub fn rule(&self) -> Result<BusinessDay, ContractError> {
        BusinessDay::new(&self.time_zone, self.day_start_hour)
    }
}

/// The table's `day` attribute for a date: `YYYY-MM-DD`.
pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Parses a `YYYY-MM-DD` day exactly as the table writes it (zero-padded).
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|day| day_key(*day) == text)
}

/// An order's identity: its number is only unique within its business day.
pub fn order_key(day: &str, order: &str) -> String {
    format!("{day}#{order}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        parse_day(text).unwrap()
    }

    #[test]
    fn the_night_counts_in_the_day_it_opened() {
        // São Paulo is UTC-3: 23:50 and 00:10 local are 02:50 and 03:10 UTC.
        let rule = BusinessDay::new("America/Sao_Paulo", 4).unwrap();
        assert_eq!(rule.day_of(at("2026-12-03T02:50:00Z")), day("2026-12-02"));
        assert_eq!(rule.day_of(at("2026-12-03T03:10:00Z")), day("2026-12-02"));
        // 03:59 local is still the day before; 04:00 starts the next one.
        assert_eq!(rule.day_of(at("2026-12-03T06:59:59Z")), day("2026-12-02"));
        assert_eq!(rule.day_of(at("2026-12-03T07:00:00Z")), day("2026-12-03"));
        let (start, end) = rule.window(day("2026-12-02"));
        assert_eq!(start, at("2026-12-02T07:00:00Z"));
        assert_eq!(end, at("2026-12-03T07:00:00Z"));
    }

    #[test]
    fn a_day_from_midnight_is_the_calendar_day() {
        let rule = BusinessDay::new("UTC", 0).unwrap();
        assert_eq!(rule.day_of(at("2026-12-02T23:59:59Z")), day("2026-12-02"));
        assert_eq!(rule.start_of(day("2026-12-02")), at("2026-12-02T00:00:00Z"));
    }

    #[test]
    fn a_start_hour_the_clocks_skip_starts_at_the_next_time_that_exists() {
        // 2018-11-04 in São Paulo jumped from 00:00 to 01:00.
        let rule = BusinessDay::new("America/Sao_Paulo", 0).unwrap();
        assert_eq!(rule.start_of(day("2018-11-04")), at("2018-11-04T03:00:00Z"));
    }

    #[test]
    fn the_days_between_two_moments_cover_both() {
        let rule = BusinessDay::new("UTC", 4).unwrap();
        let days = rule.days_between(at("2026-12-01T05:00:00Z"), at("2026-12-02T05:00:00Z"));
        assert_eq!(days, vec![day("2026-12-01"), day("2026-12-02")]);
        let days = rule.days_between(at("2026-12-02T05:00:00Z"), at("2026-12-02T06:00:00Z"));
        assert_eq!(days, vec![day("2026-12-02")]);
    }

    #[test]
    fn bad_settings_name_their_field() {
        let err = BusinessDay::new("Mars/Olympus", 4).unwrap_err();
        assert_eq!(err.field(), Some("timeZone"));
        let err = BusinessDay::new("UTC", 24).unwrap_err();
        assert_eq!(err.field(), Some("dayStartHour"));
    }

    #[test]
    fn days_are_strict_yyyy_mm_dd() {
        assert_eq!(
            parse_day("2026-03-14"),
            NaiveDate::from_ymd_opt(2026, 3, 14)
        );
        for bad in ["2026-3-14", "2026-13-01", "14/03/2026", "", "2026-02-30"] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}

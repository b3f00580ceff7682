//! What a person sets on a device: its name and role, where its cloud is, and
//! the aging thresholds of the screens. Kept in the device's database; AWS keys
//! are never among them (credentials come from the default chain).

use kitchen_domain::{validate_endpoint, ContractError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError, DEVICE_NAME_KEY};

/// Where the saved settings live in `device_state`.
const SETTINGS_KEY: &str = "settings";
/// Where the stack's business day, as last read from the cloud, is kept.
const BUSINESS_DAY_KEY: &str = "business_day";

/// The language of the screens. The status strings of the contract stay as
/// they are; only what the screens show is translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// Portuguese (Brazil's conventions for times, dates and numbers).
    Pt,
}

/// What this device is for. Only driver stations poll the delivery queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DeviceRole {
    #[default]
    Kitchen,
    DriverStation,
    Manager,
}

impl std::str::FromStr for DeviceRole {
    type Err = ContractError;

    fn from_str(text: &str) -> Result<DeviceRole, ContractError> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "")
            .as_str()
        {
            "kitchen" => Ok(DeviceRole::Kitchen),
            "driverstation" | "driver" | "drivers" => Ok(DeviceRole::DriverStation),
            "manager" => Ok(DeviceRole::Manager),
            _ => Err(ContractError::Invalid {
                field: "role",
                reason: format!("{text:?} is not one of kitchen, driver-station, manager"),
            }),
        }
    }
}

/// The settings screen's form, as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeviceSettings {
    pub device_name: String,
    pub role: DeviceRole,
    /// `None`: the default chain (`AWS_PROFILE`, else the default profile).
    pub aws_profile: Option<String>,
    /// `None`: the default chain (`AWS_REGION`, the profile).
    pub aws_region: Option<String>,
    /// `None`: AWS itself, or the local cloud when one runs on this machine.
    pub endpoint_url: Option<String>,
    pub bus_name: String,
    pub table_name: String,
    pub delivery_queue_name: String,
    /// An order open this long turns amber on the kitchen board.
    pub warn_after_minutes: u32,
    /// An order open this long turns red, and counts as late for the manager.
    pub late_after_minutes: u32,
    /// Drivers' screen: a short sound when an order becomes ready.
    pub ready_sound: bool,
    /// Business days kept on this device; older ones are pruned (the cloud's
    /// table keeps them, and a screen that opens one reads it back).
    #[serde(default = "default_keep_days")]
    pub keep_days: u32,
    /// The screens' language; `None` follows the system's.
    #[serde(default)]
    pub language: Option<Language>,
}

fn default_keep_days() -> u32 {
    crate::DEFAULT_KEEP_DAYS
}

pub const DEFAULT_WARN_AFTER_MINUTES: u32 = 15;
pub const DEFAULT_LATE_AFTER_MINUTES: u32 = 25;
/// A day has this many minutes; a longer threshold means nothing is ever late.
pub const MAX_THRESHOLD_MINUTES: u32 = 24 * 60;
/// AWS resource names are at most 256 characters (EventBridge, SQS: 80).
const MAX_NAME_CHARS: usize = 256;

fn invalid(field: &'static str, reason: impl Into<String>) -> ContractError {
    ContractError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// Trims an optional text field; blank means "not set".
fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn resource_name(value: &str, field: &'static str) -> Result<String, ContractError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ContractError::Empty(field));
    }
    if value.chars().count() > MAX_NAME_CHARS {
        return Err(ContractError::TooLong {
            field,
            len: value.chars().count(),
            max: MAX_NAME_CHARS,
        });
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(invalid(
            field,
            format!("{bad:?} is not allowed (letters, digits, '-', '_' and '.')"),
        ));
    }
    Ok(value.to_owned())
}

fn endpoint(value: Option<String>) -> Result<Option<String>, ContractError> {
    value.map(|url| validate_endpoint(&url)).transpose()
}

impl DeviceSettings {
    /// The same settings, trimmed and checked; the error names the first bad field.
    pub fn validated(&self) -> Result<DeviceSettings, ContractError> {
        let device_name =
            kitchen_domain::validate_device(&self.device_name).map_err(|e| match e {
                ContractError::Empty(_) => ContractError::Empty("deviceName"),
                ContractError::TooLong { len, max, .. } => ContractError::TooLong {
                    field: "deviceName",
                    len,
                    max,
                },
                other => other,
            })?;
        let region = optional(&self.aws_region);
        if let Some(region) = &region {
            let well_formed = region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && region.contains('-');
            if !well_formed {
                return Err(invalid(
                    "awsRegion",
                    format!("{region:?} is not a region name like eu-west-1"),
                ));
            }
        }
        let profile = optional(&self.aws_profile);
        if profile
            .as_deref()
            .is_some_and(|p| p.contains(char::is_whitespace))
        {
            return Err(invalid("awsProfile", "a profile name has no spaces"));
        }
        for (field, minutes) in [
            ("warnAfterMinutes", self.warn_after_minutes),
            ("lateAfterMinutes", self.late_after_minutes),
        ] {
            if minutes == 0 || minutes > MAX_THRESHOLD_MINUTES {
                return Err(invalid(
                    field,
                    format!("{minutes} is not between 1 and {MAX_THRESHOLD_MINUTES} minutes"),
                ));
            }
        }
        if !(crate::MIN_KEEP_DAYS..=crate::MAX_KEEP_DAYS).contains(&self.keep_days) {
            return Err(invalid(
                "keepDays",
                format!(
                    "{} is not between {} and {} days",
                    self.keep_days,
                    crate::MIN_KEEP_DAYS,
                    crate::MAX_KEEP_DAYS
                ),
            ));
        }
        if self.warn_after_minutes >= self.late_after_minutes {
            return Err(invalid(
                "warnAfterMinutes",
                format!(
                    "the warning ({} min) must come before the order is late ({} min)",
                    self.warn_after_minutes, self.late_after_minutes
                ),
            ));
        }
        Ok(DeviceSettings {
            device_name,
            role: self.role,
            aws_profile: profile,
            aws_region: region,
            endpoint_url: endpoint(optional(&self.endpoint_url))?,
            bus_name: resource_name(&self.bus_name, "busName")?,
            table_name: resource_name(&self.table_name, "tableName")?,
            delivery_queue_name: resource_name(&self.delivery_queue_name, "deliveryQueueName")?,
            warn_after_minutes: self.warn_after_minutes,
            late_after_minutes: self.late_after_minutes,
            ready_sound: self.ready_sound,
            keep_days: self.keep_days,
            language: self.language,
        })
    }
}

impl Store {
    /// The settings saved from the settings screen, if any were.
    pub fn saved_settings(&self) -> Result<Option<DeviceSettings>, StoreError> {
        let Some(text) = self.device_value(SETTINGS_KEY)? else {
            return Ok(None);
        };
        match serde_json::from_str(&text) {
            Ok(settings) => Ok(Some(settings)),
            Err(err) => {
                // Unreadable settings fall back to the defaults; the taps are untouched.
                tracing::warn!("ignoring unreadable saved settings: {err}");
                Ok(None)
            }
        }
    }

    /// Validates and saves `settings` (the device name too, for the taps);
    /// returns them as saved. Invalid settings change nothing.
    pub fn save_settings(&self, settings: &DeviceSettings) -> Result<DeviceSettings, StoreError> {
        let settings = settings.validated()?;
        let text = serde_json::to_string(&settings).expect("settings serialize");
        let tx = self.conn.unchecked_transaction()?;
        self.set_device_value(SETTINGS_KEY, &text)?;
        self.set_device_value(DEVICE_NAME_KEY, &settings.device_name)?;
        tx.commit()?;
        Ok(settings)
    }

    /// The stack's business day as this device last read it from the cloud.
    pub fn saved_business_day(
        &self,
    ) -> Result<Option<kitchen_domain::BusinessDaySetting>, StoreError> {
        let Some(text) = self.device_value(BUSINESS_DAY_KEY)? else {
            return Ok(None);
        };
        Ok(serde_json::from_str(&text)
            .map_err(|err| tracing::warn!("ignoring an unreadable business day setting: {err}"))
            .ok())
    }

    /// Keeps the stack's business day, read from the cloud, for when it is not reachable.
    pub fn save_business_day(
        &self,
        setting: &kitchen_domain::BusinessDaySetting,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(setting).expect("a setting serialises");
        self.set_device_value(BUSINESS_DAY_KEY, &text)
    }

    /// Orders this driver station has taken, oldest first.
    pub fn claims(&self) -> Result<Vec<Claim>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT day, order_id, claimed_at FROM order_claims ORDER BY claimed_at, day, order_id",
        )?;
        let rows = statement.query_map([], claim_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Takes the order `order` of business day `day` for this station; claiming
    /// it again keeps the first time.
    pub fn claim(
        &self,
        day: &str,
        order: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Claim, StoreError> {
        let order = kitchen_domain::validate_order(order)?;
        let day = kitchen_domain::parse_day(day.trim())
            .map(kitchen_domain::day_key)
            .ok_or_else(|| invalid("day", format!("{day:?} is not a day as YYYY-MM-DD")))?;
        self.conn.execute(
            "INSERT INTO order_claims (day, order_id, claimed_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (day, order_id) DO NOTHING",
            rusqlite::params![
                day,
                order,
                now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            ],
        )?;
        Ok(self.conn.query_row(
            "SELECT day, order_id, claimed_at FROM order_claims WHERE day = ?1 AND order_id = ?2",
            [&day, &order],
            claim_from_row,
        )?)
    }
}

fn claim_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Claim> {
    Ok(Claim {
        day: row.get(0)?,
        order: row.get(1)?,
        claimed_at: row.get(2)?,
    })
}

/// An order a driver station has taken. Claims stay on the station: "claimed"
/// is not a status of the event contract, which other consumers read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    /// The order's business day: with the number, which order it is.
    pub day: String,
    pub order: String,
    pub claimed_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> DeviceSettings {
        DeviceSettings {
            device_name: " oven-1 ".into(),
            role: DeviceRole::DriverStation,
            aws_profile: Some("".into()),
            aws_region: Some("eu-west-1".into()),
            endpoint_url: Some("http://127.0.0.1:4566/".into()),
            bus_name: "pizzaria".into(),
            table_name: "pizzaria-events".into(),
            delivery_queue_name: "waiting-delivery".into(),
            warn_after_minutes: 10,
            late_after_minutes: 20,
            ready_sound: true,
            keep_days: crate::DEFAULT_KEEP_DAYS,
            language: Some(Language::Pt),
        }
    }

    #[test]
    fn saved_settings_come_back_trimmed_and_name_the_device() {
        let (_dir, store) = crate::test_store();
        assert_eq!(store.saved_settings().unwrap(), None);
        let saved = store.save_settings(&settings()).unwrap();
        assert_eq!(saved.device_name, "oven-1");
        assert_eq!(saved.aws_profile, None);
        assert_eq!(saved.endpoint_url.as_deref(), Some("http://127.0.0.1:4566"));
        assert_eq!(store.saved_settings().unwrap(), Some(saved));
        assert_eq!(store.settle_device_name(None).unwrap(), "oven-1");
    }

    #[test]
    fn each_bad_field_is_named_and_nothing_changes() {
        let (_dir, store) = crate::test_store();
        let good = store.save_settings(&settings()).unwrap();
        type Break = fn(&mut DeviceSettings);
        let cases: [(&str, Break); 13] = [
            ("deviceName", |s| s.device_name = "  ".into()),
            ("awsRegion", |s| s.aws_region = Some("Europe".into())),
            ("awsProfile", |s| s.aws_profile = Some("my profile".into())),
            ("endpointUrl", |s| {
                s.endpoint_url = Some("localhost:4566".into())
            }),
            ("endpointUrl", |s| {
                s.endpoint_url = Some("http://10.0.0.5:4566".into())
            }),
            ("busName", |s| s.bus_name = "pizza bus".into()),
            ("tableName", |s| s.table_name = "".into()),
            ("deliveryQueueName", |s| {
                s.delivery_queue_name = "q/1".into()
            }),
            ("warnAfterMinutes", |s| s.warn_after_minutes = 0),
            ("lateAfterMinutes", |s| s.late_after_minutes = 100_000),
            ("warnAfterMinutes", |s| s.warn_after_minutes = 30),
            ("keepDays", |s| s.keep_days = 1),
            ("keepDays", |s| s.keep_days = 100_000),
        ];
        for (field, break_it) in cases {
            let mut bad = settings();
            break_it(&mut bad);
            let err = store.save_settings(&bad).unwrap_err();
            assert!(
                err.to_string().contains(&format!("`{field}`")),
                "{field}: {err}"
            );
            assert_eq!(store.saved_settings().unwrap().as_ref(), Some(&good));
        }
    }

    #[test]
    fn endpoints_are_https_or_this_machine() {
        for url in [
            "http://127.0.0.1:4566",
            "http://localhost:5000/",
            "http://[::1]:80",
            "http://127.2.3.4",
            "https://events.eu-west-1.amazonaws.com",
            "https://10.0.0.5:4566",
        ] {
            assert!(validate_endpoint(url).is_ok(), "{url}");
        }
        for url in [
            "http://10.0.0.1:4566",
            "http://localhost.evil.com",
            "http://events.eu-west-1.amazonaws.com",
            "ftp://127.0.0.1",
            "127.0.0.1:4566",
        ] {
            let err = validate_endpoint(url).unwrap_err();
            assert!(err.to_string().contains("`endpointUrl`"), "{url}: {err}");
        }
        assert!(validate_endpoint("http://10.0.0.1")
            .unwrap_err()
            .to_string()
            .contains("in the clear"));
    }

    #[test]
    fn settings_saved_before_the_keep_days_setting_keep_ninety_days() {
        let (_dir, store) = crate::test_store();
        let mut old = serde_json::to_value(settings()).unwrap();
        old.as_object_mut().unwrap().remove("keepDays");
        store
            .set_device_value(SETTINGS_KEY, &old.to_string())
            .unwrap();
        let saved = store.saved_settings().unwrap().expect("still readable");
        assert_eq!(saved.keep_days, 90);
    }

    #[test]
    fn roles_parse_from_what_people_type() {
        for (text, role) in [
            ("kitchen", DeviceRole::Kitchen),
            ("driver-station", DeviceRole::DriverStation),
            ("Driver Station", DeviceRole::DriverStation),
            ("manager", DeviceRole::Manager),
        ] {
            assert_eq!(text.parse::<DeviceRole>().unwrap(), role);
        }
        assert!("chef".parse::<DeviceRole>().is_err());
    }

    #[test]
    fn a_claim_is_kept_once_with_its_first_time() {
        let (_dir, store) = crate::test_store();
        let t0 = chrono::Utc::now();
        let first = store.claim("2026-03-14", "42", t0).unwrap();
        let again = store
            .claim("2026-03-14", "42", t0 + chrono::Duration::minutes(3))
            .unwrap();
        assert_eq!(first, again);
        // The same number on another business day is another order.
        let tomorrow = store.claim("2026-03-15", "42", t0).unwrap();
        assert_eq!(store.claims().unwrap(), vec![first, tomorrow]);
        assert!(store.claim("2026-03-14", "", t0).is_err());
        let err = store.claim("14/03/2026", "42", t0).unwrap_err();
        assert!(err.to_string().contains("`day`"), "{err}");
    }
}

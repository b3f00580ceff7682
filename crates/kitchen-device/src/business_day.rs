//! The stack's business day as this device knows it: read from the table
//! (`kitchen_aws::stack_settings`) and kept in the device's database for when
//! it is offline.

use kitchen_aws::{CloudConfig, CloudError};

use crate::ports::Table;
use kitchen_domain::BusinessDaySetting;

use crate::DeviceError;

/// The business day as this device knows it: the stack's, as last read from
/// the cloud; else what this process was told (`STORE_TIME_ZONE`,
/// `STORE_DAY_START_HOUR`), or the template's defaults, marked unconfirmed so
/// the screens say so until the cloud answers.
pub fn known_business_day(
    store: &kitchen_store::Store,
    config: &CloudConfig,
) -> Result<BusinessDaySetting, DeviceError> {
    if let Some(saved) = store.saved_business_day()? {
        if saved.rule().is_ok() {
            return Ok(saved);
        }
    }
    let rule = config
        .business_day()
        .map_err(|e| CloudError::LocalCloud(format!("the configured business day: {e}")))?;
    Ok(BusinessDaySetting {
        time_zone: rule.zone_name().to_owned(),
        day_start_hour: rule.start_hour(),
        confirmed: false,
    })
}

/// Reads the stack's settings from the table and keeps them on the device:
/// the business day, and how long personal data is kept. `None`: the stack
/// has not written a business day yet.
pub async fn learn_business_day(
    store: &mut impl crate::writer::StoreAccess,
    table: &dyn Table,
) -> Result<Option<BusinessDaySetting>, DeviceError> {
    let settings = table.stack_settings().await?;
    let setting = settings.business_day.clone();
    let days = settings.personal_data_days;
    if setting.is_some() || days.is_some() {
        let saving = setting.clone();
        store
            .with(move |s| {
                if let Some(setting) = saving {
                    if s.saved_business_day()?.as_ref() != Some(&setting) {
                        s.save_business_day(&setting)?;
                    }
                }
                if let Some(days) = days {
                    s.set_device_value(crate::personal::PERSONAL_DATA_DAYS, &days.to_string())?;
                }
                Ok(())
            })
            .await?;
    }
    Ok(setting)
}

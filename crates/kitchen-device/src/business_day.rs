//! The stack's business day as this device knows it: read from the table
//! (`kitchen_aws::stack_settings`) and kept in the device's database for when
//! it is offline.

use kitchen_aws::stack_settings::read_business_day;
use kitchen_aws::{Clients, CloudConfig, CloudError};
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

/// Reads the stack's business day from the table and keeps it on the device.
/// `None`: the stack has not written one yet.
pub async fn learn_business_day(
    store: &mut impl crate::writer::StoreAccess,
    clients: &Clients,
) -> Result<Option<BusinessDaySetting>, DeviceError> {
    let setting = read_business_day(clients).await?;
    if let Some(setting) = setting.clone() {
        store
            .with(move |s| {
                if s.saved_business_day()?.as_ref() != Some(&setting) {
                    s.save_business_day(&setting)?;
                }
                Ok(())
            })
            .await?;
    }
    Ok(setting)
}

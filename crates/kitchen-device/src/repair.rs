//! Repairing a device whose database is damaged: the file is set aside with
//! what it holds, what can be read is carried into a new database, and the
//! mirror is rebuilt from the event table, which holds it whole.

use std::path::Path;

use chrono::{NaiveDate, Utc};
use kitchen_store::{set_aside_damaged, Repair, Store};

use kitchen_domain::{parse_day, BusinessDay};

use crate::business_day::known_business_day;
use crate::mirror::{MirrorSync, ResyncReport};
use crate::writer::StoreAccess;
use kitchen_aws::{Clients, CloudError};

use crate::DeviceError;

/// What a repair did, locally and from the cloud.
#[derive(Debug)]
pub struct DeviceRepair {
    pub local: Repair,
    /// Each day rebuilt from the table that had events (or lost rows).
    pub rebuilt: Vec<ResyncReport>,
    /// Why the rest could not be rebuilt now; today fills in once the cloud
    /// answers, an older day with `kitchen sync --full --day`.
    pub mirror_error: Option<String>,
}

/// Sets the damaged database in `data_dir` aside, carries what it can into a new
/// one, then rebuilds the mirror of today and of every day the old mirror held.
/// Fails, changing nothing, when the database is not damaged.
pub async fn repair_device(
    data_dir: &Path,
    clients: &Clients,
) -> Result<DeviceRepair, DeviceError> {
    let local = set_aside_damaged(data_dir, Utc::now())?;
    let mut store = Store::open_in(data_dir)?;
    let rule = known_business_day(&store, &clients.config)?
        .rule()
        .map_err(|e| CloudError::LocalCloud(e.to_string()))?;
    let (rebuilt, mirror_error) =
        rebuild_mirror(&mut store, clients, rule, &local.mirrored_days).await?;
    Ok(DeviceRepair {
        local,
        rebuilt,
        mirror_error,
    })
}

/// Reads the days the board shows and each of `days` (`YYYY-MM-DD`) whole from
/// the table into the mirror, today first, and reports the days that had
/// events (or lost rows the table does not have). Stops at the first day the
/// cloud does not answer for, and says why; what was rebuilt stays.
pub async fn rebuild_mirror(
    store: &mut impl StoreAccess,
    clients: &Clients,
    rule: BusinessDay,
    days: &[String],
) -> Result<(Vec<ResyncReport>, Option<String>), DeviceError> {
    let mirror = MirrorSync::new(clients, rule);
    // The board's days first, today at their head: they matter most if the
    // cloud stops answering part-way; then the others asked for, newest first.
    let mut asked: Vec<NaiveDate> = days.iter().filter_map(|day| parse_day(day)).collect();
    asked.sort_unstable_by(|a, b| b.cmp(a));
    let mut days = mirror.days_shown();
    for day in asked {
        if !days.contains(&day) {
            days.push(day);
        }
    }
    let mut rebuilt = Vec::new();
    for day in days {
        match mirror.read_day(store, day).await {
            // A day the table has nothing of, and the mirror held nothing
            // of, changed nothing: the next day, read in case a fast clock
            // filed taps there, is most often one.
            Ok(report) if report.items_read == 0 && report.counts.removed == 0 => {}
            Ok(report) => rebuilt.push(report),
            Err(DeviceError::Store(err)) => return Err(err.into()),
            Err(err) => return Ok((rebuilt, Some(err.to_string()))),
        }
    }
    Ok((rebuilt, None))
}

//! `kitchen sync` and `kitchen verify`: bring this device's mirror of the event
//! table up to date, and check that it holds the same rows as the table.

use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use clap::Args;
use kitchen_aws::Clients;
use kitchen_device::business_day::learn_business_day;
use kitchen_device::mirror::{FeedReport, MirrorSync, ResyncReport};
use kitchen_device::ports::Cloud;
use kitchen_domain::parse_day;
use kitchen_store::Store;

use crate::taps::open_device;
use crate::words::count;
use crate::Global;

#[derive(Args)]
pub struct SyncArgs {
    /// Also hold this business day (YYYY-MM-DD): read it whole the first time.
    /// With --full, read only this day again
    #[arg(long, value_name = "YYYY-MM-DD")]
    day: Option<String>,
    /// Read everything again and drop local rows the table no longer has: the
    /// given --day, else the whole table (a scan)
    #[arg(long)]
    full: bool,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The business day to compare (YYYY-MM-DD; default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    day: Option<String>,
}

/// Checked before anything is opened, so a typo changes nothing.
pub(crate) fn day_arg(day: Option<&str>) -> Result<Option<NaiveDate>> {
    day.map(|text| {
        parse_day(text).ok_or_else(|| anyhow!("--day must be a date as YYYY-MM-DD, got {text:?}"))
    })
    .transpose()
}

/// The device's mirror sync, after reading the stack's business day from the
/// table (kept on the device for when it is offline).
async fn mirror_for(global: &Global, store: &mut Store) -> Result<MirrorSync> {
    let clients = Clients::new(&global.cloud_config()).await;
    let cloud = Cloud::aws(&clients);
    if learn_business_day(store, cloud.table.as_ref())
        .await?
        .is_none()
    {
        eprintln!("note: the stack has no business day setting yet (deploy it, or start its store worker)");
    }
    let rule = crate::taps::business_day(global, store)?;
    Ok(MirrorSync::on(&cloud, rule))
}

pub async fn sync(global: &Global, args: SyncArgs) -> Result<()> {
    let day = day_arg(args.day.as_deref())?;
    let (mut store, _) = open_device(global)?;
    let mirror = mirror_for(global, &mut store).await?;
    if args.full {
        let report = match day {
            Some(day) => mirror.read_day(&mut store, day).await?,
            None => mirror.full_resync_all(&mut store).await?,
        };
        print_resync(&report);
    } else {
        let extra: Vec<NaiveDate> = day.into_iter().collect();
        let report = mirror.sync(&mut store, &extra).await?;
        for read in &report.days_read {
            print_resync(read);
        }
        print_feed(&report.feed);
    }
    Ok(())
}

pub async fn verify(global: &Global, args: VerifyArgs) -> Result<()> {
    let day = day_arg(args.day.as_deref())?;
    let (mut store, _) = open_device(global)?;
    let mirror = mirror_for(global, &mut store).await?;
    let day = day.unwrap_or_else(|| mirror.today());
    let report = mirror.verify_day(&mut store, day).await?;
    println!(
        "{}: mirror {}, checksum {:016x}; table {}, checksum {:016x}: {}",
        report.day,
        count(report.local.count, "row", "rows"),
        report.local.checksum,
        count(report.table.count, "row", "rows"),
        report.table.checksum,
        if report.converged() {
            "converged"
        } else {
            "NOT converged"
        }
    );
    if !report.converged() {
        bail!(
            "the mirror of {day} differs from the table: `kitchen sync` reads what arrived since \
             the last sync; if they still differ, `kitchen sync --full --day {day}` reads the day again",
            day = report.day
        );
    }
    Ok(())
}

fn print_feed(report: &FeedReport) {
    let days: Vec<&str> = report.days_changed.iter().map(String::as_str).collect();
    println!(
        "synced: read {} in {} of the arrival feed ({} new, {} updated{}), cursor {}",
        count(report.items_read, "item", "items"),
        count(report.pages, "page", "pages"),
        report.written.inserted,
        report.written.replaced,
        if days.is_empty() {
            String::new()
        } else {
            format!(", days {}", days.join(", "))
        },
        report.cursor.as_deref().unwrap_or("none")
    );
}

fn print_resync(report: &ResyncReport) {
    let counts = &report.counts;
    println!(
        "read {} whole: {} in {} ({} new, {} updated, {} removed)",
        report.day.as_deref().unwrap_or("every day"),
        count(report.items_read, "item", "items"),
        count(report.pages, "page", "pages"),
        counts.written.inserted,
        counts.written.replaced,
        counts.removed
    );
}

//! `kitchen sync` and `kitchen verify`: bring this device's mirror of the event
//! table up to date, and check that it holds the same rows as the table.

use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use clap::Args;
use kitchen_cloud::mirror::{parse_day, MirrorSync, ResyncReport, SyncReport};
use kitchen_cloud::Clients;

use crate::taps::open_device;
use crate::Global;

#[derive(Args)]
pub struct SyncArgs {
    /// Also sync this day (YYYY-MM-DD in the store's time zone); today is always synced.
    /// With --full, resync only this day
    #[arg(long, value_name = "YYYY-MM-DD")]
    day: Option<String>,
    /// Read everything again and drop local rows the table no longer has: the
    /// given --day, else the whole table (a scan)
    #[arg(long)]
    full: bool,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The day to compare (YYYY-MM-DD in the store's time zone; default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    day: Option<String>,
}

/// Checked before anything is opened, so a typo changes nothing.
fn day_arg(day: Option<&str>) -> Result<Option<NaiveDate>> {
    day.map(|text| {
        parse_day(text).ok_or_else(|| anyhow!("--day must be a date as YYYY-MM-DD, got {text:?}"))
    })
    .transpose()
}

pub async fn sync(global: &Global, args: SyncArgs) -> Result<()> {
    let day = day_arg(args.day.as_deref())?;
    let (mut store, _) = open_device(global)?;
    let clients = Clients::new(&global.cloud_config()).await;
    let mirror = MirrorSync::new(&clients)?;
    if args.full {
        let report = match day {
            Some(day) => mirror.full_resync_day(&mut store, day).await?,
            None => mirror.full_resync_all(&mut store).await?,
        };
        print_resync(&report);
    } else {
        for report in mirror.sync(&mut store, day).await? {
            print_sync(&report);
        }
    }
    Ok(())
}

pub async fn verify(global: &Global, args: VerifyArgs) -> Result<()> {
    let day = day_arg(args.day.as_deref())?;
    let (store, _) = open_device(global)?;
    let clients = Clients::new(&global.cloud_config()).await;
    let mirror = MirrorSync::new(&clients)?;
    let day = day.unwrap_or_else(|| mirror.today());
    let report = mirror.verify_day(&store, day).await?;
    println!(
        "{}: mirror {} rows, checksum {:016x}; table {} rows, checksum {:016x}: {}",
        report.day,
        report.local.count,
        report.local.checksum,
        report.table.count,
        report.table.checksum,
        if report.converged() {
            "converged"
        } else {
            "NOT converged"
        }
    );
    if !report.converged() {
        bail!(
            "the mirror of {} differs from the table; `kitchen sync --full --day {}` repairs it",
            report.day,
            report.day
        );
    }
    Ok(())
}

fn pages(n: u64) -> &'static str {
    if n == 1 {
        "page"
    } else {
        "pages"
    }
}

fn print_sync(report: &SyncReport) {
    println!(
        "synced {}: read {} items in {} {} ({} new, {} updated), watermark {}",
        report.day,
        report.items_read,
        report.pages,
        pages(report.pages),
        report.written.inserted,
        report.written.replaced,
        report.watermark.as_deref().unwrap_or("none")
    );
}

fn print_resync(report: &ResyncReport) {
    let counts = &report.counts;
    println!(
        "full resync of {}: read {} items in {} {} ({} new, {} updated, {} removed)",
        report.day.as_deref().unwrap_or("every day"),
        report.items_read,
        report.pages,
        pages(report.pages),
        counts.written.inserted,
        counts.written.replaced,
        counts.removed
    );
}

//! `kitchen repair`: a damaged database set aside, never deleted; what it still
//! holds carried into a new one; the mirror rebuilt from the cloud.

use anyhow::Result;
use clap::Args;
use kitchen_aws::Clients;
use kitchen_device::repair::repair_device;
use kitchen_store::resolve_data_dir;

use crate::words::count;
use crate::Global;

#[derive(Args)]
pub struct RepairArgs {}

pub async fn repair(global: &Global, _args: RepairArgs) -> Result<()> {
    let dir = resolve_data_dir(global.data_dir.as_deref());
    let clients = Clients::new(&global.cloud_config()).await;
    let repair = repair_device(&dir, &clients).await?;
    let local = &repair.local;
    println!(
        "the damaged database is kept at {}",
        local.set_aside.display()
    );
    println!(
        "carried into a new database: {} not yet published, {}",
        count(local.taps_carried, "tap", "taps"),
        count(local.rows_carried, "other row", "other rows")
    );
    for what in &local.unreadable {
        println!("could not read: {what}");
    }
    for day in &repair.rebuilt {
        println!(
            "mirror of {} rebuilt from the table: {}",
            day.day.as_deref().unwrap_or("?"),
            count(day.items_read, "event", "events")
        );
    }
    match &repair.mirror_error {
        Some(err) => println!(
            "the mirror could not be rebuilt now ({err}); it fills in once the cloud answers"
        ),
        None if repair.rebuilt.is_empty() => {
            println!("no day was rebuilt from the table: it had no events of the days read")
        }
        None => {}
    }
    Ok(())
}

#[derive(Args)]
pub struct CheckArgs {}

/// `kitchen check`: reads the whole database, as a start after a crash does.
pub fn check(global: &Global, _args: CheckArgs) -> Result<()> {
    let dir = resolve_data_dir(global.data_dir.as_deref());
    let path = dir.join(kitchen_store::DATABASE_FILE);
    if !path.exists() {
        anyhow::bail!("there is no database at {}", path.display());
    }
    kitchen_store::check_database(&dir)?;
    println!("the database {} is sound", path.display());
    Ok(())
}

#[derive(Args)]
pub struct PruneArgs {
    /// Business days to keep (default: the device's setting, else 90)
    #[arg(long)]
    keep_days: Option<u32>,
}

/// `kitchen prune`: removes from this device the business days it no longer
/// keeps, as the running app does every hour. Taps not yet published stay.
pub fn prune(global: &Global, args: PruneArgs) -> Result<()> {
    let (mut store, _) = crate::taps::open_device(global)?;
    let keep_days = match args.keep_days {
        Some(days) => days,
        None => store
            .saved_settings()?
            .map_or(kitchen_store::DEFAULT_KEEP_DAYS, |s| s.keep_days),
    };
    let range = kitchen_store::MIN_KEEP_DAYS..=kitchen_store::MAX_KEEP_DAYS;
    if !range.contains(&keep_days) {
        anyhow::bail!(
            "--keep-days {keep_days} is not between {} and {} days",
            range.start(),
            range.end()
        );
    }
    let rule = crate::taps::business_day(global, &store)?;
    let before = rule.day_of(chrono::Utc::now()) - chrono::Days::new(u64::from(keep_days));
    let pruned = store.prune_before(before, &[], 2_000, |_| true)?;
    println!(
        "pruned the days before {before}: {}, {}, {}, {}, {}",
        count(pruned.taps, "published tap", "published taps"),
        count(pruned.mirror_rows, "mirrored event", "mirrored events"),
        count(pruned.deliveries, "delivery", "deliveries"),
        count(pruned.claims, "claim", "claims"),
        count(
            pruned.quarantined,
            "quarantined message",
            "quarantined messages"
        )
    );
    Ok(())
}

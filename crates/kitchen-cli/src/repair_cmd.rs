//! `kitchen repair`: a damaged database set aside, never deleted; what it still
//! holds carried into a new one; the mirror rebuilt from the cloud.

use anyhow::Result;
use clap::Args;
use kitchen_cloud::repair::repair_device;
use kitchen_cloud::Clients;
use kitchen_store::resolve_data_dir;

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
        "carried into a new database: {} taps not yet published, {} other rows",
        local.taps_carried, local.rows_carried
    );
    for what in &local.unreadable {
        println!("could not read: {what}");
    }
    for day in &repair.rebuilt {
        println!(
            "mirror of {} rebuilt from the table: {} events",
            day.day.as_deref().unwrap_or("?"),
            day.items_read
        );
    }
    if let Some(err) = &repair.mirror_error {
        println!("the mirror could not be rebuilt now ({err}); it fills in once the cloud answers");
    }
    Ok(())
}

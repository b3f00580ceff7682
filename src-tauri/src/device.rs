//! The device behind the window: running, or refused because its database is
//! damaged. While damaged, every command that needs the database says so and
//! nothing is written; the repair sets the file aside and starts the device again.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;
use kitchen_aws::CloudConfig;
use kitchen_device::live::{LiveDevice, LiveOptions};
use kitchen_device::DeviceError;
use kitchen_notify::DesktopNotifier;
use kitchen_store::{check_database, set_aside_damaged, StoreError};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tokio::sync::{RwLock, RwLockReadGuard};
use ts_rs::TS;

use crate::error::CommandError;
use crate::events;

/// The device's database cannot be used: what the damaged screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DatabaseProblem {
    /// The damaged file.
    pub path: String,
    /// What SQLite said about it.
    pub detail: String,
}

/// What a repair did, for the damaged screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepairReport {
    /// Where the damaged file now is; it is never deleted.
    pub set_aside: String,
    /// Taps not yet published that were read from it and will be published.
    pub taps_carried: usize,
    /// Other rows read from it: the device's name and settings, deliveries, claims.
    pub rows_carried: usize,
    /// What could not be read, if anything.
    pub unreadable: Option<String>,
    /// The days whose mirror was rebuilt from the cloud.
    pub days_rebuilt: Vec<String>,
    /// Why the mirror could not be rebuilt now, if it could not; it fills in once the cloud answers.
    pub mirror_error: Option<String>,
}

enum Slot {
    Running(Box<LiveDevice>),
    Damaged(DatabaseProblem),
}

/// Where the device starts from: the folder, the cloud and the options of
/// `KITCHEN_*` and the AWS variables (the settings saved in the app win over them).
pub struct Startup {
    pub data_dir: PathBuf,
    pub config: CloudConfig,
    device: Option<String>,
    role: Option<kitchen_store::DeviceRole>,
}

impl Startup {
    /// Reads `KITCHEN_DATA_DIR`, `KITCHEN_DEVICE`, `KITCHEN_ROLE`, the AWS and
    /// `KITCHEN_*` variables, else a running local cloud.
    pub fn from_env() -> Result<Startup, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let role = var("KITCHEN_ROLE")
            .map(|role| role.parse())
            .transpose()
            .map_err(|err| format!("KITCHEN_ROLE: {err}"))?;
        Ok(Startup {
            data_dir: kitchen_store::resolve_data_dir(None),
            config: kitchen_stack::or_running_local_cloud(CloudConfig::from_env())
                .checked_endpoint()
                .map_err(|err| format!("AWS_ENDPOINT_URL: {err}"))?,
            device: var("KITCHEN_DEVICE"),
            role,
        })
    }

    async fn start(&self) -> Result<LiveDevice, DeviceError> {
        let options = LiveOptions {
            device: self.device.clone(),
            role: self.role,
            notifier: Some(Arc::new(DesktopNotifier::default())),
            upkeep_after: None,
        };
        tracing::info!(
            data_dir = %self.data_dir.display(),
            endpoint = self.config.endpoint_url.as_deref().unwrap_or("AWS"),
            "starting the device"
        );
        LiveDevice::start(&self.data_dir, self.config.clone(), options).await
    }
}

/// The device the commands work with (Tauri state).
pub struct Device {
    startup: Startup,
    slot: RwLock<Slot>,
}

impl Device {
    /// Starts the device; a damaged database leaves it refusing, not failing.
    /// Any other error stops the app.
    pub async fn start<R: Runtime>(
        app: &AppHandle<R>,
        startup: Startup,
    ) -> Result<Device, DeviceError> {
        let slot = match startup.start().await {
            Ok(live) => {
                events::forward(app.clone(), live.subscribe());
                Slot::Running(Box::new(live))
            }
            Err(DeviceError::Store(StoreError::Damaged { path, detail })) => {
                tracing::error!(path = %path.display(), %detail, "the database is damaged; taps are refused until it is repaired");
                Slot::Damaged(DatabaseProblem {
                    path: path.display().to_string(),
                    detail,
                })
            }
            Err(err) => return Err(err),
        };
        Ok(Device {
            startup,
            slot: RwLock::new(slot),
        })
    }

    /// The running device, or the error every command gives while it is damaged.
    pub async fn live(&self) -> Result<RwLockReadGuard<'_, LiveDevice>, CommandError> {
        RwLockReadGuard::try_map(self.slot.read().await, |slot| match slot {
            Slot::Running(live) => Some(&**live),
            Slot::Damaged(_) => None,
        })
        .map_err(|slot| match &*slot {
            Slot::Damaged(problem) => CommandError::damaged(problem),
            Slot::Running(_) => unreachable!("mapped above"),
        })
    }

    /// The folder of the device's database.
    pub fn data_dir(&self) -> &std::path::Path {
        &self.startup.data_dir
    }

    /// The problem the device was refused for, if it was.
    pub async fn problem(&self) -> Option<DatabaseProblem> {
        match &*self.slot.read().await {
            Slot::Damaged(problem) => Some(problem.clone()),
            Slot::Running(live) => live.damage().map(|(path, detail)| DatabaseProblem {
                path: path.display().to_string(),
                detail,
            }),
        }
    }

    /// The stack's business day as the device knows it: the running device's,
    /// else (a damaged database) what this process was told, unconfirmed.
    pub async fn business_day(&self) -> kitchen_domain::BusinessDaySetting {
        if let Slot::Running(live) = &*self.slot.read().await {
            return live.business_day();
        }
        let rule = self.startup.config.business_day().unwrap_or_else(|_| {
            kitchen_domain::BusinessDay::new("UTC", kitchen_domain::DEFAULT_DAY_START_HOUR)
                .expect("UTC is a time zone")
        });
        kitchen_domain::BusinessDaySetting {
            time_zone: rule.zone_name().to_owned(),
            day_start_hour: rule.start_hour(),
            confirmed: false,
        }
    }

    /// Sets the damaged database aside, carries what it can into a new one,
    /// starts the device on it and rebuilds the mirror from the cloud. A sound
    /// database is refused and the device goes on as it was.
    pub async fn repair<R: Runtime>(
        &self,
        app: &AppHandle<R>,
    ) -> Result<RepairReport, CommandError> {
        let data_dir = &self.startup.data_dir;
        let mut slot = self.slot.write().await;
        if matches!(&*slot, Slot::Running(_)) {
            let problem = match check_database(data_dir) {
                Ok(()) => {
                    return Err(StoreError::Repair(format!(
                        "the database {} is not damaged: nothing was set aside",
                        data_dir.join(kitchen_store::DATABASE_FILE).display()
                    ))
                    .into())
                }
                Err(StoreError::Damaged { path, detail }) => DatabaseProblem {
                    path: path.display().to_string(),
                    detail,
                },
                Err(err) => return Err(err.into()),
            };
            // Every connection to the file is closed before it moves.
            if let Slot::Running(live) = std::mem::replace(&mut *slot, Slot::Damaged(problem)) {
                live.stop().await;
                drop(live);
            }
        }
        let local = set_aside_damaged(data_dir, Utc::now())?;
        let live = self.startup.start().await.map_err(|err| {
            if let DeviceError::Store(StoreError::Damaged { path, detail }) = &err {
                *slot = Slot::Damaged(DatabaseProblem {
                    path: path.display().to_string(),
                    detail: detail.clone(),
                });
            }
            CommandError::internal(format!(
                "the damaged file was set aside at {}, but the device cannot start on a new database: {err}",
                local.set_aside.display()
            ))
        })?;
        events::forward(app.clone(), live.subscribe());
        *slot = Slot::Running(Box::new(live));
        // Taps and screens go on while the mirror is read back from the cloud.
        let slot = slot.downgrade();
        let Slot::Running(live) = &*slot else {
            unreachable!("set just above")
        };
        let rebuilt = live.rebuild_mirror(&local.mirrored_days).await;
        drop(slot);
        let (days, mirror_error) = match rebuilt {
            Ok((days, error)) => (days, error),
            Err(err) => (Vec::new(), Some(err.to_string())),
        };
        tracing::info!(
            set_aside = %local.set_aside.display(),
            taps = local.taps_carried,
            "the damaged database was set aside"
        );
        Ok(RepairReport {
            set_aside: local.set_aside.display().to_string(),
            taps_carried: local.taps_carried,
            rows_carried: local.rows_carried,
            unreadable: (!local.unreadable.is_empty()).then(|| local.unreadable.join("; ")),
            days_rebuilt: days.into_iter().filter_map(|report| report.day).collect(),
            mirror_error,
        })
    }

    /// Stops the loops, letting a publish in flight record its outcome.
    pub async fn stop(&self) {
        if let Slot::Running(live) = &*self.slot.read().await {
            live.stop().await;
        }
    }
}

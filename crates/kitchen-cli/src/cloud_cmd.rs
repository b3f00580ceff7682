//! `kitchen cloud …` and `kitchen worker`: the local cloud's life cycle, deploying
//! the template, and the store worker.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use chrono::Utc;
use clap::{Args, Subcommand};
use kitchen_aws::worker::StoreWorker;
use kitchen_aws::Clients;
use kitchen_stack::kept;
use kitchen_stack::local_cloud::{self, LocalCloudState, MotoServer};
use kitchen_stack::migrate;
use kitchen_stack::provision::{deploy_stack, FunctionCode, GivenParameters};

use crate::words::count;
use crate::Global;

#[derive(Subcommand)]
pub enum CloudCommand {
    /// Start the local cloud (moto on 127.0.0.1), deploy the template and start the
    /// store worker in the background. Safe to run again. Prints the endpoint URL.
    Up {
        /// Port of the local cloud
        #[arg(long, default_value_t = local_cloud::DEFAULT_PORT)]
        port: u16,
    },
    /// Stop the local cloud and its store worker, keeping the table and the
    /// queues' waiting messages for the next `up`
    Down {
        /// Stop it even when they cannot be kept (they are lost)
        #[arg(long)]
        discard: bool,
    },
    /// Is the local cloud running, and where
    Status,
    /// Move an existing stack's history to this version's table: copy a table
    /// of the earlier layout (`--from`), or stamp the configured table's items
    /// that have no arrival stamp yet, so every device's feed sees them
    Migrate {
        /// The table of the earlier layout (one item per order number and status)
        #[arg(long, value_name = "TABLE")]
        from: Option<String>,
    },
    /// Deploy the template to the configured cloud (AWS, or the endpoint given)
    Deploy {
        /// S3 bucket of the store function's zip (deploys the Lambda)
        #[arg(long, requires = "function_key")]
        function_bucket: Option<String>,
        /// S3 key of the store function's zip
        #[arg(long, requires = "function_bucket")]
        function_key: Option<String>,
        /// Who the alarms e-mail (dead letters, store function errors, an
        /// order nobody took); kept from the stack when not given
        #[arg(long, value_name = "ADDRESS")]
        alarm_email: Option<String>,
        /// Go ahead with a deploy that replaces a resource (a renamed table or
        /// queue), after saying what goes
        #[arg(long)]
        allow_replace: bool,
        /// Deploy without asking
        #[arg(long)]
        yes: bool,
    },
    /// Build the store function for AWS Lambda (`provided.al2023`, x86_64,
    /// glibc 2.34) from this checkout, check that it needs no newer glibc, and
    /// write its zip (`bootstrap`, mode 0755), ready to upload
    Package {
        /// Where to write the zip
        #[arg(long, value_name = "FILE", default_value = "store-function.zip")]
        out: PathBuf,
    },
    /// Move dead-lettered messages back to the queue they came from, once the
    /// cause (a table outage, a bad setting) is fixed: the store queue's by
    /// default, the delivery queue's with `--delivery`
    Redrive {
        /// The delivery queue's dead letters (ready orders), not the store queue's
        #[arg(long)]
        delivery: bool,
        /// Only count them
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Args)]
pub struct WorkerArgs {
    /// Poll until the queue is empty, then exit
    #[arg(long)]
    once: bool,
}

pub async fn run(global: &Global, command: CloudCommand) -> Result<()> {
    match command {
        CloudCommand::Up { port } => up(global, port).await,
        CloudCommand::Down { discard } => down(global, discard).await,
        CloudCommand::Status => {
            match LocalCloudState::load(&LocalCloudState::dir()) {
                Some(state) => {
                    let worker = state.worker_pid.filter(|p| local_cloud::pid_alive(*p));
                    println!(
                        "local cloud running at {} (moto pid {})",
                        state.endpoint, state.moto_pid
                    );
                    match worker {
                        Some(pid) => println!("store worker running (pid {pid})"),
                        None => println!("store worker NOT running: run `kitchen cloud up`"),
                    }
                    if let Some(since) = state.since {
                        println!(
                            "its table and queues kept since {} (across `cloud down` and `up`)",
                            moment(since)
                        );
                    }
                }
                None => println!("local cloud not running"),
            }
            let dir = LocalCloudState::dir();
            if let Some(since) = kept::kept_since(&dir) {
                println!(
                    "its table and queues, kept since {}, wait in {} for `kitchen cloud up`",
                    moment(since),
                    kept::path_in(&dir).display()
                );
            }
            Ok(())
        }
        CloudCommand::Migrate { from } => migrate(global, from.as_deref()).await,
        CloudCommand::Redrive { delivery, dry_run } => redrive(global, delivery, dry_run).await,
        CloudCommand::Package { out } => package(&out),
        CloudCommand::Deploy {
            function_bucket,
            function_key,
            alarm_email,
            allow_replace,
            yes,
        } => {
            let code = function_bucket
                .zip(function_key)
                .map(|(bucket, key)| FunctionCode { bucket, key });
            let given = GivenParameters {
                alarm_email,
                ..global.given().clone()
            };
            deploy(global, &given, code, allow_replace, yes).await
        }
    }
}

async fn up(global: &Global, port: u16) -> Result<()> {
    let dir = LocalCloudState::dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut state = match LocalCloudState::load(&dir) {
        Some(state) => state,
        None => {
            let server = MotoServer::start_on(port, Some(&dir.join("moto.log")))?;
            let state = LocalCloudState {
                endpoint: server.endpoint(),
                port,
                moto_pid: server.pid(),
                worker_pid: None,
                since: Some(kept::kept_since(&dir).unwrap_or_else(Utc::now)),
            };
            server.detach();
            state.save(&dir)?;
            state
        }
    };
    let mut config = global.cloud_config();
    config.endpoint_url = Some(state.endpoint.clone());
    let clients = Clients::new(&config).await;
    deploy_stack(&clients, None)
        .await
        .context("deploying the template to the local cloud")?;
    local_cloud::complete_local_stack(&clients)
        .await
        .context("completing the local cloud's table")?;
    if let Some(restored) = kept::restore(&clients, &dir)
        .await
        .context("writing back what the local cloud kept at its last stop")?
    {
        eprintln!(
            "restored {} and {} kept since {}",
            count(restored.items, "item of the table", "items of the table"),
            count(restored.messages, "queued message", "queued messages"),
            moment(restored.since),
        );
    }
    if !state.worker_pid.is_some_and(local_cloud::pid_alive) {
        state.worker_pid = Some(spawn_worker(global, &state.endpoint, &dir)?);
        state.save(&dir)?;
    }
    eprintln!(
        "local cloud up: moto pid {}, store worker pid {}",
        state.moto_pid,
        state.worker_pid.unwrap_or(0)
    );
    println!("{}", state.endpoint);
    Ok(())
}

/// A moment as the local cloud's messages print it: `2026-12-07T16:25:41Z`.
fn moment(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The business day flags given to this command, passed on as they were.
fn business_day_args(global: &Global) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(zone) = &global.store_time_zone {
        args.extend(["--store-time-zone".to_owned(), zone.clone()]);
    }
    if let Some(hour) = global.day_start_hour {
        args.extend(["--day-start-hour".to_owned(), hour.to_string()]);
    }
    args
}

/// `kitchen cloud migrate`: with a progress bar on the terminal.
async fn migrate(global: &Global, from: Option<&str>) -> Result<()> {
    let config = global.cloud_config();
    let clients = Clients::new(&config).await;
    let source = from.unwrap_or(&config.table_name);
    let total = migrate::item_count(&clients, source).await?;
    let bar = indicatif::ProgressBar::new(total).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} items ({eta} left)")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let report = match from {
        Some(from) => {
            bar.set_message(format!("copying {from} into {}", config.table_name));
            let rule = config
                .business_day()
                .context("the stack's business day (--store-time-zone, --day-start-hour)")?;
            migrate::copy_table(&clients, from, rule, |done| {
                bar.set_length(total.max(done));
                bar.set_position(done)
            })
            .await?
        }
        None => {
            bar.set_message(format!("stamping {}", config.table_name));
            migrate::stamp_table(&clients, |done| {
                bar.set_length(total.max(done));
                bar.set_position(done)
            })
            .await?
        }
    };
    bar.finish_and_clear();
    println!(
        "{} read: {} written, {} already there, {} not order events (left as they were)",
        count(report.scanned, "item", "items"),
        report.written,
        report.unchanged,
        report.skipped
    );
    Ok(())
}

/// Starts `kitchen worker` in the background against the local cloud.
fn spawn_worker(global: &Global, endpoint: &str, dir: &std::path::Path) -> Result<u32> {
    let log = std::fs::File::create(dir.join("worker.log")).context("creating worker.log")?;
    let exe: PathBuf = std::env::current_exe().context("finding the kitchen binary")?;
    use std::os::unix::process::CommandExt;
    let child = Command::new(exe)
        .args(["--endpoint-url", endpoint])
        .args([
            "--table",
            &global.table,
            "--store-queue",
            &global.store_queue,
        ])
        .args(business_day_args(global))
        .arg("worker")
        .env(
            "KITCHEN_LOG",
            std::env::var("KITCHEN_LOG").unwrap_or_else(|_| "info".into()),
        )
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .process_group(0)
        .spawn()
        .context("starting the store worker")?;
    Ok(child.id())
}

/// Stops the worker (it finishes the batch it holds), keeps the table and the
/// queues' messages for the next `cloud up`, then stops moto. When they cannot
/// be kept, moto is left running (nothing is lost) unless `discard`.
async fn down(global: &Global, discard: bool) -> Result<()> {
    let dir = LocalCloudState::dir();
    let path = dir.join(LocalCloudState::FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("local cloud not running");
        return Ok(());
    };
    let state: LocalCloudState =
        serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    if let Some(pid) = state.worker_pid {
        local_cloud::stop_pid(pid);
    }
    if local_cloud::pid_alive(state.moto_pid) {
        let mut config = global.cloud_config();
        config.endpoint_url = Some(state.endpoint.clone());
        let clients = Clients::new(&config).await;
        match kept::save(&clients, &dir, state.since.unwrap_or_else(Utc::now)).await {
            Ok(kept) => {
                println!(
                    "kept {} and {} in {}",
                    count(kept.items, "item of the table", "items of the table"),
                    count(kept.messages, "queued message", "queued messages"),
                    kept::path_in(&dir).display()
                );
                if kept.held > 0 {
                    eprintln!(
                        "note: not kept: {} a reader held (received, not yet deleted)",
                        count(kept.held, "message", "messages")
                    );
                }
            }
            Err(err) if discard => {
                eprintln!("warning: the local cloud's table and queues not kept: {err}")
            }
            Err(err) => anyhow::bail!(
                "the local cloud's table and queues could not be kept ({err}); it is still \
                 running at {} with nothing lost (`kitchen cloud up` starts its store worker \
                 again; `kitchen cloud down --discard` stops it without keeping them)",
                state.endpoint
            ),
        }
    }
    local_cloud::stop_pid(state.moto_pid);
    std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
    println!("local cloud stopped");
    Ok(())
}

pub async fn worker(global: &Global, args: WorkerArgs) -> Result<()> {
    let clients = Clients::new(&global.cloud_config()).await;
    let worker = StoreWorker::connect(&clients).await?;
    if args.once {
        let worker = worker.with_wait_seconds(1);
        let mut stored = 0;
        loop {
            let report = worker.poll_once().await?;
            stored += report.stored;
            if report.received == 0 {
                break;
            }
        }
        println!("stored {}", count(stored, "event", "events"));
        return Ok(());
    }
    let stop = kitchen_aws::supervisor::CancellationToken::new();
    let task = tokio::spawn(worker.run(stop.clone()));
    eprintln!(
        "store worker: {} → {}",
        clients.config.store_queue, clients.config.table_name
    );
    crate::taps::wait_for_stop_signal().await;
    stop.cancel();
    let _ = task.await;
    Ok(())
}

async fn redrive(global: &Global, delivery: bool, dry_run: bool) -> Result<()> {
    use kitchen_aws::redrive::{redrive, DeadLetters};
    let clients = Clients::new(&global.cloud_config()).await;
    let which = if delivery {
        DeadLetters::Delivery
    } else {
        DeadLetters::Store
    };
    let report = redrive(&clients, which, dry_run, |moved| {
        eprintln!("{moved} moved so far");
    })
    .await?;
    if dry_run {
        println!(
            "{} holds about {}; nothing was moved (dry run)",
            report.dead_letter,
            messages(report.waiting)
        );
    } else {
        println!(
            "moved {} from {} back to {}",
            messages(report.moved),
            report.dead_letter,
            report.source
        );
    }
    Ok(())
}

/// "1 message", "3 messages".
fn messages(n: impl Into<u64>) -> String {
    count(n.into(), "message", "messages")
}

/// `kitchen cloud deploy`: plans the deploy, keeping what was not given, says
/// what it changes, refuses to replace a resource unless told, asks, then
/// deploys with progress.
async fn deploy(
    global: &Global,
    given: &GivenParameters,
    code: Option<FunctionCode>,
    allow_replace: bool,
    yes: bool,
) -> Result<()> {
    use kitchen_stack::provision::{discard_plan, execute_deploy, plan_deploy};
    let config = global.cloud_config();
    let clients = Clients::new(&config).await;
    let plan = plan_deploy(&clients, given, code.as_ref()).await?;
    if plan.is_empty() {
        println!(
            "stack {} is up to date: nothing to change",
            config.stack_name
        );
    } else {
        println!("deploying stack {}:", config.stack_name);
        for change in &plan.changes {
            println!("  {change}");
        }
    }
    if !plan.losses.is_empty() {
        for loss in &plan.losses {
            println!("  GOES: {loss}");
        }
        if !allow_replace {
            discard_plan(&clients, &plan).await?;
            anyhow::bail!(
                "this deploy would replace what is listed under GOES; nothing was changed (give --allow-replace to go ahead)"
            );
        }
    }
    if !yes && !plan.is_empty() && !confirmed("deploy? [y/N] ")? {
        discard_plan(&clients, &plan).await?;
        anyhow::bail!("not deployed: nothing was changed");
    }
    let outputs = execute_deploy(&clients, plan, |status| eprintln!("  {status}")).await?;
    println!("stack {} deployed", config.stack_name);
    let mut keys: Vec<_> = outputs.into_iter().collect();
    keys.sort();
    for (key, value) in keys {
        println!("  {key}: {value}");
    }
    Ok(())
}

/// `kitchen cloud package`: the checkout's Lambda build (cargo-zigbuild for
/// glibc 2.34, the glibc check, the zip), then the zip copied to `out`.
fn package(out: &std::path::Path) -> Result<()> {
    let start = std::env::current_dir().context("the current folder")?;
    let root = start
        .ancestors()
        .find(|dir| dir.join("scripts/build-lambda.sh").is_file())
        .with_context(|| {
            format!(
                "{} is not inside a checkout of this project: the store function is built from its source",
                start.display()
            )
        })?;
    let target = root.join("target/lambda");
    let status = Command::new("bash")
        .arg(root.join("scripts/build-lambda.sh"))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .context("running scripts/build-lambda.sh")?;
    if !status.success() {
        anyhow::bail!("the store function was not packaged: scripts/build-lambda.sh {status}");
    }
    let zip = target.join("store-function.zip");
    // Never onto itself: a copy onto the same file would empty it.
    if std::fs::canonicalize(out).ok() != std::fs::canonicalize(&zip).ok() {
        std::fs::copy(&zip, out)
            .with_context(|| format!("copying {} to {}", zip.display(), out.display()))?;
    }
    println!("{}", out.display());
    eprintln!(
        "upload it and deploy, e.g.:\n  aws s3 cp {} s3://MY-BUCKET/kitchen/store-function.zip\n  kitchen cloud deploy --function-bucket MY-BUCKET --function-key kitchen/store-function.zip",
        out.display()
    );
    Ok(())
}

/// Asks on the terminal; anything but "y" or "yes" (or no terminal) is a no.
fn confirmed(question: &str) -> Result<bool> {
    use std::io::Write;
    print!("{question}");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer)? == 0 {
        // No terminal to answer from: the line ends here.
        println!();
    }
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

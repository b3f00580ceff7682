//! `kitchen`: the kitchen dashboard without a window. Provisions the cloud, taps
//! statuses, simulates a day, runs the store worker, shows the outbox, and syncs
//! and verifies the mirror, over the same core as the desktop app.

mod board_cmd;
mod cloud_cmd;
mod drivers_cmd;
mod live_cmd;
mod mirror_cmd;
mod repair_cmd;
mod taps;
mod timeline_cmd;
mod words;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use kitchen_aws::CloudConfig;
use kitchen_stack::provision::GivenParameters;

#[derive(Parser)]
#[command(
    name = "kitchen",
    version,
    about = "The pizzeria's kitchen dashboard, headless"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Settings every command shares. Each has an environment variable.
#[derive(Args, Clone)]
struct Global {
    /// This device's data folder (its database lives there)
    #[arg(long, global = true, env = "KITCHEN_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// This device's name, remembered in its data folder
    #[arg(long, global = true, env = "KITCHEN_DEVICE")]
    device: Option<String>,
    /// Cloud endpoint; default: AWS, or the local cloud while `kitchen cloud up` runs
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL")]
    endpoint_url: Option<String>,
    /// AWS region (default chain, else us-east-1)
    #[arg(long, global = true, env = "AWS_REGION")]
    region: Option<String>,
    /// AWS profile (default chain)
    #[arg(long, global = true, env = "AWS_PROFILE")]
    profile: Option<String>,
    /// Event bus name
    #[arg(long, global = true, env = "KITCHEN_BUS", default_value = "pizzaria")]
    bus: String,
    /// Event table name
    #[arg(
        long,
        global = true,
        env = "KITCHEN_TABLE",
        default_value = "pizzaria-events"
    )]
    table: String,
    /// Queue the store function reads
    #[arg(
        long,
        global = true,
        env = "KITCHEN_STORE_QUEUE",
        default_value = "pizzaria-events-store"
    )]
    store_queue: String,
    /// Queue of ready orders for the drivers
    #[arg(
        long,
        global = true,
        env = "KITCHEN_DELIVERY_QUEUE",
        default_value = "waiting-delivery"
    )]
    delivery_queue: String,
    /// CloudFormation stack name
    #[arg(
        long,
        global = true,
        env = "KITCHEN_STACK",
        default_value = "kitchen-dashboard"
    )]
    stack: String,
    /// The stack's store time zone (IANA name): what `cloud up`, `cloud deploy`
    /// and the store worker set; devices read the stack's own setting
    #[arg(long, global = true, env = "STORE_TIME_ZONE")]
    store_time_zone: Option<String>,
    /// The hour (0-23) a business day starts at on the store's clocks: what
    /// `cloud up`, `cloud deploy` and the store worker set (default 4)
    #[arg(long, global = true, env = "STORE_DAY_START_HOUR", value_parser = clap::value_parser!(u8).range(0..24))]
    day_start_hour: Option<u8>,
    /// Days the table keeps an order's address, phone and driver's note
    /// (1-365): what `cloud up`, `cloud deploy` and the store worker set
    /// (default 30); devices forget them on the stack's schedule
    #[arg(long, global = true, env = "PERSONAL_DATA_DAYS", value_parser = clap::value_parser!(u32).range(1..=365))]
    personal_data_days: Option<u32>,
    /// The names set by a flag or a variable, not left to their defaults: a
    /// deploy keeps the stack's own for the others.
    #[arg(skip)]
    given_names: GivenParameters,
}

impl Global {
    /// Notes which of the resource names were given, from how clap found them.
    fn note_given(&mut self, matches: &clap::ArgMatches) {
        let given = |id: &str, value: &String| {
            matches
                .value_source(id)
                .filter(|source| *source != ValueSource::DefaultValue)
                .map(|_| value.clone())
        };
        self.given_names = GivenParameters {
            bus_name: given("bus", &self.bus),
            table_name: given("table", &self.table),
            store_queue: given("store_queue", &self.store_queue),
            delivery_queue: given("delivery_queue", &self.delivery_queue),
            store_time_zone: self.store_time_zone.clone().filter(|z| !z.is_empty()),
            day_start_hour: self.day_start_hour,
            alarm_email: None,
            personal_data_days: self.personal_data_days,
        };
    }

    /// The template parameters this invocation sets.
    fn given(&self) -> &GivenParameters {
        &self.given_names
    }

    fn cloud_config(&self) -> CloudConfig {
        kitchen_stack::or_running_local_cloud(CloudConfig {
            region: self.region.clone().filter(|r| !r.is_empty()),
            profile: self.profile.clone().filter(|p| !p.is_empty()),
            endpoint_url: self.endpoint_url.clone().filter(|e| !e.is_empty()),
            stack_name: self.stack.clone(),
            bus_name: self.bus.clone(),
            table_name: self.table.clone(),
            store_queue: self.store_queue.clone(),
            delivery_queue: self.delivery_queue.clone(),
            store_time_zone: self.store_time_zone.clone().filter(|z| !z.is_empty()),
            day_start_hour: self.day_start_hour,
            personal_data_days: self.personal_data_days,
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Start, stop or deploy the cloud
    #[command(subcommand)]
    Cloud(cloud_cmd::CloudCommand),
    /// Tap a status for an order: committed locally at once, then published
    Tap(taps::TapArgs),
    /// Send N orders through the six kitchen stages, like the original flow's test
    Simulate(taps::SimulateArgs),
    /// Publish what the outbox holds
    Publish(taps::PublishArgs),
    /// Show the taps not yet published (and the ones the bus refused)
    Outbox(taps::OutboxArgs),
    /// Run the store worker in the foreground: store queue → event table
    Worker(cloud_cmd::WorkerArgs),
    /// Bring this device's mirror of the event table up to date
    Sync(mirror_cmd::SyncArgs),
    /// Compare the mirror with the event table for a day; fails when they differ
    Verify(mirror_cmd::VerifyArgs),
    /// Each order of a day with the time of each stage, from this device's mirror
    Timeline(timeline_cmd::TimelineArgs),
    /// The kitchen board as the Kitchen screen shows it; `--at HH:MM`: as it stood then
    Board(board_cmd::BoardArgs),
    /// A day's late orders, as the Manager screen lists them
    Late(board_cmd::LateArgs),
    /// Ready orders waiting for a driver; `--poll` takes them from the delivery queue
    Drivers(drivers_cmd::DriversArgs),
    /// Run this device without a window: publish, mirror, and poll the delivery
    /// queue on a driver station, as the desktop app does, until Ctrl-C
    Run(live_cmd::RunArgs),
    /// Set a damaged database aside (never deleted), carry the taps not yet
    /// published into a new one and rebuild the mirror from the cloud
    Repair(repair_cmd::RepairArgs),
    /// Read the whole database and say whether it is sound (a start after a
    /// crash does it too)
    Check(repair_cmd::CheckArgs),
    /// Remove the business days this device no longer keeps (published taps,
    /// mirrored events, deliveries); the running app does it every hour
    Prune(repair_cmd::PruneArgs),
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    cli.global.note_given(&matches);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KITCHEN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(err) = cli.global.cloud_config().checked_endpoint() {
        eprintln!("error: --endpoint-url (AWS_ENDPOINT_URL): {err}");
        return ExitCode::FAILURE;
    }
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime starts");
    let result = runtime.block_on(async {
        match cli.command {
            Command::Cloud(command) => cloud_cmd::run(&cli.global, command).await,
            Command::Tap(args) => taps::tap(&cli.global, args).await,
            Command::Simulate(args) => taps::simulate(&cli.global, args).await,
            Command::Publish(args) => taps::publish(&cli.global, args).await,
            Command::Outbox(args) => taps::outbox(&cli.global, args),
            Command::Worker(args) => cloud_cmd::worker(&cli.global, args).await,
            Command::Sync(args) => mirror_cmd::sync(&cli.global, args).await,
            Command::Verify(args) => mirror_cmd::verify(&cli.global, args).await,
            Command::Timeline(args) => timeline_cmd::timeline(&cli.global, args),
            Command::Board(args) => board_cmd::board(&cli.global, args),
            Command::Late(args) => board_cmd::late(&cli.global, args),
            Command::Drivers(args) => drivers_cmd::drivers(&cli.global, args).await,
            Command::Run(args) => live_cmd::run(&cli.global, args).await,
            Command::Repair(args) => repair_cmd::repair(&cli.global, args).await,
            Command::Check(args) => repair_cmd::check(&cli.global, args),
            Command::Prune(args) => repair_cmd::prune(&cli.global, args),
        }
    });
    // Every connection is closed with the runtime's tasks; the last process to
    // leave marks the database as closed cleanly, so the next start skips
    // reading it whole.
    drop(runtime);
    kitchen_store::end_sessions();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let mut text = err.to_string();
            for cause in err.chain().skip(1) {
                text.push_str(&format!(": {cause}"));
            }
            eprintln!("error: {}", text.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

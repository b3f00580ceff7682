//! The local cloud: a pinned `moto_server` on 127.0.0.1, started and stopped by
//! process id, with the project's template deployed to it.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use kitchen_aws::CloudError;

/// The local cloud's port unless told otherwise.
pub const DEFAULT_PORT: u16 = 4566;
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Finds `moto_server`: `KITCHEN_MOTO_SERVER`, else `.venv/bin/moto_server` in the
/// current folder or one above it, or beside the running binary's project.
pub fn moto_binary() -> Result<PathBuf, CloudError> {
    if let Some(path) = std::env::var_os("KITCHEN_MOTO_SERVER").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let mut starts = vec![std::env::current_dir().unwrap_or_default()];
    if let Ok(exe) = std::env::current_exe() {
        starts.push(exe);
    }
    // Tests run from a crate folder; the build knows where the workspace is.
    starts.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    starts
        .iter()
        .flat_map(|start| start.ancestors())
        .map(|dir| dir.join(".venv/bin/moto_server"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            CloudError::LocalCloud(
                "moto_server not found: run scripts/install-deps.sh, or set KITCHEN_MOTO_SERVER"
                    .into(),
            )
        })
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("the loopback interface has a free port")
}

/// A running `moto_server`. Dropping it stops the process (by its pid), unless it
/// was detached to outlive this program.
pub struct MotoServer {
    child: Option<Child>,
    pid: u32,
    port: u16,
}

impl MotoServer {
    /// Starts moto on a free port, tied to this value's lifetime (tests).
    pub fn start() -> Result<MotoServer, CloudError> {
        MotoServer::start_on(free_port(), None)
    }

    /// Starts moto on `port`, logging to `log` (or nowhere).
    pub fn start_on(port: u16, log: Option<&Path>) -> Result<MotoServer, CloudError> {
        let binary = moto_binary()?;
        let output = match log {
            Some(path) => Stdio::from(std::fs::File::create(path).map_err(|e| {
                CloudError::LocalCloud(format!("cannot write {}: {e}", path.display()))
            })?),
            None => Stdio::null(),
        };
        let err_output = match log {
            Some(path) => Stdio::from(
                std::fs::OpenOptions::new()
                    .append(true)
                    .open(path)
                    .map_err(|e| {
                        CloudError::LocalCloud(format!("cannot write {}: {e}", path.display()))
                    })?,
            ),
            None => Stdio::null(),
        };
        let child = Command::new(&binary)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(err_output)
            // Its own process group: a Ctrl-C meant for the CLI does not reach it.
            .process_group(0)
            .spawn()
            .map_err(|e| {
                CloudError::LocalCloud(format!("cannot start {}: {e}", binary.display()))
            })?;
        let mut server = MotoServer {
            pid: child.id(),
            child: Some(child),
            port,
        };
        server.wait_until_ready()?;
        Ok(server)
    }

    fn wait_until_ready(&mut self) -> Result<(), CloudError> {
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(CloudError::LocalCloud(format!(
                        "moto_server exited at start ({status}); is port {} free?",
                        self.port
                    )));
                }
            }
            if http_request(self.port, "GET", "/moto-api/data.json").is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(CloudError::LocalCloud(format!(
            "moto_server did not answer on port {} within {START_TIMEOUT:?}",
            self.port
        )))
    }

    pub fn endpoint(&self) -> String {
        endpoint_for(self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Lets the server outlive this value; it is then stopped with [`stop_pid`].
    pub fn detach(mut self) -> u32 {
        self.child = None;
        self.pid
    }

    /// Forgets every resource and item: a clean cloud for the next test.
    pub fn reset(&self) -> Result<(), CloudError> {
        http_request(self.port, "POST", "/moto-api/reset").map(|_| ())
    }

    /// Stops the server by its pid and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn endpoint_for(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// A minimal HTTP/1.1 request to the local server's own API (no client library needed).
fn http_request(port: u16, method: &str, path: &str) -> Result<String, CloudError> {
    let fail =
        |e: std::io::Error| CloudError::LocalCloud(format!("{method} {path} on port {port}: {e}"));
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).map_err(fail)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(fail)?;
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").map_err(fail)?;
    let mut response = String::new();
    stream.read_to_string(&mut response).map_err(fail)?;
    if response.starts_with("HTTP/1.1 2") || response.starts_with("HTTP/1.0 2") {
        Ok(response)
    } else {
        Err(CloudError::LocalCloud(format!(
            "{method} {path}: {}",
            response.lines().next().unwrap_or("no answer")
        )))
    }
}

/// Whether a process with this id is running (Linux: it has a /proc entry that is not a zombie).
pub fn pid_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// Stops a process by id: SIGTERM, then SIGKILL if it is still there after 5 s.
pub fn stop_pid(pid: u32) {
    let signal = |sig: &str| {
        let _ = Command::new("kill")
            .args([sig, &pid.to_string()])
            .stderr(Stdio::null())
            .status();
    };
    signal("-TERM");
    let started = Instant::now();
    while pid_alive(pid) && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    if pid_alive(pid) {
        signal("-KILL");
    }
}

/// The endpoint of the local cloud `kitchen cloud up` left running, if there is one.
pub fn running_endpoint() -> Option<String> {
    LocalCloudState::load(&LocalCloudState::dir()).map(|state| state.endpoint)
}

/// What `kitchen cloud up` started, so `kitchen cloud down` can stop it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalCloudState {
    pub endpoint: String,
    pub port: u16,
    pub moto_pid: u32,
    pub worker_pid: Option<u32>,
    /// When this local cloud first started: its table and queues are kept
    /// across `kitchen cloud down` and `cloud up` (see [`crate::kept`]).
    #[serde(default)]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
}

impl LocalCloudState {
    pub const FILE: &'static str = "local-cloud.json";

    /// The local cloud's folder: `KITCHEN_CLOUD_DIR`, else `local-cloud` in the
    /// platform data folder (shared by every device on this machine).
    pub fn dir() -> PathBuf {
        if let Some(dir) = std::env::var_os("KITCHEN_CLOUD_DIR").filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        directories::BaseDirs::new()
            .map(|d| d.data_dir().join(kitchen_domain::APP_IDENTIFIER))
            .unwrap_or_else(|| PathBuf::from(".kitchen-data"))
            .join("local-cloud")
    }

    /// The state of a running local cloud, if there is one.
    pub fn load(dir: &Path) -> Option<LocalCloudState> {
        let text = std::fs::read_to_string(dir.join(Self::FILE)).ok()?;
        let state: LocalCloudState = serde_json::from_str(&text).ok()?;
        pid_alive(state.moto_pid).then_some(state)
    }

    pub fn save(&self, dir: &Path) -> Result<(), CloudError> {
        std::fs::create_dir_all(dir)
            .and_then(|_| {
                std::fs::write(
                    dir.join(Self::FILE),
                    serde_json::to_string_pretty(self).expect("state serialises"),
                )
            })
            .map_err(|e| CloudError::LocalCloud(format!("cannot write {}: {e}", dir.display())))
    }
}

/// A local cloud owned by this program: moto on a free port with the template
/// deployed, stopped when dropped. Tests and benchmarks run against it.
pub struct LocalCloud {
    pub server: MotoServer,
    pub clients: kitchen_aws::Clients,
}

impl LocalCloud {
    /// Starts moto on a free port and deploys the template with `config`'s names.
    pub async fn start(config: kitchen_aws::CloudConfig) -> Result<LocalCloud, CloudError> {
        let server = tokio::task::spawn_blocking(MotoServer::start)
            .await
            .map_err(|e| CloudError::LocalCloud(e.to_string()))??;
        LocalCloud::deploy_on(server, config).await
    }

    /// Deploys the template to an already running server.
    pub async fn deploy_on(
        server: MotoServer,
        mut config: kitchen_aws::CloudConfig,
    ) -> Result<LocalCloud, CloudError> {
        config.endpoint_url = Some(server.endpoint());
        let clients = kitchen_aws::Clients::new(&config).await;
        crate::provision::deploy_stack(&clients, None).await?;
        complete_local_stack(&clients).await?;
        Ok(LocalCloud { server, clients })
    }

    pub fn endpoint(&self) -> String {
        self.server.endpoint()
    }
}

/// What the local cloud's CloudFormation leaves out of the template, done by
/// hand on the local cloud only: moto creates the table without its
/// `TimeToLiveSpecification`, so its time to live is switched on here, on the
/// attribute the template names. On AWS the stack does it.
pub async fn complete_local_stack(clients: &kitchen_aws::Clients) -> Result<(), CloudError> {
    use aws_sdk_dynamodb::types::{TimeToLiveSpecification, TimeToLiveStatus};
    let table = &clients.config.table_name;
    let now = clients
        .dynamodb
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await
        .map_err(|e| CloudError::call("DescribeTimeToLive", table, e))?;
    let on = now.time_to_live_description().is_some_and(|ttl| {
        ttl.time_to_live_status() == Some(&TimeToLiveStatus::Enabled)
            && ttl.attribute_name() == Some(kitchen_aws::table::EXPIRES_AT)
    });
    if on {
        return Ok(());
    }
    let specification = TimeToLiveSpecification::builder()
        .attribute_name(kitchen_aws::table::EXPIRES_AT)
        .enabled(true)
        .build()
        .map_err(|e| CloudError::LocalCloud(format!("the table's time to live: {e}")))?;
    clients
        .dynamodb
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(specification)
        .send()
        .await
        .map_err(|e| CloudError::call("UpdateTimeToLive", table, e))?;
    Ok(())
}

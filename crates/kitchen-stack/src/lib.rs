//! The stack: the project's CloudFormation template and its deploys (to AWS or
//! to the local cloud), the local cloud itself (a pinned `moto_server` on
//! 127.0.0.1) and what it keeps across a restart, and moving a stack of the
//! earlier layout to this one.

pub mod kept;
pub mod local_cloud;
pub mod migrate;
pub mod provision;

use kitchen_aws::CloudConfig;

/// A configuration without an endpoint takes the one of a running local
/// cloud (`kitchen cloud up`), so the CLI and the app reach it with no setting.
pub fn or_running_local_cloud(mut config: CloudConfig) -> CloudConfig {
    if config.endpoint_url.is_none() {
        config.endpoint_url = local_cloud::running_endpoint();
    }
    config
}

//! Where the cloud is and what its resources are called, and the SDK clients built
//! from that: the default credential chain, `AWS_PROFILE`, `AWS_REGION` and
//! `AWS_ENDPOINT_URL` as everywhere in AWS, with explicit timeouts.

use std::time::Duration;

use aws_config::meta::region::RegionProviderChain;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use serde::{Deserialize, Serialize};

use crate::clock::ClockWatch;

/// Names and location of the cloud resources. Defaults are the SPEC's names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudConfig {
    /// `None`: the default chain (`AWS_REGION`, the profile), else us-east-1.
    pub region: Option<String>,
    /// `None`: the default chain (`AWS_PROFILE`, else the default profile).
    pub profile: Option<String>,
    /// `None`: AWS itself (or `AWS_ENDPOINT_URL`); the local cloud sets it.
    pub endpoint_url: Option<String>,
    pub stack_name: String,
    pub bus_name: String,
    pub table_name: String,
    pub store_queue: String,
    pub delivery_queue: String,
    /// The stack's store time zone (IANA), when this process was told it
    /// (`STORE_TIME_ZONE`): the store function's setting, and what a deploy sets.
    /// Devices read the stack's own setting from the table.
    pub store_time_zone: Option<String>,
    /// The hour a business day starts at (`STORE_DAY_START_HOUR`), when told.
    pub day_start_hour: Option<u8>,
    /// How many days the table keeps an order's address and phone
    /// (`PERSONAL_DATA_DAYS`), when told: the store function's setting.
    pub personal_data_days: Option<u32>,
}

impl Default for CloudConfig {
    fn default() -> Self {
        CloudConfig {
            region: None,
            profile: None,
            endpoint_url: None,
            stack_name: "kitchen-dashboard".into(),
            bus_name: "pizzaria".into(),
            table_name: "pizzaria-events".into(),
            store_queue: "pizzaria-events-store".into(),
            delivery_queue: "waiting-delivery".into(),
            store_time_zone: None,
            day_start_hour: None,
            personal_data_days: None,
        }
    }
}

/// The template's default for how long the table keeps an order's address
/// and phone (`PersonalDataDays`).
pub const DEFAULT_PERSONAL_DATA_DAYS: u32 = 30;
/// The longest the template allows.
pub const MAX_PERSONAL_DATA_DAYS: u32 = 365;

/// The template's default store time zone.
pub const DEFAULT_STORE_TIME_ZONE: &str = "UTC";

/// Timeouts for ordinary calls: a call never hangs on a dead network.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(15);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// SQS long polls wait up to 20 s, so their attempts get more than that.
pub const LONG_POLL_WAIT: Duration = Duration::from_secs(20);
const LONG_POLL_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(25);
const LONG_POLL_OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

impl CloudConfig {
    /// The defaults, overridden by `KITCHEN_*` variables, `STORE_TIME_ZONE` and
    /// `STORE_DAY_START_HOUR` (an hour that is not 0–23 is ignored, with a warning).
    pub fn from_env() -> CloudConfig {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let mut config = CloudConfig {
            region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
            profile: var("AWS_PROFILE"),
            endpoint_url: var("AWS_ENDPOINT_URL"),
            ..CloudConfig::default()
        };
        let names = [
            ("KITCHEN_STACK", &mut config.stack_name),
            ("KITCHEN_BUS", &mut config.bus_name),
            ("KITCHEN_TABLE", &mut config.table_name),
            ("KITCHEN_STORE_QUEUE", &mut config.store_queue),
            ("KITCHEN_DELIVERY_QUEUE", &mut config.delivery_queue),
        ];
        for (name, slot) in names {
            if let Some(value) = var(name) {
                *slot = value;
            }
        }
        config.store_time_zone = var("STORE_TIME_ZONE");
        config.day_start_hour = var("STORE_DAY_START_HOUR").and_then(|hour| {
            let parsed = hour.trim().parse::<u8>().ok().filter(|h| *h < 24);
            if parsed.is_none() {
                tracing::warn!(
                    "STORE_DAY_START_HOUR {hour:?} is not an hour from 0 to 23; ignored"
                );
            }
            parsed
        });
        config.personal_data_days = var("PERSONAL_DATA_DAYS").and_then(|days| {
            let parsed = days
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=MAX_PERSONAL_DATA_DAYS).contains(d));
            if parsed.is_none() {
                tracing::warn!(
                    "PERSONAL_DATA_DAYS {days:?} is not a number of days from 1 to \
                     {MAX_PERSONAL_DATA_DAYS}; the default ({DEFAULT_PERSONAL_DATA_DAYS}) is used"
                );
            }
            parsed
        });
        config
    }

    /// How many days the table keeps an order's address and phone.
    pub fn personal_data_days(&self) -> u32 {
        self.personal_data_days
            .unwrap_or(DEFAULT_PERSONAL_DATA_DAYS)
    }

    /// The business day this process was told (`STORE_TIME_ZONE`,
    /// `STORE_DAY_START_HOUR`), the template's defaults standing in for what
    /// was not: for the store function and for deploys.
    pub fn business_day(
        &self,
    ) -> Result<kitchen_domain::BusinessDay, kitchen_domain::ContractError> {
        kitchen_domain::BusinessDay::new(
            self.store_time_zone
                .as_deref()
                .unwrap_or(DEFAULT_STORE_TIME_ZONE),
            self.day_start_hour
                .unwrap_or(kitchen_domain::DEFAULT_DAY_START_HOUR),
        )
    }

    /// The configuration, or why its endpoint may not be used: `https://`, or
    /// `http://` to this machine only.
    pub fn checked_endpoint(self) -> Result<CloudConfig, kitchen_domain::ContractError> {
        if let Some(url) = &self.endpoint_url {
            kitchen_domain::validate_endpoint(url)?;
        }
        Ok(self)
    }

    /// True when the endpoint is this machine: the local cloud.
    pub fn is_local(&self) -> bool {
        self.endpoint_url
            .as_deref()
            .is_some_and(kitchen_domain::is_loopback_url)
    }

    /// Loads the shared SDK configuration once; clients are built from it.
    pub async fn load_sdk_config(&self) -> SdkConfig {
        let explicit = self.region.clone().map(Region::new);
        // The local cloud needs no region lookup; the default chain would also ask
        // the EC2 metadata service, which is not on this machine's loopback.
        let region = if self.is_local() {
            RegionProviderChain::first_try(explicit).or_else(Region::from_static("us-east-1"))
        } else {
            RegionProviderChain::first_try(explicit)
                .or_default_provider()
                .or_else(Region::from_static("us-east-1"))
        };
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(region)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                    .operation_timeout(OPERATION_TIMEOUT)
                    .build(),
            );
        if let Some(profile) = &self.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(endpoint) = &self.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        // The local cloud takes any signature; these are not secrets and are never stored.
        if self.is_local()
            && std::env::var_os("AWS_ACCESS_KEY_ID").is_none()
            && self.profile.is_none()
        {
            loader = loader.credentials_provider(aws_sdk_sqs::config::Credentials::new(
                "local",
                "local",
                None,
                None,
                "local-cloud",
            ));
        }
        loader.load().await
    }
}

/// The SDK clients the core uses, built once from one configuration.
#[derive(Clone, Debug)]
pub struct Clients {
    pub config: CloudConfig,
    pub events: aws_sdk_eventbridge::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub sqs: aws_sdk_sqs::Client,
    /// For long polls: attempt timeout above the 20 s wait.
    pub sqs_long_poll: aws_sdk_sqs::Client,
    pub cloudformation: aws_sdk_cloudformation::Client,
    /// The cloud's clock, measured on every response of these clients.
    pub clock: ClockWatch,
    /// Which calls these clients have made.
    pub calls: crate::calls::CallLog,
}

impl Clients {
    pub async fn new(config: &CloudConfig) -> Clients {
        let sdk = config.load_sdk_config().await;
        let clock = ClockWatch::default();
        let calls = crate::calls::CallLog::default();
        let long_poll = aws_sdk_sqs::config::Builder::from(&sdk)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .operation_attempt_timeout(LONG_POLL_ATTEMPT_TIMEOUT)
                    .operation_timeout(LONG_POLL_OPERATION_TIMEOUT)
                    .build(),
            )
            .interceptor(clock.clone())
            .interceptor(calls.clone())
            .build();
        Clients {
            config: config.clone(),
            events: aws_sdk_eventbridge::Client::from_conf(
                aws_sdk_eventbridge::config::Builder::from(&sdk)
                    .interceptor(clock.clone())
                    .interceptor(calls.clone())
                    .build(),
            ),
            dynamodb: aws_sdk_dynamodb::Client::from_conf(
                aws_sdk_dynamodb::config::Builder::from(&sdk)
                    .interceptor(clock.clone())
                    .interceptor(calls.clone())
                    .build(),
            ),
            sqs: aws_sdk_sqs::Client::from_conf(
                aws_sdk_sqs::config::Builder::from(&sdk)
                    .interceptor(clock.clone())
                    .interceptor(calls.clone())
                    .build(),
            ),
            sqs_long_poll: aws_sdk_sqs::Client::from_conf(long_poll),
            cloudformation: aws_sdk_cloudformation::Client::from_conf(
                aws_sdk_cloudformation::config::Builder::from(&sdk)
                    .interceptor(calls.clone())
                    .build(),
            ),
            clock,
            calls,
        }
    }

    /// The URL of a queue by name (the names, not URLs, are configuration).
    pub async fn queue_url(&self, name: &str) -> Result<String, crate::CloudError> {
        let out = self
            .sqs
            .get_queue_url()
            .queue_name(name)
            .send()
            .await
            .map_err(|e| crate::CloudError::call("GetQueueUrl", name, e))?;
        out.queue_url
            .ok_or_else(|| crate::CloudError::Missing(format!("queue {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_endpoints_are_local() {
        let at = |url: &str| CloudConfig {
            endpoint_url: Some(url.into()),
            ..CloudConfig::default()
        };
        assert!(at("http://127.0.0.1:4566").is_local());
        assert!(!at("https://10.0.0.1:4566").is_local());
        assert!(!CloudConfig::default().is_local());
        assert!(at("http://10.0.0.1:4566").checked_endpoint().is_err());
        assert!(at("https://10.0.0.1:4566").checked_endpoint().is_ok());
    }

    #[test]
    fn defaults_are_the_spec_names() {
        let c = CloudConfig::default();
        assert_eq!(
            (c.bus_name.as_str(), c.table_name.as_str()),
            ("pizzaria", "pizzaria-events")
        );
        assert_eq!(
            (c.store_queue.as_str(), c.delivery_queue.as_str()),
            ("pizzaria-events-store", "waiting-delivery")
        );
    }
}

//! Deploys the project's CloudFormation template, the same one on the local cloud
//! and on AWS, and reads back its outputs.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::types::{Capability, Parameter, StackStatus};

use crate::{Clients, CloudError};

/// The template in `infra/`, built into the binary so the CLI deploys what it was built with.
pub const TEMPLATE: &str = include_str!("../../../infra/template.yaml");
const DEPLOY_TIMEOUT: Duration = Duration::from_secs(900);

/// Where the store function's code is, when it runs as a Lambda.
#[derive(Debug, Clone, Default)]
pub struct FunctionCode {
    pub bucket: String,
    pub key: String,
}

/// Creates the stack, or updates it when it exists. `function: None` leaves the
/// Lambda out (the local cloud, where the store worker plays its part). Then
/// writes the stack's business day into the table, for the devices.
pub async fn deploy_stack(
    clients: &Clients,
    function: Option<&FunctionCode>,
) -> Result<HashMap<String, String>, CloudError> {
    let config = &clients.config;
    let cf = &clients.cloudformation;
    let code = function.cloned().unwrap_or_default();
    let business_day = config
        .business_day()
        .map_err(|e| CloudError::Deploy(format!("the business day: {e}")))?;
    let start_hour = business_day.start_hour().to_string();
    let parameters = [
        ("BusName", config.bus_name.as_str()),
        ("TableName", config.table_name.as_str()),
        ("StoreQueueName", config.store_queue.as_str()),
        ("DeliveryQueueName", config.delivery_queue.as_str()),
        ("StoreTimeZone", business_day.zone_name()),
        ("StoreDayStartHour", start_hour.as_str()),
        (
            "DeployFunction",
            if function.is_some() { "true" } else { "false" },
        ),
        ("FunctionCodeBucket", code.bucket.as_str()),
        ("FunctionCodeKey", code.key.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| {
        Parameter::builder()
            .parameter_key(k)
            .parameter_value(v)
            .build()
    })
    .collect::<Vec<_>>();

    let exists = stack_status(clients)
        .await?
        .is_some_and(|s| s != StackStatus::DeleteComplete);
    if exists {
        let update = cf
            .update_stack()
            .stack_name(&config.stack_name)
            .template_body(TEMPLATE)
            .set_parameters(Some(parameters))
            .capabilities(Capability::CapabilityNamedIam)
            .send()
            .await;
        if let Err(err) = update {
            let err = CloudError::call("UpdateStack", &config.stack_name, err);
            // CloudFormation answers an update with no change as an error.
            if !err.to_string().contains("No updates are to be performed") {
                return Err(err);
            }
        }
    } else {
        cf.create_stack()
            .stack_name(&config.stack_name)
            .template_body(TEMPLATE)
            .set_parameters(Some(parameters))
            .capabilities(Capability::CapabilityNamedIam)
            .send()
            .await
            .map_err(|e| CloudError::call("CreateStack", &config.stack_name, e))?;
    }
    let outputs = wait_for_stack(clients).await?;
    crate::stack_settings::publish_business_day(
        &clients.dynamodb,
        &config.table_name,
        &business_day,
    )
    .await?;
    Ok(outputs)
}

async fn stack_status(clients: &Clients) -> Result<Option<StackStatus>, CloudError> {
    let name = &clients.config.stack_name;
    match clients
        .cloudformation
        .describe_stacks()
        .stack_name(name)
        .send()
        .await
    {
        Ok(out) => Ok(out.stacks().first().and_then(|s| s.stack_status().cloned())),
        Err(err) => {
            let err = CloudError::call("DescribeStacks", name, err);
            match &err {
                CloudError::Service { message, .. } if message.contains("does not exist") => {
                    Ok(None)
                }
                _ => Err(err),
            }
        }
    }
}

async fn wait_for_stack(clients: &Clients) -> Result<HashMap<String, String>, CloudError> {
    let name = &clients.config.stack_name;
    let started = Instant::now();
    loop {
        let out = clients
            .cloudformation
            .describe_stacks()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| CloudError::call("DescribeStacks", name, e))?;
        let stack = out
            .stacks()
            .first()
            .ok_or_else(|| CloudError::Missing(format!("stack {name}")))?;
        let status = stack
            .stack_status()
            .cloned()
            .unwrap_or(StackStatus::CreateInProgress);
        match &status {
            StackStatus::CreateComplete | StackStatus::UpdateComplete => {
                return Ok(stack
                    .outputs()
                    .iter()
                    .filter_map(|o| {
                        Some((o.output_key()?.to_owned(), o.output_value()?.to_owned()))
                    })
                    .collect());
            }
            s if s.as_str().ends_with("_IN_PROGRESS") => {}
            s => {
                let reason = stack.stack_status_reason().unwrap_or("no reason given");
                return Err(CloudError::Deploy(format!(
                    "stack {name} is {}: {reason}",
                    s.as_str()
                )));
            }
        }
        if started.elapsed() > DEPLOY_TIMEOUT {
            return Err(CloudError::Deploy(format!(
                "stack {name} still {} after {DEPLOY_TIMEOUT:?}",
                status.as_str()
            )));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

//! Deploys the project's CloudFormation template, the same one on the local cloud
//! and on AWS, and reads back its outputs.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::types::{Capability, Parameter, StackStatus};

use kitchen_aws::{Clients, CloudError};

/// The template in `infra/`, built into the binary so the CLI deploys what it was built with.
pub const TEMPLATE: &str = include_str!("../../../infra/template.yaml");
const DEPLOY_TIMEOUT: Duration = Duration::from_secs(900);

/// Where the store function's code is, when it runs as a Lambda.
#[derive(Debug, Clone, Default)]
pub struct FunctionCode {
    pub bucket: String,
    pub key: String,
}

/// Creates the stack with the configuration's names and business day, or
/// updates it when it exists: the local cloud's deploy, which asks nothing.
/// `function: None` leaves the Lambda out on a new stack (the local cloud,
/// where the store worker plays its part) and as it is on an update. Then
/// writes the stack's business day into the table, for the devices.
pub async fn deploy_stack(
    clients: &Clients,
    function: Option<&FunctionCode>,
) -> Result<HashMap<String, String>, CloudError> {
    let given = GivenParameters::all_of(&clients.config);
    let plan = plan_deploy(clients, &given, function).await?;
    execute_deploy(clients, plan, |_| {}).await
}

/// The stack as CloudFormation describes it; `None` when there is none.
async fn describe_stack(
    clients: &Clients,
) -> Result<Option<aws_sdk_cloudformation::types::Stack>, CloudError> {
    let name = &clients.config.stack_name;
    match clients
        .cloudformation
        .describe_stacks()
        .stack_name(name)
        .send()
        .await
    {
        Ok(out) => Ok(out.stacks().first().cloned()),
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

/// Waits for the stack to settle, telling `progress` each status it passes.
async fn wait_for_stack(
    clients: &Clients,
    progress: &mut dyn FnMut(&str),
) -> Result<HashMap<String, String>, CloudError> {
    let name = &clients.config.stack_name;
    let started = Instant::now();
    let mut last = String::new();
    loop {
        let stack = describe_stack(clients)
            .await?
            .ok_or_else(|| CloudError::Missing(format!("stack {name}")))?;
        let status = stack
            .stack_status()
            .cloned()
            .unwrap_or(StackStatus::CreateInProgress);
        if status.as_str() != last {
            last = status.as_str().to_owned();
            progress(&last);
        }
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

/// The template parameters a person set for a deploy (flags, environment);
/// `None` keeps the stack's value on an update, and takes the default on a
/// first deploy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GivenParameters {
    pub bus_name: Option<String>,
    pub table_name: Option<String>,
    pub store_queue: Option<String>,
    pub delivery_queue: Option<String>,
    pub store_time_zone: Option<String>,
    pub day_start_hour: Option<u8>,
    /// Who the alarms' topic e-mails (`AlarmEmail`).
    pub alarm_email: Option<String>,
    /// Days the table keeps orders' contacts (`PersonalDataDays`).
    pub personal_data_days: Option<u32>,
}

impl GivenParameters {
    /// Every name of `config`, and its business day as far as it was told.
    pub fn all_of(config: &kitchen_aws::CloudConfig) -> GivenParameters {
        GivenParameters {
            bus_name: Some(config.bus_name.clone()),
            table_name: Some(config.table_name.clone()),
            store_queue: Some(config.store_queue.clone()),
            delivery_queue: Some(config.delivery_queue.clone()),
            store_time_zone: config.store_time_zone.clone(),
            day_start_hour: config.day_start_hour,
            alarm_email: None,
            personal_data_days: config.personal_data_days,
        }
    }
}

/// The parameters that name a resource: a new value replaces it.
const NAMING: [(&str, &str); 4] = [
    ("BusName", "the event bus"),
    ("TableName", "the event table (its items stay in the retained old table, which the stack no longer uses)"),
    ("StoreQueueName", "the store queue, with the events waiting in it"),
    ("DeliveryQueueName", "the delivery queue, with the ready orders waiting in it"),
];

/// What a deploy of this version's template would do.
#[derive(Debug, Clone)]
pub struct DeployPlan {
    /// `None`: the stack does not exist yet and is created.
    pub change_set: Option<String>,
    /// What the deploy changes, one line each: `Modify StoreQueue (AWS::SQS::Queue)`.
    pub changes: Vec<String>,
    /// What it would replace or remove; empty for a safe update.
    pub losses: Vec<String>,
    parameters: Vec<Parameter>,
    business_day: kitchen_domain::BusinessDay,
    /// The table the stack will have, for its business day setting.
    table_name: String,
    /// CloudFormation found nothing to change.
    up_to_date: bool,
}

impl DeployPlan {
    /// Nothing to change: the stack is this template with these parameters.
    pub fn is_empty(&self) -> bool {
        self.up_to_date
    }
}

/// The names of the template's parameters.
fn template_parameters() -> Vec<&'static str> {
    let Some(start) = TEMPLATE.find("\nParameters:\n") else {
        return Vec::new();
    };
    TEMPLATE[start + "\nParameters:\n".len()..]
        .lines()
        .take_while(|line| line.is_empty() || line.starts_with(' '))
        .filter_map(|line| {
            let name = line.strip_prefix("  ")?.strip_suffix(':')?;
            (!name.starts_with(' ')).then_some(name)
        })
        .collect()
}

fn parameter(key: &str, value: Option<&str>) -> Parameter {
    let builder = Parameter::builder().parameter_key(key);
    match value {
        Some(value) => builder.parameter_value(value).build(),
        None => builder.use_previous_value(true).build(),
    }
}

/// The stack's current parameters, if it exists.
async fn current_parameters(
    clients: &Clients,
) -> Result<Option<HashMap<String, String>>, CloudError> {
    let Some(stack) = describe_stack(clients)
        .await?
        .filter(|stack| stack.stack_status() != Some(&StackStatus::DeleteComplete))
    else {
        return Ok(None);
    };
    Ok(Some(
        stack
            .parameters()
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_key()?.to_owned(),
                    p.parameter_value()?.to_owned(),
                ))
            })
            .collect(),
    ))
}

/// Plans a deploy of this version's template: what was not given keeps the
/// stack's value (`UsePreviousValue`), the store function included when no
/// code is given, and a given name that differs from the stack's is a loss.
/// An update is prepared as a change set, to show before it runs.
pub async fn plan_deploy(
    clients: &Clients,
    given: &GivenParameters,
    function: Option<&FunctionCode>,
) -> Result<DeployPlan, CloudError> {
    let current = current_parameters(clients).await?;
    let config = &clients.config;
    let Some(current) = current else {
        // A first deploy: the configuration's values, defaults included.
        let mut config = config.clone();
        let names = [
            (&given.bus_name, &mut config.bus_name),
            (&given.table_name, &mut config.table_name),
            (&given.store_queue, &mut config.store_queue),
            (&given.delivery_queue, &mut config.delivery_queue),
        ];
        for (given, slot) in names {
            if let Some(value) = given {
                slot.clone_from(value);
            }
        }
        config.store_time_zone = given.store_time_zone.clone();
        config.day_start_hour = given.day_start_hour;
        let business_day = config
            .business_day()
            .map_err(|e| CloudError::Deploy(format!("the business day: {e}")))?;
        let start_hour = business_day.start_hour().to_string();
        let personal_days = given
            .personal_data_days
            .unwrap_or(kitchen_aws::config::DEFAULT_PERSONAL_DATA_DAYS)
            .to_string();
        let code = function.cloned().unwrap_or_default();
        let values = [
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
            ("AlarmEmail", given.alarm_email.as_deref().unwrap_or("")),
            ("PersonalDataDays", personal_days.as_str()),
        ];
        return Ok(DeployPlan {
            change_set: None,
            changes: vec![format!("Create stack {}", config.stack_name)],
            losses: Vec::new(),
            parameters: values.iter().map(|(k, v)| parameter(k, Some(v))).collect(),
            business_day,
            table_name: config.table_name.clone(),
            up_to_date: false,
        });
    };

    let start_hour = given.day_start_hour.map(|h| h.to_string());
    let personal_days = given.personal_data_days.map(|d| d.to_string());
    let (deploy, bucket, key) = match function {
        Some(code) => (
            Some("true"),
            Some(code.bucket.as_str()),
            Some(code.key.as_str()),
        ),
        None => (None, None, None),
    };
    let values: [(&str, Option<&str>); 11] = [
        ("BusName", given.bus_name.as_deref()),
        ("TableName", given.table_name.as_deref()),
        ("StoreQueueName", given.store_queue.as_deref()),
        ("DeliveryQueueName", given.delivery_queue.as_deref()),
        ("StoreTimeZone", given.store_time_zone.as_deref()),
        ("StoreDayStartHour", start_hour.as_deref()),
        ("DeployFunction", deploy),
        ("FunctionCodeBucket", bucket),
        ("FunctionCodeKey", key),
        ("AlarmEmail", given.alarm_email.as_deref()),
        ("PersonalDataDays", personal_days.as_deref()),
    ];
    // The business day the stack will have: given, else the stack's.
    let zone = given
        .store_time_zone
        .clone()
        .or_else(|| current.get("StoreTimeZone").cloned())
        .unwrap_or_else(|| kitchen_aws::config::DEFAULT_STORE_TIME_ZONE.to_owned());
    let hour = given
        .day_start_hour
        .or_else(|| {
            current
                .get("StoreDayStartHour")
                .and_then(|h| h.parse().ok())
        })
        .unwrap_or(kitchen_domain::DEFAULT_DAY_START_HOUR);
    let business_day = kitchen_domain::BusinessDay::new(&zone, hour)
        .map_err(|e| CloudError::Deploy(format!("the business day: {e}")))?;
    let table_name = given
        .table_name
        .clone()
        .or_else(|| current.get("TableName").cloned())
        .unwrap_or_else(|| config.table_name.clone());
    let losses = NAMING
        .iter()
        .filter_map(|(key, what)| {
            let new = values.iter().find(|(k, _)| k == key)?.1?;
            let old = current.get(*key)?;
            (new != old).then(|| format!("{what}: {old} is replaced by {new}"))
        })
        .collect();
    // A parameter the stack does not have yet (an earlier template's stack)
    // and that was not given takes the template's default; one this command
    // cannot set (`UntakenOrderSeconds`, set with the AWS CLI) keeps its value.
    let mut parameters: Vec<Parameter> = values
        .iter()
        .filter(|(k, v)| v.is_some() || current.contains_key(*k))
        .map(|(k, v)| parameter(k, *v))
        .collect();
    let mut others: Vec<&String> = current
        .keys()
        .filter(|k| !values.iter().any(|(given, _)| given == k))
        .filter(|k| template_parameters().contains(&k.as_str()))
        .collect();
    others.sort();
    parameters.extend(others.into_iter().map(|k| parameter(k, None)));

    let name = &config.stack_name;
    let change_set = format!(
        "kitchen-deploy-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S")
    );
    let created = clients
        .cloudformation
        .create_change_set()
        .stack_name(name)
        .change_set_name(&change_set)
        .change_set_type(aws_sdk_cloudformation::types::ChangeSetType::Update)
        .template_body(TEMPLATE)
        .set_parameters(Some(parameters.clone()))
        .capabilities(Capability::CapabilityNamedIam)
        .send()
        .await;
    if let Err(err) = created {
        let err = CloudError::call("CreateChangeSet", name, err);
        // CloudFormation answers an update with no change as an error.
        if err.to_string().contains("No updates are to be performed") {
            return Ok(DeployPlan {
                change_set: Some(change_set),
                changes: Vec::new(),
                losses: Vec::new(),
                parameters,
                business_day,
                table_name,
                up_to_date: true,
            });
        }
        return Err(err);
    }
    // The parameters given that differ from the stack's, then what
    // CloudFormation says it will do to the resources.
    let mut changes: Vec<String> = values
        .iter()
        .filter_map(|(key, new)| {
            let new = (*new)?;
            let old = current.get(*key).map_or("", String::as_str);
            (new != old).then(|| format!("Parameter {key}: {old:?} → {new:?}"))
        })
        .collect();
    changes.extend(describe_change_set(clients, &change_set).await?);
    Ok(DeployPlan {
        change_set: Some(change_set),
        changes,
        losses,
        parameters,
        business_day,
        table_name,
        up_to_date: false,
    })
}

/// The change set's changes, once CloudFormation has worked them out.
async fn describe_change_set(
    clients: &Clients,
    change_set: &str,
) -> Result<Vec<String>, CloudError> {
    use aws_sdk_cloudformation::types::ChangeSetStatus;
    let name = &clients.config.stack_name;
    let started = Instant::now();
    loop {
        let out = clients
            .cloudformation
            .describe_change_set()
            .stack_name(name)
            .change_set_name(change_set)
            .send()
            .await
            .map_err(|e| CloudError::call("DescribeChangeSet", change_set, e))?;
        match out.status() {
            Some(ChangeSetStatus::CreatePending | ChangeSetStatus::CreateInProgress)
                if started.elapsed() < DEPLOY_TIMEOUT =>
            {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Some(ChangeSetStatus::Failed) => {
                return Err(CloudError::Deploy(format!(
                    "the change set failed: {}",
                    out.status_reason().unwrap_or("no reason given")
                )))
            }
            _ => {
                return Ok(out
                    .changes()
                    .iter()
                    .filter_map(|change| change.resource_change())
                    .map(|change| {
                        let replaced = change.replacement().is_some_and(|r| r.as_str() == "True");
                        format!(
                            "{} {} ({}){}",
                            change.action().map_or("Change", |a| a.as_str()),
                            change.logical_resource_id().unwrap_or("?"),
                            change.resource_type().unwrap_or("?"),
                            if replaced { ": REPLACED" } else { "" }
                        )
                    })
                    .collect())
            }
        }
    }
}

/// Runs a planned deploy: creates the stack, or executes the change set, and
/// waits, telling `progress` each new stack status; then writes the stack's
/// business day into the table for the devices.
pub async fn execute_deploy(
    clients: &Clients,
    plan: DeployPlan,
    mut progress: impl FnMut(&str),
) -> Result<HashMap<String, String>, CloudError> {
    let config = &clients.config;
    let name = &config.stack_name;
    match &plan.change_set {
        None => {
            clients
                .cloudformation
                .create_stack()
                .stack_name(name)
                .template_body(TEMPLATE)
                .set_parameters(Some(plan.parameters.clone()))
                .capabilities(Capability::CapabilityNamedIam)
                .send()
                .await
                .map_err(|e| CloudError::call("CreateStack", name, e))?;
        }
        Some(_) if plan.is_empty() => {}
        Some(change_set) => {
            clients
                .cloudformation
                .execute_change_set()
                .stack_name(name)
                .change_set_name(change_set)
                .send()
                .await
                .map_err(|e| CloudError::call("ExecuteChangeSet", change_set, e))?;
        }
    }
    let outputs = wait_for_stack(clients, &mut progress).await?;
    kitchen_aws::stack_settings::publish_business_day(
        &clients.dynamodb,
        &plan.table_name,
        &plan.business_day,
    )
    .await?;
    Ok(outputs)
}

/// Drops a planned change set that will not run.
pub async fn discard_plan(clients: &Clients, plan: &DeployPlan) -> Result<(), CloudError> {
    let Some(change_set) = plan.change_set.as_ref().filter(|_| !plan.is_empty()) else {
        return Ok(());
    };
    clients
        .cloudformation
        .delete_change_set()
        .stack_name(&clients.config.stack_name)
        .change_set_name(change_set)
        .send()
        .await
        .map_err(|e| CloudError::call("DeleteChangeSet", change_set, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_parameters_are_read_from_its_parameters_section() {
        assert_eq!(
            template_parameters(),
            [
                "BusName",
                "TableName",
                "StoreQueueName",
                "DeliveryQueueName",
                "StoreTimeZone",
                "StoreDayStartHour",
                "PersonalDataDays",
                "DeployFunction",
                "FunctionCodeBucket",
                "FunctionCodeKey",
                "AlarmEmail",
                "UntakenOrderSeconds",
            ]
        );
    }
}

//! The store function's Lambda entry point. The handler is the one the local worker
//! runs; this only adapts the SQS event and the partial batch failure response.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use kitchen_cloud::store_fn::{QueueRecord, StoreFunction};
use kitchen_cloud::{Clients, CloudConfig};
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .without_time()
        .init();
    let mut config = CloudConfig::from_env();
    if let Ok(table) = std::env::var("TABLE_NAME") {
        config.table_name = table;
    }
    let clients = Clients::new(&config).await;
    // A time zone or start hour that is not valid stops the function here,
    // before it files any order under a wrong day.
    let function = StoreFunction::for_clients(&clients)?;
    if let Err(err) = function.publish_business_day().await {
        // The events still get stored; devices keep the setting they have.
        tracing::error!("cannot write the business day setting for the devices: {err}");
    }
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let function = function.clone();
        async move {
            let records: Vec<QueueRecord> = event
                .payload
                .records
                .into_iter()
                .filter_map(|r| {
                    Some(QueueRecord {
                        message_id: r.message_id?,
                        body: r.body.unwrap_or_default(),
                    })
                })
                .collect();
            let failed = function.handle_batch(&records).await;
            let mut response = SqsBatchResponse::default();
            response.batch_item_failures = failed
                .into_iter()
                .map(|id| {
                    let mut failure = BatchItemFailure::default();
                    failure.item_identifier = id;
                    failure
                })
                .collect();
            Ok::<_, Error>(response)
        }
    }))
    .await
}

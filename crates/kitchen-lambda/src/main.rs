//! The store function's Lambda entry point. The handler is the one the local worker
//! runs; this only adapts the SQS event and the partial batch failure response.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use kitchen_aws::store_fn::{self, QueueRecord, StoreFunction};
use kitchen_aws::{Clients, CloudConfig};
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
    // Failed messages are given back to this queue with a back-off.
    let queue_url = std::env::var("STORE_QUEUE_URL")
        .map_err(|_| "STORE_QUEUE_URL is not set: the store queue's URL, from the stack")?;
    let sqs = clients.sqs.clone();
    if let Err(err) = function.publish_business_day().await {
        // The events still get stored; devices keep the setting they have.
        tracing::error!("cannot write the business day setting for the devices: {err}");
    }
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let (function, sqs, queue_url) = (function.clone(), sqs.clone(), queue_url.clone());
        async move {
            let records: Vec<QueueRecord> = event
                .payload
                .records
                .into_iter()
                .filter_map(|r| {
                    let receive_count = r
                        .attributes
                        .get("ApproximateReceiveCount")
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(1);
                    Some(QueueRecord {
                        message_id: r.message_id?,
                        body: r.body.unwrap_or_default(),
                        receipt_handle: r.receipt_handle,
                        receive_count,
                    })
                })
                .collect();
            let failed = function.handle_batch(&records).await;
            // An invalid event comes back at once, one the table did not take
            // after a back-off: a table outage does not spend its tries.
            store_fn::defer(&sqs, &queue_url, &records, &failed).await;
            let mut response = SqsBatchResponse::default();
            response.batch_item_failures = failed
                .into_iter()
                .map(|f| {
                    let mut failure = BatchItemFailure::default();
                    failure.item_identifier = f.message_id;
                    failure
                })
                .collect();
            Ok::<_, Error>(response)
        }
    }))
    .await
}

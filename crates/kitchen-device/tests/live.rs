//! A live device against the local cloud: what the status bar shows as taps are
//! published, as the cloud goes away, and as it comes back.

use std::time::Duration;

use kitchen_aws::CloudConfig;
use kitchen_device::check::{test_connection, CheckOutcome};
use kitchen_device::live::{Change, ConnectionState, ConnectionStatus, LiveDevice, LiveOptions};
use kitchen_stack::local_cloud::{LocalCloud, MotoServer};
use kitchen_store::DeviceRole;
use tokio::sync::watch;

use crate::common::*;

/// Waits until the connection state satisfies `check`; fails with the last state seen.
async fn state_when(
    states: &mut watch::Receiver<ConnectionState>,
    within: Duration,
    what: &str,
    check: impl FnMut(&ConnectionState) -> bool,
) -> ConnectionState {
    let found = tokio::time::timeout(within, states.wait_for(check))
        .await
        .ok()
        .and_then(Result::ok)
        .map(|state| state.clone());
    match found {
        Some(state) => state,
        None => panic!(
            "no connection state with {what} within {within:?}; last: {:?}",
            *states.borrow()
        ),
    }
}

fn online(state: &ConnectionState) -> bool {
    state.status == ConnectionStatus::Online
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_state_follows_taps_and_the_cloud_going_away_and_back() {
    let cloud = local_cloud().await;
    let port = cloud.server.port();
    let dir = tempfile::tempdir().unwrap();
    let config = CloudConfig {
        endpoint_url: Some(cloud.endpoint()),
        ..CloudConfig::default()
    };
    let live = LiveDevice::start(dir.path(), config.clone(), LiveOptions::device("oven-1"))
        .await
        .expect("the loops start");
    let mut states = live.watch_connection();
    state_when(&mut states, Duration::from_secs(20), "online", online).await;

    // A tap shows as not yet published at once, then as published.
    let mut changes = live.subscribe();
    let receipt = live
        .record_tap("42", "in the oven", "Ana", None)
        .await
        .unwrap();
    assert_eq!(
        (receipt.order.as_str(), receipt.device.as_str()),
        ("42", "oven-1")
    );
    let mut told = Vec::new();
    let published = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(Change::Connection(state)) = changes.recv().await {
                told.push(state.unpublished);
                if told.contains(&1) && state.unpublished == 0 {
                    return state;
                }
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the tap is shown waiting, then published: {told:?}"));
    assert!(online(&published), "{published:?}");

    // An invalid tap is refused, naming the field, and changes nothing.
    let err = live
        .record_tap("42", "baking", "Ana", None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("status"), "{err}");
    assert_eq!(live.connection().unpublished, 0);

    // The cloud goes away: offline, and taps are kept and counted.
    let mut server = cloud.server;
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
    let state = state_when(&mut states, Duration::from_secs(30), "offline", |s| {
        matches!(s.status, ConnectionStatus::Offline { .. })
    })
    .await;
    assert_eq!(state.unpublished, 0);
    live.record_tap("42", "left the oven", "Ana", None)
        .await
        .unwrap();
    live.record_tap("43", "preparing", "Bruno", None)
        .await
        .unwrap();
    let state = state_when(&mut states, Duration::from_secs(5), "2 unpublished", |s| {
        s.unpublished == 2
    })
    .await;
    assert!(matches!(state.status, ConnectionStatus::Offline { .. }));

    // It comes back on the same port: online again, and the taps go out.
    let server = tokio::task::spawn_blocking(move || MotoServer::start_on(port, None))
        .await
        .unwrap()
        .expect("moto restarts on its port");
    let _cloud = LocalCloud::deploy_on(server, config)
        .await
        .expect("the template deploys again");
    let state = state_when(
        &mut states,
        Duration::from_secs(60),
        "online with nothing unpublished",
        |s| online(s) && s.unpublished == 0,
    )
    .await;
    assert!(state.last_sync.is_some());

    tokio::time::timeout(Duration::from_secs(10), live.stop())
        .await
        .expect("the loops stop promptly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_day_view_shows_a_tap_at_once() {
    let cloud = local_cloud().await;
    let dir = tempfile::tempdir().unwrap();
    let config = CloudConfig {
        endpoint_url: Some(cloud.endpoint()),
        ..CloudConfig::default()
    };
    let live = LiveDevice::start(dir.path(), config, LiveOptions::device("oven-1"))
        .await
        .unwrap();
    live.record_tap("7", "preparing", "Carla", None)
        .await
        .unwrap();
    let view = live.day_view(live.today()).await.unwrap();
    assert_eq!(view.len(), 1);
    assert_eq!(
        (view[0].order.as_str(), view[0].status.as_str()),
        ("7", "preparing")
    );
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_names_what_is_missing() {
    let cloud = local_cloud().await;
    let config = cloud.clients.config.clone();
    // Each role checks what it uses: a driver station its queue, a manager
    // the dead-letter queues it watches.
    let shared = ["credentials", "bus", "table", "index", "index"];
    for (role, own) in [
        (DeviceRole::Kitchen, &[][..]),
        (DeviceRole::DriverStation, &["queue"][..]),
        (DeviceRole::Manager, &["dead letters", "dead letters"][..]),
    ] {
        let checks = test_connection(&config, role).await;
        let resources: Vec<&str> = checks.iter().map(|c| c.resource.as_str()).collect();
        assert_eq!(
            resources,
            [&shared[..], own, &["business day"]].concat(),
            "{role:?}"
        );
        assert!(checks.iter().all(|c| c.outcome.is_ok()), "{checks:#?}");
    }
    let checks = test_connection(&config, DeviceRole::Manager).await;
    assert_eq!(checks[5].name, "pizzaria-events-store-dlq");
    assert_eq!(checks[6].name, "waiting-delivery-dlq");
    assert_eq!(checks[7].name, "UTC from 04:00");

    // An event parked in the store's dead-letter queue is said, with its remedy.
    let dead = cloud
        .clients
        .queue_url("pizzaria-events-store-dlq")
        .await
        .unwrap();
    for _ in 0..2 {
        cloud
            .clients
            .sqs
            .send_message()
            .queue_url(&dead)
            .message_body("{}")
            .send()
            .await
            .unwrap();
    }
    let checks = test_connection(&config, DeviceRole::Manager).await;
    match &checks[5].outcome {
        CheckOutcome::Waiting { message } => {
            assert!(message.starts_with("2 events"), "{message}");
            assert!(message.contains("`kitchen cloud redrive`"), "{message}");
        }
        other => panic!("the dead letters are not said: {other:?}"),
    }
    assert!(checks[6].outcome.is_ok(), "{checks:#?}");

    let wrong = CloudConfig {
        bus_name: "no-such-bus".into(),
        delivery_queue: "no-such-queue".into(),
        ..config.clone()
    };
    let checks = test_connection(&wrong, DeviceRole::DriverStation).await;
    let outcome = |resource: &str| {
        checks
            .iter()
            .find(|c| c.resource == resource)
            .map(|c| c.outcome.clone())
            .unwrap()
    };
    assert!(
        matches!(outcome("bus"), CheckOutcome::Missing { .. }),
        "{checks:#?}"
    );
    assert!(
        matches!(outcome("queue"), CheckOutcome::Missing { .. }),
        "{checks:#?}"
    );
    assert!(outcome("table").is_ok());

    // A stopped cloud is told apart from a missing resource.
    let port = cloud.server.port();
    drop(cloud);
    let gone = CloudConfig {
        endpoint_url: Some(kitchen_stack::local_cloud::endpoint_for(port)),
        ..config
    };
    let checks = test_connection(&gone, DeviceRole::Manager).await;
    assert!(
        checks[1..]
            .iter()
            .all(|c| matches!(c.outcome, CheckOutcome::Unreachable { .. })),
        "{checks:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_settings_restart_the_loops_and_bad_ones_change_nothing() {
    let cloud = local_cloud().await;
    let dir = tempfile::tempdir().unwrap();
    let live = LiveDevice::start(
        dir.path(),
        cloud.clients.config.clone(),
        LiveOptions::device("oven-1"),
    )
    .await
    .unwrap();
    let before = live.settings();
    assert_eq!(
        (before.role, before.bus_name.as_str()),
        (DeviceRole::Kitchen, "pizzaria")
    );

    let mut bad = before.clone();
    bad.warn_after_minutes = 40;
    let err = live.reconfigure(&bad).await.unwrap_err();
    assert!(err.to_string().contains("warnAfterMinutes"), "{err}");
    assert_eq!(live.settings(), before);

    let mut wanted = before.clone();
    wanted.device_name = "oven-2".into();
    wanted.warn_after_minutes = 8;
    let saved = live.reconfigure(&wanted).await.unwrap();
    assert_eq!(live.settings(), saved);
    let receipt = live
        .record_tap("7", "preparing", "Ana", None)
        .await
        .unwrap();
    assert_eq!(receipt.device, "oven-2");
    let mut states = live.watch_connection();
    state_when(&mut states, Duration::from_secs(30), "published", |s| {
        online(s) && s.unpublished == 0
    })
    .await;
    live.stop().await;
    drop(live);

    // The next start reads them back.
    let again = LiveDevice::start(
        dir.path(),
        cloud.clients.config.clone(),
        LiveOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(again.settings(), saved);
    again.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_managers_status_says_how_many_events_wait_in_the_dead_letter_queues() {
    let cloud = local_cloud().await;
    let config = cloud.clients.config.clone();
    for queue in ["pizzaria-events-store-dlq", "waiting-delivery-dlq"] {
        let url = cloud.clients.queue_url(queue).await.unwrap();
        cloud
            .clients
            .sqs
            .send_message()
            .queue_url(&url)
            .message_body("{}")
            .send()
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let manager = LiveDevice::start(
        &dir.path().join("office"),
        config.clone(),
        LiveOptions {
            role: Some(DeviceRole::Manager),
            ..LiveOptions::device("office-1")
        },
    )
    .await
    .unwrap();
    let kitchen = LiveDevice::start(
        &dir.path().join("oven"),
        config,
        LiveOptions::device("oven-1"),
    )
    .await
    .unwrap();
    let mut states = manager.watch_connection();
    // Read once at the start, then every minute: no wait for the first minute.
    state_when(
        &mut states,
        Duration::from_secs(20),
        "two dead letters",
        |s| s.dead_letters == Some(2),
    )
    .await;
    // A kitchen device does not watch them.
    let mut states = kitchen.watch_connection();
    let seen = state_when(&mut states, Duration::from_secs(20), "online", online).await;
    assert_eq!(seen.dead_letters, None);
    manager.stop().await;
    kitchen.stop().await;
}

//! The MQTT bus against both brokers it runs on: the embedded rumqttd (as
//! `videoassist broker`) and Mosquitto from Debian. Round trips, requests,
//! reconnects, persistent sessions and redelivery of unhandled messages.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::Duration;

use chrono::Utc;
use vc_protocol::UserId;
use vc_protocol::topics::{self, PublicKey, RevocationReason, SigningKeys, UserRevoked};
use vc_runtime::config::MqttConfig;
use vc_runtime::{Bus, BusError, Metrics, RemoteError};
use vc_testkit::{EmbeddedBroker, Mosquitto, Restartable, unique_namespace};

/// A broker process the test can stop and start again.
trait Broker: Restartable {
    fn config(&self, namespace: &str) -> MqttConfig;
}

impl Broker for EmbeddedBroker {
    fn config(&self, namespace: &str) -> MqttConfig {
        MqttConfig {
            port: self.port,
            username: Some(self.username.clone()),
            password: Some(self.password.clone()),
            namespace: namespace.into(),
            request_timeout_ms: 3000,
            reconnect_max_ms: 500,
            // As the all-in-one runs it (see MqttConfig::shared_subscriptions).
            shared_subscriptions: false,
            ..Default::default()
        }
    }
}

impl Broker for Mosquitto {
    fn config(&self, namespace: &str) -> MqttConfig {
        MqttConfig {
            port: self.port,
            namespace: namespace.into(),
            request_timeout_ms: 3000,
            reconnect_max_ms: 500,
            ..Default::default()
        }
    }
}

fn bus(broker: &dyn Broker, ns: &str, client: &str) -> Bus {
    let bus = Bus::connect(&broker.config(ns), client, &Metrics::new().unwrap()).unwrap();
    bus.ready();
    bus
}

fn revoked(version: u32) -> UserRevoked {
    UserRevoked {
        user_id: UserId::new(),
        min_token_version: version,
        reason: RevocationReason::Disabled,
        at: Utc::now(),
    }
}

async fn round_trip(broker: &mut dyn Broker) {
    let ns = unique_namespace();
    let a = bus(broker, &ns, &format!("a-{ns}"));
    let b = bus(broker, &ns, &format!("b-{ns}"));
    assert!(a.wait_connected(Duration::from_secs(5)).await);
    let mut sub = b.subscribe(topics::auth::revocations()).await.unwrap();

    let sent = revoked(3);
    let id = a.publish(&topics::auth::revocations(), &sent).await.unwrap();
    let got = tokio::time::timeout(Duration::from_secs(5), sub.next()).await.unwrap().unwrap();
    assert_eq!(got.id(), id, "the envelope id travels with the message");
    assert_eq!(got.body(), &sent);
    assert_eq!(got.envelope().source, a.client_id());
    assert_eq!(got.topic(), "v1/auth/revocations");

    // Request/response: b answers, a asks.
    let keys = SigningKeys {
        keys: vec![PublicKey {
            kid: "k1".into(),
            alg: "EdDSA".into(),
            public_key: "AAAA".into(),
            created_at: Utc::now(),
        }],
    };
    let answer = keys.clone();
    let _server = b
        .serve("testers", &topics::auth::signing_keys(), move |_| {
            let answer = answer.clone();
            async move { Ok(answer) }
        })
        .await
        .unwrap();
    let reply = a.request(&topics::auth::signing_keys(), &Default::default()).await.unwrap();
    assert_eq!(reply, keys);

    // An error answer reaches the requester with its code.
    let _failing = a
        .serve("testers", &topics::auth::revocation_list(), |_| async {
            Err::<topics::RevocationList, _>(RemoteError::new("unavailable", "database down"))
        })
        .await
        .unwrap();
    match b.request(&topics::auth::revocation_list(), &Default::default()).await {
        Err(BusError::Remote { code, message, .. }) => {
            assert_eq!(code, "unavailable");
            assert_eq!(message, "database down");
        }
        other => panic!("expected a remote error, got {other:?}"),
    }

    // Nobody serves this namespace: the request times out.
    let lonely = bus(broker, &unique_namespace(), &format!("c-{ns}"));
    let started = std::time::Instant::now();
    let r = lonely
        .request_with_timeout(&topics::auth::signing_keys(), &Default::default(), Duration::from_millis(700))
        .await;
    assert!(matches!(r, Err(BusError::Timeout { .. })), "{r:?}");
    assert!(started.elapsed() < Duration::from_secs(3));

    // Namespaces keep installations apart.
    lonely.publish(&topics::auth::revocations(), &revoked(9)).await.unwrap();
    assert!(tokio::time::timeout(Duration::from_millis(500), sub.next()).await.is_err());
}

async fn reconnect(broker: &mut dyn Broker) {
    let ns = unique_namespace();
    let a = bus(broker, &ns, &format!("a-{ns}"));
    let b = bus(broker, &ns, &format!("b-{ns}"));
    let mut sub = b.subscribe(topics::auth::revocations()).await.unwrap();
    let mut resets = b.session_resets();
    let _server = b
        .serve("testers", &topics::auth::signing_keys(), |_| async { Ok(SigningKeys { keys: vec![] }) })
        .await
        .unwrap();
    assert!(a.wait_connected(Duration::from_secs(5)).await);
    resets.borrow_and_update();

    broker.kill();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!a.is_connected(), "the loss of the broker is noticed");
    broker.restart();

    // Both come back by themselves; the broker lost our sessions, so the bus
    // resubscribed and announced it.
    assert!(a.wait_connected(Duration::from_secs(10)).await);
    assert!(b.wait_connected(Duration::from_secs(10)).await);
    tokio::time::timeout(Duration::from_secs(10), resets.changed()).await.unwrap().unwrap();

    let sent = revoked(7);
    a.publish(&topics::auth::revocations(), &sent).await.unwrap();
    let got = tokio::time::timeout(Duration::from_secs(5), sub.next()).await.unwrap().unwrap();
    assert_eq!(got.body(), &sent);
    let reply = a.request(&topics::auth::signing_keys(), &Default::default()).await.unwrap();
    assert!(reply.keys.is_empty());
}

/// A subscriber that goes away keeps its session: what was published
/// meanwhile arrives when it comes back with the same client id, and a
/// message it received but did not finish handling is delivered again.
async fn persistent_session(broker: &mut dyn Broker) {
    let ns = unique_namespace();
    let client = format!("sub-{ns}");
    let publisher = bus(broker, &ns, &format!("pub-{ns}"));
    let first = Bus::connect(&broker.config(&ns), &client, &Metrics::new().unwrap()).unwrap();
    let mut sub = first.subscribe(topics::auth::revocations()).await.unwrap();
    first.ready();

    // Received but never handled (the process "crashes" mid-handler).
    let unhandled = revoked(1);
    publisher.publish(&topics::auth::revocations(), &unhandled).await.unwrap();
    let d = tokio::time::timeout(Duration::from_secs(5), sub.next()).await.unwrap().unwrap();
    assert_eq!(d.body(), &unhandled);
    std::mem::forget(d);
    first.shutdown(Duration::from_secs(2)).await;
    drop(sub);

    // Published while the subscriber is away.
    let while_away = revoked(2);
    publisher.publish(&topics::auth::revocations(), &while_away).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let second = Bus::connect(&broker.config(&ns), &client, &Metrics::new().unwrap()).unwrap();
    // Messages replayed at connect wait until the services have subscribed.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut sub = second.subscribe(topics::auth::revocations()).await.unwrap();
    second.ready();
    let mut got = Vec::new();
    while got.len() < 2 {
        let d = tokio::time::timeout(Duration::from_secs(5), sub.next())
            .await
            .unwrap_or_else(|_| panic!("only {got:?} arrived"))
            .unwrap();
        got.push(d.body().min_token_version);
    }
    got.sort();
    assert_eq!(got, vec![1, 2]);
}

#[tokio::test]
async fn round_trip_on_the_embedded_broker() {
    round_trip(&mut EmbeddedBroker::start()).await;
}

#[tokio::test]
async fn round_trip_on_mosquitto() {
    round_trip(&mut Mosquitto::start()).await;
}

#[tokio::test]
async fn reconnects_to_the_embedded_broker() {
    reconnect(&mut EmbeddedBroker::start()).await;
}

#[tokio::test]
async fn reconnects_to_mosquitto() {
    reconnect(&mut Mosquitto::start()).await;
}

#[tokio::test]
async fn persistent_session_on_mosquitto() {
    persistent_session(&mut Mosquitto::start()).await;
}

#[tokio::test]
async fn persistent_session_on_the_embedded_broker() {
    persistent_session(&mut EmbeddedBroker::start()).await;
}

/// Instances of a service in one group share requests: each request is
/// answered once, and both instances get some.
#[tokio::test]
async fn shared_subscriptions_split_requests_on_mosquitto() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let broker = Mosquitto::start();
    let ns = unique_namespace();
    let client = bus(&broker, &ns, "client");
    let counts: Vec<Arc<AtomicUsize>> = (0..2).map(|_| Arc::new(AtomicUsize::new(0))).collect();
    let mut servers = Vec::new();
    for (i, count) in counts.iter().enumerate() {
        let server = bus(&broker, &ns, &format!("server-{i}"));
        let count = count.clone();
        let task = server
            .serve("vc-auth", &topics::auth::signing_keys(), move |_| {
                count.fetch_add(1, Ordering::SeqCst);
                async { Ok(SigningKeys { keys: vec![] }) }
            })
            .await
            .unwrap();
        servers.push((server, task));
    }
    for _ in 0..20 {
        client.request(&topics::auth::signing_keys(), &Default::default()).await.unwrap();
    }
    let seen: Vec<usize> = counts.iter().map(|c| c.load(Ordering::SeqCst)).collect();
    assert_eq!(seen.iter().sum::<usize>(), 20, "each request answered once: {seen:?}");
    assert!(seen.iter().all(|&n| n > 0), "both instances served: {seen:?}");
}

/// A fresh client's first subscription is confirmed by the broker at once,
/// not after the confirmation's timeout (the inbox it is confirmed through
/// must be the session's first subscription).
async fn first_subscription_is_confirmed_promptly(broker: &dyn Broker) {
    let mut cfg = broker.config(&unique_namespace());
    cfg.request_timeout_ms = 20_000;
    let bus = Bus::connect(&cfg, &format!("fresh-{}", unique_namespace()), &Metrics::new().unwrap()).unwrap();
    let started = std::time::Instant::now();
    let _sub = bus.subscribe(topics::auth::revocations()).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "waited {:?} for the confirmation",
        started.elapsed()
    );
}

#[tokio::test]
async fn first_subscription_is_confirmed_promptly_on_both_brokers() {
    first_subscription_is_confirmed_promptly(&EmbeddedBroker::start()).await;
    first_subscription_is_confirmed_promptly(&Mosquitto::start()).await;
}

/// Handlers finish in any order, but acknowledgements leave in the order the
/// messages came (MQTT 5 §4.6): rumqttd drops a client that acknowledges out
/// of order, which would lose whatever was in flight.
#[tokio::test]
async fn out_of_order_handling_keeps_the_connection() {
    let broker = EmbeddedBroker::start();
    let ns = unique_namespace();
    let metrics = Metrics::new().unwrap();
    let listener = Bus::connect(&broker.config(&ns), "listener", &metrics).unwrap();
    listener.ready();
    let publisher = bus(&broker, &ns, "publisher");
    let mut revocations = listener.subscribe(topics::auth::revocations()).await.unwrap();
    let mut timeouts = listener.subscribe(topics::media::all_room_events()).await.unwrap();
    for round in 0..20u32 {
        publisher.publish(&topics::auth::revocations(), &revoked(round)).await.unwrap();
        let event = vc_protocol::media::MediaEvent {
            room_id: vc_protocol::InteractionId::new(),
            at: Utc::now(),
            event: vc_protocol::media::MediaEventKind::Closed { reason: format!("{round}") },
        };
        publisher.publish(&topics::media::room_events(event.room_id), &event).await.unwrap();
        let first = tokio::time::timeout(Duration::from_secs(5), revocations.next()).await.unwrap().unwrap();
        let second = tokio::time::timeout(Duration::from_secs(5), timeouts.next()).await.unwrap().unwrap();
        // The later message is handled first.
        drop(second);
        tokio::time::sleep(Duration::from_millis(10)).await;
        drop(first);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(listener.is_connected());
    assert_eq!(metrics.bus_reconnects.get(), 0, "the broker never dropped us");
    // And everything still flows.
    publisher.publish(&topics::auth::revocations(), &revoked(99)).await.unwrap();
    let last = tokio::time::timeout(Duration::from_secs(5), revocations.next()).await.unwrap().unwrap();
    assert_eq!(last.body().min_token_version, 99);
}

#[tokio::test]
async fn wrong_credentials_never_connect() {
    let broker = EmbeddedBroker::start();
    let mut cfg = broker.config(&unique_namespace());
    cfg.password = Some("wrong".into());
    let bus = Bus::connect(&cfg, "intruder", &Metrics::new().unwrap()).unwrap();
    assert!(!bus.wait_connected(Duration::from_secs(2)).await);
}

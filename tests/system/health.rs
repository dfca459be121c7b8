//! `/healthz` follows the dependencies: 503 naming the failing check while
//! MongoDB or the broker is down, 200 again when it returns.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::{Duration, Instant};

use serde_json::Value;
use vc_testkit::{MongoServer, Mosquitto, ProcessOptions, Restartable, Service, shared_mongo_uri, unique_db};

async fn health_until(svc: &Service, status: u16, within: Duration) -> Value {
    let started = Instant::now();
    loop {
        let r = svc.api.get("/healthz", None).await.unwrap();
        if r.status == status {
            return r.body;
        }
        assert!(started.elapsed() < within, "/healthz still {} after {within:?}: {:?}", r.status, r.body);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn healthz_follows_the_database() {
    let mut db = MongoServer::start();
    let data = tempfile::tempdir().unwrap();
    let svc = Service::spawn(
        ProcessOptions::new("videoassist")
            .env("VC_MONGO_URI", db.uri())
            .env("VC_MONGO__SERVER_SELECTION_TIMEOUT_MS", "1000")
            .env("VC_ADMIN_PASSWORD", "admin-pass-123")
            .env("VC_DATA_DIR", data.path().display().to_string()),
    );
    svc.wait_healthy(Duration::from_secs(30)).await;
    let ok = svc.api.get("/healthz", None).await.unwrap();
    assert_eq!(ok.body["status"], "ok");
    assert_eq!(ok.body["checks"]["mongodb"]["status"], "ok");
    assert_eq!(ok.body["checks"]["broker"]["status"], "ok");

    db.kill();
    let down = health_until(&svc, 503, Duration::from_secs(10)).await;
    assert_eq!(down["status"], "unavailable");
    assert_eq!(down["failing"], serde_json::json!(["mongodb"]));
    assert!(!down["checks"]["mongodb"]["error"].as_str().unwrap().is_empty());
    assert_eq!(down["checks"]["broker"]["status"], "ok");
    // Requests that need the database say so instead of hanging or failing oddly.
    let r = svc.api.login("admin", "admin-pass-123").await;
    assert_eq!((r.status, r.code()), (503, "service_unavailable"), "{:?}", r.body);
    assert!(r.header("retry-after").is_some());

    db.restart();
    health_until(&svc, 200, Duration::from_secs(30)).await;
    assert_eq!(svc.api.login("admin", "admin-pass-123").await.status, 200, "data survived the restart");
}

#[tokio::test]
async fn healthz_follows_the_broker() {
    let mut broker = Mosquitto::start();
    let db = unique_db();
    let service = |binary: &str| {
        Service::spawn(
            ProcessOptions::new(binary)
                .env("VC_MONGO_URI", shared_mongo_uri())
                .env("VC_MONGO__DATABASE", db.as_str())
                .env("VC_MQTT__PORT", broker.port.to_string())
                .env("VC_MQTT__RECONNECT_MAX_MS", "500"),
        )
    };
    let auth = service("vc-auth");
    auth.wait_healthy(Duration::from_secs(30)).await;
    // vc-server is healthy only once it has vc-auth's keys, over the bus.
    let server = service("vc-server");
    server.wait_healthy(Duration::from_secs(30)).await;

    broker.kill();
    for svc in [&auth, &server] {
        let down = health_until(svc, 503, Duration::from_secs(10)).await;
        assert_eq!(down["failing"], serde_json::json!(["broker"]), "{down}");
    }
    broker.restart();
    for svc in [&auth, &server] {
        health_until(svc, 200, Duration::from_secs(15)).await;
    }
}

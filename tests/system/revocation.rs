//! Separate processes on one broker: tokens signed by one vc-auth instance
//! are verified locally by every other process with keys fetched over the
//! bus, and a revocation made anywhere takes effect everywhere within 5 s.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::{Duration, Instant};

use serde_json::json;
use vc_testkit::{Mosquitto, ProcessOptions, Service, shared_mongo_uri, unique_db};

struct Cluster {
    broker: Mosquitto,
    db: String,
}

impl Cluster {
    fn new() -> Self {
        Self { broker: Mosquitto::start(), db: unique_db() }
    }

    async fn start(&self, binary: &str) -> Service {
        let svc = Service::spawn(
            ProcessOptions::new(binary)
                .env("VC_MONGO_URI", shared_mongo_uri())
                .env("VC_MONGO__DATABASE", self.db.as_str())
                .env("VC_MQTT__PORT", self.broker.port.to_string())
                .env("VC_ADMIN_PASSWORD", "admin-pass-123"),
        );
        svc.wait_healthy(Duration::from_secs(30)).await;
        svc
    }
}

async fn agent(a: &Service) -> (String, String) {
    let (admin, _) = a.api.tokens("admin", "admin-pass-123").await;
    let id = a.api.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let (token, _) = a.api.tokens("agent1", "agent-pass-1").await;
    (id, token)
}

#[tokio::test]
async fn a_revocation_reaches_every_instance_within_five_seconds() {
    let cluster = Cluster::new();
    let a = cluster.start("vc-auth").await;
    let b = cluster.start("vc-auth").await;
    let (id, token) = agent(&a).await;
    let own = format!("/api/users/{id}");
    // B verifies A's token with the key it fetched over the bus.
    assert_eq!(b.api.get(&own, Some(&token)).await.unwrap().status, 200);

    let (admin, _) = a.api.tokens("admin", "admin-pass-123").await;
    let r = a.api.patch(&own, Some(&admin), &json!({"disabled": true})).await.unwrap();
    assert_eq!(r.status, 200);
    let started = Instant::now();
    loop {
        let r = b.api.get(&own, Some(&token)).await.unwrap();
        if r.status == 401 {
            assert_eq!(r.code(), "token_revoked");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "instance B still accepts the token");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_instance_started_later_knows_earlier_revocations() {
    let cluster = Cluster::new();
    let a = cluster.start("vc-auth").await;
    let (id, token) = agent(&a).await;
    let (admin, _) = a.api.tokens("admin", "admin-pass-123").await;
    let own = format!("/api/users/{id}");
    a.api.patch(&own, Some(&admin), &json!({"role": "supervisor"})).await.unwrap();

    let late = cluster.start("vc-auth").await;
    let r = late.api.get(&own, Some(&token)).await.unwrap();
    assert_eq!((r.status, r.code()), (401, "token_revoked"));
    // A token issued after the change is fine there.
    let (fresh, _) = a.api.tokens("agent1", "agent-pass-1").await;
    assert_eq!(late.api.get(&own, Some(&fresh)).await.unwrap().status, 200);
}

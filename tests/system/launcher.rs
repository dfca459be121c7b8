//! The all-in-one as `make run` starts it: a local database of its own under
//! the data directory, the first admin, and a graceful stop on Ctrl-C or
//! SIGTERM within 10 s that takes the database down too and loses no
//! acknowledged write.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use vc_testkit::{ProcessOptions, Service, alive, child_pids, repo_root};

fn local(data: &std::path::Path) -> ProcessOptions {
    ProcessOptions::new("videoassist")
        .env("VC_DATA_DIR", data.display().to_string())
        .env("VC_LOCAL_MONGO__COMMAND", repo_root().join(".venv/bin/secantusd-py").display().to_string())
        .env("VC_ADMIN_LOGIN", "boss")
}

/// The local database process the all-in-one started.
fn database_pid(svc: &Service) -> u32 {
    let pids = child_pids(svc.pid());
    assert_eq!(pids.len(), 1, "expected exactly the database as a child, got {pids:?}");
    pids[0]
}

/// Stops with `signal` and checks that everything is gone within 10 s.
fn stop_within_ten_seconds(svc: &mut Service, signal: i32) {
    let db = database_pid(svc);
    assert!(alive(db));
    let started = Instant::now();
    svc.signal(signal);
    let status = svc.wait_exit(Duration::from_secs(10)).expect("still running 10 s after the signal");
    assert!(status.success(), "exit status {status}; output:\n{}", svc.output());
    while alive(db) {
        assert!(started.elapsed() < Duration::from_secs(10), "the local database outlived the platform");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn local_database_first_admin_and_graceful_stop() {
    let data = tempfile::tempdir().unwrap();
    let mut svc = Service::spawn(local(data.path()));
    svc.wait_healthy(Duration::from_secs(40)).await;
    assert!(data.path().join("mongo").is_dir(), "the database lives under VC_DATA_DIR");

    // No VC_ADMIN_PASSWORD: a password is generated and shown once.
    let out = svc.output();
    let line = out.lines().find(|l| l.contains("First admin created")).expect("first admin announced");
    let password = line.split('`').nth(3).expect("password in the announcement").to_owned();
    assert!(line.contains("login `boss`"));
    assert!(out.contains("/agent/") && out.contains("/admin/"), "the URLs are printed");
    let (admin, _) = svc.api.tokens("boss", &password).await;
    svc.api.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let (agent, _) = svc.api.tokens("agent1", "agent-pass-1").await;
    assert_eq!(svc.api.get("/api/users", Some(&agent)).await.unwrap().status, 403);

    stop_within_ten_seconds(&mut svc, libc::SIGINT);

    // Same data directory: everything is still there, no new password.
    svc.restart();
    svc.wait_healthy(Duration::from_secs(40)).await;
    assert!(!svc.output().contains("First admin created"));
    assert!(svc.output().contains("Admin login: `boss`"));
    assert_eq!(svc.api.login("boss", &password).await.status, 200);
    assert_eq!(svc.api.login("agent1", "agent-pass-1").await.status, 200);
    stop_within_ten_seconds(&mut svc, libc::SIGTERM);
}

#[tokio::test]
async fn no_acknowledged_write_is_lost_on_shutdown() {
    let data = tempfile::tempdir().unwrap();
    let mut svc = Service::spawn(local(data.path()).env("VC_ADMIN_PASSWORD", "admin-pass-123"));
    svc.wait_healthy(Duration::from_secs(40)).await;
    let (admin, _) = svc.api.tokens("boss", "admin-pass-123").await;

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for w in 0..4 {
        let api = svc.api.clone();
        let admin = admin.clone();
        let acknowledged = acknowledged.clone();
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let login = format!("w{w}-{i}");
                let body =
                    json!({"login": login, "password": "password-123", "role": "agent", "name": login});
                match api.post("/api/users", Some(&admin), &body).await {
                    Ok(r) if r.status == 201 => acknowledged.lock().unwrap().push(login),
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let db = database_pid(&svc);
    svc.signal(libc::SIGINT);
    for w in writers {
        w.await.unwrap();
    }
    assert!(svc.wait_exit(Duration::from_secs(10)).is_some_and(|s| s.success()));
    while alive(db) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 4, "the writers got going: {}", acknowledged.len());

    svc.restart();
    svc.wait_healthy(Duration::from_secs(40)).await;
    let (admin, _) = svc.api.tokens("boss", "admin-pass-123").await;
    let r = svc.api.get("/api/users?limit=500", Some(&admin)).await.unwrap();
    let stored: Vec<String> =
        r.body["items"].as_array().unwrap().iter().map(|u| u["login"].as_str().unwrap().to_owned()).collect();
    for login in &acknowledged {
        assert!(stored.contains(login), "{login} was acknowledged but is gone");
    }
}

#[tokio::test]
async fn a_missing_local_database_is_explained() {
    let data = tempfile::tempdir().unwrap();
    let mut svc =
        Service::spawn(local(data.path()).env("VC_LOCAL_MONGO__COMMAND", "/nonexistent/secantusd-py"));
    let status = svc.wait_exit(Duration::from_secs(10)).expect("exits");
    assert!(!status.success());
    assert!(svc.output().contains("VC_MONGO_URI"), "{}", svc.output());
}

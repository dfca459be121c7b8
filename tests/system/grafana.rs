//! The Grafana dashboard (`deploy/grafana/videoassist.json`) only plots
//! metrics the platform exports: every `vc_*` name in its queries is in a
//! scrape of `/metrics` after a call (with a
//! data-channel message), sign-ins, a refresh and a revocation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use vc_loadgen::{DataMessage, Desk, Party, PartyConfig};
use vc_testkit::Platform;

const DASHBOARD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/grafana/videoassist.json");

/// Every panel's (and nested panel's) query expressions.
fn exprs(panels: &[Value], out: &mut Vec<String>) {
    for p in panels {
        for t in p["targets"].as_array().into_iter().flatten() {
            out.extend(t["expr"].as_str().map(str::to_owned));
        }
        exprs(p["panels"].as_array().map(Vec::as_slice).unwrap_or_default(), out);
    }
}

/// The `vc_[a-z_]+` metric names in `expr`, histogram series reduced to the
/// histogram's name.
fn metric_names(expr: &str) -> Vec<String> {
    let bytes = expr.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while let Some(at) = expr[i..].find("vc_").map(|at| at + i) {
        let starts_word = at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        let end = at + expr[at..].bytes().take_while(|b| b.is_ascii_lowercase() || *b == b'_').count();
        if starts_word && end > at + 3 {
            let name = &expr[at..end];
            let base =
                ["_bucket", "_sum", "_count"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name);
            names.push(base.to_owned());
        }
        i = end.max(at + 3);
    }
    names
}

#[test]
fn names_are_read_from_queries() {
    let expr = r#"histogram_quantile(0.95, sum by (le) (rate(vc_http_request_duration_seconds_bucket{instance=~"$instance"}[5m]))) / vc_media_rooms"#;
    assert_eq!(metric_names(expr), ["vc_http_request_duration_seconds", "vc_media_rooms"]);
}

#[tokio::test]
async fn every_dashboard_metric_is_exported() {
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(DASHBOARD).unwrap()).unwrap();
    assert_eq!(dashboard["__inputs"][0]["name"], "DS_PROMETHEUS");
    let mut all = Vec::new();
    exprs(dashboard["panels"].as_array().unwrap(), &mut all);
    assert!(all.len() > 20, "the dashboard has its queries: {}", all.len());
    let used: BTreeSet<String> = all.iter().flat_map(|e| metric_names(e)).collect();
    for family in ["vc_http_", "vc_bus_", "vc_auth_", "vc_media_", "vc_files_"] {
        assert!(used.iter().any(|n| n.starts_with(family)), "no {family}* panel");
    }

    let p = Platform::start(&[]).await;
    let admin = p.admin_token().await;
    let agent = p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    // A refresh, and a revocation (a role change), so those series exist.
    let (_, refresh) = p.api().tokens("agent1", "agent-pass-1").await;
    let r = p
        .api()
        .post("/api/auth/refresh", None, &serde_json::json!({"refresh_token": refresh}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = p
        .api()
        .patch(&format!("/api/users/{agent}"), Some(&admin), &serde_json::json!({"role": "supervisor"}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = p
        .api()
        .patch(&format!("/api/users/{agent}"), Some(&admin), &serde_json::json!({"role": "agent"}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    // A call, so the media series have label sets.
    let desk = Desk::sign_in(&p.api().base, "agent1", "agent-pass-1").await.unwrap();
    let t = desk.new_call("two_way").await.unwrap();
    let join = |access: &vc_protocol::media::MediaAccess| PartyConfig {
        collab: true,
        ..PartyConfig::gateway(desk.ws_url(access), access.room_token.clone())
    };
    let mut a = Party::join(join(&t.agent)).await.unwrap();
    let mut c = Party::join(join(&t.client)).await.unwrap();
    for party in [&mut a, &mut c] {
        assert!(party.connected(Duration::from_secs(10)).await, "media did not come up");
        assert!(party.collab_open(Duration::from_secs(10)).await, "the collab channel did not open");
    }
    a.send_collab(DataMessage::text(r#"{"t":"pointer_off"}"#.to_owned()));
    tokio::time::sleep(Duration::from_secs(1)).await;
    a.leave().await;
    c.leave().await;

    let scrape = p.api().get("/metrics", None).await.unwrap().body.as_str().unwrap().to_owned();
    let exported: BTreeSet<&str> = scrape
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let missing: Vec<&String> = used.iter().filter(|n| !exported.contains(n.as_str())).collect();
    assert!(
        missing.is_empty(),
        "the dashboard uses metrics /metrics does not have: {missing:?}\n{exported:?}"
    );
}

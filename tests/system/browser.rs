//! Browser end-to-end tests: Playwright (playwright-core) drives Debian
//! Chromium with fake camera and microphone against the real all-in-one
//! (media gateway included). The scenarios are in `tests/e2e/*.test.mjs`;
//! each test here starts a platform and runs one file with Node's test runner.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::process::Command;

use vc_testkit::{Platform, repo_root};

/// One browser test at a time: each runs a platform and several Chromium
/// processes, which is all two cores can carry.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn platform(extra: &[(&str, &str)]) -> Platform {
    let root = repo_root();
    let dir = |d: &str| root.join(d).join("dist").display().to_string();
    let (agent, client) = (dir("frontend-agent"), dir("frontend-client"));
    let mut env: Vec<(&str, &str)> =
        vec![("VC_FRONTENDS__AGENT_DIR", agent.as_str()), ("VC_FRONTENDS__CLIENT_DIR", client.as_str())];
    env.extend_from_slice(extra);
    let p = Platform::start(&env).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    p
}

fn run_e2e(p: &Platform, file: &str, extra: &[(&str, &str)]) {
    let dir = repo_root().join("tests/e2e");
    assert!(repo_root().join("node_modules/playwright-core").is_dir(), "run `make test` (npm ci) first");
    let mut cmd = Command::new("node");
    cmd.args(["--test", "--test-concurrency=1", "--test-reporter=spec", file])
        .current_dir(&dir)
        .env("VC_BASE_URL", &p.api().base)
        .env("VC_AGENT_LOGIN", "agent1")
        .env("VC_AGENT_PASSWORD", "agent-pass-1");
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let report =
        format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{report}");
    assert!(
        out.status.success(),
        "browser tests in {file} failed:\n{report}\n--- platform output ---\n{}",
        p.svc.output()
    );
}

#[tokio::test]
async fn a_call_between_two_browsers() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "call.test.mjs", &[]);
}

#[tokio::test]
async fn links_that_lead_nowhere() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "links.test.mjs", &[]);
}

#[tokio::test]
async fn an_expired_link() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[("VC_SERVER__LINK_TTL_SECS", "3")]).await;
    run_e2e(&p, "expiry.test.mjs", &[("VC_SHORT_LINK_TTL", "3")]);
}

#[tokio::test]
async fn a_party_that_never_returns() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[("VC_MEDIA__GRACE_SECS", "3")]).await;
    run_e2e(&p, "grace.test.mjs", &[("VC_GRACE_SECS", "3")]);
}

#[tokio::test]
async fn a_call_over_https() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[("VC_HTTP__TLS_SELF_SIGNED", "true")]).await;
    assert!(p.api().base.starts_with("https://"));
    run_e2e(&p, "https.test.mjs", &[]);
}

#[tokio::test]
async fn a_call_through_turn() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let coturn = vc_testkit::Coturn::start();
    let url = format!("turn:127.0.0.1:{}?transport=udp", coturn.port);
    let p = platform(&[
        ("VC_SERVER__TURN__URLS", url.as_str()),
        ("VC_SERVER__TURN__SECRET", coturn.secret.as_str()),
    ])
    .await;
    run_e2e(&p, "turn.test.mjs", &[]);
    let log = coturn.log();
    assert!(log.contains("ALLOCATE") && log.contains("success"), "coturn relayed the call:\n{log}");
}

#[tokio::test]
async fn the_agent_sends_an_sms_and_sees_it_delivered() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let smsc = vc_testkit::fakes::FakeSmsc::start("acme", "smsc-secret-1").await;
    smsc.reject_phone("79990000003", 3);
    let url = smsc.url();
    let p = platform(&[
        ("VC_MSG__SMS__API_URL", url.as_str()),
        ("VC_MSG__SMS__LOGIN", "acme"),
        ("VC_MSG__SMS__PASSWORD", "smsc-secret-1"),
        ("VC_MSG__SMS__STATUS_INTERVAL_SECS", "1"),
    ])
    .await;
    run_e2e(
        &p,
        "delivery.test.mjs",
        &[("VC_SMS_OK_PHONE", "+79990000001"), ("VC_SMS_NO_MONEY_PHONE", "+79990000003")],
    );
    // What the agent saw is what the provider did.
    let sent = smsc.sent();
    assert!(sent.iter().any(|s| s.phone == "79990000001"), "{sent:?}");
    assert!(!sent.iter().any(|s| s.phone == "79990000003"), "refused: nothing sent");
    smsc.assert_no_violations();
}

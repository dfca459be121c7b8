//! Browser end-to-end tests: Playwright (playwright-core) drives Debian
//! Chromium with fake camera and microphone against the real all-in-one
//! (media gateway included). The scenarios are in `tests/e2e/*.test.mjs`;
//! each test here starts a platform and runs one file with Node's test runner.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[path = "common/calls.rs"]
mod calls;

use std::process::Command;
use std::time::Duration;

use serde_json::json;
use vc_loadgen::Desk;
use vc_testkit::fakes::FakeSmsc;
use vc_testkit::{JsonSocket, Platform, repo_root};

/// One browser test at a time: each runs a platform and several Chromium
/// processes, which is all two cores can carry.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn platform(extra: &[(&str, &str)]) -> Platform {
    let root = repo_root();
    let dir = |d: &str| root.join(d).join("dist").display().to_string();
    let (agent, client, admin_dir) = (dir("frontend-agent"), dir("frontend-client"), dir("admin-panel"));
    let mut env: Vec<(&str, &str)> = vec![
        ("VC_FRONTENDS__AGENT_DIR", agent.as_str()),
        ("VC_FRONTENDS__CLIENT_DIR", client.as_str()),
        ("VC_FRONTENDS__ADMIN_DIR", admin_dir.as_str()),
    ];
    env.extend_from_slice(extra);
    let p = Platform::start(&env).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    p
}

/// A platform (with `extra` settings) whose SMS goes to a fake provider;
/// the fake, to see what was sent.
async fn platform_with_sms(extra: &[(&str, &str)]) -> (FakeSmsc, Platform) {
    let smsc = FakeSmsc::start("acme", "smsc-secret-1").await;
    let url = smsc.url();
    let mut env = vec![
        ("VC_MSG__SMS__API_URL", url.as_str()),
        ("VC_MSG__SMS__LOGIN", "acme"),
        ("VC_MSG__SMS__PASSWORD", "smsc-secret-1"),
    ];
    env.extend_from_slice(extra);
    let p = platform(&env).await;
    (smsc, p)
}

/// The platform's admin for the e2e files (`VC_ADMIN_LOGIN`, `VC_ADMIN_PASSWORD`).
fn admin_env(p: &Platform) -> [(&'static str, &str); 2] {
    [("VC_ADMIN_LOGIN", p.admin_login.as_str()), ("VC_ADMIN_PASSWORD", p.admin_password.as_str())]
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
    let (smsc, p) = platform_with_sms(&[("VC_MSG__SMS__STATUS_INTERVAL_SECS", "1")]).await;
    smsc.reject_phone("79990000003", 3);
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

/// The provider reports delivery only after the agent ended the call: the
/// console still shows it (the control channel is closed by then).
#[tokio::test]
async fn an_sms_delivered_after_the_call_ended_shows_as_delivered() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (smsc, p) = platform_with_sms(&[("VC_MSG__SMS__STATUS_INTERVAL_SECS", "1")]).await;
    smsc.deliver_after_polls(10);
    // Status polls every second are identical requests: SMSC.ru would answer
    // error 9 to most of them; here they count.
    smsc.set_flood_protection(false);
    run_e2e(&p, "delivery-late.test.mjs", &[("VC_SMS_OK_PHONE", "+79990000001")]);
    assert!(smsc.sent().iter().any(|s| s.phone == "79990000001"));
    smsc.assert_no_violations();
}

#[tokio::test]
async fn the_agent_points_on_the_client_video() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "pointer.test.mjs", &[]);
}

#[tokio::test]
async fn screenshots_drawn_on_and_viewed() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "screenshots.test.mjs", &[]);
}

#[tokio::test]
async fn the_agent_asks_for_the_client_location() {
    let _turn = ONE_AT_A_TIME.lock().await;
    // The address stand-in knows the spot the client's browser reports.
    let nominatim = vc_testkit::fakes::FakeNominatim::start().await;
    nominatim.add_place(
        55.751244,
        37.618423,
        "en",
        "Red Square, Tverskoy District, Moscow, Russia",
        serde_json::json!({"road": "Red Square", "city": "Moscow", "country": "Russia", "postcode": "109012"}),
    );
    let base = nominatim.url();
    // Tiles from an address nothing listens on: the page's markup is checked, not the picture.
    let tiles = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png";
    let p = platform(&[("VC_GEO__BASE_URL", base.as_str()), ("VC_GEO__TILE_URL", tiles)]).await;
    let out = tempfile::NamedTempFile::new().unwrap();
    let out_path = out.path().display().to_string();
    run_e2e(
        &p,
        "geolocation.test.mjs",
        &[
            ("VC_E2E_ADDRESS", "Red Square"),
            ("VC_E2E_TILE", "http://127.0.0.1:9/tiles/"),
            ("VC_E2E_OUT", out_path.as_str()),
        ],
    );
    assert!(nominatim.request_count() >= 1, "vc-geo asked the stand-in for the address");
    nominatim.assert_no_violations();

    // The screenshot the agent took after the location arrived carries the
    // browser's emulated position in its EXIF.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path()).unwrap()).unwrap();
    let file = report["screenshot"].as_str().expect("the browser test names the screenshot");
    let api = vc_testkit::Api::new(&p.api().base);
    let agent = api.tokens("agent1", "agent-pass-1").await.0;
    let jpeg = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap()
        .get(format!("{}/api/files/{file}", api.base))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&jpeg[..]))
        .expect("EXIF in the screenshot");
    let degrees = |tag, reference, negative: &str| {
        let Some(exif::Field { value: exif::Value::Rational(v), .. }) =
            exif.get_field(tag, exif::In::PRIMARY)
        else {
            panic!("{tag} missing")
        };
        let d = v[0].to_f64() + v[1].to_f64() / 60.0 + v[2].to_f64() / 3600.0;
        let r = exif
            .get_field(reference, exif::In::PRIMARY)
            .expect("a GPS reference")
            .display_value()
            .to_string();
        if r.contains(negative) { -d } else { d }
    };
    let lat = degrees(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, "S");
    let lon = degrees(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, "W");
    assert!((lat - report["lat"].as_f64().unwrap()).abs() < 1e-5, "latitude {lat}");
    assert!((lon - report["lon"].as_f64().unwrap()).abs() < 1e-5, "longitude {lon}");
    assert!(exif.get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY).is_some(), "DateTimeOriginal");
}

#[tokio::test]
async fn the_client_page_asks_for_the_location_at_join() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[("VC_SERVER__AUTO_GEOLOCATION", "true")]).await;
    run_e2e(&p, "geolocation-auto.test.mjs", &[]);
}

#[tokio::test]
async fn the_agent_takes_an_hd_photo_of_the_client_camera() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "photo.test.mjs", &[]);
}

#[tokio::test]
async fn the_agent_and_the_client_share_their_screens() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "screenshare.test.mjs", &[]);
}

#[tokio::test]
async fn agent_and_client_chat() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "chat.test.mjs", &[]);
}

/// Every regular file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn files_in_the_chat() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    let out = tempfile::NamedTempFile::new().unwrap();
    let out_path = out.path().display().to_string();
    run_e2e(&p, "files.test.mjs", &[("VC_E2E_OUT", out_path.as_str())]);

    // The interactions whose uploads were refused or cancelled have no file.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path()).unwrap()).unwrap();
    let ids = report["no_files"].as_array().expect("the browser test names its interactions");
    assert!(!ids.is_empty(), "{report}");
    // A client of its own: the pooled connections of `p.api()` went stale
    // while the browser test blocked this thread.
    let api = vc_testkit::Api::new(&p.api().base);
    let agent = api.tokens("agent1", "agent-pass-1").await.0;
    for id in ids {
        let id = id.as_str().unwrap();
        let r = api.get(&format!("/api/interactions/{id}/files"), Some(&agent)).await.unwrap();
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body, serde_json::json!([]), "nothing stored of the refused and cancelled uploads");
    }
    // On disk: the 100 MiB file, the picture, the other interaction's small
    // file, and no part of a refused or cancelled upload.
    let root = p.data_dir.path().join("files");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !files_under(&root.join("tmp")).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "temporary files left: {:?}",
            files_under(&root.join("tmp"))
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let stored: Vec<_> = files_under(&root)
        .into_iter()
        .filter(|f| !f.starts_with(root.join("tmp")) && !f.to_string_lossy().contains(".thumb."))
        .collect();
    let mut sizes: Vec<u64> = stored.iter().map(|f| f.metadata().unwrap().len()).collect();
    sizes.sort_unstable();
    assert_eq!(sizes.len(), 3, "{stored:?}");
    assert_eq!(sizes[2], 100 * 1024 * 1024, "{stored:?}");
}

#[tokio::test]
async fn a_recorded_call_has_the_client_left_and_the_agent_right() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "recording.test.mjs", &[]);
}

#[tokio::test]
async fn the_admin_panel() {
    let _turn = ONE_AT_A_TIME.lock().await;
    // An SMS provider, so that a call can be booked (the link goes by SMS).
    let (smsc, p) = platform_with_sms(&[]).await;
    run_e2e(&p, "admin.test.mjs", &[admin_env(&p).as_slice(), &[("VC_SMS_PHONE", "+79990000001")]].concat());
    smsc.assert_no_violations();
}

/// A real call's metrics from vc-stat, the reports list, the interaction
/// page with its quality charts, the Excel download, a supervisor's scope.
#[tokio::test]
async fn reports_history_and_quality_charts() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "reports.test.mjs", &admin_env(&p));
}

#[tokio::test]
async fn switched_off_functions_are_absent_and_refused() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "features.test.mjs", &admin_env(&p));
}

#[tokio::test]
async fn branding_shows_on_the_next_client_page_load() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "branding.test.mjs", &admin_env(&p));
}

#[tokio::test]
async fn the_client_answers_the_survey_and_is_redirected() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let p = platform(&[]).await;
    run_e2e(&p, "survey.test.mjs", &admin_env(&p));
}

#[tokio::test]
async fn the_agent_schedules_a_call_and_is_reminded() {
    let _turn = ONE_AT_A_TIME.lock().await;
    // A call is booked with its link going by SMS: the fake provider takes it.
    let (smsc, p) = platform_with_sms(&[]).await;
    run_e2e(&p, "schedule.test.mjs", &[("VC_SMS_PHONE", "+79990000001")]);
    assert!(smsc.sent().iter().any(|s| s.phone == "79990000001"), "the close call's link went by SMS");
    smsc.assert_no_violations();
}

/// Files past their retention in the admin panel: a recorded call whose
/// client sent a file in the chat; both files are made three days old and
/// the cleanup (one day for chat files and recordings) deletes them. The
/// interaction page shows the recording and the chat file as deleted, with
/// no way to download them, and its timeline says what went (en and ru).
#[tokio::test]
async fn files_past_their_retention_show_as_deleted_in_the_panel() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let db_name = vc_testkit::unique_db();
    let p = platform(&[("VC_MONGO__DATABASE", db_name.as_str()), ("VC_MEDIA__GRACE_SECS", "5")]).await;
    let api = p.api();
    let desk = Desk::sign_in(&api.base, "agent1", "agent-pass-1").await.unwrap();
    let media = calls::media(440.0).await;
    let t = desk.new_call("two_way").await.unwrap();
    let id = t.interaction_id.to_string();
    let client = calls::join(&desk, &t.client, &media).await;
    let agent = calls::join(&desk, &t.agent, &media).await;

    // The client sends a file in the chat.
    const NAME: &str = "warranty-card.txt";
    let uploaded = reqwest::Client::new()
        .post(format!("{}/api/interactions/{id}/files?kind=chat", api.base))
        .bearer_auth(&t.client_token)
        .header("x-file-name", NAME)
        .body("warranty until 2030")
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 201);
    let file: serde_json::Value = uploaded.json().await.unwrap();
    let mut ws = JsonSocket::connect(api, &format!("/api/interactions/{id}/ws")).await;
    ws.send(json!({"type": "hello", "token": t.client_token})).await;
    ws.send(json!({"type": "chat", "client_msg_id": "w1", "file_id": file["id"]})).await;
    let acked =
        ws.until(Duration::from_secs(10), |v| v["type"] == "chat_ack" || v["type"] == "chat_error").await;
    assert_eq!(acked.last().unwrap()["type"], "chat_ack", "{acked:?}");
    drop(ws);
    tokio::time::sleep(Duration::from_secs(3)).await;
    desk.end(t.interaction_id).await.unwrap();
    let (_a, _c) = (agent.leave().await, client.leave().await);
    calls::until_set(&desk, t.interaction_id, "recording", Duration::from_secs(120)).await;

    // Both files three days old; a one-day policy; a cleanup now.
    let admin = p.admin_token().await;
    let deleted = calls::expire_files(
        &api.base,
        &db_name,
        t.interaction_id,
        &admin,
        &["chat_files_days", "recordings_days"],
    )
    .await;
    assert_eq!(deleted, 2, "the chat file and the recording");

    run_e2e(
        &p,
        "retention.test.mjs",
        &[admin_env(&p).as_slice(), &[("VC_E2E_INTERACTION", id.as_str()), ("VC_E2E_FILE_NAME", NAME)]]
            .concat(),
    );
}

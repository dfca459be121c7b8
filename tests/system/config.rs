//! The committed example configuration parses, documents every default, and
//! a configuration error names the key.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::process::Command;

use vc_testkit::{bin_path, repo_root};

fn example() -> String {
    std::fs::read_to_string(repo_root().join("config/example.toml")).unwrap()
}

#[test]
fn the_example_parses_for_every_binary_and_shows_the_defaults() {
    let all: videoassist::Config = vc_runtime::config::parse_toml(&example()).unwrap();
    let default = videoassist::Config::default();
    assert_eq!(
        serde_json::to_value(&all).unwrap(),
        serde_json::to_value(&default).unwrap(),
        "config/example.toml must show the defaults"
    );
    let auth: vc_auth::Config = vc_runtime::config::parse_toml(&example()).unwrap();
    assert_eq!(auth.auth, default.auth);
    let server: vc_server::Config = vc_runtime::config::parse_toml(&example()).unwrap();
    assert_eq!(server.http, default.http);
}

fn run_videoassist(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(bin_path("videoassist"));
    cmd.args(args).env_remove("VC_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_bad_key_in_the_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, example().replace("session_expiry_secs = 3600", "session_expiry_sec = 3600"))
        .unwrap();
    let (code, stderr) = run_videoassist(&["--config", path.to_str().unwrap()], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("session_expiry_sec"), "{stderr}");
}

#[test]
fn a_bad_value_in_the_environment_is_named() {
    let (code, stderr) = run_videoassist(&[], &[("VC_AUTH__ACCESS_TTL_SECS", "soon")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("auth.access_ttl_secs"), "{stderr}");
    let (code, stderr) = run_videoassist(&[], &[("VC_HTTP__PROT", "80")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("prot"), "{stderr}");
}

#[test]
fn a_missing_config_file_is_an_error() {
    let (code, stderr) = run_videoassist(&["--config", "/nonexistent/videoassist.toml"], &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent/videoassist.toml"), "{stderr}");
}

/// A bad setting of any service stops `videoassist` at once, naming the
/// key, before anything starts: no data directory, no local database, no
/// first admin half-created.
#[test]
fn a_bad_service_setting_stops_the_start_before_anything_is_written() {
    let cases: [(&[(&str, &str)], &str); 7] = [
        (
            &[("VC_MSG__EMAIL__HOST", "127.0.0.1"), ("VC_MSG__EMAIL__FROM", "not an address")],
            "msg.email.from",
        ),
        (
            &[("VC_MSG__TELEGRAM__BOT_TOKEN", "123:abc"), ("VC_MSG__TELEGRAM__UPDATES", "webhook")],
            "msg.telegram.webhook_secret",
        ),
        (&[("VC_SURL__CODE_LENGTH", "4")], "surl.code_length"),
        (&[("VC_PUBLIC_URL", "ftp://example.com")], "surl.public_base_url"),
        (&[("VC_AUTH__ARGON2__MEMORY_KIB", "1")], "auth.argon2"),
        (&[("VC_AUTH__ADMIN_LOGIN", " ")], "auth.admin_login"),
        (&[("VC_STAT__ORPHAN_AFTER_SECS", "5")], "stat.orphan_after_secs"),
    ];
    for (env, key) in cases {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut all = env.to_vec();
        all.push(("VC_DATA_DIR", data.to_str().unwrap()));
        let (code, stderr) = run_videoassist(&[], &all);
        assert_eq!(code, 2, "{env:?}: {stderr}");
        assert!(stderr.contains(key), "{env:?} names {key}: {stderr}");
        assert!(!data.exists(), "{env:?}: nothing is written before the settings are checked");
    }
}

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

//! The load tool end to end: stamped calls through the platform's gateway,
//! through Janus (Debian's, installed by `scripts/setup.sh test`) and
//! directly peer to peer, each giving a plausible per-call report.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use vc_loadgen::janus::{JanusServer, JanusSettings};
use vc_loadgen::run::{self, CallSpec, Target};
use vc_loadgen::{CallReport, Desk, LoadedMedia, MediaSpec};
use vc_testkit::Platform;

async fn media() -> Arc<LoadedMedia> {
    tokio::task::spawn_blocking(|| {
        let dir = std::env::temp_dir().join("vc-loadgen-media");
        let files = vc_loadgen::media::prepare("ffmpeg".as_ref(), &dir, &MediaSpec::default())?;
        LoadedMedia::load(&files)
    })
    .await
    .unwrap()
    .expect("media made with ffmpeg")
}

/// Runs `n` stamped calls for `secs` and checks each report.
async fn run_calls(target: &Target, bind: IpAddr, n: usize, secs: u64) -> Vec<CallReport> {
    let spec = CallSpec { bind, media: Some(media().await), stamp: true, pointer_hz: 0 };
    let (calls, errors) = run::open_calls(target, &spec, n, "t", Duration::from_secs(15)).await;
    assert!(errors.is_empty(), "{errors:?}");
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let reports = run::close_calls(target, calls).await;
    for r in &reports {
        println!("{}: {r}", target.name());
        let setup = r.setup_ms.expect("both parties connected");
        assert!(setup > 0.0 && setup < 10_000.0, "{r}");
        assert!(r.first_media_ms.is_some(), "{r}");
        // Audio at 50 packets a second and video at ~70 each way.
        assert!(r.audio.received > 50 * secs && r.video.received > 50 * secs, "{r}");
        assert!(r.received <= r.sent, "{r}");
        assert!(r.loss_pct < 5.0, "{r}");
        let (p50, p99) = (r.latency_p50_ms.unwrap(), r.latency_p99_ms.unwrap());
        assert!(p50 > 0.0 && p50 < 200.0 && p99 >= p50, "{r}");
        assert_eq!(r.latency_us.len() as u64, r.received, "every packet stamped: {r}");
        assert!(r.closed.is_empty(), "{r}");
    }
    reports
}

#[tokio::test]
async fn stamped_calls_through_the_gateway_report_setup_loss_and_latency() {
    let p = Platform::start(&[("VC_MEDIA__GRACE_SECS", "5"), ("VC_SERVER__RECORD_CALLS", "false")]).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let desk = Desk::sign_in(&p.api().base, "agent1", "agent-pass-1").await.unwrap();
    let reports = run_calls(&Target::Gateway(desk), IpAddr::V4(Ipv4Addr::LOCALHOST), 2, 3).await;
    assert_eq!(reports.len(), 2);
}

#[tokio::test]
async fn a_direct_call_is_the_baseline() {
    let reports = run_calls(&Target::Direct, IpAddr::V4(Ipv4Addr::LOCALHOST), 1, 2).await;
    assert_eq!(reports[0].lost, 0, "{}", reports[0]);
}

#[tokio::test]
async fn a_call_through_janus() {
    // Janus refuses loopback candidates: it needs an address of the machine's own.
    let ip = vc_loadgen::janus::own_ip().expect("an address of this machine's own for Janus");
    let settings = JanusSettings::new(ip);
    assert!(settings.binary.is_file(), "Janus is not installed (scripts/setup.sh test installs it)");
    let janus = JanusServer::start(&settings).await.unwrap();
    let target = Target::Janus { base: janus.base_url() };
    let reports = run_calls(&target, ip, 1, 3).await;
    assert_eq!(reports.len(), 1, "{}", janus.log_tail());
}

#[tokio::test]
async fn the_load_tool_signs_in_again_when_its_token_expires() {
    // A soak outlasts an access token.
    let p = Platform::start(&[
        ("VC_AUTH__ACCESS_TTL_SECS", "1"),
        ("VC_TOKENS__LEEWAY_SECS", "0"),
        ("VC_SERVER__RECORD_CALLS", "false"),
    ])
    .await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let desk = Desk::sign_in(&p.api().base, "agent1", "agent-pass-1").await.unwrap();
    let first = desk.new_call("two_way").await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let second = desk.new_call("two_way").await.expect("a new call after the token expired");
    assert_ne!(first.interaction_id, second.interaction_id);
    desk.end(second.interaction_id).await.unwrap();
}

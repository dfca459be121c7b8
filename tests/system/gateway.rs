//! The media gateway with WebRTC clients that are not browsers (the same
//! sans-I/O core, synthetic media): many peers on one UDP port, recovery of
//! lost packets, keyframe requests, a party rejoining, and memory that comes
//! back after many calls.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use vc_loadgen::{Desk, Party, PartyConfig, PartyStats, VideoCodec};
use vc_protocol::media::MediaAccess;
use vc_testkit::Platform;

async fn desk() -> (Platform, Desk) {
    let log = std::env::var("VC_TEST_PLATFORM_LOG").unwrap_or_else(|_| "info".into());
    let p = Platform::start(&[("VC_MEDIA__GRACE_SECS", "5"), ("RUST_LOG", log.as_str())]).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let desk = Desk::sign_in(&p.api().base, "agent1", "agent-pass-1").await.unwrap();
    (p, desk)
}

fn config(desk: &Desk, access: &MediaAccess, drop_incoming: f64) -> PartyConfig {
    PartyConfig {
        signaling_url: desk.ws_url(access),
        room_token: access.room_token.clone(),
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        send_video: true,
        video_codec: VideoCodec::Vp8,
        drop_incoming,
    }
}

async fn connected(party: &mut Party) {
    assert!(party.connected(Duration::from_secs(10)).await, "media did not come up");
}

/// A new interaction with both parties connected (the agent's network drops
/// `agent_loss` of what comes in).
async fn call(desk: &Desk, agent_loss: f64) -> (vc_loadgen::Tickets, Party, Party) {
    let t = desk.new_call("two_way").await.unwrap();
    let mut a = Party::join(config(desk, &t.agent, agent_loss)).await.unwrap();
    let mut c = Party::join(config(desk, &t.client, 0.0)).await.unwrap();
    connected(&mut a).await;
    connected(&mut c).await;
    (t, a, c)
}

/// Share of the sequence-number range of a stream that arrived.
fn coverage(stats: &PartyStats) -> f64 {
    stats
        .video_seqs
        .values()
        .map(|seqs| {
            let (lo, hi) = (*seqs.first().unwrap() as f64, *seqs.last().unwrap() as f64);
            seqs.len() as f64 / (hi - lo + 1.0)
        })
        .fold(1.0, f64::min)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

async fn metric(p: &Platform, name: &str) -> i64 {
    let text = p.api().get("/metrics", None).await.unwrap().body.as_str().unwrap().to_owned();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("vc_{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1)
}

#[tokio::test]
async fn calls_share_one_udp_port_and_media_flows_both_ways() {
    let (_p, desk) = desk().await;
    let mut parties = Vec::new();
    for _ in 0..3 {
        let (t, a, c) = call(&desk, 0.0).await;
        parties.push((t.interaction_id, a, c));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut gateway_addrs = std::collections::HashSet::new();
    for (id, a, c) in parties {
        let (a, c) = (a.leave().await, c.leave().await);
        for (who, s, other) in [("agent", &a, &c), ("client", &c, &a)] {
            assert!(s.received_audio > 50, "{who} of {id} got {} audio packets", s.received_audio);
            assert!(s.received_video > 100, "{who} of {id} got {} video packets", s.received_video);
            // What arrives is what the other party sent, give or take the last moment.
            assert!(
                s.received_video as f64 >= other.sent_video as f64 * 0.9,
                "{who}: {} of {}",
                s.received_video,
                other.sent_video
            );
            gateway_addrs.extend(s.remote_addrs.iter().copied());
        }
        assert_eq!(desk.get(id).await.unwrap()["status"], "active");
    }
    assert_eq!(gateway_addrs.len(), 1, "every peer talks to one UDP port: {gateway_addrs:?}");
}

#[tokio::test]
async fn lost_packets_are_retransmitted() {
    let (_p, desk) = desk().await;
    let t = desk.new_call("two_way").await.unwrap();
    // The agent's network drops 10% of what comes in.
    let mut a = Party::join(config(&desk, &t.agent, 0.10)).await.unwrap();
    let mut c = Party::join(config(&desk, &t.client, 0.0)).await.unwrap();
    connected(&mut a).await;
    connected(&mut c).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (a, _c) = (a.leave().await, c.leave().await);
    assert!(a.dropped_incoming > 50, "the loss was real: {} dropped", a.dropped_incoming);
    let got = coverage(&a);
    assert!(got > 0.97, "only {:.1}% of the video arrived despite NACKs", got * 100.0);
}

#[tokio::test]
async fn keyframe_requests_reach_the_sender() {
    let (_p, desk) = desk().await;
    let (_, a, c) = call(&desk, 0.0).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = c.stats().keyframe_requests;
    a.request_keyframe();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while c.stats().keyframe_requests == before {
        assert!(tokio::time::Instant::now() < deadline, "the client never got the agent's keyframe request");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    a.leave().await;
    c.leave().await;
}

#[tokio::test]
async fn a_rejoining_party_continues_the_same_stream() {
    let (_p, desk) = desk().await;
    let (t, a, c) = call(&desk, 0.0).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    // The client reloads: a new connection with new SSRCs and numbering.
    c.leave().await;
    let again = desk.media(t.interaction_id, &t.client_token).await.unwrap();
    let mut c = Party::join(config(&desk, &again, 0.0)).await.unwrap();
    connected(&mut c).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (a, c) = (a.leave().await, c.leave().await);
    assert!(c.received_video > 30, "the rejoined client receives");
    assert_eq!(a.video_seqs.len(), 1, "the agent sees one stream throughout: {:?}", a.video_seqs.keys());
    let got = coverage(&a);
    assert!(got > 0.97, "the stream jumped or lost {:.1}% across the rejoin", (1.0 - got) * 100.0);
    let status = desk.get(t.interaction_id).await.unwrap()["status"].clone();
    assert_eq!(status, "active", "a rejoin within the grace period does not end the call");
}

/// Memory after many calls returns to where it was (the upstream webrtc-rs
/// leak of closed connections does not apply to the sans-I/O core we use).
#[tokio::test]
async fn memory_returns_after_many_calls() {
    let (p, desk) = desk().await;
    let pid = p.svc.pid();
    let one_call = || async {
        let (t, a, c) = call(&desk, 0.0).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        a.leave().await;
        c.leave().await;
        desk.end(t.interaction_id).await.unwrap();
    };
    for _ in 0..5 {
        one_call().await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let warm = rss_kib(pid);
    for _ in 0..40 {
        one_call().await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = rss_kib(pid);
    assert_eq!(metric(&p, "media_peers").await, 0, "no peer left behind");
    assert_eq!(metric(&p, "media_connections").await, 0, "no connection left behind");
    let rooms = metric(&p, "media_rooms").await;
    if rooms != 0 {
        for l in p.svc.output().lines().filter(|l| l.contains("room") && !l.contains("\"request\"")) {
            println!("{}", &l[..l.len().min(260)]);
        }
    }
    assert_eq!(rooms, 0, "ended calls close their rooms");
    let growth = after.saturating_sub(warm);
    println!("RSS after warm-up {warm} KiB, after 40 more calls {after} KiB (+{growth} KiB)");
    assert!(growth < 16 * 1024, "RSS grew by {growth} KiB over 40 calls");
}

/// Safari's codec: H.264 constrained baseline is negotiated and forwarded.
#[tokio::test]
async fn h264_is_negotiated_and_forwarded() {
    let (_p, desk) = desk().await;
    let t = desk.new_call("two_way").await.unwrap();
    let h264 = |access| PartyConfig { video_codec: VideoCodec::H264, ..config(&desk, access, 0.0) };
    let mut a = Party::join(h264(&t.agent)).await.unwrap();
    let mut c = Party::join(h264(&t.client)).await.unwrap();
    connected(&mut a).await;
    connected(&mut c).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (a, c) = (a.leave().await, c.leave().await);
    for (who, s) in [("agent", &a), ("client", &c)] {
        assert!(s.received_video > 60, "{who} got {} H.264 packets", s.received_video);
        assert_eq!(
            s.video_payload_types.iter().copied().collect::<Vec<_>>(),
            vec![102],
            "{who}: H.264's payload type on its leg"
        );
    }
}

/// The gateway reports peers and media statistics on MQTT: here the
/// all-in-one runs against an external broker (as in production), and the
/// test listens on it.
#[tokio::test]
async fn peers_and_stats_are_reported_on_the_bus() {
    use vc_protocol::media::MediaEventKind;
    use vc_runtime::config::MqttConfig;
    use vc_runtime::{Bus, Metrics};
    let broker = vc_testkit::Mosquitto::start();
    let ns = vc_testkit::unique_namespace();
    let port = broker.port.to_string();
    let p = Platform::start(&[
        ("VC_BROKER__EMBEDDED", "false"),
        ("VC_MQTT__PORT", port.as_str()),
        ("VC_MQTT__NAMESPACE", ns.as_str()),
        ("VC_MEDIA__STATS_INTERVAL_SECS", "1"),
    ])
    .await;
    let observer = Bus::connect(
        &MqttConfig { port: broker.port, namespace: ns.clone(), ..Default::default() },
        "observer",
        &Metrics::new().unwrap(),
    )
    .unwrap();
    observer.ready();
    let mut events = observer.subscribe(vc_protocol::topics::media::all_room_events()).await.unwrap();
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let desk = Desk::sign_in(&p.api().base, "agent1", "agent-pass-1").await.unwrap();
    let (t, a, c) = call(&desk, 0.0).await;

    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(4);
    while let Ok(Some(d)) = tokio::time::timeout_at(deadline, events.next()).await {
        assert_eq!(d.body().room_id, t.interaction_id);
        seen.push(d.body().event.clone());
    }
    a.leave().await;
    c.leave().await;
    for role in ["agent", "client"] {
        assert!(
            seen.iter()
                .any(|e| matches!(e, MediaEventKind::PeerJoined { role: r, .. } if r.as_str() == role)),
            "{role} joined"
        );
        assert!(
            seen.iter()
                .any(|e| matches!(e, MediaEventKind::PeerConnected { role: r, .. } if r.as_str() == role)),
            "{role} connected"
        );
        assert!(seen.iter().any(|e| matches!(e, MediaEventKind::IceState { role: r, state } if r.as_str() == role && state == "connected")));
    }
    let stats: Vec<_> = seen
        .iter()
        .filter_map(|e| match e {
            MediaEventKind::Stats { role, stats } => Some((role.as_str(), stats.clone())),
            _ => None,
        })
        .collect();
    assert!(stats.len() >= 4, "a report per peer per second: {}", stats.len());
    let (_, last) = stats.iter().rev().find(|(r, _)| *r == "client").unwrap();
    let video = last.inbound.iter().find(|t| t.kind == "video").unwrap();
    assert!(video.bitrate_kbps > 400.0, "the client sends ~720 kbit/s of synthetic video: {video:?}");
    assert!((25.0..=35.0).contains(&video.fps.unwrap()), "about 30 fps: {video:?}");
    assert_eq!((video.width, video.height), (Some(640), Some(480)), "size read from the VP8 keyframes");
    assert_eq!(video.packets_lost, 0);
    let audio = last.inbound.iter().find(|t| t.kind == "audio").unwrap();
    assert!(audio.packets > 50);
    let out = last.outbound.iter().find(|t| t.kind == "video").unwrap();
    assert!(out.bitrate_kbps > 400.0, "what the gateway sends the client: {out:?}");
}

/// A browser may offer again mid-call (tracks changed); the gateway answers
/// on the same connection and media keeps flowing.
#[tokio::test]
async fn renegotiation_mid_call_keeps_media_flowing() {
    let (_p, desk) = desk().await;
    let (_, a, c) = call(&desk, 0.0).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    c.renegotiate();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while c.stats().answers < 2 {
        assert!(tokio::time::Instant::now() < deadline, "no answer to the second offer");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = (a.stats().received_video, c.stats().received_video);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (a, c) = (a.leave().await, c.leave().await);
    assert!(a.received_video > before.0 + 60, "the agent keeps receiving after the renegotiation");
    assert!(c.received_video > before.1 + 60, "the client keeps receiving after the renegotiation");
    assert!(c.connected, "still the same connection");
}

//! The media gateway with WebRTC clients that are not browsers (the same
//! sans-I/O core; synthetic media, or real Opus and VP8 made with ffmpeg):
//! many peers on one UDP port, recovery of lost packets, keyframe requests,
//! a party rejoining, memory that comes back after many calls, and the
//! `collab` data channel relayed between the parties.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::Duration;

use vc_loadgen::{DataMessage, Desk, LoadedMedia, MediaSpec, Party, PartyConfig, PartyStats, VideoCodec};
use vc_protocol::collab::{CollabMessage, MAX_MESSAGE_BYTES};
use vc_protocol::media::MediaAccess;
use vc_testkit::Platform;

async fn desk() -> (Platform, Desk) {
    desk_with(&[]).await
}

/// A platform (with `env` on top of the tests' settings) and a signed-in agent.
async fn desk_with(env: &[(&str, &str)]) -> (Platform, Desk) {
    let log = std::env::var("VC_TEST_PLATFORM_LOG").unwrap_or_else(|_| "info".into());
    let mut all = vec![("VC_MEDIA__GRACE_SECS", "5"), ("RUST_LOG", log.as_str())];
    all.extend_from_slice(env);
    let p = Platform::start(&all).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let desk = Desk::sign_in(&p.api().base, "agent1", "agent-pass-1").await.unwrap();
    (p, desk)
}

fn config(desk: &Desk, access: &MediaAccess, drop_incoming: f64) -> PartyConfig {
    PartyConfig { drop_incoming, ..PartyConfig::gateway(desk.ws_url(access), access.room_token.clone()) }
}

/// A party that opens the `collab` data channel before its first offer.
fn collab_config(desk: &Desk, access: &MediaAccess) -> PartyConfig {
    PartyConfig { collab: true, ..config(desk, access, 0.0) }
}

async fn collab_open(party: &mut Party) {
    assert!(party.collab_open(Duration::from_secs(10)).await, "the collab channel did not open");
}

/// A new interaction with both parties connected and their `collab`
/// channels open.
async fn collab_call(desk: &Desk) -> (vc_loadgen::Tickets, Party, Party) {
    let t = desk.new_call("two_way").await.unwrap();
    let mut a = Party::join(collab_config(desk, &t.agent)).await.unwrap();
    let mut c = Party::join(collab_config(desk, &t.client)).await.unwrap();
    for p in [&mut a, &mut c] {
        connected(p).await;
        collab_open(p).await;
    }
    (t, a, c)
}

/// Waits until `party` has received `n` collab messages (at most 5 s).
async fn received_collab(party: &Party, n: u64, who: &str) -> PartyStats {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let s = party.stats();
        if s.collab_received >= n {
            return s;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{who} got {} of {n} collab messages: {:?}",
            s.collab_received,
            s.collab_messages.iter().map(|m| m.data.len()).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn pointer_move(i: usize) -> DataMessage {
    let msg = CollabMessage::Pointer { x: i as f64 / 100.0, y: 1.0 - i as f64 / 100.0 };
    DataMessage::text(serde_json::to_string(&msg).unwrap())
}

/// `vc_media_datachannel_messages_total{direction, outcome}`.
async fn data_metric(p: &Platform, direction: &str, outcome: &str) -> i64 {
    let text = p.api().get("/metrics", None).await.unwrap().body.as_str().unwrap().to_owned();
    let (d, o) = (format!("direction=\"{direction}\""), format!("outcome=\"{outcome}\""));
    text.lines()
        .filter(|l| l.starts_with("vc_media_datachannel_messages_total{"))
        .find(|l| l.contains(&d) && l.contains(&o))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
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
            // RTP sequence numbers are 16 bits: a stream that started near
            // 65535 wraps to 0 within the test; count it as one run.
            let wrapped = seqs.last().unwrap() - seqs.first().unwrap() > 1 << 15;
            let unwrapped: Vec<u32> = seqs
                .iter()
                .map(|&s| if wrapped && s < 1 << 15 { u32::from(s) + (1 << 16) } else { u32::from(s) })
                .collect();
            let (lo, hi) = (*unwrapped.iter().min().unwrap(), *unwrapped.iter().max().unwrap());
            seqs.len() as f64 / f64::from(hi - lo + 1)
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

/// The value of the series `vc_<name>` whose labels include `labels`.
fn sample(scrape: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let name = format!("vc_{name}");
    scrape.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let (series, value) = l.rsplit_once(' ')?;
        let (n, rest) = series.split_once('{').unwrap_or((series, ""));
        let matches = n == name && labels.iter().all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")));
        matches.then(|| value.trim().parse().ok()).flatten()
    })
}

/// Scrapes `/metrics` until `ready` holds of it (at most 5 s), then returns it.
async fn scrape_until(p: &Platform, what: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let text = p.api().get("/metrics", None).await.unwrap().body.as_str().unwrap().to_owned();
        if ready(&text) {
            return text;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}; /metrics:\n{text}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// What the gateway forwards and loses shows in Prometheus, by kind and
/// direction: a first call where the agent sends no video (nothing is
/// forwarded agent to client), then one where the agent's network drops
/// 10% of what it receives (it NACKs what is missing).
#[tokio::test]
async fn forwarded_media_and_loss_are_counted_in_prometheus() {
    let (p, desk) = desk_with(&[("VC_MEDIA__STATS_INTERVAL_SECS", "1")]).await;
    let forwarded = |s: &str, what: &str, kind: &str, direction: &str| {
        sample(s, &format!("media_forwarded_{what}_total"), &[("kind", kind), ("direction", direction)])
            .unwrap_or(-1.0)
    };

    let t = desk.new_call("two_way").await.unwrap();
    let mut a = Party::join(PartyConfig { send_video: false, ..config(&desk, &t.agent, 0.0) }).await.unwrap();
    let mut c = Party::join(config(&desk, &t.client, 0.0)).await.unwrap();
    connected(&mut a).await;
    connected(&mut c).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (a, c) = (a.leave().await, c.leave().await);
    assert!(a.received_video > 30 && c.received_audio > 30, "media flowed");
    // A party that leaves has its counts added at once.
    let s = scrape_until(&p, "the first call's media is counted", |s| {
        forwarded(s, "packets", "video", "client_to_agent") >= a.received_video as f64 * 0.9
            && forwarded(s, "packets", "audio", "client_to_agent") >= a.received_audio as f64 * 0.9
            && forwarded(s, "packets", "audio", "agent_to_client") >= c.received_audio as f64 * 0.9
    })
    .await;
    assert_eq!(forwarded(&s, "packets", "video", "agent_to_client"), 0.0, "the agent sent no video");
    assert_eq!(forwarded(&s, "bytes", "video", "agent_to_client"), 0.0);
    for (kind, direction) in
        [("video", "client_to_agent"), ("audio", "client_to_agent"), ("audio", "agent_to_client")]
    {
        let (bytes, packets) =
            (forwarded(&s, "bytes", kind, direction), forwarded(&s, "packets", kind, direction));
        assert!(bytes > packets && packets > 0.0, "{kind} {direction}: {bytes} bytes in {packets} packets");
    }

    let (_, a, c) = call(&desk, 0.10).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (a, c) = (a.leave().await, c.leave().await);
    assert!(a.dropped_incoming > 20, "the agent's loss was real: {} dropped", a.dropped_incoming);
    let nacks = |s: &str, party: &str| sample(s, "media_nacks_total", &[("party", party)]).unwrap_or(-1.0);
    let s = scrape_until(&p, "the second call's media and the agent's NACKs are counted", |s| {
        forwarded(s, "packets", "video", "agent_to_client") >= c.received_video as f64 * 0.9
            && forwarded(s, "bytes", "video", "agent_to_client") > 0.0
            && nacks(s, "agent") > 0.0
    })
    .await;
    assert!(nacks(&s, "client") >= 0.0, "every party has its NACK series");
    // The parties' own loss is not the gateway's: what it receives arrives
    // whole on loopback, and the series are there from the start.
    for kind in ["audio", "video"] {
        for party in ["agent", "client"] {
            let lost = sample(&s, "media_packets_lost_total", &[("kind", kind), ("party", party)]);
            assert!(lost.is_some_and(|v| v >= 0.0), "{kind} lost by {party}: {lost:?}");
        }
    }
    assert_eq!(sample(&s, "media_ice_failures_total", &[]), Some(0.0), "every peer connected");
    let connects = sample(&s, "media_peer_connect_seconds_count", &[]).unwrap_or(0.0);
    assert!(connects >= 4.0, "four peers connected: {connects}");
}

#[tokio::test]
async fn calls_share_one_udp_port_and_media_flows_both_ways() {
    let (_p, desk) = desk().await;
    let mut parties = Vec::new();
    for _ in 0..3 {
        let (t, a, c) = call(&desk, 0.0).await;
        parties.push((t.interaction_id, a, c));
    }
    // Counts are compared over a window that starts once every leg is up
    // and ends before anyone leaves: what a party sent before the other's
    // leg was connected, or while the other was leaving, never arrives.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let snapshot = |parties: &[(vc_protocol::InteractionId, Party, Party)]| -> Vec<(PartyStats, PartyStats)> {
        parties.iter().map(|(_, a, c)| (a.stats(), c.stats())).collect()
    };
    let start = snapshot(&parties);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let end = snapshot(&parties);
    let mut gateway_addrs = std::collections::HashSet::new();
    for ((id, a, c), ((a0, c0), (a1, c1))) in parties.into_iter().zip(start.into_iter().zip(end)) {
        let (a, c) = (a.leave().await, c.leave().await);
        for (who, s) in [("agent", &a), ("client", &c)] {
            assert!(s.received_audio > 50, "{who} of {id} got {} audio packets", s.received_audio);
            assert!(s.received_video > 100, "{who} of {id} got {} video packets", s.received_video);
            gateway_addrs.extend(s.remote_addrs.iter().copied());
        }
        for (who, s0, s1, o0, o1) in [("agent", &a0, &a1, &c0, &c1), ("client", &c0, &c1, &a0, &a1)] {
            // What arrives is what the other party sent, give or take what was in flight.
            let (got, sent) = (s1.received_video - s0.received_video, o1.sent_video - o0.sent_video);
            assert!(got as f64 >= sent as f64 * 0.9, "{who} of {id}: {got} of {sent}");
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

/// Parties that send real media (a tone in Opus and a test pattern in VP8,
/// made once with ffmpeg): each receives the other's audio and video, the
/// VP8 keyframes intact through the gateway.
#[tokio::test]
async fn real_media_flows_both_ways() {
    let media = tokio::task::spawn_blocking(|| {
        let dir = std::env::temp_dir().join("vc-loadgen-media");
        let files = vc_loadgen::media::prepare("ffmpeg".as_ref(), &dir, &MediaSpec::default())?;
        LoadedMedia::load(&files)
    })
    .await
    .unwrap()
    .expect("media made with ffmpeg");
    let (_p, desk) = desk().await;
    let t = desk.new_call("two_way").await.unwrap();
    let real = |access| PartyConfig { media: Some(media.clone()), ..config(&desk, access, 0.0) };
    let mut a = Party::join(real(&t.agent)).await.unwrap();
    let mut c = Party::join(real(&t.client)).await.unwrap();
    connected(&mut a).await;
    connected(&mut c).await;
    // Longer than the file's keyframe interval (2 s), so a keyframe is sent
    // after both legs are up whatever the gateway asks for.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (a, c) = (a.leave().await, c.leave().await);
    for (who, s) in [("agent", &a), ("client", &c)] {
        println!(
            "{who}: sent {}a/{}v, received {}a/{}v with {} keyframe(s)",
            s.sent_audio, s.sent_video, s.received_audio, s.received_video, s.received_keyframes
        );
        assert!(s.received_audio > 100, "{who} got {} Opus packets", s.received_audio);
        // ~700 kbit/s in packets of up to 1200 bytes: about 80 a second.
        assert!(s.received_video > 150, "{who} got {} VP8 packets", s.received_video);
        assert!(s.received_keyframes >= 1, "{who} got no VP8 keyframe");
        assert_eq!(s.received_keyframe_size, Some((640, 480)), "{who}: the file's size");
        assert_eq!(s.video_payload_types.iter().copied().collect::<Vec<_>>(), vec![96], "{who}: VP8");
    }
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
    let (t, a, c) = collab_call(&desk).await;
    for i in 0..10 {
        a.send_collab(pointer_move(i));
    }

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
    // The relay's counts: what the agent sent on `collab`, what the client was delivered.
    let delivered = last.outbound.iter().find(|t| t.kind == "data").unwrap();
    assert_eq!((delivered.packets, delivered.packets_lost), (10, 0), "{delivered:?}");
    let (_, agent) = stats.iter().rev().find(|(r, _)| *r == "agent").unwrap();
    let sent = agent.inbound.iter().find(|t| t.kind == "data").unwrap();
    assert_eq!((sent.packets, sent.packets_lost), (10, 0), "{sent:?}");
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

/// The agent's pointer reaches the client (and the client's messages the
/// agent) through the gateway: in order, intact, text as text and binary as
/// binary, alongside the media. Oversized messages and floods are dropped.
#[tokio::test]
async fn collab_messages_are_relayed_both_ways_in_order() {
    let (p, desk) = desk().await;
    let (_, a, c) = collab_call(&desk).await;
    let video_before = (a.stats().received_video, c.stats().received_video);

    let mut to_client: Vec<DataMessage> = (0..40).map(pointer_move).collect();
    to_client.push(DataMessage::binary(vec![0u8, 1, 2, 0xFF, 0]));
    to_client.push(DataMessage::text("x".repeat(MAX_MESSAGE_BYTES)));
    to_client.push(DataMessage::text(""));
    let mut to_agent: Vec<DataMessage> = (0..40).map(|i| DataMessage::text(format!("c-{i}"))).collect();
    to_agent.push(DataMessage::binary(vec![7u8; 3000]));
    for i in 0..to_client.len().max(to_agent.len()) {
        if let Some(m) = to_client.get(i) {
            a.send_collab(m.clone());
        }
        if let Some(m) = to_agent.get(i) {
            c.send_collab(m.clone());
        }
        // ~50 a second each way, about the pages' rate.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let got_c = received_collab(&c, to_client.len() as u64, "the client").await;
    let got_a = received_collab(&a, to_agent.len() as u64, "the agent").await;
    assert_eq!(got_c.collab_messages, to_client, "agent → client: in order and intact");
    assert_eq!(got_a.collab_messages, to_agent, "client → agent: in order and intact");

    // One byte over the limit: dropped, and what follows still arrives.
    a.send_collab(DataMessage::text("y".repeat(MAX_MESSAGE_BYTES + 1)));
    a.send_collab(DataMessage::text("after the oversized one"));
    let got_c = received_collab(&c, to_client.len() as u64 + 1, "the client").await;
    let last = got_c.collab_messages.last().unwrap();
    assert_eq!(last.as_text(), Some("after the oversized one"));
    assert!(got_c.collab_messages.iter().all(|m| m.data.len() <= MAX_MESSAGE_BYTES));
    assert_eq!(data_metric(&p, "agent_to_client", "too_large").await, 1);
    assert_eq!(data_metric(&p, "agent_to_client", "relayed").await, to_client.len() as i64 + 1);
    assert_eq!(data_metric(&p, "client_to_agent", "relayed").await, to_agent.len() as i64);

    // A flood: the rate cap lets the burst through and drops the rest.
    let before = a.stats().collab_received;
    for i in 0..300 {
        c.send_collab(DataMessage::text(format!("flood-{i}")));
    }
    // Every flood message is relayed or counted as rate-limited.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let (flooded, limited) = loop {
        let flooded = a.stats().collab_received - before;
        let limited = data_metric(&p, "client_to_agent", "rate_limited").await as u64;
        if flooded + limited >= 300 || tokio::time::Instant::now() > deadline {
            break (flooded, limited);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(flooded + limited, 300, "{flooded} relayed, {limited} rate-limited");
    // The burst (50) plus what the rate (100/s) refills while the flood arrives.
    assert!(flooded >= 40 && limited >= 100, "{flooded} of a 300-message flood got through");

    let (a, c) = (a.leave().await, c.leave().await);
    assert!(a.received_video > video_before.0 + 60, "the agent's video kept flowing");
    assert!(c.received_video > video_before.1 + 60, "the client's video kept flowing");
}

/// After the client reloads (a new peer connection and a new channel), the
/// relay carries on with the new channel; what was sent while it was away is
/// dropped and counted.
#[tokio::test]
async fn collab_relay_resumes_after_a_rejoin() {
    let (p, desk) = desk().await;
    let (t, a, c) = collab_call(&desk).await;
    a.send_collab(DataMessage::text("before"));
    received_collab(&c, 1, "the client").await;
    c.leave().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..3 {
        a.send_collab(DataMessage::text("while away"));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while data_metric(&p, "agent_to_client", "no_receiver").await < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "messages to an absent client are counted as dropped"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let again = desk.media(t.interaction_id, &t.client_token).await.unwrap();
    let mut c = Party::join(collab_config(&desk, &again)).await.unwrap();
    connected(&mut c).await;
    collab_open(&mut c).await;
    a.send_collab(DataMessage::text("after"));
    c.send_collab(DataMessage::text("back"));
    let got_c = received_collab(&c, 1, "the rejoined client").await;
    let got_a = received_collab(&a, 1, "the agent").await;
    assert_eq!(got_c.collab_messages, vec![DataMessage::text("after")]);
    assert_eq!(got_a.collab_messages, vec![DataMessage::text("back")]);
    let video_before = c.stats().received_video;
    tokio::time::sleep(Duration::from_millis(500)).await;
    a.leave().await;
    let c = c.leave().await;
    assert!(c.received_video > video_before + 10, "media flows to the rejoined client");
}

/// The gateway's first DTLS flight to the client is lost: the client
/// repeats its own flight, and the gateway must still retransmit its flight
/// (rtc-dtls 0.21.1 stopped its timer on the repeat and the handshake died;
/// vendor/README.md).
#[tokio::test]
async fn a_lost_handshake_flight_is_retransmitted() {
    let (_p, desk) = desk().await;
    let t = desk.new_call("two_way").await.unwrap();
    let mut a = Party::join(config(&desk, &t.agent, 0.0)).await.unwrap();
    let lossy = PartyConfig { drop_server_hellos: 1, ..config(&desk, &t.client, 0.0) };
    let mut c = Party::join(lossy).await.unwrap();
    connected(&mut a).await;
    connected(&mut c).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (a, c) = (a.leave().await, c.leave().await);
    assert_eq!(c.dropped_incoming, 1, "the gateway's first ServerHello flight was dropped");
    assert!(a.received_video > 0 && c.received_video > 0, "media flows both ways after the recovery");
}

/// With the call's pointer function off (admins' features), the gateway
/// relays nothing on the `collab` channel, whatever a page sends; a call
/// created with it on relays as usual.
#[tokio::test]
async fn the_pointer_is_not_relayed_when_it_is_switched_off() {
    let (p, desk) = desk().await;
    let admin = p.admin_token().await;
    let mut features = p.api().get("/api/settings/features", Some(&admin)).await.unwrap().body;
    features["pointer"] = serde_json::json!(false);
    assert_eq!(p.api().put("/api/settings/features", Some(&admin), &features).await.unwrap().status, 200);
    let (_, a, c) = collab_call(&desk).await;
    for i in 0..10 {
        a.send_collab(pointer_move(i));
        c.send_collab(pointer_move(i));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while data_metric(&p, "agent_to_client", "switched_off").await < 10
        || data_metric(&p, "client_to_agent", "switched_off").await < 10
    {
        assert!(tokio::time::Instant::now() < deadline, "the messages were never counted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!((a.stats().collab_received, c.stats().collab_received), (0, 0));
    a.leave().await;
    c.leave().await;

    features["pointer"] = serde_json::json!(true);
    assert_eq!(p.api().put("/api/settings/features", Some(&admin), &features).await.unwrap().status, 200);
    let (_, a, c) = collab_call(&desk).await;
    a.send_collab(pointer_move(1));
    received_collab(&c, 1, "the client").await;
    a.leave().await;
    c.leave().await;
}

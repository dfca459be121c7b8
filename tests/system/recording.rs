//! Call recordings end to end with WebRTC parties that are not browsers
//! but send real media (Opus tones made with ffmpeg, VP8 video): the gateway
//! writes raw tracks, vc-records merges them after the call and stores the
//! file in vc-fileserver. Checked by decoding the stored file with ffmpeg:
//! a party that joins late starts with silence in its channel, and a
//! gateway killed with SIGKILL mid-call leaves a recording that is merged
//! after the restart.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[path = "common/calls.rs"]
mod calls;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use vc_loadgen::Desk;
use vc_protocol::InteractionId;
use vc_testkit::Platform;

const RATE: usize = 48_000;

async fn platform() -> (Platform, Desk) {
    platform_in(&vc_testkit::unique_db()).await
}

/// The platform on the database `db` (for a test that looks into it).
async fn platform_in(db: &str) -> (Platform, Desk) {
    let p = Platform::start(&[("VC_MEDIA__GRACE_SECS", "5"), ("VC_MONGO__DATABASE", db)]).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let desk = Desk::sign_in(&p.api().base, "agent1", "agent-pass-1").await.unwrap();
    (p, desk)
}

/// Waits for the interaction's `recording`; returns the interaction.
async fn recording_ready(desk: &Desk, id: InteractionId) -> Value {
    calls::until_set(desk, id, "recording", Duration::from_secs(120)).await
}

/// Downloads the recording as the agent.
async fn download(p: &Platform, desk: &Desk, file_id: &str, to: &Path) {
    let token = p.api().tokens("agent1", "agent-pass-1").await.0;
    let _ = desk;
    let res = reqwest::Client::new()
        .get(format!("{}/api/files/{file_id}", p.api().base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    std::fs::write(to, res.bytes().await.unwrap()).unwrap();
}

/// `(audio channels, video streams, duration)` by ffprobe.
fn probe(file: &Path) -> (u64, usize, f64) {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-print_format", "json", "-show_streams", "-show_format"])
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "ffprobe: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let streams = v["streams"].as_array().unwrap();
    let audio: Vec<&Value> = streams.iter().filter(|s| s["codec_type"] == "audio").collect();
    assert_eq!(audio.len(), 1, "one audio stream");
    let video = streams.iter().filter(|s| s["codec_type"] == "video").count();
    let duration: f64 = v["format"]["duration"].as_str().unwrap().parse().unwrap();
    (audio[0]["channels"].as_u64().unwrap(), video, duration)
}

/// One channel decoded to 48 kHz samples.
fn channel(file: &Path, ch: usize) -> Vec<f32> {
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-i"])
        .arg(file)
        .args(["-af", &format!("pan=mono|c0=c{ch}"), "-ar", "48000", "-f", "f32le", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "ffmpeg: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

/// Power of `hz` in `[from, to)` seconds (Goertzel), dB.
fn tone_db(samples: &[f32], hz: f64, from: f64, to: f64) -> f64 {
    let (a, b) = ((from * RATE as f64) as usize, ((to * RATE as f64) as usize).min(samples.len()));
    let k = 2.0 * (2.0 * std::f64::consts::PI * hz / RATE as f64).cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in &samples[a..b] {
        let s0 = x as f64 + k * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let n = (b - a).max(1) as f64;
    10.0 * ((s1 * s1 + s2 * s2 - k * s1 * s2) / (n * n) + 1e-20).log10()
}

/// The first time (s) the channel's 20 ms RMS exceeds -40 dBFS.
fn onset(samples: &[f32]) -> Option<f64> {
    samples
        .chunks(RATE / 50)
        .position(|w| {
            let rms = (w.iter().map(|x| (*x as f64).powi(2)).sum::<f64>() / w.len() as f64).sqrt();
            20.0 * (rms + 1e-12).log10() > -40.0
        })
        .map(|i| i as f64 / 50.0)
}

#[tokio::test]
async fn an_agent_who_joins_late_starts_with_silence_on_the_right() {
    let db_name = vc_testkit::unique_db();
    let (p, desk) = platform_in(&db_name).await;
    let (client_tone, agent_tone) = (calls::media(440.0).await, calls::media(1000.0).await);
    let t = desk.new_call("two_way").await.unwrap();
    let client = calls::join(&desk, &t.client, &client_tone).await;
    let client_in = Instant::now();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let agent = calls::join(&desk, &t.agent, &agent_tone).await;
    let agent_late = client_in.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(4)).await;
    desk.end(t.interaction_id).await.unwrap();
    let call = client_in.elapsed().as_secs_f64();
    let (_a, _c) = (agent.leave().await, client.leave().await);

    let i = recording_ready(&desk, t.interaction_id).await;
    let rec = &i["recording"];
    assert_eq!(rec["format"], "webm");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rec.webm");
    download(&p, &desk, rec["file_id"].as_str().unwrap(), &file).await;
    let (channels, videos, duration) = probe(&file);
    assert_eq!(channels, 2);
    assert_eq!(videos, 1, "the client's video");
    assert!((duration - call).abs() <= 1.0, "recording {duration:.2}s, call {call:.2}s");

    let (left, right) = (channel(&file, 0), channel(&file, 1));
    // The agent's channel is silent until the agent joined, ~5 s in.
    let start = onset(&right).expect("the agent is heard");
    println!("agent joined {agent_late:.2}s after the client; heard from {start:.2}s");
    assert!(start >= 5.0 - 0.1, "the agent's channel starts at {start:.2}s, before the agent joined");
    assert!(
        start <= agent_late + 0.5,
        "the agent's channel starts at {start:.2}s; joined at {agent_late:.2}s"
    );
    // The client is heard from the start, on the left only.
    let client_start = onset(&left).expect("the client is heard");
    assert!(client_start < 0.5, "the client's channel starts at {client_start:.2}s");
    let end = duration - 0.5;
    assert!(tone_db(&left, 440.0, 0.5, end) - tone_db(&right, 440.0, 0.5, end) >= 30.0);
    assert!(tone_db(&right, 1000.0, start + 0.5, end) - tone_db(&left, 1000.0, start + 0.5, end) >= 30.0);
    // The raw tracks are gone once the recording is stored.
    let raw = p.data_dir.path().join("recordings/raw").join(t.interaction_id.to_string());
    assert!(!raw.exists(), "raw files left in {}", raw.display());

    // Who may have it: admins (and supervisors) yes; another agent and the
    // client no, and the client's file list does not show it.
    let api = p.api();
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent2", "agent-pass-2", "agent").await;
    p.create_user(&admin, "super1", "super-pass-1", "supervisor").await;
    let other = api.tokens("agent2", "agent-pass-2").await.0;
    let supervisor = api.tokens("super1", "super-pass-1").await.0;
    let path = format!("/api/files/{}", rec["file_id"].as_str().unwrap());
    assert_eq!(api.get(&path, Some(&admin)).await.unwrap().status, 200);
    assert_eq!(api.get(&path, Some(&supervisor)).await.unwrap().status, 200);
    assert_eq!(api.get(&path, Some(&other)).await.unwrap().status, 403);
    assert_eq!(api.get(&path, Some(&t.client_token)).await.unwrap().status, 403);
    let listed = api
        .get(&format!("/api/interactions/{}/files", t.interaction_id), Some(&t.client_token))
        .await
        .unwrap();
    assert_eq!(listed.status, 200);
    assert!(listed.body.as_array().unwrap().iter().all(|f| f["kind"] != "recording"), "{:?}", listed.body);
    let staff =
        api.get(&format!("/api/interactions/{}/files", t.interaction_id), Some(&admin)).await.unwrap();
    assert!(staff.body.as_array().unwrap().iter().any(|f| f["kind"] == "recording"));
    // Nobody uploads a recording with a staff or client token.
    let r = reqwest::Client::new()
        .post(format!("{}/api/interactions/{}/recording", api.base, t.interaction_id))
        .bearer_auth(&admin)
        .body(std::fs::read(&file).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "a staff token stores no recording");

    // Past the recordings' retention the file goes; the interaction keeps
    // what it was, marked deleted, and its log says so.
    let deleted =
        calls::expire_files(&api.base, &db_name, t.interaction_id, &admin, &["recordings_days"]).await;
    assert_eq!(deleted, 1);
    let after = desk.get(t.interaction_id).await.unwrap();
    let kept = &after["recording"];
    assert!(kept["deleted_at"].is_string(), "marked deleted: {kept}");
    assert_eq!(
        (&kept["file_id"], &kept["duration_s"]),
        (&rec["file_id"], &rec["duration_s"]),
        "the record stays"
    );
    let logged: Vec<&Value> =
        after["events"].as_array().unwrap().iter().filter(|e| e["event"]["type"] == "file_deleted").collect();
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert_eq!(logged[0]["event"]["class"], "recordings");
    let gone = api.get(&path, Some(&admin)).await.unwrap();
    assert_eq!((gone.status, gone.code()), (410, "file_deleted"));
}

#[tokio::test]
async fn a_gateway_killed_mid_call_leaves_a_recording_that_is_merged_after_the_restart() {
    let (mut p, desk) = platform().await;
    let (client_tone, agent_tone) = (calls::media(440.0).await, calls::media(1000.0).await);
    let t = desk.new_call("two_way").await.unwrap();
    let client = calls::join(&desk, &t.client, &client_tone).await;
    let agent = calls::join(&desk, &t.agent, &agent_tone).await;
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let raw = p.data_dir.path().join("recordings/raw").join(t.interaction_id.to_string());
    assert!(raw.is_dir(), "the gateway records into {}", raw.display());

    // SIGKILL: nothing is flushed or closed by the process itself.
    p.svc.signal(libc::SIGKILL);
    assert!(p.svc.wait_exit(Duration::from_secs(10)).is_some(), "the platform did not die");
    let recorded = started.elapsed().as_secs_f64();
    let (_a, _c) = (agent.leave().await, client.leave().await);
    p.svc.restart();
    p.svc.wait_healthy(Duration::from_secs(30)).await;

    // The call is over (the parties are gone): the agent ends it, and the
    // partial recording is merged and stored.
    let desk = Desk::sign_in(&p.api().base, "agent1", "agent-pass-1").await.unwrap();
    desk.end(t.interaction_id).await.unwrap();
    let i = recording_ready(&desk, t.interaction_id).await;
    let rec = &i["recording"];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rec.webm");
    download(&p, &desk, rec["file_id"].as_str().unwrap(), &file).await;
    let (channels, videos, duration) = probe(&file);
    assert_eq!((channels, videos), (2, 1));
    println!(
        "{recorded:.2}s recorded before the kill; the file has {duration:.2}s; partial: {}",
        rec["partial"]
    );
    assert!(duration >= recorded - 1.0 && duration <= recorded + 0.5, "{duration:.2}s of {recorded:.2}s");
    let (left, right) = (channel(&file, 0), channel(&file, 1));
    let end = duration - 0.3;
    assert!(tone_db(&left, 440.0, 0.5, end) - tone_db(&left, 1000.0, 0.5, end) >= 30.0, "client left");
    assert!(tone_db(&right, 1000.0, 0.5, end) - tone_db(&right, 440.0, 0.5, end) >= 30.0, "agent right");
    assert!(!raw.exists(), "raw files left in {}", raw.display());
}

#[tokio::test]
async fn a_call_created_without_recording_leaves_nothing_on_disk() {
    let (p, desk) = platform().await;
    let tone = calls::media(440.0).await;
    let agent_token = p.api().tokens("agent1", "agent-pass-1").await.0;
    let body = serde_json::json!({"video_mode": "two_way", "record": false});
    let (id, client_token) = p.joined_call(&agent_token, &body).await;
    let id: InteractionId = id.parse().unwrap();
    let i = desk.get(id).await.unwrap();
    assert_eq!(i["record"], false);
    let agent = calls::join(&desk, &desk.media(id, &agent_token).await.unwrap(), &tone).await;
    let client = calls::join(&desk, &desk.media(id, &client_token).await.unwrap(), &tone).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let raw = p.data_dir.path().join("recordings/raw").join(id.to_string());
    assert!(!raw.exists(), "an unrecorded call wrote {}", raw.display());
    desk.end(id).await.unwrap();
    let (_a, _c) = (agent.leave().await, client.leave().await);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let i = desk.get(id).await.unwrap();
    assert!(i["recording"].is_null());
    assert!(!i["events"].as_array().unwrap().iter().any(|e| e["event"]["type"] == "recording_failed"));
}

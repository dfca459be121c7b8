//! Per-call metrics (vc-stat) of a real call between two WebRTC parties
//! that are not browsers but send real media (Opus made with ffmpeg, VP8):
//! when the call ends vc-stat computes timing, per-direction bitrate and
//! loss, RTT and a quality verdict from the gateway's 5-second stats and
//! vc-server's log, and vc-server keeps the summary on the interaction.
//! Who may read them, and the list's `quality` filter.
//! (The browser call's metrics, with the client's device, are checked in
//! tests/e2e/reports.test.mjs.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[path = "common/calls.rs"]
mod calls;

use std::time::{Duration, Instant};

use serde_json::Value;
use vc_loadgen::{Desk, PartyConfig};
use vc_protocol::InteractionId;
use vc_testkit::Platform;

/// Waits for the interaction's `metrics`; returns the interaction.
async fn metrics_ready(desk: &Desk, id: InteractionId) -> Value {
    calls::until_set(desk, id, "metrics", Duration::from_secs(60)).await
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[tokio::test]
async fn a_calls_metrics_are_computed_when_it_ends() {
    let p = Platform::start(&[]).await;
    let api = p.api();
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    p.create_user(&admin, "agent2", "agent-pass-2", "agent").await;
    let desk = Desk::sign_in(&api.base, "agent1", "agent-pass-1").await.unwrap();
    let agent1 = api.tokens("agent1", "agent-pass-1").await.0;
    let agent2 = api.tokens("agent2", "agent-pass-2").await.0;
    let (client_media, agent_media) = (calls::media(440.0).await, calls::media(1000.0).await);

    let t = desk.new_call("two_way").await.unwrap();
    let metrics_path = format!("/api/interactions/{}/metrics", t.interaction_id);
    let client = calls::join(&desk, &t.client, &client_media).await;
    let agent = calls::join(&desk, &t.agent, &agent_media).await;
    let talk = Instant::now();

    // While the call goes on there is nothing to report yet.
    let early = api.get(&metrics_path, Some(&agent1)).await.unwrap();
    assert_eq!((early.status, early.code()), (409, "metrics_not_ready"), "{:?}", early.body);

    // Long enough for the gateway's 5-second stats to come at least twice.
    tokio::time::sleep(Duration::from_secs(13)).await;
    desk.end(t.interaction_id).await.unwrap();
    let talked = talk.elapsed().as_secs_f64();
    let (_a, _c) = (agent.leave().await, client.leave().await);

    let i = metrics_ready(&desk, t.interaction_id).await;
    let m = &i["metrics"];
    println!("metrics: {m:#}");
    assert!(num(&m["samples"]) >= 2.0, "samples: {}", m["samples"]);
    let timing = &m["timing"];
    assert!(timing["link_sent_at"].is_null(), "the link was only copied");
    let (joined, connected, talk_s) =
        (num(&timing["to_joined_s"]), num(&timing["to_connected_s"]), num(&timing["talk_s"]));
    assert!(joined >= 0.0 && connected >= joined, "joined {joined} s, connected {connected} s");
    assert!(num(&timing["waiting_s"]) >= 0.0);
    assert!((talk_s - talked).abs() < 3.0, "talk time {talk_s} s, the call lasted {talked:.1} s");
    assert_eq!(m["ended_by"], "agent");
    assert_eq!(m["reconnects"], serde_json::json!({"agent": 0, "client": 0}));
    for dir in ["client_to_agent", "agent_to_client"] {
        let video = &m[dir]["video"];
        assert!(num(&video["bitrate_kbps"]["avg"]) > 50.0, "{dir} video: {video}");
        assert!(num(&video["bitrate_kbps"]["max"]) >= num(&video["bitrate_kbps"]["min"]));
        assert!(num(&video["loss_pct"]["avg"]) < 5.0, "a loopback call loses little: {video}");
        let audio = &m[dir]["audio"];
        assert!(num(&audio["bitrate_kbps"]["avg"]) > 5.0, "{dir} audio: {audio}");
    }
    assert_ne!(m["quality"]["rating"], "unknown", "media was measured: {}", m["quality"]);
    // Round trips and jitter from the parties' reception reports, in ms: on
    // loopback they are small but there.
    for party in ["agent_rtt_ms", "client_rtt_ms"] {
        let rtt = num(&m[party]["avg"]);
        assert!(rtt > 0.0 && rtt < 200.0, "{party}: {}", m[party]);
    }
    let jitter = num(&m["client_to_agent"]["audio"]["jitter_ms"]["avg"]);
    assert!(jitter > 0.0 && jitter < 50.0, "audio jitter {jitter} ms");
    assert_eq!(m["chat_messages"], 0);

    // The series, for the charts: both directions, in time order, within the call.
    let full = api.get(&metrics_path, Some(&agent1)).await.unwrap();
    assert_eq!(full.status, 200, "{:?}", full.body);
    assert_eq!(full.body["summary"], *m, "vc-server keeps what vc-stat computed");
    assert_eq!(full.body["status"], "ended");
    let series = full.body["series"].as_array().unwrap();
    for dir in ["client_to_agent", "agent_to_client"] {
        let points: Vec<&Value> = series.iter().filter(|p| p["direction"] == dir).collect();
        assert!(points.len() >= 2, "{dir}: {} points", points.len());
        assert!(points.iter().any(|p| p["video_kbps"].as_f64().unwrap_or(0.0) > 0.0), "{dir}: {points:?}");
        let ts: Vec<f64> = points.iter().map(|p| num(&p["t"])).collect();
        assert!(ts.windows(2).all(|w| w[0] <= w[1]), "{dir}: times {ts:?}");
        assert!(ts.iter().all(|t| *t > -5.0 && *t < talked + 5.0), "{dir}: times {ts:?}");
    }

    // Who may read them: the call's agent and admins; not another agent,
    // not the client, not without a token.
    assert_eq!(api.get(&metrics_path, Some(&admin)).await.unwrap().status, 200);
    assert_eq!(api.get(&metrics_path, Some(&agent2)).await.unwrap().status, 403);
    let by_client = api.get(&metrics_path, Some(&t.client_token)).await.unwrap().status;
    assert!(by_client == 401 || by_client == 403, "the client got {by_client}");
    assert_eq!(api.get(&metrics_path, None).await.unwrap().status, 401);
    let missing = api.get(&format!("/api/interactions/{}/metrics", InteractionId::new()), Some(&admin)).await;
    assert_eq!(missing.unwrap().status, 404);

    // The list finds the call by its quality, and not by another.
    let rating = m["quality"]["rating"].as_str().unwrap();
    let other = if rating == "poor" { "good" } else { "poor" };
    let ids = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
    };
    let id = t.interaction_id.to_string();
    let found = api.get(&format!("/api/interactions?quality={rating}"), Some(&admin)).await.unwrap();
    assert!(ids(&found.body).contains(&id), "quality={rating}: {:?}", found.body);
    assert!(found.body["items"][0]["metrics"].is_object(), "the list carries the summary");
    let not = api.get(&format!("/api/interactions?quality={other}"), Some(&admin)).await.unwrap();
    assert!(!ids(&not.body).contains(&id));
    let unknown = api.get("/api/interactions?quality=unknown", Some(&admin)).await.unwrap();
    assert!(!ids(&unknown.body).contains(&id), "a measured call is not 'unknown'");
    let bad = api.get("/api/interactions?quality=awful", Some(&admin)).await.unwrap();
    assert_eq!(bad.status, 400);

    // A call over a bad network: the agent's side loses a quarter of what
    // the gateway sends it. The verdict says so, and why, and the series
    // shows when.
    let t = desk.new_call("two_way").await.unwrap();
    let client = calls::join(&desk, &t.client, &client_media).await;
    let lossy = PartyConfig {
        media: Some(agent_media.clone()),
        drop_incoming: 0.25,
        ..PartyConfig::gateway(desk.ws_url(&t.agent), t.agent.room_token.clone())
    };
    let agent = calls::join_with(lossy).await;
    tokio::time::sleep(Duration::from_secs(13)).await;
    desk.end(t.interaction_id).await.unwrap();
    let (_a, _c) = (agent.leave().await, client.leave().await);
    let bad = metrics_ready(&desk, t.interaction_id).await["metrics"].clone();
    println!("lossy call: {bad:#}");
    let audio_loss = num(&bad["client_to_agent"]["audio"]["loss_pct"]["avg"]);
    assert!(audio_loss > 10.0, "the agent lost ~25 % of the client's audio; measured {audio_loss} %");
    assert!(
        num(&bad["agent_to_client"]["audio"]["loss_pct"]["avg"]) < 5.0,
        "the other direction is clean: {}",
        bad["agent_to_client"]
    );
    let rating = bad["quality"]["rating"].as_str().unwrap();
    assert!(rating == "fair" || rating == "poor", "rated {rating}");
    assert!(
        bad["quality"]["issues"].as_array().unwrap().contains(&Value::from("audio_loss")),
        "{}",
        bad["quality"]
    );
    let series =
        api.get(&format!("/api/interactions/{}/metrics", t.interaction_id), Some(&agent1)).await.unwrap();
    assert!(
        series.body["series"].as_array().unwrap().iter().any(
            |p| p["direction"] == "client_to_agent" && p["audio_loss_pct"].as_f64().unwrap_or(0.0) > 10.0
        ),
        "the series shows the loss: {:?}",
        series.body["series"]
    );
    let poor_or_fair = api.get(&format!("/api/interactions?quality={rating}"), Some(&admin)).await.unwrap();
    assert!(ids(&poor_or_fair.body).contains(&t.interaction_id.to_string()));

    // Prometheus counts the computed calls by rating.
    let (_, _, body) = api.get_bytes("/metrics").await.unwrap();
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with("vc_stat_calls_computed_total")
            && l.contains(rating)
            && !l.ends_with(" 0")),
        "vc_stat_calls_computed_total{{rating=\"{rating}\"}} > 0"
    );
}

const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36";

#[tokio::test]
async fn a_call_that_never_connected_has_timing_but_no_media() {
    let p = Platform::start(&[]).await;
    let api = p.api();
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let agent1 = api.tokens("agent1", "agent-pass-1").await.0;
    // The client opens the link on an Android phone and joins, but no media ever flows.
    let created = api
        .post("/api/interactions", Some(&agent1), &serde_json::json!({"video_mode": "two_way"}))
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let link = created.body["client_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let joined = reqwest::Client::new()
        .post(format!("{}/api/join/{link}", api.base))
        .header("user-agent", ANDROID_CHROME)
        .json(&serde_json::json!({"consent": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status(), 200);
    let ended = api.post(&format!("/api/interactions/{id}/end"), Some(&agent1), &serde_json::json!({})).await;
    assert_eq!(ended.unwrap().status, 200);
    let deadline = Instant::now() + Duration::from_secs(60);
    let m = loop {
        let i = api.get(&format!("/api/interactions/{id}"), Some(&agent1)).await.unwrap().body;
        if !i["metrics"].is_null() {
            break i["metrics"].clone();
        }
        assert!(Instant::now() < deadline, "no metrics: {i:#}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(num(&m["timing"]["to_joined_s"]) >= 0.0, "{m:#}");
    assert!(m["timing"]["to_connected_s"].is_null() && m["timing"]["talk_s"].is_null(), "{m:#}");
    assert_eq!(m["samples"], 0);
    let device = &m["device"];
    assert_eq!(device["user_agent"], ANDROID_CHROME);
    assert_eq!(device["os"], "Android", "{device}");
    assert_eq!(device["mobile"], true, "{device}");
    assert_eq!(device["browser"], "Chrome", "{device}");
    assert!(device["browser_version"].as_str().unwrap().starts_with("120."), "{device}");
    assert_eq!(m["quality"]["rating"], "unknown");
    let listed = api.get("/api/interactions?quality=unknown", Some(&admin)).await.unwrap();
    assert!(
        listed.body["items"].as_array().unwrap().iter().any(|i| i["id"] == id.as_str()),
        "{:?}",
        listed.body
    );
}

/// The end of a call is durable once vc-stat has stored its job: the
/// platform dies while the job waits out its settle time, and after the
/// restart the job runs (first sweep) over the samples stored before the
/// kill. Without the stored job the end would be found only by the orphan
/// sweep, ten minutes later.
#[tokio::test]
async fn a_calls_metrics_are_computed_after_a_restart_while_the_job_waited() {
    let db_name = vc_testkit::unique_db();
    let mut p = Platform::start(&[
        ("VC_MONGO__DATABASE", db_name.as_str()),
        ("VC_STAT__SETTLE_SECS", "20"),
        ("VC_STAT__SWEEP_INTERVAL_SECS", "2"),
    ])
    .await;
    let db = mongodb::Client::with_uri_str(vc_testkit::shared_mongo_uri()).await.unwrap().database(&db_name);
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let desk = Desk::sign_in(&p.api().base, "agent1", "agent-pass-1").await.unwrap();
    let (client_media, agent_media) = (calls::media(440.0).await, calls::media(1000.0).await);

    let t = desk.new_call("two_way").await.unwrap();
    let id = t.interaction_id.to_string();
    let client = calls::join(&desk, &t.client, &client_media).await;
    let agent = calls::join(&desk, &t.agent, &agent_media).await;
    tokio::time::sleep(Duration::from_secs(12)).await;
    desk.end(t.interaction_id).await.unwrap();
    let (_a, _c) = (agent.leave().await, client.leave().await);

    // The job is stored; the samples are there; nothing is computed yet.
    let jobs = db.collection::<mongodb::bson::Document>("stat_jobs");
    let samples = db.collection::<mongodb::bson::Document>("call_samples");
    let deadline = Instant::now() + Duration::from_secs(10);
    while jobs.count_documents(mongodb::bson::doc! {"_id": &id}).await.unwrap() == 0 {
        assert!(Instant::now() < deadline, "no job stored for the ended call");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stored = samples.count_documents(mongodb::bson::doc! {"room_id": &id}).await.unwrap();
    assert!(stored >= 2, "{stored} samples stored before the kill");
    assert!(desk.get(t.interaction_id).await.unwrap()["metrics"].is_null(), "computed before the kill");

    p.svc.restart();
    p.svc.wait_healthy(Duration::from_secs(30)).await;
    // A new sign-in: the old desk's pooled connections died with the process.
    let desk = Desk::sign_in(&p.api().base, "agent1", "agent-pass-1").await.unwrap();
    let i = metrics_ready(&desk, t.interaction_id).await;
    let m = &i["metrics"];
    assert!(num(&m["samples"]) as u64 >= stored, "every sample stored before the kill was used: {m:#}");
    for dir in ["client_to_agent", "agent_to_client"] {
        assert!(num(&m[dir]["video"]["bitrate_kbps"]["avg"]) > 50.0, "{dir}: {}", m[dir]);
    }
    assert_eq!(m["ended_by"], "agent");
    assert_eq!(jobs.count_documents(mongodb::bson::doc! {"_id": &id}).await.unwrap(), 0, "the job is done");
    assert_eq!(
        samples.count_documents(mongodb::bson::doc! {"room_id": &id}).await.unwrap(),
        0,
        "samples dropped"
    );
}

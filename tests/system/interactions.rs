//! Interactions through the REST API and the control channel: who sees
//! what, the lifecycle, the client link, and a control channel that resumes
//! without gaps or duplicates.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::Duration;

use serde_json::{Value, json};
use vc_testkit::{JsonSocket, Platform};

struct Desk {
    p: Platform,
    admin: String,
    agent: String,
    agent_id: String,
    other_agent: String,
    supervisor: String,
}

async fn desk() -> Desk {
    let p = Platform::start(&[]).await;
    let admin = p.admin_token().await;
    let agent_id = p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let agent2_id = p.create_user(&admin, "agent2", "agent-pass-2", "agent").await;
    let super_id = p.create_user(&admin, "super1", "super-pass-1", "supervisor").await;
    // The supervisor oversees both agents' team.
    p.api().team(&admin, "Desk", &[&agent_id, &agent2_id], &[&super_id]).await;
    let agent = p.api().tokens("agent1", "agent-pass-1").await.0;
    let other_agent = p.api().tokens("agent2", "agent-pass-2").await.0;
    let supervisor = p.api().tokens("super1", "super-pass-1").await.0;
    Desk { p, admin, agent, agent_id, other_agent, supervisor }
}

impl Desk {
    async fn create(&self, token: &str, body: Value) -> Value {
        let r = self.p.api().post("/api/interactions", Some(token), &body).await.unwrap();
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body
    }

    /// The token of a client link.
    fn link_token(created: &Value) -> String {
        created["client_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
    }

    async fn client_token(&self, link: &str) -> String {
        let r =
            self.p.api().post(&format!("/api/join/{link}"), None, &json!({"consent": true})).await.unwrap();
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body["client_token"].as_str().unwrap().to_owned()
    }
}

fn event_types(v: &Value) -> Vec<String> {
    v["events"].as_array().unwrap().iter().map(|e| e["event"]["type"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn create_then_follow_the_lifecycle() {
    let d = desk().await;
    let api = d.p.api();
    let created = d
        .create(
            &d.agent,
            json!({"client_name": "  Bob  ", "client_phone": "+7 900 000-00-00", "video_mode": "one_way"}),
        )
        .await;
    assert_eq!(created["status"], "created");
    assert_eq!(created["client_name"], "Bob");
    assert_eq!(created["video_mode"], "one_way");
    assert_eq!(created["max_quality"], "720p", "default quality");
    assert_eq!(created["agent_id"], d.agent_id.as_str());
    let url = created["client_url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/c/", api.base)), "{url}");
    let link = Desk::link_token(&created);
    assert!(link.len() >= 22, "at least 128 bits");
    let id = created["id"].as_str().unwrap().to_owned();

    // The link is shown once: later reads do not carry it.
    let got = api.get(&format!("/api/interactions/{id}"), Some(&d.agent)).await.unwrap();
    assert!(got.body.get("client_url").is_none());

    // Opening the link: waiting.
    let info = api.get(&format!("/api/join/{link}"), None).await.unwrap();
    assert_eq!(info.status, 200);
    assert_eq!(info.body["interaction_id"], id.as_str());
    assert_eq!(info.body["features"]["video_mode"], "one_way");
    assert!(info.body["consent_text"]["ru"].as_str().unwrap().contains("видеозвонок"));
    let got = api.get(&format!("/api/interactions/{id}"), Some(&d.agent)).await.unwrap();
    assert_eq!(got.body["status"], "waiting");

    // Consent is required for a client token.
    let r = api.post(&format!("/api/join/{link}"), None, &json!({"consent": false})).await.unwrap();
    assert_eq!((r.status, r.code()), (422, "consent_required"));
    let client = d.client_token(&link).await;

    // Mid-call settings.
    let r = api
        .patch(
            &format!("/api/interactions/{id}"),
            Some(&d.agent),
            &json!({"video_mode": "two_way", "max_quality": "1080p"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        (r.body["video_mode"].as_str(), r.body["max_quality"].as_str()),
        (Some("two_way"), Some("1080p"))
    );

    // The client ends it.
    let r = api.post(&format!("/api/interactions/{id}/end"), Some(&client), &json!({})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "ended");
    assert_eq!(r.body["end_reason"], "ended by the client");
    assert!(r.body["ended_at"].is_string());
    let types = event_types(&r.body);
    assert_eq!(
        types,
        ["created", "status", "link_opened", "status", "consent_given", "settings", "status", "ended"],
        "every transition is logged in order"
    );
    let seqs: Vec<u64> =
        r.body["events"].as_array().unwrap().iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "seq is gap-free");

    // Over: nothing more happens in it.
    let r = api.post(&format!("/api/interactions/{id}/end"), Some(&d.agent), &json!({})).await.unwrap();
    assert_eq!((r.status, r.code()), (409, "interaction_ended"));
    let r = api
        .patch(&format!("/api/interactions/{id}"), Some(&d.agent), &json!({"max_quality": "480p"}))
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (409, "interaction_ended"));
    let r = api.post(&format!("/api/interactions/{id}/media"), Some(&d.agent), &json!({})).await.unwrap();
    assert_eq!((r.status, r.code()), (409, "interaction_ended"));
    let r = api.get(&format!("/api/join/{link}"), None).await.unwrap();
    assert_eq!((r.status, r.code()), (410, "link_expired"));
}

#[tokio::test]
async fn agents_see_their_own_clients_see_only_theirs() {
    let d = desk().await;
    let api = d.p.api();
    let mine = d.create(&d.agent, json!({"video_mode": "two_way"})).await;
    let theirs = d.create(&d.other_agent, json!({"video_mode": "two_way"})).await;
    let (mine_id, theirs_id) = (mine["id"].as_str().unwrap(), theirs["id"].as_str().unwrap());

    let r = api.get(&format!("/api/interactions/{theirs_id}"), Some(&d.agent)).await.unwrap();
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let r =
        api.post(&format!("/api/interactions/{theirs_id}/end"), Some(&d.agent), &json!({})).await.unwrap();
    assert_eq!(r.status, 403);
    let r =
        api.post(&format!("/api/interactions/{theirs_id}/media"), Some(&d.agent), &json!({})).await.unwrap();
    assert_eq!(r.status, 403);
    let list = api.get("/api/interactions", Some(&d.agent)).await.unwrap();
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["id"], mine_id);
    // An agent cannot widen its list by asking for another agent.
    let other_id = theirs["agent_id"].as_str().unwrap();
    let list = api.get(&format!("/api/interactions?agent_id={other_id}"), Some(&d.agent)).await.unwrap();
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["id"], mine_id);

    // Supervisors and admins see all, and can filter.
    for token in [&d.supervisor, &d.admin] {
        assert_eq!(api.get("/api/interactions", Some(token)).await.unwrap().body["total"], 2);
        assert_eq!(
            api.get(&format!("/api/interactions/{theirs_id}"), Some(token)).await.unwrap().status,
            200
        );
    }
    let list = api.get(&format!("/api/interactions?agent_id={other_id}"), Some(&d.supervisor)).await.unwrap();
    assert_eq!(list.body["items"][0]["id"], theirs_id);
    let list = api.get("/api/interactions?status=waiting", Some(&d.supervisor)).await.unwrap();
    assert_eq!(list.body["total"], 0);

    // A client token reaches its own interaction only.
    let client = d.client_token(&Desk::link_token(&mine)).await;
    let r =
        api.post(&format!("/api/interactions/{theirs_id}/media"), Some(&client), &json!({})).await.unwrap();
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let r = api.post(&format!("/api/interactions/{theirs_id}/end"), Some(&client), &json!({})).await.unwrap();
    assert_eq!(r.status, 403);
    let r = api.get(&format!("/api/interactions/{mine_id}"), Some(&client)).await.unwrap();
    assert_eq!(r.status, 401, "staff endpoints take no client token");
    let r = api.get("/api/interactions", Some(&client)).await.unwrap();
    assert_eq!(r.status, 401);
    // Its own call's media admission works.
    let r = api.post(&format!("/api/interactions/{mine_id}/media"), Some(&client), &json!({})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["role"], "client");
    assert_eq!(r.body["signaling_url"], "/media/ws");
}

#[tokio::test]
async fn links_can_be_renewed_and_bad_links_are_told_apart() {
    let d = desk().await;
    let api = d.p.api();
    let created = d.create(&d.agent, json!({"video_mode": "two_way"})).await;
    let id = created["id"].as_str().unwrap();
    let old = Desk::link_token(&created);
    let r = api.post(&format!("/api/interactions/{id}/link"), Some(&d.agent), &json!({})).await.unwrap();
    assert_eq!(r.status, 200);
    let new = r.body["client_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(api.get(&format!("/api/join/{old}"), None).await.unwrap().status, 404, "the old link is gone");
    assert_eq!(api.get(&format!("/api/join/{new}"), None).await.unwrap().status, 200);
    let r = api.get("/api/join/made-up-token-that-is-not-there", None).await.unwrap();
    assert_eq!((r.status, r.code()), (404, "link_not_found"));
    let r =
        api.post(&format!("/api/interactions/{id}/link"), Some(&d.other_agent), &json!({})).await.unwrap();
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn bad_input_is_refused() {
    let d = desk().await;
    let api = d.p.api();
    let r = api.post("/api/interactions", Some(&d.agent), &json!({"video_mode": "three_way"})).await.unwrap();
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api
        .post("/api/interactions", Some(&d.agent), &json!({"video_mode": "two_way", "max_quality": "8k"}))
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api
        .post(
            "/api/interactions",
            Some(&d.agent),
            &json!({"video_mode": "two_way", "client_name": "x".repeat(201)}),
        )
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    assert!(r.body["message"].as_str().unwrap().contains("client_name"));
    let r = api
        .post(
            "/api/interactions",
            Some(&d.agent),
            &json!({"video_mode": "two_way", "client_email": "not-an-email"}),
        )
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    let r = api.post("/api/interactions", None, &json!({"video_mode": "two_way"})).await.unwrap();
    assert_eq!(r.status, 401);
    let r = api.get(&format!("/api/interactions/{}", uuid::Uuid::now_v7()), Some(&d.agent)).await.unwrap();
    assert_eq!((r.status, r.code()), (404, "interaction_not_found"));
    assert_eq!(api.get("/api/interactions", Some(&d.agent)).await.unwrap().body["total"], 0);
}

/// The control channel: hello, welcome, events in order; a reconnect with
/// the last seq seen gets exactly what it missed.
#[tokio::test]
async fn the_control_channel_resumes_without_gaps_or_duplicates() {
    let d = desk().await;
    let api = d.p.api();
    let created = d.create(&d.agent, json!({"video_mode": "two_way"})).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/api/interactions/{id}/ws");

    // A bad token is refused with 4401.
    let mut ws = JsonSocket::connect(api, &path).await;
    ws.send(json!({"type": "hello", "token": "nope"})).await;
    let err = ws.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(err["type"], "error");
    assert_eq!(ws.close_code(Duration::from_secs(5)).await, Some(4401));
    // Another agent is refused with 4403.
    let mut ws = JsonSocket::connect(api, &path).await;
    ws.send(json!({"type": "hello", "token": d.other_agent})).await;
    ws.next(Duration::from_secs(5)).await;
    assert_eq!(ws.close_code(Duration::from_secs(5)).await, Some(4403));

    let mut agent = JsonSocket::connect(api, &path).await;
    agent.send(json!({"type": "hello", "token": d.agent})).await;
    let welcome = agent.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(welcome["type"], "welcome");
    assert_eq!(welcome["role"], "agent");
    assert_eq!(welcome["interaction"]["status"], "created");
    let last_seq = welcome["last_seq"].as_u64().unwrap();
    // Without last_seq the whole log follows.
    let replay = agent.until(Duration::from_secs(5), |v| v["event"]["seq"].as_u64() == Some(last_seq)).await;
    assert_eq!(replay.len() as u64, last_seq);

    // The client opens the link and joins: the agent sees it live.
    let link = Desk::link_token(&created);
    api.get(&format!("/api/join/{link}"), None).await.unwrap();
    let seen = agent.until(Duration::from_secs(5), |v| v["event"]["event"]["status"] == "waiting").await;
    assert!(seen.iter().any(|v| v["event"]["event"]["type"] == "link_opened"));
    let client = d.client_token(&link).await;
    let mut client_ws = JsonSocket::connect(api, &path).await;
    client_ws.send(json!({"type": "hello", "token": client})).await;
    let w = client_ws.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(w["role"], "client");
    assert_eq!(w["interaction"]["agent_name"], "agent1");

    // The agent mutes: the client hears of it.
    agent.send(json!({"type": "media_state", "audio": false, "video": true})).await;
    let got = client_ws.until(Duration::from_secs(5), |v| v["event"]["event"]["type"] == "peer_media").await;
    let last = got.last().unwrap();
    assert_eq!(last["event"]["event"]["party"], "agent");
    assert_eq!(last["event"]["event"]["audio"], false);
    let client_seen = last["event"]["seq"].as_u64().unwrap();

    // The client drops; meanwhile things happen; it comes back with its last seq.
    drop(client_ws);
    agent.send(json!({"type": "media_state", "audio": true, "video": true})).await;
    api.patch(&format!("/api/interactions/{id}"), Some(&d.agent), &json!({"max_quality": "480p"}))
        .await
        .unwrap();
    agent.until(Duration::from_secs(5), |v| v["event"]["event"]["type"] == "settings").await;
    let mut client_ws = JsonSocket::connect(api, &path).await;
    client_ws.send(json!({"type": "hello", "token": client, "last_seq": client_seen})).await;
    let w = client_ws.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(w["type"], "welcome");
    assert_eq!(w["interaction"]["peer_audio"], true, "the snapshot is current");
    let upto = w["last_seq"].as_u64().unwrap();
    let missed = client_ws.until(Duration::from_secs(5), |v| v["event"]["seq"].as_u64() == Some(upto)).await;
    let seqs: Vec<u64> = missed.iter().map(|v| v["event"]["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, ((client_seen + 1)..=upto).collect::<Vec<_>>(), "exactly what was missed, in order");
    assert!(missed.iter().any(|v| v["event"]["event"]["type"] == "settings"));

    // Keep-alive.
    client_ws.send(json!({"type": "ping"})).await;
    client_ws.until(Duration::from_secs(5), |v| v["type"] == "pong").await;

    // The end reaches both, and the channel closes.
    api.post(&format!("/api/interactions/{id}/end"), Some(&d.agent), &json!({})).await.unwrap();
    for ws in [&mut agent, &mut client_ws] {
        ws.until(Duration::from_secs(5), |v| v["event"]["event"]["type"] == "ended").await;
        assert_eq!(ws.close_code(Duration::from_secs(5)).await, Some(1000));
    }
}

/// With TURN configured, each admission carries TURN with time-limited
/// credentials in coturn's REST-API form: `username = <expiry>:<name>`,
/// `credential = base64(HMAC-SHA1(secret, username))`.
#[tokio::test]
async fn media_admission_carries_stun_and_turn_credentials() {
    use hmac::{Hmac, Mac};
    let p = Platform::start(&[
        ("VC_SERVER__STUN_URLS", "stun:stun.example.com:3478"),
        ("VC_SERVER__TURN__URLS", "turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349"),
        ("VC_SERVER__TURN__SECRET", "north"),
        ("VC_SERVER__TURN__TTL_SECS", "600"),
    ])
    .await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let agent = p.api().tokens("agent1", "agent-pass-1").await.0;
    let created = p
        .api()
        .post("/api/interactions", Some(&agent), &json!({"video_mode": "two_way"}))
        .await
        .unwrap()
        .body;
    let id = created["id"].as_str().unwrap();
    let r = p.api().post(&format!("/api/interactions/{id}/media"), Some(&agent), &json!({})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    let servers = r.body["ice_servers"].as_array().unwrap();
    assert_eq!(servers[0]["urls"], json!(["stun:stun.example.com:3478"]));
    assert!(servers[0].get("username").is_none());
    let turn = &servers[1];
    assert_eq!(
        turn["urls"],
        json!(["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"])
    );
    let username = turn["username"].as_str().unwrap();
    let (expiry, name) = username.split_once(':').unwrap();
    let expiry: u64 = expiry.parse().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!((now + 590..=now + 610).contains(&expiry), "expires in the configured 600 s: {expiry} vs {now}");
    assert_eq!(name, format!("{id}-agent"));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(b"north").unwrap();
    mac.update(username.as_bytes());
    let expected =
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, mac.finalize().into_bytes());
    assert_eq!(turn["credential"], expected.as_str());
}

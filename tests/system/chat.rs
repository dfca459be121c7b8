//! Chat over the control channel: stored before it is acknowledged,
//! numbered without gaps, delivered to the other party, replayed after a
//! reconnect without gaps or duplicates, kept across a restart.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::Duration;

use serde_json::{Value, json};
use vc_testkit::{JsonSocket, Platform};

const WAIT: Duration = Duration::from_secs(10);

struct Call {
    p: Platform,
    agent: String,
    other_agent: String,
    supervisor: String,
    client: String,
    id: String,
}

async fn call() -> Call {
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
    let (id, client) = p.joined_call(&agent, &json!({"client_name": "Ivan", "video_mode": "two_way"})).await;
    Call { p, agent, other_agent, supervisor, client, id }
}

impl Call {
    /// A control connection that said hello; returns it and its welcome.
    async fn connect(&self, token: &str, last_chat_seq: Option<u64>) -> (JsonSocket, Value) {
        let mut ws = JsonSocket::connect(self.p.api(), &format!("/api/interactions/{}/ws", self.id)).await;
        let mut hello = json!({"type": "hello", "token": token});
        if let Some(s) = last_chat_seq {
            hello["last_chat_seq"] = json!(s);
        }
        ws.send(hello).await;
        let welcome = ws.next(WAIT).await.unwrap();
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        (ws, welcome)
    }
}

async fn say(ws: &mut JsonSocket, client_msg_id: &str, text: &str) -> Value {
    ws.send(json!({"type": "chat", "client_msg_id": client_msg_id, "text": text})).await;
    let seen = ws
        .until(WAIT, |v| {
            (v["type"] == "chat_ack" || v["type"] == "chat_error") && v["client_msg_id"] == client_msg_id
        })
        .await;
    seen.last().unwrap().clone()
}

/// The chat frames among `frames`, as (seq, from, text).
fn chats(frames: &[Value]) -> Vec<(u64, String, String)> {
    frames
        .iter()
        .filter(|v| v["type"] == "chat")
        .map(|v| {
            let m = &v["message"];
            (
                m["seq"].as_u64().unwrap(),
                m["from"].as_str().unwrap().to_owned(),
                m["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn messages_go_both_ways_and_come_back_after_a_reconnect() {
    let c = call().await;
    let (mut agent, welcome) = c.connect(&c.agent, None).await;
    assert_eq!(welcome["last_chat_seq"], 0);
    let (mut client, _) = c.connect(&c.client, None).await;

    // Stored before the acknowledgement, numbered from 1.
    let first = say(&mut client, "c-1", "Здравствуйте! <b>Помогите</b>").await;
    let ack = first.clone();
    assert_eq!(ack["type"], "chat_ack");
    assert_eq!(ack["message"]["seq"], 1);
    assert_eq!(ack["message"]["from"], "client");
    assert_eq!(ack["message"]["author"], "Ivan");
    let got = agent.until(WAIT, |v| v["type"] == "chat").await;
    assert_eq!(chats(&got), [(1, "client".into(), "Здравствуйте! <b>Помогите</b>".into())]);

    let ack = say(&mut agent, "a-1", "Добрый день, Иван").await;
    assert_eq!(ack["message"]["seq"], 2);
    assert_eq!(ack["message"]["author"], "agent1");
    let got = client.until(WAIT, |v| v["type"] == "chat" && v["message"]["seq"] == 2).await;
    assert_eq!(chats(&got).last().unwrap().2, "Добрый день, Иван");

    // A resend after a lost acknowledgement is the same message, not a second one.
    let again = say(&mut client, "c-1", "Здравствуйте! <b>Помогите</b>").await;
    assert_eq!(again["message"]["seq"], 1);
    assert_eq!(again["message"], first["message"]);

    // Refusals are told to the sender, and nothing is stored.
    let long = say(&mut client, "c-long", &"ж".repeat(2049)).await;
    assert_eq!(
        (long["type"].as_str(), long["code"].as_str()),
        (Some("chat_error"), Some("message_too_long"))
    );
    let empty = say(&mut client, "c-empty", "   ").await;
    assert_eq!(empty["code"], "validation_failed");
    let exact = say(&mut client, "c-4096", &"ж".repeat(2048)).await;
    assert_eq!(exact["message"]["seq"], 3, "4096 bytes is allowed");

    // The client goes away; two messages come meanwhile; it returns with
    // the last seq it had and gets exactly the missing ones.
    drop(client);
    say(&mut agent, "a-2", "Вы здесь?").await;
    say(&mut agent, "a-3", "Жду вас").await;
    let (mut client, welcome) = c.connect(&c.client, Some(3)).await;
    assert_eq!(welcome["last_chat_seq"], 5);
    let replay = client.until(WAIT, |v| v["type"] == "chat" && v["message"]["seq"] == 5).await;
    assert_eq!(
        chats(&replay),
        [(4, "agent".into(), "Вы здесь?".into()), (5, "agent".into(), "Жду вас".into())],
        "no gap, no duplicate"
    );
    // A page that reloads from nothing gets everything, in order.
    let (mut fresh, _) = c.connect(&c.client, None).await;
    let all = fresh.until(WAIT, |v| v["type"] == "chat" && v["message"]["seq"] == 5).await;
    assert_eq!(chats(&all).iter().map(|m| m.0).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);

    // Read marks reach the other party and the welcome.
    client.send(json!({"type": "chat_read", "seq": 5})).await;
    let read = agent.until(WAIT, |v| v["type"] == "chat_read").await;
    assert_eq!(
        (read.last().unwrap()["party"].as_str(), read.last().unwrap()["seq"].as_u64()),
        (Some("client"), Some(5))
    );
    client.send(json!({"type": "chat_read", "seq": 99})).await; // clamped to the last message
    let (_again, welcome) = c.connect(&c.agent, Some(5)).await;
    assert_eq!(welcome["read"], json!({"agent": 0, "client": 5}));

    // The history API: staff and the client; not another agent.
    let api = c.p.api();
    let h = api.get(&format!("/api/interactions/{}/messages", c.id), Some(&c.supervisor)).await.unwrap();
    assert_eq!(h.status, 200);
    let seqs: Vec<u64> =
        h.body["items"].as_array().unwrap().iter().map(|m| m["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    assert_eq!(h.body["last_seq"], 5);
    assert_eq!(h.body["read"]["client"], 5);
    let h = api
        .get(&format!("/api/interactions/{}/messages?after_seq=3&limit=1", c.id), Some(&c.client))
        .await
        .unwrap();
    assert_eq!(h.body["items"][0]["seq"], 4);
    assert_eq!(h.body["items"].as_array().unwrap().len(), 1);
    let h = api.get(&format!("/api/interactions/{}/messages", c.id), Some(&c.other_agent)).await.unwrap();
    assert_eq!(h.status, 403);
}

#[tokio::test]
async fn two_senders_at_once_get_distinct_numbers_without_gaps() {
    let c = call().await;
    let (mut agent, _) = c.connect(&c.agent, None).await;
    let (mut client, _) = c.connect(&c.client, None).await;
    for i in 0..10 {
        agent
            .send(json!({"type": "chat", "client_msg_id": format!("a{i}"), "text": format!("agent {i}")}))
            .await;
        client
            .send(json!({"type": "chat", "client_msg_id": format!("c{i}"), "text": format!("client {i}")}))
            .await;
    }
    let seen = agent.until(WAIT, |v| v["type"] == "chat" && v["message"]["seq"] == 20).await;
    let seqs: Vec<u64> = chats(&seen).iter().map(|m| m.0).collect();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>(), "every message once, in order");
    let seen = client.until(WAIT, |v| v["type"] == "chat" && v["message"]["seq"] == 20).await;
    assert_eq!(chats(&seen).len(), 20);
}

#[tokio::test]
async fn acknowledged_messages_survive_a_restart() {
    let mut c = call().await;
    {
        let (mut client, _) = c.connect(&c.client, None).await;
        for i in 1..=3 {
            let ack = say(&mut client, &format!("c{i}"), &format!("message {i}")).await;
            assert_eq!(ack["message"]["seq"], i);
        }
    }
    c.p.svc.restart();
    c.p.svc.wait_healthy(Duration::from_secs(30)).await;
    let (mut client, welcome) = c.connect(&c.client, None).await;
    assert_eq!(welcome["last_chat_seq"], 3);
    let replay = client.until(WAIT, |v| v["type"] == "chat" && v["message"]["seq"] == 3).await;
    assert_eq!(
        chats(&replay).iter().map(|m| m.2.as_str()).collect::<Vec<_>>(),
        ["message 1", "message 2", "message 3"]
    );
    // Numbering goes on after the restart.
    assert_eq!(say(&mut client, "c4", "message 4").await["message"]["seq"], 4);
}

/// Uploads `body` as `name` to the interaction's files; returns the file's id.
async fn upload(p: &Platform, interaction: &str, token: &str, name: &str, body: &'static [u8]) -> String {
    let r = reqwest::Client::new()
        .post(format!("{}/api/interactions/{interaction}/files", p.api().base))
        .bearer_auth(token)
        .header("X-File-Name", name)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let info: Value = r.json().await.unwrap();
    info["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_file_of_the_interaction_travels_in_a_message_and_another_ones_is_refused() {
    let c = call().await;
    let (mut agent, _) = c.connect(&c.agent, None).await;
    let (mut client, _) = c.connect(&c.client, None).await;

    let file = upload(&c.p, &c.id, &c.client, "receipt.txt", b"paid in full").await;
    client.send(json!({"type": "chat", "client_msg_id": "f1", "file_id": file})).await;
    let acked = client.until(WAIT, |v| v["type"] == "chat_ack" || v["type"] == "chat_error").await;
    let ack = acked.last().unwrap();
    assert_eq!(ack["type"], "chat_ack", "{ack}");
    let seen = agent.until(WAIT, |v| v["type"] == "chat").await;
    let m = &seen.last().unwrap()["message"];
    assert_eq!(m["from"], "client");
    assert_eq!(m["file"]["id"], file.as_str());
    assert_eq!(m["file"]["name"], "receipt.txt");
    assert_eq!(m["file"]["size"], 12);
    assert!(m["file"]["content_type"].as_str().unwrap().starts_with("text/plain"), "{m}");

    // A file of another interaction (this agent's, even) cannot be attached here.
    let other = c
        .p
        .api()
        .post("/api/interactions", Some(&c.agent), &json!({"client_name": "Olga", "video_mode": "two_way"}))
        .await
        .unwrap()
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let foreign = upload(&c.p, &other, &c.agent, "secret.txt", b"not yours").await;
    for (ws, who) in [(&mut client, "client"), (&mut agent, "agent")] {
        ws.send(json!({"type": "chat", "client_msg_id": format!("x-{who}"), "file_id": foreign})).await;
        let seen = ws.until(WAIT, |v| v["type"] == "chat_error" || v["type"] == "chat_ack").await;
        let err = seen.last().unwrap();
        assert_eq!(
            (&err["type"], &err["code"]),
            (&json!("chat_error"), &json!("file_not_found")),
            "{who}: {err}"
        );
    }
    // Nor an id that does not exist.
    client
        .send(
            json!({"type": "chat", "client_msg_id": "x2", "file_id": "01a1fdf1-0000-7000-8000-000000000000"}),
        )
        .await;
    let seen = client.until(WAIT, |v| v["type"] == "chat_error" || v["type"] == "chat_ack").await;
    assert_eq!(seen.last().unwrap()["code"], "file_not_found");

    // The history holds the file message and none of the refused ones.
    let history =
        c.p.api().get(&format!("/api/interactions/{}/messages", c.id), Some(&c.agent)).await.unwrap().body;
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{history}");
    assert_eq!(items[0]["file"]["id"], file.as_str());
}

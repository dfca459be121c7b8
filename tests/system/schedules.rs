//! Booked calls (docs/scheduling.md) through the real platform, with the
//! SMS going to the SMSC.ru stand-in: bookings are checked and scoped by
//! role and team, the link goes out once at its time with the call's time
//! in the client's zone, the agent is reminded once, rescheduling moves the
//! send, reassigning changes the agent, cancelling tells the client and
//! closes the link, a call nobody joins is marked missed — and a call due
//! while the platform is killed with SIGKILL goes out exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, Timelike, Utc};
use mongodb::bson::doc;
use serde_json::{Value, json};
use vc_testkit::fakes::FakeSmsc;
use vc_testkit::{JsonSocket, Platform, Reply};

const SMSC_LOGIN: &str = "acme";
const SMSC_PASSWORD: &str = "smsc-secret-1";

struct Desk {
    p: Platform,
    smsc: FakeSmsc,
    db: mongodb::Database,
    admin: String,
    agent: String,
    agent_id: String,
    agent2: String,
    agent2_id: String,
}

/// A platform whose scheduler looks every 200 ms, with SMS to the stand-in
/// (which accepts identical texts, so a second copy would be seen), an
/// admin and two agents; `env` on top.
async fn desk(env: &[(&str, &str)]) -> Desk {
    let smsc = FakeSmsc::start(SMSC_LOGIN, SMSC_PASSWORD).await;
    smsc.set_flood_protection(false);
    let db_name = vc_testkit::unique_db();
    let url = smsc.url();
    let mut all: Vec<(&str, &str)> = vec![
        ("VC_MONGO__DATABASE", db_name.as_str()),
        ("VC_SERVER__COMPANY_NAME", "Acme Bank"),
        ("VC_SERVER__SCHEDULE__TICK_MS", "200"),
        ("VC_SERVER__SCHEDULE__RESEND_AFTER_SECS", "2"),
        ("VC_MSG__SMS__API_URL", url.as_str()),
        ("VC_MSG__SMS__LOGIN", SMSC_LOGIN),
        ("VC_MSG__SMS__PASSWORD", SMSC_PASSWORD),
        ("VC_MSG__SMS__SENDER", "AcmeBank"),
        ("VC_MSG__SMS__STATUS_INTERVAL_SECS", "1"),
        ("VC_MSG__LEASE_SECS", "5"),
    ];
    all.extend_from_slice(env);
    let p = Platform::start(&all).await;
    let mongo = mongodb::Client::with_uri_str(vc_testkit::shared_mongo_uri()).await.unwrap();
    let db = mongo.database(&db_name);
    let admin = p.admin_token().await;
    let agent_id = p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let agent2_id = p.create_user(&admin, "agent2", "agent-pass-2", "agent").await;
    let agent = p.api().tokens("agent1", "agent-pass-1").await.0;
    let agent2 = p.api().tokens("agent2", "agent-pass-2").await.0;
    Desk { p, smsc, db, admin, agent, agent_id, agent2, agent2_id }
}

/// RFC 3339 of now + `secs`.
fn in_secs(secs: f64) -> String {
    (Utc::now() + chrono::Duration::milliseconds((secs * 1000.0) as i64)).to_rfc3339()
}

/// A booking by SMS to `phone` at `at`, sent `lead` minutes before.
fn sms_booking(phone: &str, at: &str, lead: u32) -> Value {
    json!({"client_name": "Ivan", "client_phone": phone, "at": at, "time_zone": "Europe/Moscow",
           "send_via": "sms", "lead_minutes": lead})
}

/// "15:30 (MSK)": how the SMS writes `at` (Moscow keeps UTC+3 all year).
fn moscow_clock(at: &str) -> String {
    let t = DateTime::parse_from_rfc3339(at).unwrap().with_timezone(&Utc) + chrono::Duration::hours(3);
    format!("в {}:{:02} (MSK)", t.hour(), t.minute())
}

impl Desk {
    async fn book(&self, token: &str, body: &Value) -> Reply {
        self.p.api().post("/api/schedules", Some(token), body).await.unwrap()
    }

    /// Books and expects 201; returns the interaction.
    async fn booked(&self, token: &str, body: &Value) -> Value {
        let r = self.book(token, body).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body
    }

    async fn interaction(&self, id: &str) -> Value {
        let r = self.p.api().get(&format!("/api/interactions/{id}"), Some(&self.admin)).await.unwrap();
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }

    /// Polls the interaction until `pred` holds (panics with it after `timeout`).
    async fn until(&self, id: &str, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let i = self.interaction(id).await;
            if pred(&i) {
                return i;
            }
            assert!(Instant::now() < deadline, "condition not reached: {i:#}\n{}", self.p.svc.output());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SMS sent to `phone` (digits with the country code).
    fn sms_to(&self, phone: &str) -> Vec<String> {
        self.smsc.sent().into_iter().filter(|s| s.phone == phone).map(|s| s.text).collect()
    }

    async fn patch(&self, token: &str, id: &str, body: &Value) -> Reply {
        self.p.api().patch(&format!("/api/schedules/{id}"), Some(token), body).await.unwrap()
    }

    async fn cancel(&self, token: &str, id: &str, body: &Value) -> Reply {
        self.p.api().post(&format!("/api/schedules/{id}/cancel"), Some(token), body).await.unwrap()
    }

    /// Signs everyone in again (after a restart).
    async fn sign_in_again(&mut self) {
        self.admin = self.p.admin_token().await;
        self.agent = self.p.api().tokens("agent1", "agent-pass-1").await.0;
        self.agent2 = self.p.api().tokens("agent2", "agent-pass-2").await.0;
    }
}

fn events<'a>(i: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    i["events"].as_array().unwrap().iter().map(|e| &e["event"]).filter(move |e| e["type"] == kind)
}

/// The distinct deliveries the interaction's log shows.
fn deliveries(i: &Value) -> BTreeSet<String> {
    events(i, "delivery").map(|e| e["delivery_id"].as_str().unwrap().to_owned()).collect()
}

fn schedule_states(i: &Value) -> Vec<String> {
    events(i, "schedule").map(|e| e["state"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn bad_bookings_are_refused_with_clear_reasons() {
    let d = desk(&[]).await;
    let later = in_secs(3600.0);
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (sms_booking("+79161234567", &in_secs(-60.0), 0), 422, "validation_failed", "at:"),
        (
            json!({"client_phone": "+79161234567", "at": later, "time_zone": "Mars/Olympus", "send_via": "sms"}),
            422,
            "validation_failed",
            "time_zone",
        ),
        (sms_booking("+79161234567", &later, 10_081), 422, "validation_failed", "lead_minutes"),
        (json!({"client_name": "Ivan", "at": later, "send_via": "sms"}), 422, "contact_missing", "phone"),
        (
            json!({"client_phone": "+79161234567", "at": later, "send_via": "email"}),
            422,
            "contact_missing",
            "e-mail",
        ),
        (sms_booking("12345", &later, 0), 422, "invalid_phone", ""),
        // A landline is a phone, but not one an SMS reaches.
        (sms_booking("+7 495 739-70-00", &later, 0), 422, "invalid_phone", "SMS"),
        // E-mail is not configured on this platform.
        (
            json!({"client_email": "ivan@client.example", "at": later, "send_via": "email"}),
            409,
            "channel_not_configured",
            "email",
        ),
    ];
    for (body, status, code, mentions) in cases {
        let r = d.book(&d.agent, &body).await;
        assert_eq!((r.status, r.code()), (status, code), "{body}: {:?}", r.body);
        assert!(r.body["message"].as_str().unwrap().contains(mentions), "{body}: {:?}", r.body);
    }
    // Whose call: an agent only for itself; an admin names an agent.
    let mut for_other = sms_booking("+79161234567", &later, 0);
    for_other["agent_id"] = json!(d.agent2_id);
    let r = d.book(&d.agent, &for_other).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{:?}", r.body);
    let r = d.book(&d.admin, &sms_booking("+79161234567", &later, 0)).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"), "the admin is not an agent: {:?}", r.body);
    assert!(r.body["message"].as_str().unwrap().contains("agent_id"));
    let mut unknown = sms_booking("+79161234567", &later, 0);
    unknown["agent_id"] = json!(uuid::Uuid::now_v7().to_string());
    let r = d.book(&d.admin, &unknown).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"), "{:?}", r.body);
    let gone_id = d.p.create_user(&d.admin, "agent9", "agent-pass-9", "agent").await;
    let r =
        d.p.api().patch(&format!("/api/users/{gone_id}"), Some(&d.admin), &json!({"disabled": true})).await;
    assert_eq!(r.as_ref().map(|r| r.status).ok(), Some(200), "{r:?}");
    let mut for_gone = sms_booking("+79161234567", &later, 0);
    for_gone["agent_id"] = json!(gone_id);
    let r = d.book(&d.admin, &for_gone).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"), "a disabled agent: {:?}", r.body);
    assert!(r.body["message"].as_str().unwrap().contains("disabled"));
    let r = d.p.api().post("/api/schedules", None, &sms_booking("+79161234567", &later, 0)).await.unwrap();
    assert_eq!(r.status, 401);

    // A good booking; an agent may not hand it to someone else.
    let booked = d.booked(&d.agent, &sms_booking("8 (916) 123-45-67", &later, 15)).await;
    let id = booked["id"].as_str().unwrap();
    assert_eq!(booked["client_phone"], "+79161234567");
    assert_eq!(booked["status"], "created");
    assert_eq!(booked["schedule"]["state"], "pending");
    assert_eq!(booked["schedule"]["lead_minutes"], 15);
    assert_eq!(booked["schedule"]["time_zone"], "Europe/Moscow");
    assert!(booked["client_url"].as_str().unwrap().contains("/c/"));
    assert!(booked["short_url"].as_str().unwrap().contains("/s/"));
    let r = d.patch(&d.agent, id, &json!({"agent_id": d.agent2_id})).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{:?}", r.body);
    let r = d.patch(&d.agent, id, &json!({"at": in_secs(-5.0)})).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"), "{:?}", r.body);
    let r = d.patch(&d.agent2, id, &json!({"lead_minutes": 5})).await;
    assert_eq!(r.status, 403, "another agent's call: {:?}", r.body);
    let r = d.patch(&d.agent, &uuid::Uuid::now_v7().to_string(), &json!({"lead_minutes": 5})).await;
    assert_eq!((r.status, r.code()), (404, "interaction_not_found"));
    // An interaction that is not a booked call.
    let plain =
        d.p.api().post("/api/interactions", Some(&d.agent), &json!({"video_mode": "two_way"})).await.unwrap();
    let r = d.patch(&d.agent, plain.body["id"].as_str().unwrap(), &json!({"lead_minutes": 5})).await;
    assert_eq!((r.status, r.code()), (409, "not_scheduled"), "{:?}", r.body);

    assert!(d.smsc.requests().is_empty(), "nothing reached the provider: {:?}", d.smsc.requests());
    let openapi = d.p.api().get("/api/openapi.json", None).await.unwrap().body;
    for path in
        ["/api/schedules", "/api/schedules/{id}", "/api/schedules/{id}/cancel", "/api/schedules/reminders"]
    {
        assert!(openapi["paths"].get(path).is_some(), "{path} is in the OpenAPI document");
    }
}

#[tokio::test]
async fn a_supervisor_books_and_reassigns_within_its_teams_only() {
    let d = desk(&[]).await;
    let api = d.p.api();
    let sup_id = d.p.create_user(&d.admin, "super1", "super-pass-1", "supervisor").await;
    let agent3_id = d.p.create_user(&d.admin, "agent3", "agent-pass-3", "agent").await;
    let team_a = api.team(&d.admin, "Team A", &[&d.agent_id, &agent3_id], &[&sup_id]).await;
    let team_b = api.team(&d.admin, "Team B", &[&d.agent2_id], &[]).await;
    let sup = api.tokens("super1", "super-pass-1").await.0;
    let agent = api.tokens("agent1", "agent-pass-1").await.0;
    let agent2 = api.tokens("agent2", "agent-pass-2").await.0;
    let later = in_secs(3600.0);

    let mut for_a = sms_booking("+79161230001", &later, 15);
    for_a["agent_id"] = json!(d.agent_id);
    let booked = d.booked(&sup, &for_a).await;
    let ia = booked["id"].as_str().unwrap().to_owned();
    assert_eq!(booked["agent_id"], d.agent_id.as_str());
    assert_eq!(booked["agent_name"], "agent1");
    assert_eq!(booked["team_id"], team_a.as_str(), "the agent's team");
    assert_eq!(booked["schedule"]["created_by"], sup_id.as_str());
    let mut for_b = sms_booking("+79161230002", &later, 15);
    for_b["agent_id"] = json!(d.agent2_id);
    let r = d.book(&sup, &for_b).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "an agent of another team: {:?}", r.body);
    let ib = d.booked(&d.admin, &for_b).await["id"].as_str().unwrap().to_owned();
    let own = d.booked(&agent2, &sms_booking("+79161230003", &in_secs(7200.0), 15)).await;
    assert_eq!(own["team_id"], team_b.as_str());

    // Lists: soonest first, scoped by role.
    let list = |token: String, query: &'static str| {
        let api = api.clone();
        async move {
            let r = api.get(&format!("/api/schedules{query}"), Some(&token)).await.unwrap();
            assert_eq!(r.status, 200, "{query}: {:?}", r.body);
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["interaction_id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(sup.clone(), "").await, [ia.as_str()]);
    assert_eq!(list(agent.clone(), "").await, [ia.as_str()]);
    assert_eq!(list(agent2.clone(), "").await.len(), 2);
    let all = list(d.admin.clone(), "").await;
    assert_eq!(all.len(), 3);
    assert_eq!(all.last().unwrap(), own["id"].as_str().unwrap(), "soonest first");
    assert_eq!(list(d.admin.clone(), "?state=pending&limit=1").await.len(), 1);
    assert!(list(d.admin.clone(), "?state=cancelled").await.is_empty());
    let r = api.get(&format!("/api/schedules?team_id={team_b}"), Some(&sup)).await.unwrap();
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = api.get(&format!("/api/schedules?agent_id={}", d.agent2_id), Some(&agent)).await.unwrap();
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = api.get(&format!("/api/schedules?team_id={team_b}"), Some(&d.admin)).await.unwrap();
    assert_eq!(r.body["total"], 2);

    // Reassigning: within the supervisor's teams; never by an agent.
    let r = d.patch(&sup, &ia, &json!({"agent_id": agent3_id})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (r.body["agent_id"].as_str(), r.body["agent_name"].as_str()),
        (Some(agent3_id.as_str()), Some("agent3"))
    );
    let last = events(&r.body, "schedule").last().unwrap().clone();
    assert_eq!(last["agent_id"], agent3_id.as_str());
    let r = d.patch(&sup, &ia, &json!({"agent_id": d.agent2_id})).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{:?}", r.body);
    let r = d.patch(&sup, &ib, &json!({"lead_minutes": 5})).await;
    assert_eq!(r.status, 403, "a call outside the supervisor's teams: {:?}", r.body);
    let r = d.patch(&agent, &ia, &json!({"lead_minutes": 5})).await;
    assert_eq!(r.status, 403, "no longer agent1's call: {:?}", r.body);
    let r = d.patch(&d.admin, &ib, &json!({"agent_id": d.agent_id})).await;
    assert_eq!((r.status, r.body["team_id"].as_str()), (200, Some(team_a.as_str())), "{:?}", r.body);
    let r = d.cancel(&sup, &ib, &json!({"notify": false})).await;
    assert_eq!(r.status, 200, "now in the supervisor's team: {:?}", r.body);
}

#[tokio::test]
async fn the_link_goes_out_once_at_its_time_and_the_agent_is_reminded() {
    let d = desk(&[]).await;
    let at = in_secs(4.0);
    let booked = d.booked(&d.agent, &sms_booking("+79161234567", &at, 0)).await;
    let id = booked["id"].as_str().unwrap().to_owned();
    let short_url = booked["short_url"].as_str().unwrap().to_owned();
    let mut ws = JsonSocket::connect(d.p.api(), &format!("/api/interactions/{id}/ws")).await;
    ws.send(json!({"type": "hello", "token": d.agent})).await;
    let r = d.p.api().get("/api/schedules/reminders", Some(&d.agent)).await.unwrap();
    assert_eq!((r.status, r.body["total"].as_u64()), (200, Some(0)));

    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(d.smsc.sent().is_empty(), "not before its time");
    // The reminder reaches the agent's console live, with the link's progress.
    let seen = ws.until(Duration::from_secs(15), |v| v["event"]["event"]["type"] == "reminder").await;
    assert!(seen.iter().any(|v| v["event"]["event"]["type"] == "schedule" && v["event"]["event"]["state"] == "link_sent"));
    let sent = d.smsc.wait_for_sent(1, Duration::from_secs(10)).await;
    assert!(Utc::now() >= DateTime::parse_from_rfc3339(&at).unwrap());
    assert_eq!(sent[0].phone, "79161234567");
    assert!(sent[0].text.contains(&short_url), "{}", sent[0].text);
    assert!(
        sent[0].text.contains("Acme Bank") && sent[0].text.contains(&moscow_clock(&at)),
        "{}",
        sent[0].text
    );

    let i = d
        .until(&id, Duration::from_secs(15), |i| events(i, "delivery").any(|e| e["status"] == "delivered"))
        .await;
    assert_eq!(i["schedule"]["state"], "link_sent");
    assert_eq!(deliveries(&i).len(), 1);
    assert_eq!(i["schedule"]["delivery_id"].as_str().map(str::to_owned), deliveries(&i).into_iter().next());
    assert_eq!(events(&i, "reminder").count(), 1);
    assert_eq!(schedule_states(&i), ["pending", "link_sent"]);
    let r = d.p.api().get("/api/schedules/reminders", Some(&d.agent)).await.unwrap();
    assert_eq!(r.body["items"][0]["interaction_id"], id.as_str(), "{:?}", r.body);
    let r = d.p.api().get("/api/schedules/reminders", Some(&d.agent2)).await.unwrap();
    assert_eq!(r.body["total"], 0);
    // Several more ticks: nothing again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(d.smsc.sent().len(), 1);
    assert_eq!(events(&d.interaction(&id).await, "reminder").count(), 1);
    d.smsc.assert_no_violations();
}

#[tokio::test]
async fn a_scheduled_call_fires_exactly_once_across_a_restart_of_the_scheduler_at_the_due_time() {
    let mut d = desk(&[]).await;
    // Calls due around the moment of the kill: some go out before it, one
    // may be cut off between its claim and vc-msg, the rest come due while
    // the platform is down.
    let phones: Vec<String> = (0..6).map(|n| format!("+7916555000{n}")).collect();
    let mut ids = Vec::new();
    for (n, phone) in phones.iter().enumerate() {
        let body = sms_booking(phone, &in_secs(4.0 + 0.25 * n as f64), 0);
        ids.push(d.booked(&d.agent, &body).await["id"].as_str().unwrap().to_owned());
    }
    // One more, far ahead, which the test puts into the state the worst
    // moment of a crash leaves (below).
    let forged_phone = "+79165550010";
    let forged = d.booked(&d.agent, &sms_booking(forged_phone, &in_secs(3600.0), 0)).await;
    let forged = forged["id"].as_str().unwrap().to_owned();

    // Killed (SIGKILL) the moment the first link is claimed.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = d.p.api().get(&format!("/api/interactions/{}", ids[0]), Some(&d.agent)).await.unwrap();
        if r.body["schedule"]["state"] != "pending" {
            break;
        }
        assert!(Instant::now() < deadline, "the first link never went out");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    d.p.svc.kill();
    let sent_before = d.smsc.sent().len();

    // While it is down, make for sure what the kill may have left: a claim
    // (`link_sent` with its delivery id) that vc-msg never heard of.
    let coll = d.db.collection::<mongodb::bson::Document>("interactions");
    let lost_claim = uuid::Uuid::now_v7().to_string();
    let long_ago = mongodb::bson::DateTime::from_millis(Utc::now().timestamp_millis() - 60_000);
    let r = coll
        .update_one(
            doc! {"_id": &forged},
            doc! {"$set": {"schedule.state": "link_sent", "schedule.delivery_id": &lost_claim,
            "schedule.delivery_confirmed": false, "schedule.claimed_at": long_ago}},
        )
        .await
        .unwrap();
    assert_eq!(r.modified_count, 1);

    d.p.svc.restart();
    d.p.svc.wait_healthy(Duration::from_secs(30)).await;
    d.sign_in_again().await;
    for id in ids.iter().chain([&forged]) {
        d.until(id, Duration::from_secs(30), |i| events(i, "delivery").any(|e| e["status"] == "delivered"))
            .await;
    }
    let i = d.interaction(&forged).await;
    assert_eq!(deliveries(&i), BTreeSet::from([lost_claim.clone()]), "sent under the claimed id, once");

    // A delivery vc-msg has, whose confirmation was lost: handed over again
    // with the same id, it is not sent again.
    let first = d.interaction(&ids[0]).await;
    let first_delivery = first["schedule"]["delivery_id"].as_str().unwrap().to_owned();
    coll.update_one(
        doc! {"_id": &ids[0]},
        doc! {"$set": {"schedule.delivery_confirmed": false, "schedule.claimed_at": long_ago}},
    )
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let doc = coll.find_one(doc! {"_id": &ids[0]}).await.unwrap().unwrap();
        let s = doc.get_document("schedule").unwrap();
        if s.get_bool("delivery_confirmed").unwrap() {
            assert_eq!(s.get_str("delivery_id").unwrap(), first_delivery);
            break;
        }
        assert!(Instant::now() < deadline, "the hand-over was never confirmed again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Exactly one SMS per call, one delivery and one reminder in each log.
    for phone in phones.iter().map(String::as_str).chain([forged_phone]) {
        let digits = phone.trim_start_matches('+');
        assert_eq!(d.sms_to(digits).len(), 1, "{phone}: {:?}", d.sms_to(digits));
    }
    assert_eq!(d.smsc.sent().len(), phones.len() + 1, "({sent_before} were sent before the kill)");
    for id in &ids {
        let i = d.interaction(id).await;
        assert_eq!(deliveries(&i).len(), 1, "one delivery for {id}: {:#}", i["events"]);
        // Never twice. It can be missing: the all-in-one's broker dies with
        // it, so a `queued` status vc-msg published just before the kill is
        // lost with it (`sent` and `delivered` come after the restart).
        let queued = events(&i, "delivery").filter(|e| e["status"] == "queued").count();
        assert!(queued <= 1, "logged at most once: {:#}", i["events"]);
        assert!(
            events(&i, "delivery").any(|e| e["status"] == "delivered"),
            "delivered is logged: {:#}",
            i["events"]
        );
        assert_eq!(events(&i, "reminder").count(), 1, "one reminder for {id}: {:#}", i["events"]);
        assert_eq!(schedule_states(&i), ["pending", "link_sent"], "claimed once: {id}");
    }
    d.smsc.assert_no_violations();
}

#[tokio::test]
async fn rescheduling_moves_the_send_and_a_sent_link_goes_out_again_with_the_new_time() {
    let d = desk(&[]).await;
    let booked = d.booked(&d.agent, &sms_booking("+79161234567", &in_secs(3600.0), 15)).await;
    let id = booked["id"].as_str().unwrap().to_owned();
    let old_link = booked["client_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();

    // Nothing changes: the same answer.
    let r = d.patch(&d.agent, &id, &json!({"lead_minutes": 15})).await;
    assert_eq!(r.status, 200);
    assert!(r.body["client_url"].is_null());

    let at = in_secs(3.0);
    let r = d.patch(&d.agent, &id, &json!({"at": at, "lead_minutes": 0})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["schedule"]["state"], "pending");
    assert_eq!(r.body["schedule"]["lead_minutes"], 0);
    let short_url = r.body["short_url"].as_str().unwrap().to_owned();
    assert_ne!(short_url, booked["short_url"].as_str().unwrap(), "a new time, a new link");
    let new_link = r.body["client_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let gone = d.p.api().get(&format!("/api/join/{old_link}"), None).await.unwrap();
    assert_eq!(gone.status, 404, "the old link stopped working: {:?}", gone.body);
    assert_eq!(d.p.api().get(&format!("/api/join/{new_link}"), None).await.unwrap().status, 200);
    assert!(d.smsc.sent().is_empty());
    let sent = d.smsc.wait_for_sent(1, Duration::from_secs(15)).await;
    assert!(
        sent[0].text.contains(&short_url) && sent[0].text.contains(&moscow_clock(&at)),
        "{}",
        sent[0].text
    );

    // The link went out; a new time sends it again, with that time.
    let at2 = in_secs(2.0);
    let r = d.patch(&d.agent, &id, &json!({"at": at2, "time_zone": "Asia/Yekaterinburg"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["schedule"]["state"], "pending");
    let sent = d.smsc.wait_for_sent(2, Duration::from_secs(15)).await;
    let t = DateTime::parse_from_rfc3339(&at2).unwrap().with_timezone(&Utc) + chrono::Duration::hours(5);
    assert!(sent[1].text.contains(&format!("в {}:{:02} (UTC+5)", t.hour(), t.minute())), "{}", sent[1].text);
    let i = d.until(&id, Duration::from_secs(10), |i| i["schedule"]["state"] == "link_sent").await;
    assert_eq!(i["schedule"]["time_zone"], "Asia/Yekaterinburg");
    assert_eq!(schedule_states(&i), ["pending", "pending", "link_sent", "pending", "link_sent"]);
    assert_eq!(events(&i, "link_renewed").count(), 2);

    // Reassigned by an admin to the other agent.
    let r = d.patch(&d.admin, &id, &json!({"agent_id": d.agent2_id})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["agent_id"], d.agent2_id.as_str());
    assert_eq!(r.body["agent_name"], "agent2");
    assert_eq!(r.body["schedule"]["state"], "link_sent", "the client's message stays valid");
    let r = d.p.api().get("/api/schedules", Some(&d.agent2)).await.unwrap();
    assert_eq!(r.body["items"][0]["interaction_id"], id.as_str());
    let r = d.p.api().get("/api/schedules", Some(&d.agent)).await.unwrap();
    assert_eq!(r.body["total"], 0);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(d.smsc.sent().len(), 2, "reassigning sends nothing");
}

#[tokio::test]
async fn cancelling_tells_the_client_and_closes_the_link() {
    let d = desk(&[]).await;
    let at = in_secs(3600.0);
    let booked = d.booked(&d.agent, &sms_booking("+79161234567", &at, 15)).await;
    let id = booked["id"].as_str().unwrap().to_owned();
    let link = booked["client_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();

    let r = d.cancel(&d.agent2, &id, &json!({})).await;
    assert_eq!(r.status, 403, "another agent's call");
    let r = d.cancel(&d.agent, &id, &json!({"reason": "the agent is ill"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "ended");
    assert_eq!(r.body["end_reason"], "cancelled");
    assert_eq!(r.body["schedule"]["state"], "cancelled");
    assert_eq!(r.body["schedule"]["cancel_reason"], "the agent is ill");
    let cancel_delivery = r.body["schedule"]["cancel_delivery_id"].as_str().unwrap().to_owned();

    let sent = d.smsc.wait_for_sent(1, Duration::from_secs(10)).await;
    assert_eq!(sent[0].phone, "79161234567");
    let text = &sent[0].text;
    assert!(text.contains("отменён") && text.contains(&moscow_clock(&at)), "{text}");
    assert!(text.contains("Причина: the agent is ill") && !text.contains("/s/"), "{text}");
    let i = d.until(&id, Duration::from_secs(10), |i| deliveries(i).contains(&cancel_delivery)).await;
    assert_eq!(schedule_states(&i), ["pending", "cancelled"]);
    assert!(events(&i, "status").any(|e| e["status"] == "ended" && e["reason"] == "cancelled"));

    // The link is closed; the call can no longer change.
    let r = d.p.api().get(&format!("/api/join/{link}"), None).await.unwrap();
    assert_eq!((r.status, r.code()), (410, "link_expired"));
    let r = d.cancel(&d.agent, &id, &json!({})).await;
    assert_eq!((r.status, r.code()), (409, "not_scheduled"));
    let r = d.patch(&d.agent, &id, &json!({"at": in_secs(60.0)})).await;
    assert_eq!((r.status, r.code()), (409, "not_scheduled"));
    let r = d.p.api().get("/api/schedules?state=cancelled", Some(&d.agent)).await.unwrap();
    assert_eq!(r.body["items"][0]["interaction_id"], id.as_str());

    // Without telling the client, and in English.
    let mut quiet = sms_booking("+79161234568", &at, 15);
    quiet["language"] = json!("en");
    let quiet = d.booked(&d.agent, &quiet).await;
    let r = d.cancel(&d.admin, quiet["id"].as_str().unwrap(), &json!({"notify": false})).await;
    assert_eq!(r.status, 200);
    assert!(r.body["schedule"]["cancel_delivery_id"].is_null());
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(d.smsc.sent().len(), 1);
    d.smsc.assert_no_violations();
}

#[tokio::test]
async fn a_call_nobody_joins_is_marked_missed() {
    let d = desk(&[("VC_SERVER__SCHEDULE__MISSED_AFTER_SECS", "2")]).await;
    let booked = d.booked(&d.agent, &sms_booking("+79161234567", &in_secs(2.0), 0)).await;
    let id = booked["id"].as_str().unwrap().to_owned();
    let link = booked["client_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let i = d.until(&id, Duration::from_secs(20), |i| i["schedule"]["state"] == "missed").await;
    assert_eq!(i["status"], "failed");
    assert_eq!(i["end_reason"], "missed");
    assert!(events(&i, "status").any(|e| e["status"] == "failed" && e["reason"] == "missed"));
    assert_eq!(schedule_states(&i), ["pending", "link_sent", "missed"]);
    let r = d.p.api().get(&format!("/api/join/{link}"), None).await.unwrap();
    assert_eq!((r.status, r.code()), (410, "link_expired"));
    let r = d.p.api().get("/api/schedules?state=missed", Some(&d.admin)).await.unwrap();
    assert_eq!(r.body["total"], 1);
    let r = d.p.api().get("/api/schedules/reminders", Some(&d.agent)).await.unwrap();
    assert_eq!(r.body["total"], 0, "a missed call is no longer coming up");
}

//! The role matrix of docs/roles.md: each endpoint, called as each role, on
//! an interaction (or user, team) of the caller's own team and of another
//! team, answers the status the table promises.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::Cursor;

use serde_json::{Value, json};
use vc_testkit::fakes::FakeSmsc;
use vc_testkit::{Api, Platform};

/// Who calls.
#[derive(Debug, Clone, Copy)]
enum Who {
    Admin,
    /// Oversees team A.
    Supervisor,
    /// In team A.
    Agent,
    /// The client of A's interaction.
    Client,
    Nobody,
}

struct World {
    p: Platform,
    /// SMS, so calls can be booked.
    _smsc: FakeSmsc,
    admin: String,
    supervisor: String,
    agent: String,
    client: String,
    /// Agent 1 (team A), agent 2 (team B).
    agent1_id: String,
    agent2_id: String,
    agent2: String,
    team_a: String,
    team_b: String,
    /// An interaction of agent 1 (team A) and of agent 2 (team B).
    ia: String,
    ib: String,
}

impl World {
    fn token(&self, who: Who) -> Option<&str> {
        match who {
            Who::Admin => Some(&self.admin),
            Who::Supervisor => Some(&self.supervisor),
            Who::Agent => Some(&self.agent),
            Who::Client => Some(&self.client),
            Who::Nobody => None,
        }
    }

    fn api(&self) -> &Api {
        self.p.api()
    }

    async fn call(&self, who: Who, method: &str, path: &str, body: &Value) -> u16 {
        let t = self.token(who);
        let api = self.api();
        let r = match method {
            "GET" => api.get(path, t).await,
            "POST" => api.post(path, t, body).await,
            "PUT" => api.put(path, t, body).await,
            "PATCH" => api.patch(path, t, body).await,
            "DELETE" => api.delete(path, t).await,
            _ => unreachable!(),
        };
        r.unwrap().status
    }
}

async fn world() -> World {
    let smsc = FakeSmsc::start("vc", "sms-secret").await;
    let url = smsc.url();
    let p = Platform::start(&[
        ("VC_MSG__SMS__API_URL", url.as_str()),
        ("VC_MSG__SMS__LOGIN", "vc"),
        ("VC_MSG__SMS__PASSWORD", "sms-secret"),
    ])
    .await;
    let api = p.api();
    let admin = p.admin_token().await;
    let agent1_id = p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let agent2_id = p.create_user(&admin, "agent2", "agent-pass-2", "agent").await;
    let sup_id = p.create_user(&admin, "super1", "super-pass-1", "supervisor").await;
    let team_a = api.team(&admin, "Team A", &[&agent1_id], &[&sup_id]).await;
    let team_b = api.team(&admin, "Team B", &[&agent2_id], &[]).await;
    let agent = api.tokens("agent1", "agent-pass-1").await.0;
    let agent2 = api.tokens("agent2", "agent-pass-2").await.0;
    let supervisor = api.tokens("super1", "super-pass-1").await.0;
    let (ia, client) = p.joined_call(&agent, &json!({"video_mode": "two_way"})).await;
    let (ib, _) = p.joined_call(&agent2, &json!({"video_mode": "two_way"})).await;
    World {
        p,
        _smsc: smsc,
        admin,
        supervisor,
        agent,
        client,
        agent1_id,
        agent2_id,
        agent2,
        team_a,
        team_b,
        ia,
        ib,
    }
}

fn png() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(8, 8, image::Rgba([1, 2, 3, 255]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// The interaction ids `who` sees in its list.
async fn listed(w: &World, who: Who) -> Vec<String> {
    let r = w.api().get("/api/interactions", w.token(who)).await.unwrap();
    let mut ids: Vec<String> =
        r.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn every_endpoint_answers_each_role_as_the_table_says() {
    let w = world().await;
    let mut failures = Vec::new();
    let mut check = |what: String, got: u16, want: u16| {
        if got != want {
            failures.push(format!("{what}: got {got}, want {want}"));
        }
    };
    use Who::*;

    // Interactions: own team (ia) and another team (ib).
    let per_interaction: [(&str, &str, Value); 5] = [
        ("GET", "", json!(null)),
        ("GET", "/messages", json!(null)),
        ("GET", "/files", json!(null)),
        ("GET", "/link-opens", json!(null)),
        ("PATCH", "", json!({"custom_fields": {}})),
    ];
    for (method, suffix, body) in &per_interaction {
        for (who, own, other) in
            [(Admin, 200, 200), (Supervisor, 200, 403), (Agent, 200, 403), (Nobody, 401, 401)]
        {
            for (id, want) in [(&w.ia, own), (&w.ib, other)] {
                let path = format!("/api/interactions/{id}{suffix}");
                let got = w.call(who, method, &path, body).await;
                check(format!("{who:?} {method} {path}"), got, want);
            }
        }
    }
    // The client: its own interaction only; never staff endpoints.
    let own = format!("/api/interactions/{}/messages", w.ia);
    check("client own messages".into(), w.call(Client, "GET", &own, &json!(null)).await, 200);
    let other = format!("/api/interactions/{}/messages", w.ib);
    check("client other messages".into(), w.call(Client, "GET", &other, &json!(null)).await, 403);
    let path = format!("/api/interactions/{}", w.ia);
    check("client staff view".into(), w.call(Client, "GET", &path, &json!(null)).await, 401);
    let own = format!("/api/interactions/{}/files", w.ia);
    check("client own files".into(), w.call(Client, "GET", &own, &json!(null)).await, 200);
    let other = format!("/api/interactions/{}/files", w.ib);
    check("client other files".into(), w.call(Client, "GET", &other, &json!(null)).await, 403);

    // Lists are scoped rather than refused.
    let mut both = vec![w.ia.clone(), w.ib.clone()];
    both.sort();
    assert_eq!(listed(&w, Admin).await, both);
    assert_eq!(listed(&w, Supervisor).await, vec![w.ia.clone()]);
    assert_eq!(listed(&w, Agent).await, vec![w.ia.clone()]);
    let path = format!("/api/interactions?team_id={}", w.team_b);
    check("supervisor lists another team".into(), w.call(Supervisor, "GET", &path, &json!(null)).await, 403);
    let r = w.api().get(&format!("/api/interactions?team_id={}", w.team_b), Some(&w.admin)).await.unwrap();
    assert_eq!(r.body["items"][0]["id"], w.ib.as_str());
    // An agent cannot widen its list.
    let r =
        w.api().get(&format!("/api/interactions?agent_id={}", w.agent2_id), Some(&w.agent)).await.unwrap();
    assert_eq!(r.body["total"], 1);
    assert_eq!(r.body["items"][0]["id"], w.ia.as_str());

    // Users and teams.
    let a1 = format!("/api/users/{}", w.agent1_id);
    let a2 = format!("/api/users/{}", w.agent2_id);
    let rows: Vec<(&str, String, Value, [u16; 4])> = vec![
        ("GET", "/api/users".into(), json!(null), [200, 200, 403, 401]),
        ("GET", a1.clone(), json!(null), [200, 200, 200, 401]),
        ("GET", a2.clone(), json!(null), [200, 403, 403, 401]),
        ("PATCH", a2.clone(), json!({"name": "Agent Two"}), [200, 403, 403, 401]),
        ("GET", "/api/teams".into(), json!(null), [200, 200, 200, 401]),
        ("PATCH", format!("/api/teams/{}", w.team_b), json!({"name": "Team B2"}), [200, 403, 403, 401]),
        ("GET", "/api/settings/branding".into(), json!(null), [200, 200, 200, 401]),
        ("GET", "/api/settings/features".into(), json!(null), [200, 200, 200, 401]),
        ("GET", "/api/settings/custom-fields".into(), json!(null), [200, 200, 200, 401]),
        ("GET", "/api/settings/survey".into(), json!(null), [200, 200, 200, 401]),
        ("GET", "/api/storage".into(), json!(null), [200, 403, 403, 401]),
        ("GET", "/api/storage/retention".into(), json!(null), [200, 403, 403, 401]),
        ("GET", "/api/storage/cleanup/log".into(), json!(null), [200, 403, 403, 401]),
        ("POST", "/api/storage/cleanup".into(), json!({"dry_run": true}), [200, 403, 403, 401]),
    ];
    for (method, path, body, [admin, sup, agent, nobody]) in &rows {
        for (who, want) in [(Admin, *admin), (Supervisor, *sup), (Agent, *agent), (Nobody, *nobody)] {
            let got = w.call(who, method, path, body).await;
            check(format!("{who:?} {method} {path}"), got, want);
        }
    }
    // The settings as they are, saved back: admins only.
    for path in [
        "/api/settings/branding",
        "/api/settings/features",
        "/api/settings/custom-fields",
        "/api/settings/survey",
        "/api/storage/retention",
    ] {
        let mut current = w.api().get(path, Some(&w.admin)).await.unwrap().body;
        if let Some(o) = current.as_object_mut() {
            o.remove("next_run"); // an answer-only field
        }
        for (who, want) in [(Supervisor, 403), (Agent, 403), (Client, 401), (Nobody, 401), (Admin, 200)] {
            check(format!("{who:?} PUT {path}"), w.call(who, "PUT", path, &current).await, want);
        }
    }
    for (who, want) in [(Supervisor, 403), (Agent, 403), (Admin, 201)] {
        let r = w
            .api()
            .post_bytes("/api/settings/branding/logo", w.token(who), "image/png", png())
            .await
            .unwrap();
        check(format!("{who:?} POST logo"), r.status, want);
    }
    // Creating users and teams: admins only.
    for (i, (who, want)) in [(Supervisor, 403), (Agent, 403), (Admin, 201)].into_iter().enumerate() {
        let body =
            json!({"login": format!("new{i}"), "password": "new-pass-1234", "role": "agent", "name": "New"});
        check(format!("{who:?} POST /api/users"), w.call(who, "POST", "/api/users", &body).await, want);
        let body = json!({"name": format!("Team {i}")});
        check(format!("{who:?} POST /api/teams"), w.call(who, "POST", "/api/teams", &body).await, want);
    }
    let spare = w.api().post("/api/teams", Some(&w.admin), &json!({"name": "Spare"})).await.unwrap();
    let spare = format!("/api/teams/{}", spare.body["id"].as_str().unwrap());
    for (who, want) in [(Supervisor, 403), (Agent, 403), (Admin, 204)] {
        check(format!("{who:?} DELETE team"), w.call(who, "DELETE", &spare, &json!(null)).await, want);
    }
    // What each sees of users and teams.
    let r = w.api().get("/api/users", Some(&w.supervisor)).await.unwrap();
    let logins: Vec<&str> =
        r.body["items"].as_array().unwrap().iter().map(|u| u["login"].as_str().unwrap()).collect();
    assert!(
        logins.contains(&"agent1") && !logins.contains(&"agent2") && !logins.contains(&"admin"),
        "{logins:?}"
    );
    let r = w.api().get("/api/teams", Some(&w.supervisor)).await.unwrap();
    let names: Vec<&str> =
        r.body["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Team A"]);
    assert_eq!(r.body["items"][0]["agents"], 1);
    assert_eq!(r.body["items"][0]["supervisors"], 1);
    let r = w.api().get("/api/teams", Some(&w.agent2)).await.unwrap();
    assert_eq!(r.body["items"][0]["id"], w.team_b.as_str());
    let _ = &w.team_a;

    // Ending: a fresh call per caller and team.
    for (who, own, other) in [(Supervisor, 200, 403), (Agent, 200, 403), (Admin, 200, 200)] {
        for (token, want) in [(&w.agent, own), (&w.agent2, other)] {
            let r = w
                .api()
                .post("/api/interactions", Some(token), &json!({"video_mode": "two_way"}))
                .await
                .unwrap();
            let path = format!("/api/interactions/{}/end", r.body["id"].as_str().unwrap());
            check(format!("{who:?} POST end"), w.call(who, "POST", &path, &json!({})).await, want);
        }
    }

    // Scheduled calls, booked for tomorrow for agent 1 (team A) or 2 (team B).
    let booking = |agent: Option<&str>| {
        let at = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
        let mut b = json!({"client_phone": "+79123456789", "at": at, "send_via": "sms", "time_zone": "Europe/Moscow"});
        if let Some(a) = agent {
            b["agent_id"] = json!(a);
        }
        b
    };
    let (a1, a2) = (w.agent1_id.as_str(), w.agent2_id.as_str());
    for (who, for_a1, for_a2) in
        [(Admin, 201, 201), (Supervisor, 201, 403), (Agent, 201, 403), (Nobody, 401, 401)]
    {
        for (agent, want) in [(a1, for_a1), (a2, for_a2)] {
            let got = w.call(who, "POST", "/api/schedules", &booking(Some(agent))).await;
            check(format!("{who:?} books for {agent}"), got, want);
        }
    }
    check(
        "agent books for itself".into(),
        w.call(Agent, "POST", "/api/schedules", &booking(None)).await,
        201,
    );
    for (who, own, other) in [(Admin, 200, 200), (Supervisor, 200, 403), (Agent, 200, 403)] {
        for (agent, want) in [(a1, own), (a2, other)] {
            let r = w.api().post("/api/schedules", Some(&w.admin), &booking(Some(agent))).await.unwrap();
            let id = r.body["id"].as_str().unwrap().to_owned();
            let path = format!("/api/schedules/{id}");
            let got = w.call(who, "PATCH", &path, &json!({"lead_minutes": 30})).await;
            check(format!("{who:?} reschedules {agent}'s"), got, want);
            let got = w.call(who, "POST", &format!("{path}/cancel"), &json!({"notify": false})).await;
            check(format!("{who:?} cancels {agent}'s"), got, want);
        }
    }
    for (who, want) in [(Admin, 200), (Supervisor, 200), (Agent, 200), (Client, 401), (Nobody, 401)] {
        check(
            format!("{who:?} lists bookings"),
            w.call(who, "GET", "/api/schedules", &json!(null)).await,
            want,
        );
        let got = w.call(who, "GET", "/api/schedules/reminders", &json!(null)).await;
        check(format!("{who:?} reminders"), got, want);
    }
    // An agent may not hand its call to someone else.
    let r = w.api().post("/api/schedules", Some(&w.agent), &booking(None)).await.unwrap();
    let path = format!("/api/schedules/{}", r.body["id"].as_str().unwrap());
    check("agent reassigns".into(), w.call(Agent, "PATCH", &path, &json!({"agent_id": a2})).await, 403);
    let r = w.api().get("/api/schedules?limit=500", Some(&w.supervisor)).await.unwrap();
    let agents: Vec<&str> =
        r.body["items"].as_array().unwrap().iter().map(|i| i["agent_id"].as_str().unwrap()).collect();
    assert!(
        !agents.is_empty() && agents.iter().all(|a| *a == a1),
        "a supervisor lists its team's bookings: {agents:?}"
    );

    assert!(failures.is_empty(), "role matrix mismatches:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn a_supervisor_sees_a_new_team_after_its_next_refresh() {
    let p = Platform::start(&[]).await;
    let api = p.api();
    let admin = p.admin_token().await;
    let agent_id = p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let sup_id = p.create_user(&admin, "super1", "super-pass-1", "supervisor").await;
    let team = api.team(&admin, "North", &[&agent_id], &[]).await;
    let agent = api.tokens("agent1", "agent-pass-1").await.0;
    let (id, _) = p.joined_call(&agent, &json!({"video_mode": "two_way"})).await;
    let (sup, refresh) = api.tokens("super1", "super-pass-1").await;
    let path = format!("/api/interactions/{id}");
    assert_eq!(api.get(&path, Some(&sup)).await.unwrap().status, 403);

    let r = api
        .patch(&format!("/api/users/{sup_id}"), Some(&admin), &json!({"supervises": [team]}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["supervises"], json!([team]));
    // The old token no longer works; the refreshed one carries the team.
    let mut revoked = false;
    for _ in 0..50 {
        if api.get(&path, Some(&sup)).await.unwrap().code() == "token_revoked" {
            revoked = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(revoked, "the supervisor's old token should be revoked");
    let r = api.post("/api/auth/refresh", None, &json!({"refresh_token": refresh})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    let fresh = r.body["access_token"].as_str().unwrap();
    assert_eq!(api.get(&path, Some(fresh)).await.unwrap().status, 200);

    // Bad memberships are refused with clear errors.
    let r =
        api.patch(&format!("/api/users/{sup_id}"), Some(&admin), &json!({"team_id": team})).await.unwrap();
    assert_eq!(r.status, 422, "a supervisor is not in a team: {:?}", r.body);
    let r = api
        .patch(
            &format!("/api/users/{agent_id}"),
            Some(&admin),
            &json!({"team_id": uuid::Uuid::new_v4().to_string()}),
        )
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (404, "team_not_found"));
    let r = api.post("/api/teams", Some(&admin), &json!({"name": "north"})).await.unwrap();
    assert_eq!(r.status, 422, "names are unique ignoring case: {:?}", r.body);
    // Taking the agent out of its team: its next calls have no team.
    let r =
        api.patch(&format!("/api/users/{agent_id}"), Some(&admin), &json!({"team_id": null})).await.unwrap();
    assert_eq!(r.body["team_id"], Value::Null);
}

#[tokio::test]
async fn the_admin_endpoints_are_in_the_openapi_document() {
    let p = Platform::start(&[]).await;
    let r = p.api().get("/api/openapi.json", None).await.unwrap();
    let paths = &r.body["paths"];
    for (path, methods) in [
        ("/api/teams", &["get", "post"][..]),
        ("/api/teams/{id}", &["patch", "delete"]),
        ("/api/settings/branding", &["get", "put"]),
        ("/api/settings/branding/logo", &["post"]),
        ("/api/branding/logo/{id}", &["get"]),
        ("/api/settings/features", &["get", "put"]),
        ("/api/settings/custom-fields", &["get", "put"]),
        ("/api/settings/survey", &["get", "put"]),
        ("/api/interactions/{id}/survey", &["post"]),
        ("/api/schedules", &["get", "post"]),
        ("/api/schedules/{id}", &["patch"]),
        ("/api/schedules/{id}/cancel", &["post"]),
        ("/api/schedules/reminders", &["get"]),
        ("/api/storage", &["get"]),
        ("/api/storage/retention", &["get", "put"]),
        ("/api/storage/cleanup", &["post"]),
        ("/api/storage/cleanup/log", &["get"]),
    ] {
        for method in methods {
            assert!(paths[path][method].is_object(), "{method} {path} missing from the OpenAPI document");
        }
    }
}

//! vc-auth through the all-in-one, as the frontends and integrations use it:
//! sign-in, tokens, roles, throttling, user management and revocation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use vc_testkit::{Api, Platform};

const AGENT_PW: &str = "agent-pass-123";

async fn with_agent(p: &Platform) -> (String, String, String) {
    let admin = p.admin_token().await;
    let id = p.create_user(&admin, "agent1", AGENT_PW, "agent").await;
    let (access, refresh) = p.api().tokens("agent1", AGENT_PW).await;
    (id, access, refresh)
}

/// Polls `GET path` with `token` until it answers `status`; returns how long it took.
async fn until_status(api: &Api, path: &str, token: &str, status: u16, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let r = api.get(path, Some(token)).await.unwrap();
        if r.status == status {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "{path} still {} after {within:?}: {:?}", r.status, r.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn sign_in_then_me() {
    let p = Platform::start(&[]).await;
    let r = p.api().login("admin", Platform::ADMIN_PASSWORD).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 900);
    assert_eq!(r.body["user"]["login"], "admin");
    assert_eq!(r.body["user"]["role"], "admin");
    assert_eq!(r.header("cache-control"), Some("no-store"), "tokens are never cached");
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    // Logins are case-insensitive.
    assert_eq!(p.api().login("  ADMIN ", Platform::ADMIN_PASSWORD).await.status, 200);

    let token = r.body["access_token"].as_str().unwrap();
    let me = p.api().get("/api/auth/me", Some(token)).await.unwrap();
    assert_eq!(me.status, 200);
    assert_eq!(me.body["login"], "admin");
    assert_eq!(me.body["disabled"], false);
    assert!(me.body.get("password_hash").is_none(), "never expose the hash");

    let wrong = p.api().login("admin", "not-the-password").await;
    assert_eq!((wrong.status, wrong.code()), (401, "invalid_credentials"));
    let unknown = p.api().login("nobody", "whatever-123").await;
    assert_eq!((unknown.status, unknown.code()), (401, "invalid_credentials"));
    assert_eq!(unknown.body["message"], wrong.body["message"], "no hint whether the login exists");
}

#[tokio::test]
async fn bad_tokens_are_refused() {
    let p = Platform::start(&[]).await;
    let token = p.admin_token().await;
    let api = p.api();

    let none = api.get("/api/auth/me", None).await.unwrap();
    assert_eq!((none.status, none.code()), (401, "unauthorized"));
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));

    let garbage = api.get("/api/auth/me", Some("not.a.jwt")).await.unwrap();
    assert_eq!((garbage.status, garbage.code()), (401, "invalid_token"));

    // Promote oneself in the payload, keep the signature.
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["login"] = json!("mallory");
    let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(claims.to_string()), parts[2]);
    let r = api.get("/api/auth/me", Some(&forged)).await.unwrap();
    assert_eq!((r.status, r.code()), (401, "invalid_token"));

    // Unsigned ("alg": "none").
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{header}.{}.", parts[1]);
    let r = api.get("/api/auth/me", Some(&unsigned)).await.unwrap();
    assert_eq!((r.status, r.code()), (401, "invalid_token"));

    // A valid token of another installation (another signing key).
    let other = Platform::start(&[]).await;
    let foreign = other.admin_token().await;
    let r = api.get("/api/auth/me", Some(&foreign)).await.unwrap();
    assert_eq!((r.status, r.code()), (401, "invalid_token"));

    // The token is only accepted as a bearer token.
    let basic = api.get_with_authorization("/api/auth/me", &format!("Basic {token}")).await.unwrap();
    assert_eq!((basic.status, basic.code()), (401, "unauthorized"));
    let lower = api.get_with_authorization("/api/auth/me", &format!("bearer {token}")).await.unwrap();
    assert_eq!(lower.status, 200, "the scheme is case-insensitive");
}

#[tokio::test]
async fn expired_token_says_so_and_refresh_still_works() {
    let p = Platform::start(&[("VC_AUTH__ACCESS_TTL_SECS", "1"), ("VC_TOKENS__LEEWAY_SECS", "0")]).await;
    let (access, refresh) = p.api().tokens("admin", Platform::ADMIN_PASSWORD).await;
    assert_eq!(p.api().get("/api/auth/me", Some(&access)).await.unwrap().status, 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = p.api().get("/api/auth/me", Some(&access)).await.unwrap();
    assert_eq!((r.status, r.code()), (401, "token_expired"));
    let r = p.api().post("/api/auth/refresh", None, &json!({"refresh_token": refresh})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    let fresh = r.body["access_token"].as_str().unwrap();
    assert_eq!(p.api().get("/api/auth/me", Some(fresh)).await.unwrap().status, 200);
}

#[tokio::test]
async fn roles_limit_what_a_user_can_do() {
    let p = Platform::start(&[]).await;
    let admin = p.admin_token().await;
    let agent_id = p.create_user(&admin, "agent1", AGENT_PW, "agent").await;
    let sup_id = p.create_user(&admin, "super1", "super-pass-123", "supervisor").await;
    let (agent, _) = p.api().tokens("agent1", AGENT_PW).await;
    let (sup, _) = p.api().tokens("super1", "super-pass-123").await;
    let api = p.api();
    let new_user = json!({"login": "x-user", "password": "x-pass-12345", "role": "admin", "name": "X"});

    // Agents do not list users; a supervisor sees agents only (here: the
    // one outside every team; docs/roles.md).
    let r = api.get("/api/users", Some(&agent)).await.unwrap();
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let r = api.get("/api/users", Some(&sup)).await.unwrap();
    assert_eq!(r.status, 200);
    let logins: Vec<&str> =
        r.body["items"].as_array().unwrap().iter().map(|u| u["login"].as_str().unwrap()).collect();
    assert_eq!(logins, vec!["agent1"]);
    for token in [&agent, &sup] {
        let r = api.post("/api/users", Some(token), &new_user).await.unwrap();
        assert_eq!((r.status, r.code()), (403, "forbidden"));
        let r = api
            .patch(&format!("/api/users/{agent_id}"), Some(token), &json!({"role": "admin"}))
            .await
            .unwrap();
        assert_eq!((r.status, r.code()), (403, "forbidden"));
    }
    // A user may read itself, not others.
    assert_eq!(api.get(&format!("/api/users/{agent_id}"), Some(&agent)).await.unwrap().status, 200);
    assert_eq!(api.get(&format!("/api/users/{sup_id}"), Some(&agent)).await.unwrap().status, 403);
    // Nothing was created by the refused calls.
    let list = api.get("/api/users", Some(&admin)).await.unwrap();
    assert_eq!(list.status, 200);
    assert_eq!(list.body["total"], 3);
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_login() {
    let p = Platform::start(&[("VC_AUTH__THROTTLE__MAX_FAILURES_PER_LOGIN", "3")]).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", AGENT_PW, "agent").await;
    let api = p.api();

    // A success in between starts the login's count afresh.
    for _ in 0..2 {
        assert_eq!(api.login("agent1", "wrong-password").await.status, 401);
    }
    assert_eq!(api.login("agent1", AGENT_PW).await.status, 200);
    for _ in 0..3 {
        assert_eq!(api.login("agent1", "wrong-password").await.status, 401);
    }
    // Locked now, even with the right password.
    let r = api.login("agent1", AGENT_PW).await;
    assert_eq!((r.status, r.code()), (429, "too_many_attempts"));
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    // Other logins are not affected.
    assert_eq!(api.login("admin", Platform::ADMIN_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_address() {
    let p = Platform::start(&[
        ("VC_AUTH__THROTTLE__MAX_FAILURES_PER_LOGIN", "100"),
        ("VC_AUTH__THROTTLE__MAX_FAILURES_PER_IP", "4"),
    ])
    .await;
    let api = p.api();
    for i in 0..4 {
        assert_eq!(api.login(&format!("guess{i}"), "password-1").await.status, 401);
    }
    let r = api.login("admin", Platform::ADMIN_PASSWORD).await;
    assert_eq!((r.status, r.code()), (429, "too_many_attempts"));
    assert!(r.header("retry-after").is_some());
}

#[tokio::test]
async fn duplicate_login_is_a_conflict() {
    let p = Platform::start(&[]).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "Agent.One", AGENT_PW, "agent").await;
    let r = p
        .api()
        .post(
            "/api/users",
            Some(&admin),
            &json!({"login": "agent.one", "password": AGENT_PW, "role": "agent", "name": "B"}),
        )
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (409, "login_taken"));
}

#[tokio::test]
async fn bad_input_gets_a_clear_error() {
    let p = Platform::start(&[]).await;
    let admin = p.admin_token().await;
    let api = p.api();
    let create = |body: Value| {
        let admin = admin.clone();
        async move { api.post("/api/users", Some(&admin), &body).await.unwrap() }
    };
    let r = create(json!({"login": "agent2", "password": "short", "role": "agent", "name": "A"})).await;
    assert_eq!((r.status, r.code()), (422, "weak_password"));
    let r = create(json!({"login": "a b", "password": AGENT_PW, "role": "agent", "name": "A"})).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    assert!(r.body["message"].as_str().unwrap().contains("login"));
    let r = create(json!({"login": "agent2", "password": AGENT_PW, "role": "agent", "name": "  "})).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    let r = create(json!({"login": "agent2", "password": AGENT_PW, "role": "boss", "name": "A"})).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = create(json!({"login": "agent2", "password": AGENT_PW, "name": "A"})).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    assert!(r.body["message"].as_str().unwrap().contains("role"), "{:?}", r.body);
    let r =
        create(json!({"login": "agent2", "password": AGENT_PW, "role": "agent", "name": "A", "admin": true}))
            .await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api.post_raw("/api/auth/login", "{not json").await.unwrap();
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let huge = json!({"login": "x".repeat(100_000), "password": "y"});
    let r = api.post("/api/auth/login", None, &huge).await.unwrap();
    assert_eq!((r.status, r.code()), (413, "payload_too_large"));
    let r = api.get("/api/users/not-a-uuid", Some(&admin)).await.unwrap();
    assert_eq!((r.status, r.code()), (404, "not_found"));
    let r = api.get(&format!("/api/users/{}", uuid::Uuid::new_v4()), Some(&admin)).await.unwrap();
    assert_eq!((r.status, r.code()), (404, "user_not_found"));
    let r = api.get("/api/nothing-here", None).await.unwrap();
    assert_eq!((r.status, r.code()), (404, "not_found"));
    // None of the refused calls created anything.
    let list = api.get("/api/users", Some(&admin)).await.unwrap();
    assert_eq!(list.body["total"], 1);
}

#[tokio::test]
async fn a_disabled_user_loses_access_within_five_seconds() {
    let p = Platform::start(&[]).await;
    let (id, access, refresh) = with_agent(&p).await;
    let admin = p.admin_token().await;
    let own = format!("/api/users/{id}");
    assert_eq!(p.api().get(&own, Some(&access)).await.unwrap().status, 200);

    let r = p.api().patch(&own, Some(&admin), &json!({"disabled": true})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["disabled"], true);
    // `GET /api/users/{id}` trusts the token alone (no database look-up of the
    // account): only the revocation over the bus can stop it.
    let took = until_status(p.api(), &own, &access, 401, Duration::from_secs(5)).await;
    assert!(took < Duration::from_secs(5));
    let r = p.api().get(&own, Some(&access)).await.unwrap();
    assert_eq!(r.code(), "token_revoked");
    assert_eq!(p.api().get("/api/auth/me", Some(&access)).await.unwrap().status, 401);

    let r = p.api().login("agent1", AGENT_PW).await;
    assert_eq!((r.status, r.code()), (403, "user_disabled"));
    let r = p.api().post("/api/auth/refresh", None, &json!({"refresh_token": refresh})).await.unwrap();
    assert_eq!((r.status, r.code()), (401, "refresh_token_invalid"));

    // Enabled again: a fresh sign-in works; the old token stays dead.
    let r = p.api().patch(&own, Some(&admin), &json!({"disabled": false})).await.unwrap();
    assert_eq!(r.status, 200);
    let (fresh, _) = p.api().tokens("agent1", AGENT_PW).await;
    assert_eq!(p.api().get(&own, Some(&fresh)).await.unwrap().status, 200);
    assert_eq!(p.api().get(&own, Some(&access)).await.unwrap().status, 401);
}

#[tokio::test]
async fn a_role_change_revokes_tokens_and_refresh_carries_the_new_role() {
    let p = Platform::start(&[]).await;
    let (id, access, refresh) = with_agent(&p).await;
    let admin = p.admin_token().await;
    assert_eq!(p.api().get("/api/users", Some(&access)).await.unwrap().status, 403);

    let r =
        p.api().patch(&format!("/api/users/{id}"), Some(&admin), &json!({"role": "admin"})).await.unwrap();
    assert_eq!(r.body["role"], "admin");
    until_status(p.api(), &format!("/api/users/{id}"), &access, 401, Duration::from_secs(5)).await;

    let r = p.api().post("/api/auth/refresh", None, &json!({"refresh_token": refresh})).await.unwrap();
    assert_eq!(r.status, 200, "the session survives a role change: {:?}", r.body);
    assert_eq!(r.body["user"]["role"], "admin");
    let promoted = r.body["access_token"].as_str().unwrap();
    assert_eq!(p.api().get("/api/users", Some(promoted)).await.unwrap().status, 200);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_ends_the_session() {
    let p = Platform::start(&[]).await;
    let (_, _, first) = with_agent(&p).await;
    let api = p.api();
    let refresh = |t: String| async move {
        api.post("/api/auth/refresh", None, &json!({"refresh_token": t})).await.unwrap()
    };

    let r = refresh(first.clone()).await;
    assert_eq!(r.status, 200);
    let second = r.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second, first, "a new refresh token every time");
    let access = r.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(api.get("/api/auth/me", Some(&access)).await.unwrap().status, 200);

    // The first token is presented again: someone copied it.
    let r = refresh(first).await;
    assert_eq!((r.status, r.code()), (401, "refresh_token_reused"));
    // The whole session is over, the legitimate newer token included.
    let r = refresh(second).await;
    assert_eq!((r.status, r.code()), (401, "refresh_token_invalid"));
    let r = refresh("made-up".into()).await;
    assert_eq!((r.status, r.code()), (401, "refresh_token_invalid"));
}

#[tokio::test]
async fn logout_ends_the_session() {
    let p = Platform::start(&[]).await;
    let (_, refresh) = p.api().tokens("admin", Platform::ADMIN_PASSWORD).await;
    let (_, other_session) = p.api().tokens("admin", Platform::ADMIN_PASSWORD).await;
    let r = p.api().post("/api/auth/logout", None, &json!({"refresh_token": refresh})).await.unwrap();
    assert_eq!(r.status, 204);
    let r = p.api().post("/api/auth/refresh", None, &json!({"refresh_token": refresh})).await.unwrap();
    assert_eq!((r.status, r.code()), (401, "refresh_token_invalid"));
    // Other sessions of the same user are untouched.
    let r = p.api().post("/api/auth/refresh", None, &json!({"refresh_token": other_session})).await.unwrap();
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn changing_ones_password_ends_other_sessions() {
    let p = Platform::start(&[]).await;
    let (id, access, refresh) = with_agent(&p).await;
    let api = p.api();
    let change = |current: &str, new: &str| {
        let body = json!({"current_password": current, "new_password": new});
        let access = access.clone();
        async move { api.post("/api/auth/password", Some(&access), &body).await.unwrap() }
    };
    let r = change("wrong-current", "brand-new-pass-1").await;
    assert_eq!((r.status, r.code()), (401, "invalid_credentials"));
    let r = change(AGENT_PW, "short").await;
    assert_eq!((r.status, r.code()), (422, "weak_password"));
    let r = change(AGENT_PW, "brand-new-pass-1").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let fresh = r.body["access_token"].as_str().unwrap().to_owned();

    assert_eq!(api.login("agent1", AGENT_PW).await.status, 401);
    assert_eq!(api.login("agent1", "brand-new-pass-1").await.status, 200);
    until_status(api, &format!("/api/users/{id}"), &access, 401, Duration::from_secs(5)).await;
    assert_eq!(api.get(&format!("/api/users/{id}"), Some(&fresh)).await.unwrap().status, 200);
    let r = api.post("/api/auth/refresh", None, &json!({"refresh_token": refresh})).await.unwrap();
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn an_admin_sets_a_password_and_renames() {
    let p = Platform::start(&[]).await;
    let (id, access, _) = with_agent(&p).await;
    let admin = p.admin_token().await;
    let r = p
        .api()
        .patch(
            &format!("/api/users/{id}"),
            Some(&admin),
            &json!({"password": "set-by-admin-1", "name": " Anna K. "}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.body["name"], "Anna K.");
    assert_eq!(p.api().login("agent1", AGENT_PW).await.status, 401);
    assert_eq!(p.api().login("agent1", "set-by-admin-1").await.status, 200);
    until_status(p.api(), &format!("/api/users/{id}"), &access, 401, Duration::from_secs(5)).await;

    // Renaming alone revokes nothing.
    let (token, _) = p.api().tokens("agent1", "set-by-admin-1").await;
    p.api().patch(&format!("/api/users/{id}"), Some(&admin), &json!({"name": "Anna"})).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(p.api().get(&format!("/api/users/{id}"), Some(&token)).await.unwrap().status, 200);
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_removed() {
    let p = Platform::start(&[]).await;
    let admin = p.admin_token().await;
    let me = p.api().get("/api/auth/me", Some(&admin)).await.unwrap().body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/users/{me}");
    let r = p.api().patch(&path, Some(&admin), &json!({"disabled": true})).await.unwrap();
    assert_eq!((r.status, r.code()), (409, "last_admin"));
    let r = p.api().patch(&path, Some(&admin), &json!({"role": "agent"})).await.unwrap();
    assert_eq!((r.status, r.code()), (409, "last_admin"));

    p.create_user(&admin, "admin2", "admin2-pass-1", "admin").await;
    let r = p.api().patch(&path, Some(&admin), &json!({"role": "supervisor"})).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.body["role"], "supervisor");
}

#[tokio::test]
async fn users_are_listed_with_filters() {
    let p = Platform::start(&[]).await;
    let admin = p.admin_token().await;
    for (login, role) in [("anna", "agent"), ("andrew", "agent"), ("boris", "agent"), ("sam", "supervisor")] {
        p.create_user(&admin, login, "password-123", role).await;
    }
    let api = p.api();
    let list = |q: &str| {
        let admin = admin.clone();
        let q = q.to_owned();
        async move { api.get(&format!("/api/users{q}"), Some(&admin)).await.unwrap().body }
    };
    let logins = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["login"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };

    assert_eq!(list("").await["total"], 5);
    assert_eq!(logins(&list("?role=agent").await), ["andrew", "anna", "boris"]);
    assert_eq!(logins(&list("?q=AN").await), ["andrew", "anna"]);
    let page = list("?role=agent&limit=2&offset=1").await;
    assert_eq!(page["total"], 3);
    assert_eq!(logins(&page), ["anna", "boris"]);
    // A regex in the search is taken literally.
    assert_eq!(list("?q=.*").await["total"], 0);
    let r = api.get("/api/users?role=boss", Some(&admin)).await.unwrap();
    assert_eq!((r.status, r.code()), (400, "bad_request"));
}

#[tokio::test]
async fn every_endpoint_is_in_the_openapi_document() {
    let p = Platform::start(&[]).await;
    let r = p.api().get("/api/openapi.json", None).await.unwrap();
    assert_eq!(r.status, 200);
    assert!(r.body["openapi"].as_str().unwrap().starts_with("3."));
    let paths = &r.body["paths"];
    for (path, method) in [
        ("/api/auth/login", "post"),
        ("/api/auth/refresh", "post"),
        ("/api/auth/logout", "post"),
        ("/api/auth/me", "get"),
        ("/api/auth/password", "post"),
        ("/api/users", "get"),
        ("/api/users", "post"),
        ("/api/users/{id}", "get"),
        ("/api/users/{id}", "patch"),
        ("/healthz", "get"),
        ("/metrics", "get"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path} missing from the OpenAPI document");
    }
    assert_eq!(r.body["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(r.body["components"]["schemas"]["ErrorBody"].is_object());
}

#[tokio::test]
async fn metrics_count_requests_and_sign_ins() {
    let p = Platform::start(&[]).await;
    p.api().login("admin", "wrong-password").await;
    p.admin_token().await;
    let r = p.api().get("/metrics", None).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
    let text = r.body.as_str().unwrap();
    assert!(
        text.contains(r#"vc_http_requests_total{method="POST",route="/api/auth/login",status="401"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"vc_auth_logins_total{result="invalid_credentials"} 1"#));
    assert!(text.contains(r#"vc_auth_logins_total{result="ok"} 1"#));
    assert!(text.contains("vc_http_request_duration_seconds_bucket"));
    assert!(text.contains("vc_bus_connected 1"));
    assert!(text.contains("vc_bus_messages_published_total"));
}

/// Settings that shape indexes (the throttle window is a TTL) can change
/// between starts without breaking the start.
#[tokio::test]
async fn changed_index_settings_do_not_stop_a_restart() {
    let mut p =
        Platform::start(&[("VC_AUTH__THROTTLE__WINDOW_SECS", "900"), ("VC_AUTH__ACCESS_TTL_SECS", "900")])
            .await;
    p.svc.options = p
        .svc
        .options
        .clone()
        .env("VC_AUTH__THROTTLE__WINDOW_SECS", "60")
        .env("VC_AUTH__ACCESS_TTL_SECS", "300");
    p.svc.restart();
    p.svc.wait_healthy(Duration::from_secs(30)).await;
    let r = p.api().login("admin", Platform::ADMIN_PASSWORD).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["expires_in"], 300, "the new settings apply");
}

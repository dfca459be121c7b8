//! The admins' settings as users meet them: branding on the client's next
//! page load, switched-off call functions absent and refused, custom fields
//! checked, stored and searchable, the post-call survey stored once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::Cursor;
use std::time::Duration;

use serde_json::{Value, json};
use vc_testkit::{JsonSocket, Platform};

const WAIT: Duration = Duration::from_secs(10);

struct Desk {
    p: Platform,
    admin: String,
    agent: String,
}

async fn desk() -> Desk {
    let p = Platform::start(&[]).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let agent = p.api().tokens("agent1", "agent-pass-1").await.0;
    Desk { p, admin, agent }
}

impl Desk {
    /// A new interaction: `(id, link token)`.
    async fn create(&self, body: Value) -> (String, String) {
        let r = self.p.api().post("/api/interactions", Some(&self.agent), &body).await.unwrap();
        assert_eq!(r.status, 201, "{:?}", r.body);
        let link = r.body["client_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
        (r.body["id"].as_str().unwrap().to_owned(), link)
    }

    async fn join(&self, link: &str) -> String {
        let r =
            self.p.api().post(&format!("/api/join/{link}"), None, &json!({"consent": true})).await.unwrap();
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body["client_token"].as_str().unwrap().to_owned()
    }

    async fn put(&self, what: &str, body: Value) -> vc_testkit::Reply {
        self.p.api().put(&format!("/api/settings/{what}"), Some(&self.admin), &body).await.unwrap()
    }

    async fn ws(&self, id: &str, token: &str) -> JsonSocket {
        let mut ws = JsonSocket::connect(self.p.api(), &format!("/api/interactions/{id}/ws")).await;
        ws.send(json!({"type": "hello", "token": token})).await;
        let welcome = ws.next(WAIT).await.unwrap();
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        ws
    }
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 60, 255]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn branding(name: &str) -> Value {
    json!({
        "company_name": name,
        "logo_file_id": null,
        "accent_color": "#AA3300",
        "background_color": "#ffffff",
        "consent_text": {"ru": "Согласие «Ромашки»", "en": "Romashka's consent"},
        "redirect_url": "https://example.com/thanks"
    })
}

#[tokio::test]
async fn branding_shows_on_the_next_page_load_without_a_restart() {
    let d = desk().await;
    let api = d.p.api();
    let (_, link) = d.create(json!({"video_mode": "two_way"})).await;
    let before = api.get(&format!("/api/join/{link}"), None).await.unwrap();
    assert_eq!(before.body["branding"]["company_name"], "VideoAssist");

    // Only admins change it; bad values are named.
    let r = api.put("/api/settings/branding", Some(&d.agent), &branding("Romashka")).await.unwrap();
    assert_eq!(r.status, 403, "{:?}", r.body);
    let mut bad = branding("Romashka");
    bad["accent_color"] = json!("orange");
    let r = d.put("branding", bad).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    assert!(r.body["message"].as_str().unwrap().contains("accent_color"), "{:?}", r.body);
    let mut bad = branding("Romashka");
    bad["redirect_url"] = json!("javascript:alert(1)");
    assert_eq!(d.put("branding", bad).await.status, 422);
    let r = d.put("branding", branding("Romashka")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["accent_color"], "#aa3300");

    // A logo: validated, scaled to fit 512 x 256, served as PNG.
    let r = api
        .post_bytes("/api/settings/branding/logo", Some(&d.admin), "text/plain", b"not an image".to_vec())
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (422, "invalid_image"), "{:?}", r.body);
    let r = api
        .post_bytes("/api/settings/branding/logo", Some(&d.agent), "image/png", png(10, 10))
        .await
        .unwrap();
    assert_eq!(r.status, 403);
    let r = api
        .post_bytes("/api/settings/branding/logo", Some(&d.admin), "image/png", png(1600, 400))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!((r.body["width"].as_u64(), r.body["height"].as_u64()), (Some(512), Some(128)));
    let url = r.body["url"].as_str().unwrap().to_owned();
    let (status, ct, bytes) = api.get_bytes(&url).await.unwrap();
    assert_eq!((status, ct.as_str()), (200, "image/png"));
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (512, 128));

    // The same link, loaded again: the new look, at once.
    let after = api.get(&format!("/api/join/{link}"), None).await.unwrap();
    let b = &after.body["branding"];
    assert_eq!(b["company_name"], "Romashka");
    assert_eq!(b["accent_color"], "#aa3300");
    assert_eq!(b["logo_url"], url.as_str());
    assert_eq!(b["redirect_url"], "https://example.com/thanks");
    assert_eq!(after.body["consent_text"]["en"], "Romashka's consent");
    // Staff read it too.
    let r = api.get("/api/settings/branding", Some(&d.agent)).await.unwrap();
    assert_eq!(r.body["company_name"], "Romashka");
    assert_eq!(
        r.body["logo_file_id"],
        after.body["branding"]["logo_url"].as_str().unwrap().rsplit('/').next().unwrap()
    );
}

#[tokio::test]
async fn a_switched_off_function_is_refused() {
    let d = desk().await;
    let api = d.p.api();
    let (old_id, old_link) = d.create(json!({"video_mode": "two_way", "max_quality": "1080p"})).await;
    let off = json!({
        "two_way_video": false, "one_way_video": true, "screen_share": false, "chat": false, "files": false,
        "pointer": false, "screenshots": false, "hd_photo": false, "geolocation": false, "auto_geolocation": true,
        "recording": false, "survey": false, "max_quality": "480p"
    });
    assert_eq!(api.put("/api/settings/features", Some(&d.agent), &off).await.unwrap().status, 403);
    let mut none = off.clone();
    none["one_way_video"] = json!(false);
    assert_eq!(d.put("features", none).await.status, 422);
    let r = d.put("features", off).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["auto_geolocation"], false, "auto needs geolocation");

    // New calls: the mode, quality and recording that are off are refused.
    let r = api.post("/api/interactions", Some(&d.agent), &json!({"video_mode": "two_way"})).await.unwrap();
    assert_eq!((r.status, r.code()), (403, "feature_disabled"), "{:?}", r.body);
    let r = api
        .post("/api/interactions", Some(&d.agent), &json!({"video_mode": "one_way", "max_quality": "720p"}))
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (422, "validation_failed"), "{:?}", r.body);
    let r = api
        .post("/api/interactions", Some(&d.agent), &json!({"video_mode": "one_way", "record": true}))
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (403, "feature_disabled"), "{:?}", r.body);
    let (id, link) = d.create(json!({"video_mode": "one_way"})).await;
    let view = api.get(&format!("/api/interactions/{id}"), Some(&d.agent)).await.unwrap();
    assert_eq!(view.body["features"]["chat"], false);
    assert_eq!(view.body["max_quality"], "480p");
    assert_eq!(view.body["record"], false);
    let info = api.get(&format!("/api/join/{link}"), None).await.unwrap();
    let enabled = &info.body["features"]["enabled"];
    for f in ["chat", "files", "pointer", "screenshots", "hd_photo", "geolocation", "screen_share"] {
        assert_eq!(enabled[f], false, "{f} in {enabled}");
    }
    let r = api
        .patch(&format!("/api/interactions/{id}"), Some(&d.agent), &json!({"video_mode": "two_way"}))
        .await
        .unwrap();
    assert_eq!(r.code(), "feature_disabled");

    // In the call: chat, location, requests and screen sharing are refused.
    let client = d.join(&link).await;
    let mut ws = d.ws(&id, &client).await;
    ws.send(json!({"type": "chat", "client_msg_id": "c1", "text": "hello"})).await;
    let seen = ws.until(WAIT, |v| v["type"] == "chat_error" || v["type"] == "chat_ack").await;
    let last = seen.last().unwrap();
    assert_eq!(
        (last["type"].as_str(), last["code"].as_str()),
        (Some("chat_error"), Some("feature_disabled")),
        "{last}"
    );
    ws.send(json!({"type": "location", "client_msg_id": "l1", "lat": 55.75, "lon": 37.62, "accuracy_m": 10.0, "measured_at_ms": chrono::Utc::now().timestamp_millis()})).await;
    let seen = ws.until(WAIT, |v| v["client_msg_id"] == "l1").await;
    assert_eq!(seen.last().unwrap()["code"], "feature_disabled", "{seen:?}");
    ws.send(json!({"type": "media_state", "audio": true, "video": true, "screen": true})).await;
    let seen = ws.until(WAIT, |v| v["type"] == "error").await;
    assert_eq!(seen.last().unwrap()["code"], "feature_disabled");
    let mut agent_ws = d.ws(&id, &d.agent).await;
    agent_ws.send(json!({"type": "request", "what": "location"})).await;
    let seen = agent_ws.until(WAIT, |v| v["type"] == "error").await;
    assert_eq!(seen.last().unwrap()["code"], "feature_disabled");
    // A file upload is refused by the fileserver too.
    let res = reqwest::Client::new()
        .post(format!("{}/api/interactions/{id}/files", api.base))
        .bearer_auth(&client)
        .header("x-file-name", "a.txt")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "feature_disabled");

    // A call created before the change keeps its functions.
    let old_client = d.join(&old_link).await;
    let mut ws = d.ws(&old_id, &old_client).await;
    ws.send(json!({"type": "chat", "client_msg_id": "c2", "text": "still here"})).await;
    let seen = ws.until(WAIT, |v| v["client_msg_id"] == "c2").await;
    assert_eq!(seen.last().unwrap()["type"], "chat_ack");
}

#[tokio::test]
async fn custom_fields_are_checked_stored_and_searchable() {
    let d = desk().await;
    let api = d.p.api();
    let defs = json!({"fields": [
        {"key": "contract", "label": {"ru": "Договор", "en": "Contract"}, "kind": "text", "required": true},
        {"key": "amount", "label": {"ru": "Сумма", "en": "Amount"}, "kind": "number"},
        {"key": "tier", "label": {"ru": "Тариф", "en": "Tier"}, "kind": "select", "options": ["gold", "basic"]},
        {"key": "due", "label": {"ru": "Срок", "en": "Due"}, "kind": "date"}
    ]});
    let mut bad = defs.clone();
    bad["fields"][2]["options"] = json!([]);
    let r = d.put("custom-fields", bad).await;
    assert_eq!(r.status, 422);
    assert!(r.body["message"].as_str().unwrap().contains("fields[2].options"), "{:?}", r.body);
    assert_eq!(d.put("custom-fields", defs).await.status, 200);
    let r = api.get("/api/settings/custom-fields", Some(&d.agent)).await.unwrap();
    assert_eq!(r.body["fields"].as_array().unwrap().len(), 4);

    let create = |fields: Value| json!({"video_mode": "two_way", "client_phone": "+7 912 345-67-89", "custom_fields": fields});
    let r = api.post("/api/interactions", Some(&d.agent), &create(json!({"amount": 5}))).await.unwrap();
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    assert!(r.body["message"].as_str().unwrap().contains("contract: required"), "{:?}", r.body);
    let r = api
        .post("/api/interactions", Some(&d.agent), &create(json!({"contract": "A-1", "tier": "platinum"})))
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let r = api
        .post("/api/interactions", Some(&d.agent), &create(json!({"contract": "A-1", "due": "31.12.2026"})))
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let (id, _) = d.create(create(json!({"contract": "A-17", "amount": "1250,50", "tier": "gold"}))).await;
    let (other, _) = d.create(create(json!({"contract": "B-2"}))).await;
    let view = api.get(&format!("/api/interactions/{id}"), Some(&d.agent)).await.unwrap();
    assert_eq!(view.body["custom_fields"], json!({"contract": "A-17", "amount": 1250.5, "tier": "gold"}));

    // Filled in during the call: merged; a required one cannot be cleared.
    let r = api
        .patch(
            &format!("/api/interactions/{id}"),
            Some(&d.agent),
            &json!({"custom_fields": {"due": "2027-01-15", "tier": null}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["custom_fields"], json!({"contract": "A-17", "amount": 1250.5, "due": "2027-01-15"}));
    let r = api
        .patch(
            &format!("/api/interactions/{id}"),
            Some(&d.agent),
            &json!({"custom_fields": {"contract": null}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);

    // Searchable by value (any case) and by the client's phone (any format).
    let found =
        api.get("/api/interactions?field_key=contract&field_value=a-17", Some(&d.admin)).await.unwrap();
    let ids: Vec<&str> =
        found.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![id.as_str()]);
    let found =
        api.get("/api/interactions?field_key=due&field_value=2027-01-15", Some(&d.agent)).await.unwrap();
    assert_eq!(found.body["total"], 1);
    let found = api.get("/api/interactions?phone=89123456789", Some(&d.agent)).await.unwrap();
    let mut ids: Vec<&str> =
        found.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    ids.sort();
    let mut want = vec![id.as_str(), other.as_str()];
    want.sort();
    assert_eq!(ids, want);
    let r = api.get("/api/interactions?field_key=contract", Some(&d.agent)).await.unwrap();
    assert_eq!(r.status, 422);
}

#[tokio::test]
async fn the_survey_is_answered_once_after_the_call() {
    let d = desk().await;
    let api = d.p.api();
    let survey = json!({"questions": [
        {"kind": "rating", "text": {"ru": "Оцените звонок", "en": "Rate the call"}, "required": true},
        {"kind": "choice", "text": {"ru": "Вопрос решён?", "en": "Solved?"}, "options": [{"ru": "Да", "en": "Yes"}, {"ru": "Нет", "en": "No"}]},
        {"kind": "text", "text": {"ru": "Что улучшить?", "en": "What could be better?"}}
    ]});
    let r = d.put("survey", survey).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let qids: Vec<String> = r.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(qids.len(), 3);

    // Without the feature there is no survey.
    let (id, link) = d.create(json!({"video_mode": "two_way"})).await;
    let info = api.get(&format!("/api/join/{link}"), None).await.unwrap();
    assert!(info.body["survey"].is_null(), "{:?}", info.body["survey"]);
    let client = d.join(&link).await;
    api.post(&format!("/api/interactions/{id}/end"), Some(&d.agent), &json!({})).await.unwrap();
    let answers = json!({"answers": [{"question_id": qids[0], "rating": 5}]});
    let r = api.post(&format!("/api/interactions/{id}/survey"), Some(&client), &answers).await.unwrap();
    assert_eq!((r.status, r.code()), (403, "feature_disabled"));

    let mut features = api.get("/api/settings/features", Some(&d.admin)).await.unwrap().body;
    features["survey"] = json!(true);
    assert_eq!(d.put("features", features).await.status, 200);
    let (id, link) = d.create(json!({"video_mode": "two_way"})).await;
    let info = api.get(&format!("/api/join/{link}"), None).await.unwrap();
    assert_eq!(info.body["survey"]["questions"].as_array().unwrap().len(), 3);
    let client = d.join(&link).await;
    let path = format!("/api/interactions/{id}/survey");
    let r = api.post(&path, Some(&client), &answers).await.unwrap();
    assert_eq!(r.status, 422, "not before the call is over: {:?}", r.body);
    api.post(&format!("/api/interactions/{id}/end"), Some(&d.agent), &json!({})).await.unwrap();
    // The agent does not answer for the client; a required answer is required.
    assert_eq!(api.post(&path, Some(&d.agent), &answers).await.unwrap().status, 403);
    let partial = json!({"answers": [{"question_id": qids[1], "choice": 0}]});
    assert_eq!(api.post(&path, Some(&client), &partial).await.unwrap().status, 422);
    let full = json!({"answers": [
        {"question_id": qids[0], "rating": 4},
        {"question_id": qids[1], "choice": 1},
        {"question_id": qids[2], "text": "Faster <b>answers</b>"}
    ]});
    let r = api.post(&path, Some(&client), &full).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = api.post(&path, Some(&client), &full).await.unwrap();
    assert_eq!((r.status, r.code()), (409, "already_answered"));

    let view = api.get(&format!("/api/interactions/{id}"), Some(&d.agent)).await.unwrap();
    let a = &view.body["survey"]["answers"];
    assert_eq!(a[0]["rating"], 4);
    assert_eq!(a[0]["question"]["en"], "Rate the call");
    assert_eq!(a[1]["choice"]["ru"], "Нет");
    assert_eq!(a[2]["text"], "Faster <b>answers</b>", "stored as given; pages escape it");
}

//! Storage management through the real platform (vc-fileserver in the
//! all-in-one): usage per storage class and the disk's space, retention
//! settings and their checks, dry and real cleanup runs (files are aged by
//! changing their `created_at` in MongoDB), the log of runs, the scheduled
//! run with its single-runner claim, and that only admins reach any of it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Timelike, Utc};
use mongodb::bson::{self, Document, doc};
use serde_json::{Value, json};
use vc_testkit::{Platform, Reply};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// A platform with a database this test can reach, an admin, an agent in
/// a call with a client, and a supervisor.
struct Site {
    p: Platform,
    db: mongodb::Database,
    admin: String,
    agent: String,
    supervisor: String,
    client: String,
    interaction: String,
}

async fn site() -> Site {
    let db_name = vc_testkit::unique_db();
    let p = Platform::start(&[("VC_MONGO__DATABASE", db_name.as_str())]).await;
    let mongo = mongodb::Client::with_uri_str(vc_testkit::shared_mongo_uri()).await.unwrap();
    let db = mongo.database(&db_name);
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    p.create_user(&admin, "super1", "super-pass-1", "supervisor").await;
    let agent = p.api().tokens("agent1", "agent-pass-1").await.0;
    let supervisor = p.api().tokens("super1", "super-pass-1").await.0;
    let (interaction, client) = p.joined_call(&agent, &json!({"video_mode": "two_way"})).await;
    Site { p, db, admin, agent, supervisor, client, interaction }
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

impl Site {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.p.api().base)
    }

    async fn get(&self, path: &str, token: &str) -> Reply {
        self.p.api().get(path, Some(token)).await.unwrap()
    }

    async fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.p.api().post(path, Some(token), body).await.unwrap()
    }

    async fn put(&self, path: &str, token: &str, body: &Value) -> Reply {
        let res = http().put(self.url(path)).bearer_auth(token).json(body).send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        Reply { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
    }

    /// Uploads `body` as the agent (`kind`: `chat`, `screenshot`, ...); the `FileInfo`.
    async fn upload(&self, name: &str, kind: &str, body: Vec<u8>) -> Value {
        let res = http()
            .post(self.url(&format!("/api/interactions/{}/files?kind={kind}", self.interaction)))
            .bearer_auth(&self.agent)
            .header("x-file-name", name)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let info: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{info}");
        info
    }

    /// The status of downloading a file, as its client.
    async fn download(&self, file: &Value) -> u16 {
        let path = format!("/api/files/{}", file["id"].as_str().unwrap());
        self.get(&path, &self.client).await.status
    }

    /// Makes a file look stored `days` ago.
    async fn age(&self, file: &Value, days: i64) {
        let at = bson::DateTime::from_millis(Utc::now().timestamp_millis() - days * DAY_MS);
        let r = self
            .db
            .collection::<Document>("files")
            .update_one(doc! {"_id": file["id"].as_str().unwrap()}, doc! {"$set": {"created_at": at}})
            .await
            .unwrap();
        assert_eq!(r.matched_count, 1);
    }

    async fn retention(&self, body: Value) -> Reply {
        self.put("/api/storage/retention", &self.admin, &body).await
    }

    async fn cleanup(&self, dry_run: bool) -> Value {
        let r = self.post("/api/storage/cleanup", &self.admin, &json!({"dry_run": dry_run})).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }

    async fn usage(&self) -> Value {
        let r = self.get("/api/storage", &self.admin).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }

    async fn log(&self, query: &str) -> Value {
        let r = self.get(&format!("/api/storage/cleanup/log{query}"), &self.admin).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }

    /// What `file_usage` counts (stored bytes plus reservations).
    async fn counted(&self) -> i64 {
        let d = self.db.collection::<Document>("file_usage").find_one(doc! {"_id": "usage"}).await.unwrap();
        d.unwrap().get_i64("used").unwrap()
    }

    /// Everything on disk for a file: the file and its thumbnails.
    fn on_disk(&self, file: &Value) -> Vec<PathBuf> {
        let id = file["id"].as_str().unwrap();
        files_under(&self.p.data_dir.path().join("files"))
            .into_iter()
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(id))
            .collect()
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 120]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The usage entry of a class: `(files, bytes)`.
fn class(usage: &Value, name: &str) -> (u64, u64) {
    let c = usage["usage"].as_array().unwrap().iter().find(|c| c["class"] == name).unwrap();
    (c["files"].as_u64().unwrap(), c["bytes"].as_u64().unwrap())
}

fn ids(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn id_of(file: &Value) -> String {
    file["id"].as_str().unwrap().to_owned()
}

fn size_of(file: &Value) -> u64 {
    file["size"].as_u64().unwrap()
}

async fn wait_for<T>(what: &str, timeout: Duration, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "{what} did not happen within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn usage_per_class_and_the_disk_are_reported_and_follow_uploads() {
    let s = site().await;
    let before = s.usage().await;
    for name in ["chat_files", "screenshots", "recordings"] {
        assert_eq!(class(&before, name), (0, 0), "{name}: {before}");
    }
    let (total, free) =
        (before["disk_total_bytes"].as_u64().unwrap(), before["disk_free_bytes"].as_u64().unwrap());
    assert!(total > 0 && free > 0 && free <= total, "{before}");
    assert_eq!(before["quota_bytes"], 53_687_091_200_u64);

    let a = s.upload("a.bin", "chat", vec![7; 10_000]).await;
    let b = s.upload("b.txt", "chat", b"hello".to_vec()).await;
    let shot = s.upload("shot.png", "screenshot", png(64, 48)).await;
    let after = s.usage().await;
    assert_eq!(class(&after, "chat_files"), (2, size_of(&a) + size_of(&b)), "{after}");
    assert_eq!(class(&after, "screenshots"), (1, size_of(&shot)), "{after}");
    assert_eq!(class(&after, "recordings"), (0, 0));
    let free_after = after["disk_free_bytes"].as_u64().unwrap();
    assert!(free_after > 0 && free_after <= after["disk_total_bytes"].as_u64().unwrap());
}

#[tokio::test]
async fn retention_settings_are_checked_and_kept() {
    let s = site().await;
    let r = s.get("/api/storage/retention", &s.admin).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["chat_files_days"], Value::Null);
    assert_eq!(r.body["screenshots_days"], Value::Null);
    assert_eq!(r.body["recordings_days"], Value::Null);
    assert_eq!(r.body["schedule"], "0 3 * * *");
    let next: DateTime<Utc> = r.body["next_run"].as_str().unwrap().parse().unwrap();
    assert_eq!((next.hour(), next.minute(), next.second()), (3, 0, 0));
    assert!(next > Utc::now() && next <= Utc::now() + chrono::Duration::days(1));

    let good = json!({"chat_files_days": 30, "screenshots_days": null, "recordings_days": 365, "schedule": "0 3 * * *"});
    for (body, field) in [
        (json!({"schedule": "0 3 * *"}), "schedule"),
        (json!({"schedule": "0 0 3 * * *"}), "schedule"),
        (json!({"schedule": "99 3 * * *"}), "schedule"),
        (json!({"schedule": "every day"}), "schedule"),
        (json!({"schedule": "0 0 30 2 *"}), "schedule"),
        (json!({"chat_files_days": 0}), "chat_files_days"),
        (json!({"screenshots_days": 36_501}), "screenshots_days"),
        (json!({"recordings_days": 0}), "recordings_days"),
    ] {
        let mut b = good.clone();
        for (k, v) in body.as_object().unwrap() {
            b[k] = v.clone();
        }
        let r = s.retention(b.clone()).await;
        assert_eq!((r.status, r.code()), (422, "validation_failed"), "{b}: {:?}", r.body);
        let message = r.body["message"].as_str().unwrap();
        assert!(message.contains(&format!("`{field}`")), "{b}: {message}");
    }
    // Nothing of the refused bodies was kept.
    assert_eq!(s.get("/api/storage/retention", &s.admin).await.body["schedule"], "0 3 * * *");

    let r = s
        .retention(json!({"chat_files_days": 30, "screenshots_days": null, "recordings_days": 36_500, "schedule": "15  4 * * 1"}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["schedule"], "15 4 * * 1");
    let next: DateTime<Utc> = r.body["next_run"].as_str().unwrap().parse().unwrap();
    assert_eq!(next.format("%u %H:%M").to_string(), "1 04:15", "a Monday at 04:15 UTC");
    let got = s.get("/api/storage/retention", &s.admin).await.body;
    assert_eq!(got["chat_files_days"], 30);
    assert_eq!(got["screenshots_days"], Value::Null);
    assert_eq!(got["recordings_days"], 36_500);
    assert_eq!(got["next_run"], r.body["next_run"]);
}

#[tokio::test]
async fn a_dry_run_lists_and_a_run_deletes_exactly_the_files_past_their_time() {
    let s = site().await;
    // An image sent in the chat, 40 days old, with its thumbnail.
    let old_photo = s.upload("old.png", "chat", png(400, 300)).await;
    assert_eq!(old_photo["thumbnail"], true);
    let thumb = format!("/api/files/{}/thumbnail", id_of(&old_photo));
    assert_eq!(s.get(&thumb, &s.client).await.status, 200);
    let old_doc = s.upload("old.txt", "chat", b"forty days".to_vec()).await;
    let recent = s.upload("recent.txt", "chat", b"ten days".to_vec()).await;
    let fresh = s.upload("fresh.txt", "chat", b"today".to_vec()).await;
    let old_shot = s.upload("old-shot.png", "screenshot", png(32, 32)).await;
    s.age(&old_photo, 40).await;
    s.age(&old_doc, 31).await;
    s.age(&recent, 29).await;
    s.age(&old_shot, 40).await;
    assert_eq!(s.on_disk(&old_photo).len(), 2, "the file and its thumbnail");
    let all = [&old_photo, &old_doc, &recent, &fresh, &old_shot];

    // Kept for ever by default: nothing to do.
    let r = s.cleanup(false).await;
    assert_eq!((r["files"].as_u64(), r["bytes"].as_u64()), (Some(0), Some(0)), "{r}");

    let r = s.retention(json!({"chat_files_days": 30, "screenshots_days": null, "recordings_days": null, "schedule": "0 3 * * *"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let expired = {
        let mut v = vec![id_of(&old_photo), id_of(&old_doc)];
        v.sort();
        v
    };
    let expired_bytes = size_of(&old_photo) + size_of(&old_doc);
    let usage_before = s.usage().await;
    let counted_before = s.counted().await;

    let dry = s.cleanup(true).await;
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["trigger"], "manual");
    assert_eq!(ids(&dry), expired, "{dry}");
    assert_eq!((dry["files"].as_u64(), dry["bytes"].as_u64()), (Some(2), Some(expired_bytes)));
    let item = dry["items"].as_array().unwrap().iter().find(|i| i["file_id"] == old_photo["id"]).unwrap();
    assert_eq!(item["class"], "chat_files");
    assert_eq!(item["name"], "old.png");
    assert_eq!(item["interaction_id"], s.interaction.as_str());
    for f in all {
        assert_eq!(s.download(f).await, 200, "a dry run deletes nothing: {f}");
    }
    assert_eq!(s.usage().await["usage"], usage_before["usage"]);
    assert_eq!(s.counted().await, counted_before);

    let run = s.cleanup(false).await;
    assert_eq!(run["dry_run"], false);
    assert_eq!(ids(&run), expired, "{run}");
    assert_eq!((run["files"].as_u64(), run["bytes"].as_u64()), (Some(2), Some(expired_bytes)));
    for f in [&old_photo, &old_doc] {
        // Gone, and the answer says why (not a bare "not found").
        assert_eq!(s.download(f).await, 410, "deleted: {f}");
        assert!(s.on_disk(f).is_empty(), "left on disk: {:?}", s.on_disk(f));
    }
    let gone = s.get(&format!("/api/files/{}", id_of(&old_doc)), &s.agent).await;
    assert_eq!((gone.status, gone.code()), (410, "file_deleted"), "{:?}", gone.body);
    let today = Utc::now().format("%Y-%m-%d").to_string();
    assert!(gone.body["message"].as_str().unwrap().contains(&today), "says when: {:?}", gone.body);
    assert_eq!(s.get(&thumb, &s.client).await.status, 410);
    // Only to those who could read it: another interaction's client learns nothing.
    let other_client = s.p.joined_call(&s.agent, &json!({"video_mode": "two_way"})).await.1;
    let foreign = s.get(&format!("/api/files/{}", id_of(&old_doc)), &other_client).await.status;
    assert_eq!(foreign, 403);
    // An id that never existed is still 404.
    let never = s.get("/api/files/01a1fdf1-0000-7000-8000-000000000000", &s.admin).await;
    assert_eq!((never.status, never.code()), (404, "file_not_found"));
    for f in [&recent, &fresh, &old_shot] {
        assert_eq!(s.download(f).await, 200, "kept: {f}");
    }
    let listed = s.get(&format!("/api/interactions/{}/files", s.interaction), &s.agent).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 3, "{:?}", listed.body);
    let (files, bytes) = class(&usage_before, "chat_files");
    assert_eq!(class(&s.usage().await, "chat_files"), (files - 2, bytes - expired_bytes));
    assert_eq!(class(&s.usage().await, "screenshots"), class(&usage_before, "screenshots"));
    assert_eq!(s.counted().await, counted_before - expired_bytes as i64, "the quota got the bytes back");

    // Nothing more is due; screenshots go once they have a policy too.
    assert_eq!(s.cleanup(false).await["files"], 0);
    let r = s.retention(json!({"chat_files_days": 30, "screenshots_days": 30, "recordings_days": null, "schedule": "0 3 * * *"})).await;
    assert_eq!(r.status, 200);
    let shots = s.cleanup(false).await;
    assert_eq!(ids(&shots), vec![id_of(&old_shot)]);
    assert_eq!(shots["items"][0]["class"], "screenshots");
    assert_eq!(s.download(&old_shot).await, 410);
    assert_eq!(s.download(&recent).await, 200);

    // The log: newest first, dry runs too, paged.
    let log = s.log("").await;
    assert_eq!(log["total"], 5, "{log}");
    let runs = log["items"].as_array().unwrap();
    let dry_flags: Vec<bool> = runs.iter().map(|r| r["dry_run"].as_bool().unwrap()).collect();
    assert_eq!(dry_flags, [false, false, false, true, false]);
    assert_eq!(runs[0]["id"], shots["id"]);
    assert_eq!(runs[2], run, "the log keeps the run's report");
    assert_eq!(ids(&runs[2]), expired);
    assert!(runs.iter().all(|r| r["trigger"] == "manual"));
    let page = s.log("?limit=2&offset=2").await;
    assert_eq!(page["total"], 5);
    let page_ids: Vec<&Value> = page["items"].as_array().unwrap().iter().map(|r| &r["id"]).collect();
    assert_eq!(page_ids, [&run["id"], &dry["id"]]);
    for bad in ["?limit=0", "?limit=201"] {
        let r = s.get(&format!("/api/storage/cleanup/log{bad}"), &s.admin).await;
        assert_eq!((r.status, r.code()), (422, "validation_failed"), "{bad}");
    }
}

#[tokio::test]
async fn the_schedule_runs_the_cleanup_by_itself_once_per_slot() {
    let s = site().await;
    let old = s.upload("old.txt", "chat", b"three days".to_vec()).await;
    let young = s.upload("young.txt", "chat", b"today".to_vec()).await;
    s.age(&old, 3).await;

    // Leave at least 10 s before the next minute, and claim that minute's
    // slot as another instance would: this one must leave it alone and run
    // the slot after.
    if Utc::now().second() >= 50 {
        tokio::time::sleep(Duration::from_secs(11)).await;
    }
    let now = Utc::now();
    let taken = now.with_second(0).unwrap().with_nanosecond(0).unwrap() + chrono::Duration::minutes(1);
    s.db.collection::<Document>("file_cleanup_slots")
        .insert_one(doc! {
            "_id": taken.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "slot": bson::DateTime::from_millis(taken.timestamp_millis()),
            "claimed_at": bson::DateTime::now(),
            "instance": "another-instance",
        })
        .await
        .unwrap();
    let r = s.retention(json!({"chat_files_days": 1, "screenshots_days": null, "recordings_days": null, "schedule": "* * * * *"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["next_run"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap(), taken);

    let run = wait_for("a scheduled run", Duration::from_secs(140), async || {
        let log = s.log("").await;
        log["items"].as_array().unwrap().iter().find(|r| r["trigger"] == "schedule").cloned()
    })
    .await;
    let started: DateTime<Utc> = run["started_at"].as_str().unwrap().parse().unwrap();
    assert!(
        started >= taken + chrono::Duration::minutes(1),
        "ran in the slot another instance claimed: {run}"
    );
    assert_eq!(run["dry_run"], false);
    assert_eq!(ids(&run), vec![id_of(&old)]);
    assert_eq!(s.download(&old).await, 410);
    assert_eq!(s.download(&young).await, 200);
    // The slot it ran is claimed by this instance, once.
    let slot = started.with_second(0).unwrap().with_nanosecond(0).unwrap();
    let mut claims: Vec<Document> = Vec::new();
    let mut cursor = s.db.collection::<Document>("file_cleanup_slots").find(doc! {}).await.unwrap();
    while cursor.advance().await.unwrap() {
        claims.push(cursor.deserialize_current().unwrap());
    }
    let ids_claimed: Vec<&str> = claims.iter().map(|d| d.get_str("_id").unwrap()).collect();
    assert!(
        ids_claimed.contains(&slot.to_rfc3339_opts(chrono::SecondsFormat::Secs, true).as_str()),
        "{ids_claimed:?}"
    );
    assert!(
        !claims.iter().any(|d| d.get_str("instance").unwrap() != "another-instance"
            && d.get_str("_id").unwrap() == taken.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        "{claims:?}"
    );
}

#[tokio::test]
async fn only_admins_reach_storage_management() {
    let s = site().await;
    let calls: [(&str, &str, Option<Value>); 5] = [
        ("GET", "/api/storage", None),
        ("GET", "/api/storage/retention", None),
        (
            "PUT",
            "/api/storage/retention",
            Some(
                json!({"chat_files_days": 1, "screenshots_days": 1, "recordings_days": 1, "schedule": "* * * * *"}),
            ),
        ),
        ("POST", "/api/storage/cleanup", Some(json!({"dry_run": false}))),
        ("GET", "/api/storage/cleanup/log", None),
    ];
    let f = s.upload("kept.txt", "chat", b"kept".to_vec()).await;
    s.age(&f, 5).await;
    for (token, who) in [
        (&s.supervisor, "supervisor"),
        (&s.agent, "agent"),
        (&s.client, "client"),
        (&String::new(), "nobody"),
    ] {
        for (method, path, body) in &calls {
            let mut req = http().request(method.parse().unwrap(), s.url(path));
            if !token.is_empty() {
                req = req.bearer_auth(token);
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            let expected = if matches!(who, "supervisor" | "agent") { 403 } else { 401 };
            assert_eq!(status, expected, "{who} {method} {path}: {body}");
            if expected == 403 {
                assert_eq!(body["code"], "forbidden", "{who} {method} {path}");
            }
        }
    }
    // None of it happened.
    let settings = s.get("/api/storage/retention", &s.admin).await.body;
    assert_eq!(settings["chat_files_days"], Value::Null);
    assert_eq!(s.log("").await["total"], 0);
    assert_eq!(s.download(&f).await, 200);

    // All of it is in the API description, for bearer tokens.
    let spec = s.p.api().get("/api/openapi.json", None).await.unwrap().body;
    for (method, path, _) in &calls {
        let op = &spec["paths"][*path][method.to_lowercase()];
        assert!(op.is_object(), "{method} {path} missing from /api/openapi.json");
        assert_eq!(op["tags"][0], "storage");
        assert!(op["security"].to_string().contains("bearer"), "{method} {path}");
    }
}

/// A file the retention policy deleted does not vanish from the
/// interaction's history without a word: vc-server is told, the chat
/// message that carried it keeps its text and shows the file as deleted,
/// and the timeline logs the deletion once (a second run changes nothing).
#[tokio::test]
async fn a_deleted_file_is_shown_as_deleted_in_the_chat_and_the_timeline() {
    let s = site().await;
    let file = s.upload("contract.pdf", "chat", b"%PDF-1.4 signed".to_vec()).await;
    let mut ws =
        vc_testkit::JsonSocket::connect(s.p.api(), &format!("/api/interactions/{}/ws", s.interaction)).await;
    ws.send(json!({"type": "hello", "token": s.agent})).await;
    ws.send(
        json!({"type": "chat", "client_msg_id": "c1", "text": "Here is the contract", "file_id": file["id"]}),
    )
    .await;
    let acked =
        ws.until(Duration::from_secs(10), |v| v["type"] == "chat_ack" || v["type"] == "chat_error").await;
    assert_eq!(acked.last().unwrap()["type"], "chat_ack", "{acked:?}");
    s.age(&file, 40).await;
    let r = s.retention(json!({"chat_files_days": 30, "screenshots_days": null, "recordings_days": null, "schedule": "0 3 * * *"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.cleanup(false).await["files"], 1);

    // The cleanup told vc-server before it answered.
    let messages = s.get(&format!("/api/interactions/{}/messages", s.interaction), &s.agent).await;
    assert_eq!(messages.status, 200, "{:?}", messages.body);
    let items = messages.body["items"].as_array().unwrap().clone();
    let m = items.iter().find(|m| m["file"]["id"] == file["id"]).unwrap();
    assert_eq!(m["text"], "Here is the contract", "the message stays");
    assert_eq!(m["file"]["name"], "contract.pdf");
    assert!(m["file"]["deleted_at"].is_string(), "the file is marked deleted: {m}");
    let timeline = |i: &Value| -> Vec<Value> {
        i["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["event"]["type"] == "file_deleted")
            .map(|e| e["event"].clone())
            .collect()
    };
    let i = s.get(&format!("/api/interactions/{}", s.interaction), &s.agent).await.body;
    assert_eq!(
        timeline(&i),
        [
            json!({"type": "file_deleted", "file_id": file["id"], "class": "chat_files", "name": "contract.pdf"})
        ]
    );
    // The tombstone is marked told: the sweep will not tell it again.
    let t =
        s.db.collection::<Document>("file_tombstones").find_one(doc! {"_id": id_of(&file)}).await.unwrap();
    assert!(t.unwrap().get_bool("notified").unwrap());
    assert_eq!(s.cleanup(false).await["files"], 0);
    let again = s.get(&format!("/api/interactions/{}", s.interaction), &s.agent).await.body;
    assert_eq!(timeline(&again).len(), 1, "logged once");
}

/// What a crash leaves half-done is finished by the sweep at the next
/// start: a file whose metadata went but vc-server was never told of (it
/// is told: the chat shows it deleted), and a tombstone written for a file
/// whose deletion never happened (dropped; the file stays readable).
#[tokio::test]
async fn the_sweep_finishes_what_a_crash_left_of_a_deletion() {
    let mut s = site().await;
    let told = s.upload("told-later.txt", "chat", b"gone".to_vec()).await;
    let kept = s.upload("kept.txt", "chat", b"still here".to_vec()).await;
    let mut ws =
        vc_testkit::JsonSocket::connect(s.p.api(), &format!("/api/interactions/{}/ws", s.interaction)).await;
    ws.send(json!({"type": "hello", "token": s.agent})).await;
    ws.send(json!({"type": "chat", "client_msg_id": "t1", "file_id": told["id"]})).await;
    let acked =
        ws.until(Duration::from_secs(10), |v| v["type"] == "chat_ack" || v["type"] == "chat_error").await;
    assert_eq!(acked.last().unwrap()["type"], "chat_ack", "{acked:?}");
    drop(ws);

    // The states a crash leaves: `told` deleted but untold, `kept` with a
    // tombstone but never deleted.
    let two_minutes_ago = bson::DateTime::from_millis(Utc::now().timestamp_millis() - 120_000);
    let tombstone = |f: &Value| {
        doc! {
            "_id": id_of(f), "interaction_id": s.interaction.as_str(), "class": "chat_files", "kind": "chat",
            "name": f["name"].as_str().unwrap(), "deleted_at": two_minutes_ago, "notified": false,
        }
    };
    let tombstones = s.db.collection::<Document>("file_tombstones");
    tombstones.insert_many([tombstone(&told), tombstone(&kept)]).await.unwrap();
    s.db.collection::<Document>("files").delete_one(doc! {"_id": id_of(&told)}).await.unwrap();

    s.p.svc.restart();
    s.p.svc.wait_healthy(Duration::from_secs(30)).await;
    let api = vc_testkit::Api::new(&s.p.api().base);
    let agent = api.tokens("agent1", "agent-pass-1").await.0;
    let path = format!("/api/interactions/{}/messages", s.interaction);
    let message = wait_for("the chat to show the file deleted", Duration::from_secs(30), async || {
        let r = api.get(&path, Some(&agent)).await.ok()?;
        let items = r.body["items"].as_array()?.clone();
        items.into_iter().find(|m| m["file"]["id"] == told["id"] && m["file"]["deleted_at"].is_string())
    })
    .await;
    assert_eq!(message["file"]["name"], "told-later.txt");
    let i = api.get(&format!("/api/interactions/{}", s.interaction), Some(&agent)).await.unwrap().body;
    let logged: Vec<&Value> =
        i["events"].as_array().unwrap().iter().filter(|e| e["event"]["type"] == "file_deleted").collect();
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert_eq!(logged[0]["event"]["file_id"], told["id"]);
    let t = tombstones.find_one(doc! {"_id": id_of(&told)}).await.unwrap().unwrap();
    assert!(t.get_bool("notified").unwrap());
    assert!(tombstones.find_one(doc! {"_id": id_of(&kept)}).await.unwrap().is_none(), "dropped");
    let r = api.get(&format!("/api/files/{}", id_of(&kept)), Some(&agent)).await.unwrap();
    assert_eq!(r.status, 200, "the file that was never deleted is still there");
}

//! The Excel export (`GET /api/reports/interactions.xlsx`, docs/reports.md):
//! interactions made through the API by agents of two teams (and one with
//! no team), some ended; on some of them, written straight into MongoDB,
//! what the outside world adds after a call: vc-stat's metrics summary, the
//! client's survey answers and vc-records' recording (the same documents
//! vc-server stores when those messages arrive). The workbook is converted
//! to CSV by LibreOffice (as a user's spreadsheet would read it) and
//! compared with the API; filters and role scoping are checked on the
//! workbook's XML.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::collections::BTreeSet;
use std::io::Read;
use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use mongodb::bson::{self, doc};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use vc_protocol::interaction::EndedBy;
use vc_protocol::recording::{RecordingFormat, RecordingInfo};
use vc_protocol::settings::{QuestionKind, SurveyResponse, SurveyResponseItem};
use vc_protocol::stat::{CallMetricsSummary, CallTiming, MediaAggregate, MinAvgMax, Quality, QualityRating};
use vc_protocol::{FileId, QuestionId};
use vc_testkit::{Api, Platform};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn mam(avg: f64) -> Option<MinAvgMax> {
    Some(MinAvgMax { min: avg / 2.0, avg, max: avg * 2.0 })
}

/// What vc-stat computes for a call (here: made up, with `talk_s` talk time).
fn metrics(talk_s: f64, rating: QualityRating, bitrate: f64) -> CallMetricsSummary {
    let mut m = CallMetricsSummary {
        computed_at: Utc::now(),
        timing: CallTiming { talk_s: Some(talk_s), waiting_s: Some(4.0), ..Default::default() },
        ended_by: Some(EndedBy::Agent),
        chat_messages: 7,
        files: 2,
        screenshots: 1,
        quality: Quality { rating, issues: Vec::new() },
        samples: 30,
        ..Default::default()
    };
    m.client_to_agent.video =
        MediaAggregate { bitrate_kbps: mam(bitrate), loss_pct: mam(1.5), ..Default::default() };
    m
}

#[tokio::test]
async fn the_export_matches_the_api_filters_and_roles() {
    let db_name = vc_testkit::unique_db();
    let p = Platform::start(&[("VC_MONGO__DATABASE", db_name.as_str())]).await;
    let mongo = mongodb::Client::with_uri_str(vc_testkit::shared_mongo_uri()).await.unwrap();
    let coll = mongo.database(&db_name).collection::<bson::Document>("interactions");
    let api = p.api();
    let admin = p.admin_token().await;
    let a1 = p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let a2 = p.create_user(&admin, "agent2", "agent-pass-2", "agent").await;
    p.create_user(&admin, "agent3", "agent-pass-3", "agent").await; // in no team
    let sup = p.create_user(&admin, "super1", "super-pass-1", "supervisor").await;
    let team_a = api.team(&admin, "Team A", &[&a1], &[&sup]).await;
    let team_b = api.team(&admin, "Team B", &[&a2], &[]).await;
    let agent1 = api.tokens("agent1", "agent-pass-1").await.0;
    let agent2 = api.tokens("agent2", "agent-pass-2").await.0;
    let agent3 = api.tokens("agent3", "agent-pass-3").await.0;
    let supervisor = api.tokens("super1", "super-pass-1").await.0;

    let fields = json!({"fields": [
        {"key": "contract", "label": {"ru": "Договор", "en": "Contract"}, "kind": "text"},
        {"key": "amount", "label": {"ru": "Сумма", "en": "Amount"}, "kind": "number"},
        {"key": "due", "label": {"ru": "Срок", "en": "Due"}, "kind": "date"}
    ]});
    assert_eq!(api.put("/api/settings/custom-fields", Some(&admin), &fields).await.unwrap().status, 200);
    let survey = json!({"questions": [
        {"kind": "rating", "text": {"ru": "Оцените звонок", "en": "Rate the call"}},
        {"kind": "choice", "text": {"ru": "Вопрос решён?", "en": "Solved?"}, "options": [{"ru": "Да", "en": "Yes"}, {"ru": "Нет", "en": "No"}]},
        {"kind": "text", "text": {"ru": "Что улучшить?", "en": "What could be better?"}}
    ]});
    let r = api.put("/api/settings/survey", Some(&admin), &survey).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    let qids: Vec<QuestionId> = r.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().parse().unwrap())
        .collect();

    let create = |token: String, name: &'static str, fields: Value| {
        let body = json!({"video_mode": "two_way", "client_name": name, "client_phone": "+7 912 345-67-89",
                          "custom_fields": fields});
        async move {
            let r = api.post("/api/interactions", Some(&token), &body).await.unwrap();
            assert_eq!(r.status, 201, "{:?}", r.body);
            r.body["id"].as_str().unwrap().to_owned()
        }
    };
    let i1 =
        create(agent1.clone(), "Anna", json!({"contract": "A-1", "amount": 1250.5, "due": "2027-01-15"}))
            .await;
    let i2 = create(agent1.clone(), "Boris", json!({"contract": "A-2"})).await;
    let i3 = create(agent1.clone(), "Vera", json!({})).await;
    let i4 = create(agent2.clone(), "Gleb", json!({"contract": "B-1", "amount": 7})).await;
    let i5 = create(agent2.clone(), "Dina", json!({})).await;
    let i6 = create(agent3.clone(), "Egor", json!({})).await;
    let old = create(agent1.clone(), "Old", json!({})).await;
    let (_, client) = p.joined_call(&agent3, &json!({"video_mode": "two_way", "client_name": "Zoya"})).await;
    for (id, token) in [(&i1, &agent1), (&i2, &agent1), (&i4, &agent2)] {
        let r = api.post(&format!("/api/interactions/{id}/end"), Some(token), &json!({})).await.unwrap();
        assert!(r.status < 300, "{:?}", r.body);
    }

    // What vc-stat, the client's survey and vc-records add after a call.
    let file_id = FileId::new();
    let recording = RecordingInfo {
        file_id,
        format: RecordingFormat::Webm,
        duration_s: 126.0,
        size: 1000,
        sha256: "0".repeat(64),
        started_at: Utc::now(),
        has_video: true,
        partial: false,
        deleted_at: None,
    };
    let item =
        |q: QuestionId, kind, rating, choice: Option<(&str, &str)>, text: Option<&str>| SurveyResponseItem {
            question_id: q,
            kind,
            question: vc_protocol::join::Localized { ru: String::new(), en: String::new() },
            rating,
            choice: choice.map(|(en, ru)| vc_protocol::join::Localized { en: en.into(), ru: ru.into() }),
            text: text.map(str::to_owned),
        };
    let answers = SurveyResponse {
        submitted_at: Utc::now(),
        answers: vec![
            item(qids[0], QuestionKind::Rating, Some(4), None, None),
            item(qids[1], QuestionKind::Choice, None, Some(("No", "Нет")), None),
            item(qids[2], QuestionKind::Text, None, None, Some("Faster, please")),
        ],
    };
    let plant = |id: &String, set: bson::Document| {
        let coll = coll.clone();
        let id = id.clone();
        async move {
            assert_eq!(coll.update_one(doc! {"_id": id}, doc! {"$set": set}).await.unwrap().matched_count, 1)
        }
    };
    let b = |v: Value| bson::to_bson(&v).unwrap();
    plant(
        &i1,
        doc! {"metrics": b(json!(metrics(125.0, QualityRating::Poor, 850.5))), "survey": b(json!(answers)),
        "recording": b(json!(recording))},
    )
    .await;
    plant(&i2, doc! {"metrics": b(json!(metrics(61.0, QualityRating::Good, 1200.0)))}).await;
    plant(&i4, doc! {"metrics": b(json!(metrics(30.0, QualityRating::Poor, 300.0)))}).await;
    plant(&old, doc! {"created_at": bson::DateTime::from_millis(1_577_836_800_000)}).await; // 2020-01-01

    // The admin's export of the last hour, in English, through LibreOffice.
    let from = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let to = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let range = format!("from={}&to={}", urlencode(&from), urlencode(&to));
    let (status, headers, xlsx) = export(api, Some(&admin), &format!("lang=en&{range}")).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").unwrap(), XLSX);
    let disposition = headers.get("content-disposition").unwrap().to_str().unwrap();
    let day =
        |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc).format("%Y-%m-%d").to_string();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"interactions-{}-{}.xlsx\"", day(&from), day(&to))
    );
    let listed = api.get(&format!("/api/interactions?limit=500&{range}"), Some(&admin)).await.unwrap();
    let items = listed.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 7, "all but the old one: {}", listed.body);
    let sheets = csv_sheets(&xlsx);
    assert_eq!(sheets.len(), 2, "two sheets");
    let (rows, summary) = (&sheets[0], &sheets[1]);
    let head = &rows[0];
    let col =
        |title: &str| head.iter().position(|h| h == title).unwrap_or_else(|| panic!("no {title}: {head:?}"));
    assert_eq!(rows.len() - 1, items.len(), "a row per interaction");
    for (row, it) in rows[1..].iter().zip(&items) {
        assert_eq!(row[col("Interaction ID")], it["id"].as_str().unwrap(), "newest first, like the list");
        assert_eq!(row[col("Agent")], it["agent_name"].as_str().unwrap());
        assert_eq!(row[col("Client")], it["client_name"].as_str().unwrap_or(""));
        assert_eq!(row[col("Status")], it["status"].as_str().unwrap());
        let created = DateTime::parse_from_rfc3339(it["created_at"].as_str().unwrap()).unwrap();
        let shown =
            chrono::NaiveDateTime::parse_from_str(&row[col("Created (UTC)")], "%Y-%m-%d %H:%M:%S").unwrap();
        assert!(
            (shown.and_utc() - created.with_timezone(&Utc)).num_milliseconds().abs() <= 1000,
            "{shown} vs {created}"
        );
    }
    let row_of = |id: &str| rows.iter().find(|r| r[0] == id).unwrap();
    let r1 = row_of(&i1);
    assert_eq!(r1[col("Talk time")], "0:02:05");
    assert_eq!(r1[col("Client → agent: video bitrate avg, kbps")], "850.5");
    assert_eq!(r1[col("Client → agent: video loss max, %")], "3.0");
    assert_eq!(r1[col("Chat messages")], "7");
    assert_eq!(r1[col("Quality")], "poor");
    assert_eq!(r1[col("Ended by")], "agent");
    assert!(r1[col("Recording")].ends_with(&format!("/api/files/{file_id}")), "{}", r1[col("Recording")]);
    assert_eq!(r1[col("Recording length")], "0:02:06");
    assert_eq!((r1[col("Contract")].as_str(), r1[col("Amount")].as_str()), ("A-1", "1250.5"));
    assert_eq!(r1[col("Due")], "2027-01-15");
    assert_eq!(r1[col("Rate the call")], "4");
    assert_eq!(
        (r1[col("Solved?")].as_str(), r1[col("What could be better?")].as_str()),
        ("No", "Faster, please")
    );
    assert_eq!(row_of(&i3)[col("Talk time")], "", "no metrics yet: empty");
    assert_eq!(row_of(&i3)[col("Recording")], "");
    // The summary: calls per agent.
    let calls =
        |agent: &str| summary.iter().find(|r| r[0] == agent).map(|r| r[1].clone()).unwrap_or_default();
    assert_eq!((calls("agent1"), calls("agent2"), calls("agent3")), ("3".into(), "2".into(), "2".into()));
    assert!(summary.iter().any(|r| r[0] == "Total" && r[1] == "7"), "{summary:?}");

    // Filters choose the same interactions as the list.
    let all: BTreeSet<String> = [&i1, &i2, &i3, &i4, &i5, &i6].into_iter().cloned().collect();
    for filter in [
        "status=ended".to_owned(),
        format!("agent_id={a2}"),
        format!("team_id={team_a}"),
        "quality=poor".to_owned(),
        "field_key=contract&field_value=a-1".to_owned(),
    ] {
        let q = format!("{filter}&{range}");
        let got = export_ids(api, &admin, &q).await;
        assert_eq!(got, list_ids(api, &admin, &q).await, "{filter}");
        assert!(!got.is_empty() && got.len() < all.len() + 1, "{filter}: {got:?}");
    }
    assert_eq!(export_ids(api, &admin, "quality=poor").await, [i1.clone(), i4.clone()].into_iter().collect());

    // Roles: an agent exports its own calls, a supervisor its team's and the teamless ones.
    assert_eq!(export_ids(api, &agent1, "").await, list_ids(api, &agent1, "").await);
    assert!(export_ids(api, &agent1, "").await.iter().all(|id| [&i1, &i2, &i3, &old].contains(&id)));
    let seen = export_ids(api, &supervisor, "").await;
    assert_eq!(seen, list_ids(api, &supervisor, "").await);
    assert!(
        seen.contains(&i1) && seen.contains(&i6) && !seen.contains(&i4) && !seen.contains(&i5),
        "{seen:?}"
    );
    assert_eq!(export(api, Some(&supervisor), &format!("team_id={team_b}")).await.0, 403);
    assert_eq!(export(api, None, "").await.0, 401);
    assert_eq!(export(api, Some(&client), "").await.0, 401);
    assert_eq!(export(api, Some(&admin), "field_key=contract").await.0, 422);

    let openapi = api.get("/api/openapi.json", None).await.unwrap().body;
    let op = &openapi["paths"]["/api/reports/interactions.xlsx"]["get"];
    assert_eq!(op["tags"][0], "reports", "{op}");
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

/// `GET /api/reports/interactions.xlsx?{query}`: status, headers, body.
async fn export(api: &Api, token: Option<&str>, query: &str) -> (u16, HeaderMap, Vec<u8>) {
    let req = reqwest::Client::new().get(format!("{}/api/reports/interactions.xlsx?{query}", api.base));
    let req = match token {
        Some(t) => req.bearer_auth(t),
        None => req,
    };
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    (status, headers, res.bytes().await.unwrap().to_vec())
}

/// The interaction ids (column A below the header) of the export's first sheet, read from its XML.
async fn export_ids(api: &Api, token: &str, query: &str) -> BTreeSet<String> {
    let (status, _, body) = export(api, Some(token), query).await;
    assert_eq!(status, 200, "{query}: {}", String::from_utf8_lossy(&body));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
    let mut ids = BTreeSet::new();
    // Cells of column A (not AA, AB, ...) below row 1.
    for cell in xml.split("<c r=\"A").skip(1).filter(|c| c.starts_with(|d: char| d.is_ascii_digit())).skip(1)
    {
        let text = cell.split("<t>").nth(1).and_then(|t| t.split("</t>").next()).unwrap();
        ids.insert(text.to_owned());
    }
    ids
}

/// The ids `GET /api/interactions?{query}` lists.
async fn list_ids(api: &Api, token: &str, query: &str) -> BTreeSet<String> {
    let r = api.get(&format!("/api/interactions?limit=500&{query}"), Some(token)).await.unwrap();
    assert_eq!(r.status, 200, "{query}: {:?}", r.body);
    r.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

/// Every sheet of the workbook as CSV rows, converted by LibreOffice
/// (7.4 writes `<name>-<sheet>.csv` per sheet for the `-1` sheet option).
fn csv_sheets(xlsx: &[u8]) -> Vec<Vec<Vec<String>>> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.xlsx");
    std::fs::write(&input, xlsx).unwrap();
    let out = dir.path().join("csv");
    // Field ",", text '"', UTF-8, line 1, -, -, no forced quotes, -, as
    // shown (formatted), no formulas, no trimming, every sheet.
    let filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1";
    let mut child = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}/lo", dir.path().display()))
        .args(["--headless", "--norestore", "--convert-to", filter, "--outdir"])
        .arg(&out)
        .arg(&input)
        .spawn()
        .expect("soffice (libreoffice-calc-nogui, scripts/setup.sh test)");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("LibreOffice did not finish in 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(status.success(), "soffice: {status}");
    let mut files: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let name = |p: &std::path::PathBuf| p.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(files.iter().map(name).collect::<Vec<_>>(), ["export-Interactions.csv", "export-Summary.csv"]);
    files.iter().map(|f| parse_csv(&std::fs::read_to_string(f).unwrap())).collect()
}

/// RFC 4180 CSV: `"` quotes a field, `""` is a quote inside one.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

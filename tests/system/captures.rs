//! Screenshots and photos as files of the interaction, through the real
//! platform: the upload's `kind`, annotated screenshots naming their
//! original, and the client's last position (sent on the control channel)
//! in a JPEG capture's EXIF, while chat files and PNGs are stored byte for
//! byte and non-images are refused.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::Cursor;
use std::path::Path;
use std::time::Duration;

use exif::{In, Tag, Value as ExifValue};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use vc_testkit::{JsonSocket, Platform};

const WAIT: Duration = Duration::from_secs(10);
const SYDNEY: (f64, f64) = (-33.856784, 151.215297);

struct Call {
    p: Platform,
    agent: String,
    client: String,
    id: String,
}

async fn call() -> Call {
    // No address provider: the location is stored without an address, at once.
    let p = Platform::start(&[("VC_GEO__BASE_URL", "http://127.0.0.1:9")]).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let agent = p.api().tokens("agent1", "agent-pass-1").await.0;
    let (id, client) = p.joined_call(&agent, &json!({"video_mode": "two_way"})).await;
    Call { p, agent, client, id }
}

impl Call {
    /// `POST /api/interactions/{id}/files?{query}` with a raw body.
    async fn upload(&self, token: &str, query: &str, name: &str, body: Vec<u8>) -> (u16, Value) {
        let res = reqwest::Client::new()
            .post(format!("{}/api/interactions/{}/files?{query}", self.p.api().base, self.id))
            .bearer_auth(token)
            .header("x-file-name", name)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn upload_ok(&self, token: &str, query: &str, name: &str, body: Vec<u8>) -> Value {
        let (status, info) = self.upload(token, query, name, body).await;
        assert_eq!(status, 201, "{query}: {info}");
        info
    }

    async fn download(&self, token: &str, file: &Value) -> Vec<u8> {
        let res = reqwest::Client::new()
            .get(format!("{}/api/files/{}", self.p.api().base, file["id"].as_str().unwrap()))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        res.bytes().await.unwrap().to_vec()
    }

    async fn listed(&self, token: &str) -> Vec<Value> {
        let r = self.p.api().get(&format!("/api/interactions/{}/files", self.id), Some(token)).await.unwrap();
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body.as_array().unwrap().clone()
    }

    /// Stored files on disk (not thumbnails, not temporary files).
    fn stored_on_disk(&self) -> usize {
        fn walk(dir: &Path, n: &mut usize) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let (path, name) = (e.path(), e.file_name().to_string_lossy().into_owned());
                if path.is_dir() {
                    if name != "tmp" {
                        walk(&path, n);
                    }
                } else if !name.contains(".thumb.") {
                    *n += 1;
                }
            }
        }
        let mut n = 0;
        walk(&self.p.data_dir.path().join("files"), &mut n);
        n
    }

    /// A control connection of `token` that said hello.
    async fn connect(&self, token: &str) -> JsonSocket {
        let mut ws = JsonSocket::connect(self.p.api(), &format!("/api/interactions/{}/ws", self.id)).await;
        ws.send(json!({"type": "hello", "token": token})).await;
        let welcome = ws.next(WAIT).await.unwrap();
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        ws
    }
}

fn sha256(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(80, 60, |x, y| image::Rgb([(x * 3) as u8, (y * 4) as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8, y as u8, 200]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn read_exif(data: &[u8]) -> Option<exif::Exif> {
    exif::Reader::new().read_from_container(&mut Cursor::new(data)).ok()
}

fn ascii(e: &exif::Exif, tag: Tag) -> String {
    match &e.get_field(tag, In::PRIMARY).unwrap_or_else(|| panic!("{tag} missing")).value {
        ExifValue::Ascii(v) => String::from_utf8(v[0].clone()).unwrap(),
        other => panic!("{tag}: {other:?}"),
    }
}

fn rationals(e: &exif::Exif, tag: Tag) -> Vec<f64> {
    match &e.get_field(tag, In::PRIMARY).unwrap_or_else(|| panic!("{tag} missing")).value {
        ExifValue::Rational(v) => v.iter().map(exif::Rational::to_f64).collect(),
        other => panic!("{tag}: {other:?}"),
    }
}

fn degrees(e: &exif::Exif, tag: Tag) -> f64 {
    let v = rationals(e, tag);
    v[0] + v[1] / 60.0 + v[2] / 3600.0
}

#[tokio::test]
async fn captures_carry_the_clients_position_and_other_files_stay_as_they_came() {
    let c = call().await;
    let picture = jpeg();

    // Before any position: a screenshot is stored as it came, without GPS.
    let early = c.upload_ok(&c.agent, "kind=screenshot", "early.jpg", picture.clone()).await;
    assert_eq!(early["kind"], "screenshot");
    assert_eq!(early["sha256"], sha256(&picture), "{early}");
    let got = c.download(&c.agent, &early).await;
    assert_eq!(got, picture);
    assert!(read_exif(&got).is_none_or(|e| e.get_field(Tag::GPSLatitude, In::PRIMARY).is_none()));

    // What is not a capture is refused, and nothing is stored.
    let (files, on_disk) = (c.listed(&c.agent).await.len(), c.stored_on_disk());
    for (query, body, status, code) in [
        ("kind=screenshot", b"just some text, not a picture".to_vec(), 422, "validation_failed"),
        ("kind=photo", b"%PDF-1.7\n\x00\x01binary".to_vec(), 422, "validation_failed"),
        ("kind=recording", picture.clone(), 403, "forbidden"),
        ("kind=selfie", picture.clone(), 400, "bad_request"),
        ("kind=annotated", picture.clone(), 422, "validation_failed"),
        (
            "kind=chat&original=0190f5a2-7c3e-7d4b-9a1f-3c2b1a0f9e8d",
            picture.clone(),
            422,
            "validation_failed",
        ),
    ] {
        let (got, body) = c.upload(&c.client, query, "x.jpg", body).await;
        assert_eq!(got, status, "{query}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{query}: {body}");
        if !code.is_empty() {
            assert_eq!(body["code"], code, "{query}: {body}");
        }
    }
    assert_eq!(c.listed(&c.agent).await.len(), files);
    assert_eq!(c.stored_on_disk(), on_disk);

    // The client sends its position on the control channel.
    let mut ws = c.connect(&c.client).await;
    ws.send(json!({"type": "location", "client_msg_id": "l1", "lat": SYDNEY.0, "lon": SYDNEY.1,
                   "accuracy_m": 10, "altitude_m": 42.5, "measured_at_ms": chrono::Utc::now().timestamp_millis()}))
        .await;
    let seen = ws
        .until(WAIT, |v| (v["type"] == "chat_ack" || v["type"] == "chat_error") && v["client_msg_id"] == "l1")
        .await;
    assert_eq!(seen.last().unwrap()["type"], "chat_ack", "{:?}", seen.last());

    // A screenshot now carries it in its EXIF; size and hash are the stored file's.
    let before = chrono::Utc::now() - chrono::Duration::seconds(5);
    let shot = c.upload_ok(&c.agent, "kind=screenshot", "shot.jpg", picture.clone()).await;
    assert_eq!(shot["kind"], "screenshot");
    assert_eq!(shot["content_type"], "image/jpeg");
    let got = c.download(&c.client, &shot).await;
    assert_ne!(got, picture);
    assert_eq!(shot["size"], got.len());
    assert_eq!(shot["sha256"], sha256(&got));
    let e = read_exif(&got).expect("the screenshot has EXIF");
    assert!((degrees(&e, Tag::GPSLatitude) - SYDNEY.0.abs()).abs() < 1e-5);
    assert!((degrees(&e, Tag::GPSLongitude) - SYDNEY.1).abs() < 1e-5);
    assert_eq!(ascii(&e, Tag::GPSLatitudeRef), "S");
    assert_eq!(ascii(&e, Tag::GPSLongitudeRef), "E");
    assert_eq!(rationals(&e, Tag::GPSAltitude), vec![42.5]);
    let taken = chrono::NaiveDateTime::parse_from_str(&ascii(&e, Tag::DateTimeOriginal), "%Y:%m:%d %H:%M:%S")
        .unwrap()
        .and_utc();
    assert!(taken.timestamp() >= before.timestamp() && taken <= chrono::Utc::now(), "{taken}");
    assert_eq!(ascii(&e, Tag::OffsetTimeOriginal), "+00:00");
    assert_eq!(ascii(&e, Tag::GPSDateStamp).len(), "2026:01:01".len());
    let img = image::load_from_memory(&got).unwrap();
    assert_eq!((img.width(), img.height()), (80, 60));

    // A photo by the client too; a PNG is stored as it came.
    let photo = c.upload_ok(&c.client, "kind=photo", "photo.jpg", picture.clone()).await;
    assert_eq!(photo["kind"], "photo");
    assert!(read_exif(&c.download(&c.agent, &photo).await).is_some());
    let pic = png();
    let png_shot = c.upload_ok(&c.agent, "kind=screenshot", "screen.png", pic.clone()).await;
    assert_eq!(png_shot["sha256"], sha256(&pic));
    assert_eq!(c.download(&c.agent, &png_shot).await, pic);

    // A chat file is stored byte for byte, position or not.
    let chat = c.upload_ok(&c.client, "", "holiday.jpg", picture.clone()).await;
    assert_eq!(chat["kind"], "chat");
    assert_eq!(chat["sha256"], sha256(&picture));
    assert_eq!(c.download(&c.agent, &chat).await, picture);
    let chat2 = c.upload_ok(&c.client, "kind=chat", "again.jpg", picture.clone()).await;
    assert_eq!(chat2["kind"], "chat");
    assert_eq!(chat2["sha256"], sha256(&picture));

    // An annotated screenshot names a screenshot or photo of this interaction.
    let shot_id = shot["id"].as_str().unwrap();
    let drawn = c
        .upload_ok(&c.agent, &format!("kind=annotated&original={shot_id}"), "drawn.jpg", picture.clone())
        .await;
    assert_eq!(drawn["kind"], "annotated");
    assert_eq!(drawn["original"], shot_id);
    assert!(
        read_exif(&c.download(&c.agent, &drawn).await)
            .is_some_and(|e| e.get_field(Tag::GPSLatitude, In::PRIMARY).is_some())
    );
    let (files, on_disk) = (c.listed(&c.agent).await.len(), c.stored_on_disk());
    for original in
        [chat["id"].as_str().unwrap(), drawn["id"].as_str().unwrap(), "0190f5a2-7c3e-7d4b-9a1f-3c2b1a0f9e8d"]
    {
        let (status, body) = c
            .upload(&c.agent, &format!("kind=annotated&original={original}"), "drawn.jpg", picture.clone())
            .await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["code"], "file_not_found", "{body}");
    }
    assert_eq!(c.listed(&c.agent).await.len(), files);
    assert_eq!(c.stored_on_disk(), on_disk);

    // The list shows the kinds.
    let listed = c.listed(&c.client).await;
    let kind_of = |id: &Value| listed.iter().find(|f| f["id"] == *id).unwrap()["kind"].clone();
    assert_eq!(kind_of(&shot["id"]), "screenshot");
    assert_eq!(kind_of(&drawn["id"]), "annotated");
    assert_eq!(kind_of(&chat["id"]), "chat");
}

#[tokio::test]
async fn a_capture_over_its_limit_is_refused() {
    let p_env = [("VC_GEO__BASE_URL", "http://127.0.0.1:9"), ("VC_FILESERVER__MAX_CAPTURE_BYTES", "1000")];
    let p = Platform::start(&p_env).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let agent = p.api().tokens("agent1", "agent-pass-1").await.0;
    let r = p.api().post("/api/interactions", Some(&agent), &json!({"video_mode": "two_way"})).await.unwrap();
    let id = r.body["id"].as_str().unwrap().to_owned();
    let c = Call { p, agent: agent.clone(), client: String::new(), id };
    let big = jpeg();
    assert!(big.len() > 1000);
    let (status, body) = c.upload(&agent, "kind=photo", "big.jpg", big.clone()).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["code"], "file_too_large");
    // The same bytes as a chat file are fine.
    c.upload_ok(&agent, "kind=chat", "big.jpg", big).await;
    assert_eq!(c.stored_on_disk(), 1);
}

//! Calls between WebRTC parties that are not browsers but send real media
//! (Opus tones and VP8 video made with ffmpeg), shared by the test files
//! that need one (`#[path = "common/calls.rs"] mod calls;`).

#![allow(dead_code)] // each test file uses its part

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use vc_loadgen::{Desk, LoadedMedia, MediaSpec, Party, PartyConfig};
use vc_protocol::InteractionId;
use vc_protocol::media::MediaAccess;

/// A tone of `tone_hz` (and the test video), made once with ffmpeg.
pub async fn media(tone_hz: f64) -> Arc<LoadedMedia> {
    tokio::task::spawn_blocking(move || {
        let dir = std::env::temp_dir().join("vc-loadgen-media");
        let spec = MediaSpec { tone_hz, secs: 10, ..MediaSpec::default() };
        let files = vc_loadgen::media::prepare("ffmpeg".as_ref(), &dir, &spec)?;
        LoadedMedia::load(&files)
    })
    .await
    .unwrap()
    .expect("media made with ffmpeg")
}

/// Joins the room with `cfg` and waits until media flows.
pub async fn join_with(cfg: PartyConfig) -> Party {
    let mut party = Party::join(cfg).await.unwrap();
    assert!(party.connected(Duration::from_secs(15)).await, "the party did not connect");
    party
}

/// Joins with real media, never stamped (recordings must decode).
pub async fn join(desk: &Desk, access: &MediaAccess, media: &Arc<LoadedMedia>) -> Party {
    join_with(PartyConfig {
        media: Some(media.clone()),
        ..PartyConfig::gateway(desk.ws_url(access), access.room_token.clone())
    })
    .await
}

/// Waits until the interaction has `field` (e.g. `recording`, `metrics`);
/// returns the interaction.
pub async fn until_set(desk: &Desk, id: InteractionId, field: &str, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let i = desk.get(id).await.unwrap();
        if !i[field].is_null() {
            return i;
        }
        assert!(Instant::now() < deadline, "no {field} after {within:?}: {i:#}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Makes every file of the interaction three days old in the database
/// `db_name`, sets a one-day retention for `classes` (e.g.
/// `["recordings_days"]`), and runs the cleanup as `admin`; the number of
/// files it deleted.
pub async fn expire_files(
    base: &str,
    db_name: &str,
    id: InteractionId,
    admin: &str,
    classes: &[&str],
) -> u64 {
    let db = mongodb::Client::with_uri_str(vc_testkit::shared_mongo_uri()).await.unwrap().database(db_name);
    let three_days_ago =
        mongodb::bson::DateTime::from_millis(chrono::Utc::now().timestamp_millis() - 3 * 86_400_000);
    let aged = db
        .collection::<mongodb::bson::Document>("files")
        .update_many(
            mongodb::bson::doc! {"interaction_id": id.to_string()},
            mongodb::bson::doc! {"$set": {"created_at": three_days_ago}},
        )
        .await
        .unwrap();
    assert!(aged.matched_count > 0, "the interaction has files");
    let mut policy = serde_json::json!({"chat_files_days": null, "screenshots_days": null, "recordings_days": null, "schedule": "0 3 * * *"});
    for c in classes {
        policy[*c] = 1.into();
    }
    let http = reqwest::Client::new();
    let r = http
        .put(format!("{base}/api/storage/retention"))
        .bearer_auth(admin)
        .json(&policy)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let run = http
        .post(format!("{base}/api/storage/cleanup"))
        .bearer_auth(admin)
        .json(&serde_json::json!({"dry_run": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(run.status(), 200);
    let report: Value = run.json().await.unwrap();
    report["files"].as_u64().unwrap()
}

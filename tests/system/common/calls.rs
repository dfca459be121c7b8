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

//! Builders for the compute tests.

use chrono::{DateTime, TimeZone, Utc};
use vc_protocol::UserId;
use vc_protocol::ids::InteractionId;
use vc_protocol::interaction::{
    EventKind, Interaction, InteractionEvent, InteractionStatus, MaxQuality, Party, Presence, VideoMode,
};
use vc_protocol::media::{PeerStats, TrackStats};

use super::media::Sample;

/// `secs` seconds after a fixed moment.
pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).single().unwrap_or_default() + chrono::Duration::seconds(secs)
}

pub fn event(seq: u64, secs: i64, event: EventKind) -> InteractionEvent {
    InteractionEvent { seq, at: at(secs), event }
}

/// An ended interaction created at `at(created)` with an empty log.
pub fn interaction(created: i64) -> Interaction {
    Interaction {
        id: InteractionId::new(),
        status: InteractionStatus::Ended,
        agent_id: UserId::new(),
        agent_name: "Agent".into(),
        client_name: None,
        client_phone: None,
        client_email: None,
        client_telegram: None,
        video_mode: VideoMode::TwoWay,
        max_quality: MaxQuality::P720,
        created_at: at(created),
        updated_at: at(created),
        link_expires_at: at(created + 86_400),
        started_at: None,
        ended_at: None,
        end_reason: None,
        presence: Presence::default(),
        client_url: None,
        short_url: None,
        locations: Vec::new(),
        record: false,
        recording: None,
        team_id: None,
        features: Default::default(),
        custom_fields: Default::default(),
        survey: None,
        schedule: None,
        metrics: None,
        events: Vec::new(),
    }
}

pub fn audio(kbps: f64, loss: f64, jitter_ms: Option<f64>) -> TrackStats {
    TrackStats {
        kind: "audio".into(),
        bitrate_kbps: kbps,
        packets: 100,
        loss,
        jitter_ms,
        ..Default::default()
    }
}

pub fn video(kbps: f64, loss: f64, height: u32, fps: f64) -> TrackStats {
    TrackStats {
        kind: "video".into(),
        bitrate_kbps: kbps,
        packets: 100,
        loss,
        width: Some(height * 16 / 9),
        height: Some(height),
        fps: Some(fps),
        ..Default::default()
    }
}

pub fn sample(
    secs: i64,
    role: Party,
    inbound: Vec<TrackStats>,
    outbound: Vec<TrackStats>,
    rtt: f64,
) -> Sample {
    Sample { at: at(secs), role, stats: PeerStats { inbound, outbound, rtt_ms: Some(rtt) } }
}

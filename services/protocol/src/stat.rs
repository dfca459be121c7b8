//! vc-stat's per-call metrics: what it computes when a call ends, what
//! vc-server keeps on the interaction (the summary), and the time series
//! the admin panel draws (`GET /api/interactions/{id}/metrics`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ids::InteractionId;
use crate::interaction::{EndedBy, Interaction, InteractionStatus};

/// Smallest, mean and largest value of a measurement over the call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct MinAvgMax {
    pub min: f64,
    pub avg: f64,
    pub max: f64,
}

/// The two directions media flows in, each through the gateway.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The client's camera and microphone, as the agent receives them.
    #[default]
    ClientToAgent,
    /// The agent's, as the client receives them.
    AgentToClient,
}

/// One kind of media (audio or video) in one direction, over the call.
/// Loss is end to end: the sender's leg to the gateway and the gateway's
/// leg to the receiver together. `None` where nothing was measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct MediaAggregate {
    /// kbit/s the sender delivered to the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub bitrate_kbps: Option<MinAvgMax>,
    /// Lost packets, percent of those expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub loss_pct: Option<MinAvgMax>,
    /// Interarrival jitter at the receiver, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub jitter_ms: Option<MinAvgMax>,
    /// Video only: frame height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub height: Option<MinAvgMax>,
    /// Video only: frame width in pixels (the most common one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub width: Option<u32>,
    /// Video only: frames per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fps: Option<MinAvgMax>,
}

/// Audio and video of one direction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct DirectionMetrics {
    pub audio: MediaAggregate,
    pub video: MediaAggregate,
}

/// The client's device, from its browser's User-Agent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct ClientDevice {
    pub user_agent: String,
    /// e.g. `Android`, `iOS`, `Windows 10`, `Linux`, `Mac OSX`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub os: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub os_version: Option<String>,
    /// e.g. `Chrome`, `Safari`, `Firefox`, `Yandex Browser`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub browser: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub browser_version: Option<String>,
    /// A phone or tablet (not a desktop browser).
    pub mobile: bool,
}

/// How long each step of the call took. Seconds from the moment the link
/// was sent (or, when it was only copied, created) unless said otherwise;
/// `None` for a step the call never reached.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct CallTiming {
    /// When the link first went out (SMS, Telegram or e-mail accepted by
    /// the provider); `None` when it was copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub link_sent_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to_link_opened_s: Option<f64>,
    /// To the client's join (consent given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to_joined_s: Option<f64>,
    /// To both parties' media connected (the call is active).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to_connected_s: Option<f64>,
    /// From the client's join to the call being active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub waiting_s: Option<f64>,
    /// From active to the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub talk_s: Option<f64>,
}

/// Media reconnections of each party after its first connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct Reconnects {
    pub agent: u32,
    pub client: u32,
}

/// The call's quality at a glance.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema, TS,
)]
#[serde(rename_all = "snake_case")]
pub enum QualityRating {
    /// No media was measured (the call never connected).
    #[default]
    Unknown,
    Good,
    Fair,
    Poor,
}

impl QualityRating {
    pub fn as_str(self) -> &'static str {
        match self {
            QualityRating::Unknown => "unknown",
            QualityRating::Good => "good",
            QualityRating::Fair => "fair",
            QualityRating::Poor => "poor",
        }
    }
}

/// Why a call's quality was not good. Thresholds: `docs/stats.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum QualityIssue {
    /// Video packets were lost.
    VideoLoss,
    /// Audio packets were lost.
    AudioLoss,
    /// The video bitrate stayed low (little bandwidth).
    LowBitrate,
    /// The picture was small.
    LowResolution,
    /// Few frames per second.
    LowFrameRate,
    /// Long round trips (delay).
    HighRtt,
    /// Jitter at the receiver.
    HighJitter,
    /// A party's media dropped and came back.
    Reconnects,
}

/// Rating and reasons, for one direction or the whole call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Quality {
    pub rating: QualityRating,
    #[serde(default)]
    pub issues: Vec<QualityIssue>,
}

/// What vc-stat computed for one call; vc-server keeps it on the
/// interaction (`metrics`) and the Excel export reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct CallMetricsSummary {
    pub computed_at: DateTime<Utc>,
    pub timing: CallTiming,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ended_by: Option<EndedBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub end_reason: Option<String>,
    pub reconnects: Reconnects,
    pub client_to_agent: DirectionMetrics,
    pub agent_to_client: DirectionMetrics,
    /// Round trip between the gateway and each party, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub agent_rtt_ms: Option<MinAvgMax>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub client_rtt_ms: Option<MinAvgMax>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub device: Option<ClientDevice>,
    /// The client's last position during the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub location: Option<crate::geo::Location>,
    pub chat_messages: u32,
    /// Files in the chat (screenshots and photos included).
    pub files: u32,
    pub screenshots: u32,
    pub quality: Quality,
    /// How many 5-second samples the gateway reported.
    pub samples: u32,
}

/// One sample of the series: what the gateway measured over 5 seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct MetricsPoint {
    pub at: DateTime<Utc>,
    /// Seconds since the call became active (negative before).
    pub t: f64,
    pub direction: Direction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub video_kbps: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub audio_kbps: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub video_loss_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub audio_loss_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub jitter_ms: Option<f64>,
    /// The sender's round trip to the gateway plus the receiver's, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rtt_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fps: Option<f64>,
}

/// `GET /api/interactions/{id}/metrics` (vc-stat): the summary and the
/// time series, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct CallMetrics {
    pub interaction_id: InteractionId,
    pub status: InteractionStatus,
    pub summary: CallMetricsSummary,
    pub series: Vec<MetricsPoint>,
}

/// `v1/server/interactions/stat_input`: vc-stat asks vc-server for what it
/// needs to compute a call's metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetStatInput {
    pub interaction_id: InteractionId,
}

/// The interaction with its event log, and what only vc-server knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatInput {
    pub interaction: Interaction,
    /// The User-Agent of the client's last join.
    #[serde(default)]
    pub client_user_agent: Option<String>,
    /// Text and location messages in the chat.
    pub chat_messages: u32,
    pub files: u32,
    pub screenshots: u32,
}

/// `v1/server/interactions/metrics`: vc-stat hands a call's summary to
/// vc-server, which keeps it on the interaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsComputed {
    pub interaction_id: InteractionId,
    pub summary: CallMetricsSummary,
}

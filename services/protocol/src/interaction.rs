//! vc-server's interactions: REST bodies and the event log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};

use crate::ids::{InteractionId, UserId};

/// Whose video flows: both ways, or only the client's to the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum VideoMode {
    TwoWay,
    OneWay,
}

/// The highest video quality of a call; the gateway caps bitrate to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema, TS)]
pub enum MaxQuality {
    #[serde(rename = "480p")]
    P480,
    #[serde(rename = "720p")]
    P720,
    #[serde(rename = "1080p")]
    P1080,
    #[serde(rename = "2160p")]
    P2160,
}

impl MaxQuality {
    /// Frame height in pixels.
    pub fn height(self) -> u32 {
        match self {
            MaxQuality::P480 => 480,
            MaxQuality::P720 => 720,
            MaxQuality::P1080 => 1080,
            MaxQuality::P2160 => 2160,
        }
    }

    /// The video bitrate a sender may use at this quality (kbit/s).
    pub fn max_video_kbps(self) -> u32 {
        match self {
            MaxQuality::P480 => 1_000,
            MaxQuality::P720 => 2_500,
            MaxQuality::P1080 => 4_500,
            MaxQuality::P2160 => 12_000,
        }
    }
}

/// `created` → `waiting` (link opened) → `active` (both connected) → `ended` or `failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum InteractionStatus {
    Created,
    Waiting,
    Active,
    Ended,
    Failed,
}

impl InteractionStatus {
    pub fn is_final(self) -> bool {
        matches!(self, InteractionStatus::Ended | InteractionStatus::Failed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InteractionStatus::Created => "created",
            InteractionStatus::Waiting => "waiting",
            InteractionStatus::Active => "active",
            InteractionStatus::Ended => "ended",
            InteractionStatus::Failed => "failed",
        }
    }
}

/// The two sides of an interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Agent,
    Client,
}

impl Party {
    pub fn other(self) -> Party {
        match self {
            Party::Agent => Party::Client,
            Party::Client => Party::Agent,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Party::Agent => "agent",
            Party::Client => "client",
        }
    }
}

/// Who ended an interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    Agent,
    Client,
    Supervisor,
    System,
}

/// One entry of an interaction's event log. `seq` is gap-free per
/// interaction, so a client that reconnects asks for what came after the
/// last `seq` it saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct InteractionEvent {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub event: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The agent created the interaction.
    Created { by: UserId },
    /// The status changed (every transition is logged).
    Status {
        status: InteractionStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        reason: Option<String>,
    },
    /// The client opened the link.
    LinkOpened,
    /// The client accepted the consent text.
    ConsentGiven,
    /// A new client link was issued; earlier ones stopped working.
    LinkRenewed,
    /// A party's control channel or media connection came or went.
    Presence { party: Party, online: bool },
    /// A party's media connection state, as the gateway sees it.
    Media { party: Party, connected: bool },
    /// A party muted or unmuted its microphone or camera.
    PeerMedia {
        party: Party,
        audio: bool,
        video: bool,
        /// The video is a shared screen.
        #[serde(default)]
        screen: bool,
    },
    /// Video mode or quality changed mid-call.
    Settings { video_mode: VideoMode, max_quality: MaxQuality },
    /// Time from the client's join tap to the agent's first decoded frame.
    ConnectTiming { ms: i64 },
    /// A delivery of the client link changed status.
    Delivery {
        delivery_id: crate::ids::DeliveryId,
        channel: crate::msg::Channel,
        status: crate::msg::DeliveryStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        reason: Option<crate::msg::FailureReason>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        detail: Option<String>,
        /// For a Telegram delivery awaiting Start: the link the client opens.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        start_url: Option<String>,
    },
    /// The agent asked the client's page for its location or a photo.
    Requested { request_id: crate::ids::RequestId, what: crate::control::RequestKind },
    /// The request ended (`done` when the location or photo is in the chat).
    RequestAnswered {
        request_id: crate::ids::RequestId,
        what: crate::control::RequestKind,
        outcome: crate::control::RequestOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        detail: Option<String>,
    },
    /// The call's recording is merged and stored.
    RecordingReady { file_id: crate::ids::FileId, duration_s: f64 },
    /// The call's recording could not be merged (its raw tracks are kept).
    RecordingFailed { reason: String },
    /// The storage retention policy deleted one of the call's files (the
    /// recording, a chat file, a screenshot or photo).
    FileDeleted { file_id: crate::ids::FileId, class: crate::storage::StorageClass, name: String },
    /// A scheduled call was booked, rescheduled or reassigned, or its
    /// schedule moved on (`link_sent`, `started`, `cancelled`, `missed`);
    /// `at` is the booked time, `agent_id` the agent it is now assigned to
    /// (on booking and reassignment).
    Schedule {
        state: crate::schedule::ScheduleState,
        at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        agent_id: Option<UserId>,
    },
    /// The agent's reminder of the scheduled call at `at` (logged once).
    Reminder { at: DateTime<Utc> },
    /// Who ended it.
    Ended {
        by: EndedBy,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        reason: Option<String>,
    },
}

/// Which parties are connected right now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct Presence {
    pub agent: bool,
    pub client: bool,
}

/// An interaction as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Interaction {
    pub id: InteractionId,
    pub status: InteractionStatus,
    pub agent_id: UserId,
    pub agent_name: String,
    pub client_name: Option<String>,
    pub client_phone: Option<String>,
    pub client_email: Option<String>,
    pub client_telegram: Option<String>,
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub link_expires_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    pub presence: Presence,
    /// The client's link: only in the answer that created (or renewed) it;
    /// the server keeps a hash, not the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub client_url: Option<String>,
    /// The short link to the current client link (kept, so it can be sent
    /// and copied again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub short_url: Option<String>,
    /// Every position the client sent, oldest first.
    #[serde(default)]
    pub locations: Vec<crate::geo::Location>,
    /// Whether the call is recorded.
    #[serde(default)]
    pub record: bool,
    /// The merged recording, once vc-records has stored it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub recording: Option<crate::recording::RecordingInfo>,
    /// The agent's team when the interaction was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub team_id: Option<crate::ids::TeamId>,
    /// The call functions of this interaction (the admins' defaults when it was created).
    pub features: crate::settings::FeatureSettings,
    /// Values of the admins' custom fields.
    #[serde(default)]
    pub custom_fields: crate::settings::CustomValues,
    /// The client's post-call survey answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub survey: Option<crate::settings::SurveyResponse>,
    /// Set for a scheduled call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub schedule: Option<crate::schedule::Schedule>,
    /// The call's metrics (vc-stat), once the call has ended and they are computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub metrics: Option<crate::stat::CallMetricsSummary>,
    pub events: Vec<InteractionEvent>,
}

/// `POST /api/interactions`
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CreateInteractionRequest {
    #[serde(default)]
    #[ts(optional)]
    pub client_name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub client_phone: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub client_email: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub client_telegram: Option<String>,
    pub video_mode: VideoMode,
    #[serde(default)]
    #[ts(optional)]
    pub max_quality: Option<MaxQuality>,
    /// Record the call; default from the server's settings (`[server] record_calls`).
    #[serde(default)]
    #[ts(optional)]
    pub record: Option<bool>,
    /// Values of the admins' custom fields (required ones must be given).
    #[serde(default)]
    #[ts(optional)]
    pub custom_fields: Option<crate::settings::CustomValues>,
}

/// `PATCH /api/interactions/{id}`: change video mode or quality, also mid-call.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateInteractionRequest {
    #[serde(default)]
    #[ts(optional)]
    pub video_mode: Option<VideoMode>,
    #[serde(default)]
    #[ts(optional)]
    pub max_quality: Option<MaxQuality>,
    /// Custom field values to set (merged; `null` clears a field).
    #[serde(default)]
    #[ts(optional)]
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<std::collections::BTreeMap<String, Option<crate::settings::CustomValue>>>,
}

/// `POST /api/interactions/{id}/end` (optional body).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct EndInteractionRequest {
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// `GET /api/interactions` query.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InteractionListQuery {
    pub status: Option<InteractionStatus>,
    pub agent_id: Option<UserId>,
    /// Interactions of this team's agents.
    pub team_id: Option<crate::ids::TeamId>,
    /// The client's phone (any format; matched in E.164).
    pub phone: Option<String>,
    /// With `field_value`: interactions whose custom field `field_key` equals it.
    pub field_key: Option<String>,
    pub field_value: Option<String>,
    /// Created at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Calls whose computed quality is this (`poor`: the calls to look at).
    pub quality: Option<crate::stat::QualityRating>,
    /// The Excel export's language (column titles, sheet names): `ru` or
    /// `en` (default `ru`); the list ignores it.
    pub lang: Option<crate::msg::Language>,
    /// Default 50, at most 500 (the Excel export ignores paging).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// `GET /api/interactions`: newest first, without event logs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
pub struct InteractionList {
    pub items: Vec<Interaction>,
    pub total: u64,
}

/// `POST /api/interactions/{id}/link`: a new client link (the old stops working).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
pub struct ClientLink {
    pub client_url: String,
    pub short_url: String,
    pub expires_at: DateTime<Utc>,
}

//! Scheduled calls (vc-server): an interaction booked for a client at a date
//! and time; its link goes out automatically `lead_minutes` before, the
//! agent is reminded in the console, and a call nobody joined is marked
//! missed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};

use crate::ids::{DeliveryId, InteractionId, TeamId, UserId};
use crate::interaction::{MaxQuality, VideoMode};
use crate::msg::{Channel, Language};
use crate::settings::CustomValues;

/// Where a scheduled call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleState {
    /// Booked; the link is not sent yet.
    Pending,
    /// The link went out (or was handed to vc-msg).
    LinkSent,
    /// The call took place (the client joined).
    Started,
    /// Cancelled by staff; the client was told.
    Cancelled,
    /// Nobody joined by `at` + the missed-after window.
    Missed,
}

impl ScheduleState {
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleState::Pending => "pending",
            ScheduleState::LinkSent => "link_sent",
            ScheduleState::Started => "started",
            ScheduleState::Cancelled => "cancelled",
            ScheduleState::Missed => "missed",
        }
    }

    /// It can still be rescheduled, reassigned or cancelled.
    pub fn is_open(self) -> bool {
        matches!(self, ScheduleState::Pending | ScheduleState::LinkSent)
    }
}

/// The schedule of an interaction (`Interaction.schedule`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Schedule {
    pub at: DateTime<Utc>,
    /// The client's IANA time zone (e.g. `Europe/Moscow`): the time in
    /// messages to the client is written in it.
    pub time_zone: String,
    pub send_via: Channel,
    pub language: Language,
    /// Minutes before `at` the link is sent.
    pub lead_minutes: u32,
    pub state: ScheduleState,
    /// Who booked it.
    pub created_by: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub link_sent_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub delivery_id: Option<DeliveryId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reminded_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cancelled_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cancel_reason: Option<String>,
    /// The message that told the client of the cancellation (`GET /api/deliveries/{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cancel_delivery_id: Option<DeliveryId>,
}

/// `POST /api/schedules`: an agent books a call for itself; a supervisor for
/// an agent of its teams, an admin for any agent (`agent_id`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CreateScheduleRequest {
    #[serde(default)]
    #[ts(optional)]
    pub agent_id: Option<UserId>,
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
    /// RFC 3339; must be in the future.
    pub at: DateTime<Utc>,
    /// IANA zone of the client; default `UTC`.
    #[serde(default)]
    #[ts(optional)]
    pub time_zone: Option<String>,
    pub send_via: Channel,
    /// 0-10080 (a week); default 15.
    #[serde(default)]
    #[ts(optional)]
    pub lead_minutes: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub language: Option<Language>,
    #[serde(default)]
    #[ts(optional)]
    pub video_mode: Option<VideoMode>,
    #[serde(default)]
    #[ts(optional)]
    pub max_quality: Option<MaxQuality>,
    #[serde(default)]
    #[ts(optional)]
    pub custom_fields: Option<CustomValues>,
}

/// `PATCH /api/schedules/{id}`: reschedule and/or reassign (supervisors
/// within their teams, admins). Absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateScheduleRequest {
    #[serde(default)]
    #[ts(optional)]
    pub at: Option<DateTime<Utc>>,
    #[serde(default)]
    #[ts(optional)]
    pub time_zone: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub agent_id: Option<UserId>,
    #[serde(default)]
    #[ts(optional)]
    pub lead_minutes: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub send_via: Option<Channel>,
}

/// `POST /api/schedules/{id}/cancel`
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CancelScheduleRequest {
    /// Told to the client with the cancellation (at most 500 characters).
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
    /// Tell the client through the call's channel; default `true`.
    #[serde(default)]
    #[ts(optional)]
    pub notify: Option<bool>,
}

/// `GET /api/schedules` query.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScheduleListQuery {
    /// Calls booked at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Calls booked before this time.
    pub to: Option<DateTime<Utc>>,
    pub agent_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub state: Option<ScheduleState>,
    /// Default 50, at most 500.
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// One scheduled call in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct ScheduledCall {
    pub interaction_id: InteractionId,
    pub agent_id: UserId,
    pub agent_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub team_id: Option<TeamId>,
    pub client_name: Option<String>,
    pub client_phone: Option<String>,
    pub client_email: Option<String>,
    pub client_telegram: Option<String>,
    pub schedule: Schedule,
}

/// `GET /api/schedules` answer, soonest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
pub struct ScheduleList {
    pub items: Vec<ScheduledCall>,
    pub total: u64,
}

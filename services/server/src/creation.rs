//! Creating an interaction, shared by `POST /api/interactions` (a call now)
//! and `POST /api/schedules` (a call booked for later): the client's
//! contact fields checked, the call's settings within the admins' features,
//! the client link (only its hash is kept) and its short form, the first
//! events; and the recipient of a message to the client on a channel.

use actix_web::HttpRequest;
use chrono::{DateTime, Utc};
use vc_protocol::interaction::{
    EventKind, Interaction, InteractionEvent, InteractionStatus, MaxQuality, Presence, VideoMode,
};
use vc_protocol::msg::Channel;
use vc_protocol::settings::{CustomValues, FeatureSettings};
use vc_protocol::{ErrorCode, InteractionId, TeamId, UserId};
use vc_runtime::ApiError;

use crate::handlers::create::{CallOptions, call_options};
use crate::handlers::{new_link_token, optional_text};
use crate::phone;
use crate::settings::validate;
use crate::state::ServerState;
use crate::store::{InteractionDoc, PeerMediaDoc, ScheduleDoc, to_bson};

/// The client's contact fields of a new interaction: trimmed, bounded, the
/// phone in E.164 (422 `invalid_phone`).
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientFields {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub telegram: Option<String>,
}

impl ClientFields {
    pub fn check(
        name: Option<String>,
        phone: Option<String>,
        email: Option<String>,
        telegram: Option<String>,
        default_phone_region: &str,
    ) -> Result<Self, ApiError> {
        let name = optional_text("client_name", name, 200)?;
        let phone = optional_text("client_phone", phone, 32)?
            .map(|p| phone::normalize(&p, default_phone_region))
            .transpose()?;
        let email = optional_text("client_email", email, 254)?;
        if email.as_deref().is_some_and(|e| !e.contains('@')) {
            return Err(ApiError::validation("client_email: not an e-mail address"));
        }
        let telegram = optional_text("client_telegram", telegram, 64)?;
        Ok(Self { name, phone, email, telegram })
    }
}

fn contact_missing(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ContactMissing,
        format!("the client has no {what}; add it to the interaction first"),
    )
}

/// Where a message to the client goes on `channel`: the phone (E.164, one
/// that can receive SMS), e-mail or Telegram contact; none for the webhook,
/// which needs some contact. 422 `contact_missing` / `invalid_phone`.
pub(crate) fn recipient(
    channel: Channel,
    phone: Option<&str>,
    email: Option<&str>,
    telegram: Option<&str>,
    default_phone_region: &str,
) -> Result<Option<String>, ApiError> {
    match channel {
        Channel::Sms => {
            let raw = phone.ok_or_else(|| contact_missing("phone number"))?;
            let e164 = phone::normalize(raw, default_phone_region)?;
            phone::check_can_receive_sms(&e164)?;
            Ok(Some(e164))
        }
        Channel::Email => Ok(Some(email.ok_or_else(|| contact_missing("e-mail address"))?.to_owned())),
        Channel::Telegram => {
            Ok(Some(telegram.ok_or_else(|| contact_missing("Telegram contact"))?.to_owned()))
        }
        Channel::Webhook => {
            if phone.is_none() && email.is_none() && telegram.is_none() {
                return Err(contact_missing("contact (phone, e-mail or Telegram)"));
            }
            Ok(None)
        }
    }
}

/// The settings of a new call: the admins' features (copied onto the
/// interaction), the media options within them, the custom field values.
#[derive(Debug, Clone)]
pub(crate) struct CallSetup {
    pub features: FeatureSettings,
    pub call: CallOptions,
    pub custom_fields: CustomValues,
}

impl CallSetup {
    pub async fn check(
        state: &ServerState,
        video_mode: VideoMode,
        max_quality: Option<MaxQuality>,
        record: Option<bool>,
        custom_fields: Option<CustomValues>,
    ) -> Result<Self, ApiError> {
        let features = state.settings.features().await?;
        let call = call_options(&features, video_mode, max_quality, record, state.cfg.record_calls)?;
        let custom_fields =
            validate::new_values(&state.settings.custom_fields().await?, custom_fields.unwrap_or_default())?;
        Ok(Self { features, call, custom_fields })
    }
}

/// A new interaction, checked.
pub(crate) struct NewInteraction {
    pub agent_id: UserId,
    pub agent_name: String,
    /// The agent's team (supervisors of it reach the interaction).
    pub team_id: Option<TeamId>,
    /// Who created it (the agent, or a supervisor or admin booking a call).
    pub created_by: UserId,
    pub client: ClientFields,
    pub setup: CallSetup,
    /// When the client link stops working.
    pub link_expires_at: DateTime<Utc>,
    /// Set for a booked call.
    pub schedule: Option<ScheduleDoc>,
}

/// Stores a new interaction with a fresh client link; the answer carries
/// the link (`client_url`), shown only now, and its short form.
pub(crate) async fn create(
    state: &ServerState,
    req: &HttpRequest,
    n: NewInteraction,
) -> Result<(InteractionDoc, Interaction), ApiError> {
    let now = Utc::now();
    let (token, link_hash) = new_link_token();
    let id = InteractionId::new();
    let base = state.public_base(req);
    let client_url = format!("{base}/c/{token}");
    let short_url = state.short_link(id, n.agent_id, &client_url, n.link_expires_at, &base).await;
    let mut kinds = vec![
        EventKind::Created { by: n.created_by },
        EventKind::Status { status: InteractionStatus::Created, reason: None },
    ];
    if let Some(s) = &n.schedule {
        kinds.push(EventKind::Schedule {
            state: s.state,
            at: crate::store::to_chrono(s.at),
            agent_id: Some(n.agent_id),
        });
    }
    let events: Vec<InteractionEvent> = kinds
        .into_iter()
        .enumerate()
        .map(|(i, event)| InteractionEvent { seq: i as u64 + 1, at: now, event })
        .collect();
    let doc = InteractionDoc {
        id,
        status: InteractionStatus::Created,
        agent_id: n.agent_id,
        agent_name: n.agent_name,
        client_name: n.client.name,
        client_phone: n.client.phone,
        client_email: n.client.email,
        client_telegram: n.client.telegram,
        video_mode: n.setup.call.video_mode,
        max_quality: n.setup.call.max_quality,
        created_at: to_bson(now),
        updated_at: to_bson(now),
        link_hash,
        link_expires_at: to_bson(n.link_expires_at),
        short_url: Some(short_url),
        started_at: None,
        ended_at: None,
        end_reason: None,
        media: Presence::default(),
        peer_media: PeerMediaDoc {
            agent_audio: true,
            agent_video: true,
            client_audio: true,
            client_video: true,
            agent_screen: false,
            client_screen: false,
        },
        join_tap_ms: None,
        chat_read: Default::default(),
        next_seq: events.len() as u64,
        record: n.setup.call.record,
        recording: None,
        team_id: n.team_id,
        features: n.setup.features,
        custom_search: validate::search_text(&n.setup.custom_fields),
        custom_fields: n.setup.custom_fields,
        survey: None,
        schedule: n.schedule,
        client_user_agent: None,
        metrics: None,
        events,
    };
    state.interactions.insert(&doc).await?;
    tracing::info!(
        interaction_id = %id,
        agent_id = %doc.agent_id,
        video_mode = ?doc.video_mode,
        scheduled = doc.schedule.is_some(),
        "interaction created"
    );
    let mut view = doc.view(true);
    view.client_url = Some(client_url);
    Ok((doc, view))
}

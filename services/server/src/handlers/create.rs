//! `POST /api/interactions`

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{Duration, Utc};
use vc_protocol::InteractionId;
use vc_protocol::interaction::{
    CreateInteractionRequest, EventKind, Interaction, InteractionEvent, InteractionStatus, MaxQuality,
    Presence,
};
use vc_runtime::{ApiError, Staff};

use super::{new_link_token, optional_text};
use crate::phone;
use crate::state::ServerState;
use crate::store::{InteractionDoc, PeerMediaDoc, to_bson};

/// Start an interaction: the answer carries the client's link (`client_url`),
/// shown only now — the server keeps only its hash — and its short form
/// (`short_url`, also on later reads). `client_phone` is validated and
/// stored in E.164 (422 `invalid_phone`).
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    request_body = CreateInteractionRequest,
    responses(
        (status = 201, body = Interaction),
        (status = 400, body = vc_protocol::ErrorBody),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`, `invalid_phone`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/interactions")]
pub async fn create_interaction(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<ServerState>,
    body: web::Json<CreateInteractionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let client_name = optional_text("client_name", body.client_name, 200)?;
    let client_phone = optional_text("client_phone", body.client_phone, 32)?
        .map(|p| phone::normalize(&p, &state.cfg.default_phone_region))
        .transpose()?;
    let client_email = optional_text("client_email", body.client_email, 254)?;
    if client_email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(ApiError::validation("client_email: not an e-mail address"));
    }
    let client_telegram = optional_text("client_telegram", body.client_telegram, 64)?;
    let now = Utc::now();
    let (token, link_hash) = new_link_token();
    let id = InteractionId::new();
    let link_expires_at = now + Duration::seconds(state.cfg.link_ttl_secs as i64);
    let base = state.public_base(&req);
    let client_url = format!("{base}/c/{token}");
    let short_url = state.short_link(id, staff.id, &client_url, link_expires_at, &base).await;
    let events = vec![
        InteractionEvent { seq: 1, at: now, event: EventKind::Created { by: staff.id } },
        InteractionEvent {
            seq: 2,
            at: now,
            event: EventKind::Status { status: InteractionStatus::Created, reason: None },
        },
    ];
    let agent_name =
        if staff.claims.name.is_empty() { staff.login.clone() } else { staff.claims.name.clone() };
    let doc = InteractionDoc {
        id,
        status: InteractionStatus::Created,
        agent_id: staff.id,
        agent_name,
        client_name,
        client_phone,
        client_email,
        client_telegram,
        video_mode: body.video_mode,
        max_quality: body.max_quality.unwrap_or(MaxQuality::P720),
        created_at: to_bson(now),
        updated_at: to_bson(now),
        link_hash,
        link_expires_at: to_bson(link_expires_at),
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
        record: body.record.unwrap_or(state.cfg.record_calls),
        recording: None,
        team_id: staff.claims.team,
        features: Default::default(),
        custom_fields: Default::default(),
        custom_search: Default::default(),
        survey: None,
        schedule: None,
        events,
    };
    state.interactions.insert(&doc).await?;
    tracing::info!(interaction_id = %id, agent_id = %staff.id, video_mode = ?doc.video_mode, "interaction created");
    let mut view = doc.view(true);
    view.client_url = Some(client_url);
    Ok(HttpResponse::Created().json(view))
}

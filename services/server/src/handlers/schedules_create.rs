//! `POST /api/schedules`

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use vc_protocol::interaction::{Interaction, VideoMode};
use vc_protocol::schedule::{CreateScheduleRequest, ScheduleState};
use vc_runtime::{ApiError, Staff};

use crate::creation::{self, CallSetup, ClientFields, NewInteraction, recipient};
use crate::schedule::rules;
use crate::state::ServerState;
use crate::store::{ScheduleDoc, to_bson};

/// Book a call for a client at `at` (the client's `time_zone`): an agent
/// for itself, a supervisor for an agent of its teams, an admin for any
/// agent (`agent_id`). The link goes out by `send_via` `lead_minutes`
/// before; the answer is the interaction with its `schedule`, the client
/// link (`client_url`, shown only now) and `short_url`.
#[utoipa::path(
    tag = "schedules",
    security(("bearer" = [])),
    request_body = CreateScheduleRequest,
    responses(
        (status = 201, body = Interaction),
        (status = 400, body = vc_protocol::ErrorBody),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "`forbidden`: an agent for another agent, a supervisor for an agent outside its teams", body = vc_protocol::ErrorBody),
        (status = 409, description = "`channel_not_configured`", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed` (time, time zone, lead, agent), `invalid_phone`, `contact_missing`", body = vc_protocol::ErrorBody),
        (status = 503, description = "`service_unavailable`: vc-auth did not answer", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/schedules")]
pub async fn create_schedule(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<ServerState>,
    body: web::Json<CreateScheduleRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let now = Utc::now();
    let at = rules::check_at(body.at, now)?;
    let time_zone = rules::check_time_zone(body.time_zone.as_deref().unwrap_or("UTC"))?;
    let lead_minutes = rules::check_lead(body.lead_minutes.unwrap_or(rules::DEFAULT_LEAD_MINUTES))?;
    let region = &state.cfg.default_phone_region;
    let client = ClientFields::check(
        body.client_name,
        body.client_phone,
        body.client_email,
        body.client_telegram,
        region,
    )?;
    recipient(
        body.send_via,
        client.phone.as_deref(),
        client.email.as_deref(),
        client.telegram.as_deref(),
        region,
    )?;
    let agent = rules::agent_for(&state, &staff, body.agent_id).await?;
    rules::check_channel(&state, body.send_via).await?;
    let setup = CallSetup::check(
        &state,
        body.video_mode.unwrap_or(VideoMode::TwoWay),
        body.max_quality,
        None,
        body.custom_fields,
    )
    .await?;
    let schedule = ScheduleDoc {
        at: to_bson(at),
        time_zone,
        send_via: body.send_via,
        language: body.language.unwrap_or_default(),
        lead_minutes,
        state: ScheduleState::Pending,
        created_by: staff.id,
        send_at: to_bson(rules::send_at(at, lead_minutes, now)),
        link_sent_at: None,
        delivery_id: None,
        reminded_at: None,
        cancelled_at: None,
        cancel_reason: None,
        delivery_confirmed: false,
        claimed_at: None,
        cancel_delivery_id: None,
        cancel_confirmed: false,
    };
    let (doc, view) = creation::create(
        &state,
        &req,
        NewInteraction {
            agent_id: agent.id,
            agent_name: rules::display_name(&agent),
            team_id: agent.team_id,
            created_by: staff.id,
            client,
            setup,
            link_expires_at: rules::link_expires_at(&state, at),
            schedule: Some(schedule),
        },
    )
    .await?;
    tracing::info!(
        interaction_id = %doc.id,
        agent_id = %doc.agent_id,
        by = %staff.id,
        at = %at.to_rfc3339(),
        channel = doc.schedule.as_ref().map(|s| s.send_via.as_str()),
        "call booked"
    );
    Ok(HttpResponse::Created().json(view))
}

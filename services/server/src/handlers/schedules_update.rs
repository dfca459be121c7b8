//! `PATCH /api/schedules/{id}`

use actix_web::{HttpRequest, patch, web};
use chrono::Utc;
use mongodb::bson::Bson;
use vc_protocol::InteractionId;
use vc_protocol::auth::Role;
use vc_protocol::interaction::{EventKind, Interaction};
use vc_protocol::schedule::{ScheduleState, UpdateScheduleRequest};
use vc_runtime::{ApiError, Staff};

use super::new_link_token;
use crate::creation::recipient;
use crate::schedule::rules::{self, not_scheduled};
use crate::state::{ServerState, not_found};
use crate::store::{Change, to_bson, to_chrono};

/// Reschedule (`at`, `time_zone`, `lead_minutes`, `send_via`) and/or
/// reassign (`agent_id`: supervisors to agents of their teams, admins to
/// any agent; agents may not) a booked call that has not taken place.
/// A new `at` gives the call a new client link (in the answer's
/// `client_url`). A link not yet sent goes out at the new time; one already
/// sent goes out again, with the new time, when `at`, `time_zone` or
/// `send_via` changed. The agent is reminded again when `at` or the agent
/// changed.
#[utoipa::path(
    tag = "schedules",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    request_body = UpdateScheduleRequest,
    responses(
        (status = 200, body = Interaction),
        (status = 400, body = vc_protocol::ErrorBody),
        (status = 403, description = "`forbidden`: outside the caller's reach; an agent reassigning", body = vc_protocol::ErrorBody),
        (status = 404, description = "`interaction_not_found`", body = vc_protocol::ErrorBody),
        (status = 409, description = "`not_scheduled`: started, cancelled, missed or not a booked call; `channel_not_configured`", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`, `invalid_phone`, `contact_missing`", body = vc_protocol::ErrorBody),
    )
)]
#[patch("/api/schedules/{id}")]
pub async fn update_schedule(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<ServerState>,
    id: web::Path<InteractionId>,
    body: web::Json<UpdateScheduleRequest>,
) -> Result<web::Json<Interaction>, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let (doc, current) = rules::load_open(&state, &staff, id).await?;
    let now = Utc::now();
    let agent = match body.agent_id {
        Some(a) if a != doc.agent_id => {
            if staff.role == Role::Agent {
                return Err(ApiError::forbidden("an agent cannot reassign a call; ask a supervisor"));
            }
            Some(rules::agent_for(&state, &staff, Some(a)).await?)
        }
        _ => None,
    };
    let new_at = body.at.map(|a| rules::check_at(a, now)).transpose()?.filter(|a| to_bson(*a) != current.at);
    let time_zone = body.time_zone.map(|z| rules::check_time_zone(&z)).transpose()?;
    let lead = body.lead_minutes.map(rules::check_lead).transpose()?;
    if let Some(channel) = body.send_via {
        recipient(
            channel,
            doc.client_phone.as_deref(),
            doc.client_email.as_deref(),
            doc.client_telegram.as_deref(),
            &state.cfg.default_phone_region,
        )?;
        if channel != current.send_via {
            rules::check_channel(&state, channel).await?;
        }
    }
    // A new time: a new link, valid until the new time plus the link lifetime.
    let link = match new_at {
        Some(at) => {
            let (token, hash) = new_link_token();
            let expires_at = rules::link_expires_at(&state, at);
            let base = state.public_base(&req);
            let client_url = format!("{base}/c/{token}");
            let agent_id = agent.as_ref().map_or(doc.agent_id, |a| a.id);
            let short_url = state.short_link(id, agent_id, &client_url, expires_at, &base).await;
            Some((client_url, hash, short_url, expires_at))
        }
        None => None,
    };
    let (updated, changed) = state
        .commit(id, |d| {
            let s = rules::open_schedule(d).ok()?;
            let at = new_at.unwrap_or_else(|| to_chrono(s.at));
            let moved = new_at.is_some();
            let rewritten = moved
                || time_zone.as_ref().is_some_and(|z| *z != s.time_zone)
                || body.send_via.is_some_and(|c| c != s.send_via);
            let lead_minutes = lead.unwrap_or(s.lead_minutes);
            let reassigned = agent.as_ref().filter(|a| a.id != d.agent_id);
            if !rewritten && lead_minutes == s.lead_minutes && reassigned.is_none() {
                return None;
            }
            let mut change = Change::default()
                .set("schedule.at", to_bson(at))
                .set("schedule.lead_minutes", i64::from(lead_minutes));
            if let Some(z) = &time_zone {
                change = change.set("schedule.time_zone", z.clone());
            }
            if let Some(c) = body.send_via {
                change = change.set("schedule.send_via", c.as_str());
            }
            // The link goes out (again) unless it went out and nothing it says changed.
            let next = if s.state == ScheduleState::Pending || rewritten {
                change = change
                    .set("schedule.send_at", to_bson(rules::send_at(at, lead_minutes, Utc::now())))
                    .set("schedule.delivery_id", Bson::Null)
                    .set("schedule.delivery_confirmed", false)
                    .set("schedule.claimed_at", Bson::Null)
                    .set("schedule.link_sent_at", Bson::Null);
                ScheduleState::Pending
            } else {
                s.state
            };
            change = change.set("schedule.state", next.as_str());
            if moved || reassigned.is_some() {
                change = change.set("schedule.reminded_at", Bson::Null);
            }
            if let Some(a) = reassigned {
                change = change
                    .set("agent_id", a.id.to_string())
                    .set("agent_name", rules::display_name(a))
                    .set("team_id", a.team_id.map(|t| t.to_string()));
            }
            if let Some((_, hash, short_url, expires_at)) = &link {
                change = change
                    .set("link_hash", hash.clone())
                    .set("link_expires_at", to_bson(*expires_at))
                    .set("short_url", short_url.clone())
                    .event(EventKind::LinkRenewed);
            }
            Some(change.event(EventKind::Schedule { state: next, at, agent_id: reassigned.map(|a| a.id) }))
        })
        .await?
        .ok_or_else(not_found)?;
    if !changed {
        // Nothing asked for differs, or the call moved on meanwhile.
        rules::open_schedule(&updated)?;
        if link.is_some() {
            return Err(not_scheduled("the call changed meanwhile; try again"));
        }
        return Ok(web::Json(updated.view(true)));
    }
    tracing::info!(
        interaction_id = %id,
        by = %staff.id,
        agent_id = %updated.agent_id,
        at = ?updated.schedule.as_ref().map(|s| to_chrono(s.at).to_rfc3339()),
        state = ?updated.schedule.as_ref().map(|s| s.state),
        "booked call changed"
    );
    let mut view = updated.view(true);
    if let Some((client_url, ..)) = link {
        view.client_url = Some(client_url);
    }
    Ok(web::Json(view))
}

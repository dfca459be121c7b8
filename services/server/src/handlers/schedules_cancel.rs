//! `POST /api/schedules/{id}/cancel`

use actix_web::{post, web};
use chrono::Utc;
use vc_protocol::InteractionId;
use vc_protocol::auth::Role;
use vc_protocol::interaction::{EndedBy, EventKind, Interaction, InteractionStatus};
use vc_protocol::msg::DeliveryId;
use vc_protocol::schedule::{CancelScheduleRequest, ScheduleState};
use vc_runtime::{ApiError, Staff};

use super::optional_text;
use crate::schedule::Schedules;
use crate::schedule::notify::{self, Message};
use crate::schedule::rules::{self, not_scheduled};
use crate::state::{ServerState, not_found};
use crate::store::{Change, to_bson, to_chrono};

/// Cancel a booked call that has not taken place: the schedule becomes
/// `cancelled`, the interaction `ended` (`cancelled`) and its link stops
/// working. Unless `notify` is `false`, the client is told through the
/// call's channel, with `reason` when given (the message's delivery is
/// `schedule.cancel_delivery_id`).
#[utoipa::path(
    tag = "schedules",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    request_body(content = Option<CancelScheduleRequest>),
    responses(
        (status = 200, body = Interaction),
        (status = 403, description = "`forbidden`: outside the caller's reach", body = vc_protocol::ErrorBody),
        (status = 404, description = "`interaction_not_found`", body = vc_protocol::ErrorBody),
        (status = 409, description = "`not_scheduled`: started, cancelled, missed or not a booked call", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/schedules/{id}/cancel")]
pub async fn cancel_schedule(
    staff: Staff,
    state: web::Data<ServerState>,
    schedules: web::Data<Schedules>,
    id: web::Path<InteractionId>,
    body: Option<web::Json<CancelScheduleRequest>>,
) -> Result<web::Json<Interaction>, ApiError> {
    let id = id.into_inner();
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    let reason = optional_text("reason", body.reason, 500)?;
    let (doc, _) = rules::load_open(&state, &staff, id).await?;
    let by = if staff.role == Role::Agent || staff.id == doc.agent_id {
        EndedBy::Agent
    } else {
        EndedBy::Supervisor
    };
    let delivery_id = body.notify.unwrap_or(true).then(DeliveryId::new);
    let (doc, changed) = state
        .commit(id, |d| {
            let s = rules::open_schedule(d).ok()?;
            let now = to_bson(Utc::now());
            let mut change = Change::default()
                .set("schedule.state", ScheduleState::Cancelled.as_str())
                .set("schedule.cancelled_at", now)
                .set("schedule.cancel_reason", reason.clone())
                .set("ended_at", now)
                .set("end_reason", "cancelled");
            if let Some(delivery) = delivery_id {
                change = change
                    .set("schedule.cancel_delivery_id", delivery.to_string())
                    .set("schedule.cancel_confirmed", false)
                    .set("schedule.claimed_at", now);
            }
            Some(
                change
                    .event(EventKind::Schedule {
                        state: ScheduleState::Cancelled,
                        at: to_chrono(s.at),
                        agent_id: None,
                    })
                    .status(InteractionStatus::Ended, Some("cancelled".into()))
                    .event(EventKind::Ended {
                        by,
                        reason: Some(reason.clone().unwrap_or_else(|| "cancelled".into())),
                    }),
            )
        })
        .await?
        .ok_or_else(not_found)?;
    if !changed {
        return Err(not_scheduled("the call took place, was cancelled or was missed meanwhile"));
    }
    tracing::info!(interaction_id = %id, by = %staff.id, notify = delivery_id.is_some(), "booked call cancelled");
    state.close_room(id, "cancelled");
    if delivery_id.is_some() {
        // Without an answer from vc-msg the scheduler hands it over again.
        notify::hand_over(&state, &schedules, &doc, Message::Cancellation).await;
    }
    Ok(web::Json(doc.view(true)))
}

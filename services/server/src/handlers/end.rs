//! `POST /api/interactions/{id}/end`

use actix_web::{post, web};
use chrono::Utc;
use vc_protocol::InteractionId;
use vc_protocol::auth::Role;
use vc_protocol::interaction::{EndInteractionRequest, EndedBy, EventKind, Interaction};
use vc_runtime::{ApiError, Caller};

use crate::lifecycle;
use crate::state::{ServerState, ended, not_found};
use crate::store::{Change, to_bson};

/// End the call: its agent, a supervisor or admin, or its client.
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    request_body(content = Option<EndInteractionRequest>),
    responses(
        (status = 200, body = Interaction),
        (status = 403, body = vc_protocol::ErrorBody),
        (status = 404, body = vc_protocol::ErrorBody),
        (status = 409, description = "`interaction_ended`: it is already over", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/interactions/{id}/end")]
pub async fn end_interaction(
    caller: Caller,
    state: web::Data<ServerState>,
    id: web::Path<InteractionId>,
    body: Option<web::Json<EndInteractionRequest>>,
) -> Result<web::Json<Interaction>, ApiError> {
    let id = id.into_inner();
    let (current, _) = state.load_for_caller(&caller, id).await?;
    if current.status.is_final() {
        return Err(ended());
    }
    let by = match &caller {
        Caller::Client(_) => EndedBy::Client,
        Caller::Staff(s) if s.role == Role::Agent => EndedBy::Agent,
        Caller::Staff(s) if s.id == current.agent_id => EndedBy::Agent,
        Caller::Staff(_) => EndedBy::Supervisor,
    };
    let reason = body.and_then(|b| b.into_inner().reason).map(|r| r.chars().take(500).collect::<String>());
    let who = match by {
        EndedBy::Agent => "agent",
        EndedBy::Client => "client",
        EndedBy::Supervisor => "supervisor",
        EndedBy::System => "system",
    };
    let stated = reason.clone().unwrap_or_else(|| format!("ended by the {who}"));
    let (doc, changed) = state
        .commit(id, |doc| {
            let next = lifecycle::on_end(doc.status)?;
            Some(
                Change::default()
                    .set("ended_at", to_bson(Utc::now()))
                    .set("end_reason", stated.clone())
                    .status(next, None)
                    .event(EventKind::Ended { by, reason: reason.clone() }),
            )
        })
        .await?
        .ok_or_else(not_found)?;
    if !changed {
        // Someone else ended or failed it a moment earlier.
        return Err(ended());
    }
    tracing::info!(interaction_id = %id, by = ?by, "interaction ended");
    state.close_room(id, "ended");
    Ok(web::Json(doc.view(true)))
}

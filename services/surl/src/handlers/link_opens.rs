//! `GET /api/interactions/{id}/link-opens` (staff)

use actix_web::{get, web};
use std::time::Duration;

use vc_protocol::auth::Role;
use vc_protocol::files::GetInteractionAccess;
use vc_protocol::surl::LinkOpens;
use vc_protocol::topics;
use vc_protocol::{ErrorCode, InteractionId};
use vc_runtime::{ApiError, Staff};

use crate::state::SurlState;

/// The most opens one answer lists.
const MAX_OPENS: i64 = 1000;

/// Every open of the interaction's short links by the client, oldest first
/// (fetches by link-preview robots are left out). Agents see their own
/// interactions' opens, supervisors their teams', admins all.
#[utoipa::path(
    tag = "short-links",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    responses(
        (status = 200, description = "the opens; empty when the interaction has no short link", body = LinkOpens),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "another agent's interaction", body = vc_protocol::ErrorBody),
        (status = 503, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/interactions/{id}/link-opens")]
pub async fn link_opens(
    staff: Staff,
    state: web::Data<SurlState>,
    id: web::Path<InteractionId>,
) -> Result<web::Json<LinkOpens>, ApiError> {
    let id = id.into_inner();
    match staff.role {
        Role::Admin => {}
        Role::Agent => match state.links.latest_of(id).await? {
            Some(link) if link.agent_id != staff.id => {
                return Err(ApiError::forbidden("this interaction belongs to another agent"));
            }
            Some(_) => {}
            None => return Ok(web::Json(LinkOpens { opens: Vec::new() })),
        },
        Role::Supervisor => {
            // The team is vc-server's to know.
            let access = state
                .bus
                .request_with_timeout(
                    &topics::server::interaction_access(),
                    &GetInteractionAccess { interaction_id: id },
                    Duration::from_secs(3),
                )
                .await
                .map_err(|e| match e {
                    vc_runtime::BusError::Remote { .. } => {
                        ApiError::new(ErrorCode::InteractionNotFound, "no such interaction")
                    }
                    other => other.into(),
                })?;
            if !staff.reaches(access.agent_id, access.team_id) {
                return Err(ApiError::forbidden("this interaction belongs to an agent outside your teams"));
            }
        }
    }
    let opens = state.opens.of_interaction(id, MAX_OPENS).await?;
    Ok(web::Json(LinkOpens { opens: opens.iter().map(|o| o.view()).collect() }))
}

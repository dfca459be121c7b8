//! `GET /api/interactions`

use actix_web::{get, web};
use vc_protocol::auth::Role;
use vc_protocol::interaction::{InteractionList, InteractionListQuery};
use vc_runtime::{ApiError, Staff};

use crate::state::ServerState;
use crate::store::ListFilter;

/// Interactions, newest first: an agent sees its own, supervisors and admins
/// all (optionally one agent's).
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(InteractionListQuery),
    responses(
        (status = 200, body = InteractionList),
        (status = 400, body = vc_protocol::ErrorBody),
        (status = 401, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/interactions")]
pub async fn list_interactions(
    staff: Staff,
    state: web::Data<ServerState>,
    query: web::Query<InteractionListQuery>,
) -> Result<web::Json<InteractionList>, ApiError> {
    let q = query.into_inner();
    let agent_id = match staff.role {
        Role::Agent => Some(staff.id),
        Role::Supervisor | Role::Admin => q.agent_id,
    };
    let filter = ListFilter { agent_id, status: q.status, from: q.from, to: q.to };
    let (docs, total) =
        state.interactions.list(filter, q.limit.unwrap_or(50).clamp(1, 500), q.offset.unwrap_or(0)).await?;
    Ok(web::Json(InteractionList { items: docs.iter().map(|d| d.view(false)).collect(), total }))
}

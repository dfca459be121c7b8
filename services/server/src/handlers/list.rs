//! `GET /api/interactions`

use actix_web::{get, web};
use vc_protocol::auth::Role;
use vc_protocol::interaction::{InteractionList, InteractionListQuery};
use vc_runtime::{ApiError, Staff};

use crate::phone;
use crate::state::ServerState;
use crate::store::{ListFilter, TeamScope};

/// Interactions, newest first: an agent sees its own, a supervisor its
/// teams' (and its own, and those of agents outside every team), admins all; filters by agent, team, status, time,
/// the client's phone and a custom field's value (case-insensitive).
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
    let filter = list_filter(&staff, &state, &q)?;
    let (docs, total) =
        state.interactions.list(filter, q.limit.unwrap_or(50).clamp(1, 500), q.offset.unwrap_or(0)).await?;
    Ok(web::Json(InteractionList { items: docs.iter().map(|d| d.view(false)).collect(), total }))
}

/// The search `q` asks for, narrowed to what `staff` may see (agent: its
/// own; supervisor: its teams', teamless calls and its own; admin: all).
/// The list and the Excel export (`reports_export`) share it.
pub(crate) fn list_filter(
    staff: &Staff,
    state: &ServerState,
    q: &InteractionListQuery,
) -> Result<ListFilter, ApiError> {
    let (agent_id, teams) = match staff.role {
        Role::Agent => (Some(staff.id), None),
        Role::Supervisor => {
            // Its teams' calls (and its own), narrowed by `team_id`.
            let teams = match q.team_id {
                Some(t) if staff.claims.teams.contains(&t) => vec![t],
                Some(_) => return Err(ApiError::forbidden("team_id: not one of your teams")),
                None => staff.claims.teams.clone(),
            };
            let all = q.team_id.is_none();
            (q.agent_id, Some(TeamScope { teams, teamless: all, or_agent: all.then_some(staff.id) }))
        }
        Role::Admin => {
            (q.agent_id, q.team_id.map(|t| TeamScope { teams: vec![t], teamless: false, or_agent: None }))
        }
    };
    let phone = match q.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(phone::normalize(p, &state.cfg.default_phone_region)?),
        None => None,
    };
    let field = match (&q.field_key, &q.field_value) {
        (Some(k), Some(v)) if !k.trim().is_empty() => {
            let k = k.trim().to_owned();
            if !k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                return Err(ApiError::validation("field_key: a custom field's key"));
            }
            Some((k, v.trim().to_lowercase()))
        }
        (None, None) => None,
        _ => return Err(ApiError::validation("field_key and field_value go together")),
    };
    Ok(ListFilter {
        agent_id,
        status: q.status,
        from: q.from,
        to: q.to,
        teams,
        phone,
        field,
        quality: q.quality,
    })
}

//! `GET /api/users` (admins; supervisors: their teams' agents)

use actix_web::{get, web};
use vc_protocol::auth::{Role, UserList, UserListQuery};
use vc_runtime::{ApiError, Staff};

use crate::state::AuthState;
use crate::store::users::Filter;

/// Users, sorted by login, filtered by role, state, team and a login/name
/// prefix. Admins see everyone; a supervisor the agents of its teams and
/// the agents outside every team.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UserListQuery),
    responses(
        (status = 200, body = UserList),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "an agent, or a supervisor asking beyond its teams", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/users")]
pub async fn list_users(
    staff: Staff,
    state: web::Data<AuthState>,
    query: web::Query<UserListQuery>,
) -> Result<web::Json<UserList>, ApiError> {
    let q = query.into_inner();
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let offset = q.offset.unwrap_or(0);
    let filter = match staff.role {
        Role::Admin => Filter {
            role: q.role,
            disabled: q.disabled,
            prefix: q.q,
            teams: q.team_id.map(|t| vec![t]),
            teamless: false,
        },
        Role::Supervisor => {
            // The agents of its teams, nobody else.
            if q.role.is_some_and(|r| r != Role::Agent) {
                return Err(ApiError::forbidden("supervisors see the agents of their teams only"));
            }
            let teams = match q.team_id {
                Some(t) if staff.claims.teams.contains(&t) => vec![t],
                Some(_) => return Err(ApiError::forbidden("team_id: not one of your teams")),
                None => staff.claims.teams.clone(),
            };
            // Agents outside every team are every supervisor's.
            let teamless = q.team_id.is_none();
            Filter {
                role: Some(Role::Agent),
                disabled: q.disabled,
                prefix: q.q,
                teams: Some(teams),
                teamless,
            }
        }
        Role::Agent => return Err(ApiError::forbidden("agents cannot list users")),
    };
    let (docs, total) = state.users.list(filter, limit, offset).await?;
    Ok(web::Json(UserList { items: docs.iter().map(|d| d.view()).collect(), total }))
}

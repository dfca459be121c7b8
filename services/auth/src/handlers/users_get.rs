//! `GET /api/users/{id}` (admins; supervisors: their teams' agents; anyone: itself)

use actix_web::{get, web};
use vc_protocol::auth::{Role, User};
use vc_protocol::{ErrorCode, UserId};
use vc_runtime::{ApiError, Staff};

use crate::state::AuthState;

/// One user.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = UserId, Path, description = "user id")),
    responses(
        (status = 200, body = User),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "neither an admin nor this user", body = vc_protocol::ErrorBody),
        (status = 404, description = "`user_not_found`", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/users/{id}")]
pub async fn get_user(
    staff: Staff,
    state: web::Data<AuthState>,
    id: web::Path<UserId>,
) -> Result<web::Json<User>, ApiError> {
    let id = id.into_inner();
    if staff.id != id && staff.role == Role::Agent {
        return Err(ApiError::forbidden("agents see only themselves"));
    }
    let user = state
        .users
        .by_id(id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound, "no user with this id"))?;
    let in_teams = user.role == Role::Agent && user.team_id.is_none_or(|t| staff.claims.teams.contains(&t));
    if staff.id != id && staff.role == Role::Supervisor && !in_teams {
        return Err(ApiError::forbidden("this user is not an agent of your teams"));
    }
    Ok(web::Json(user.view()))
}

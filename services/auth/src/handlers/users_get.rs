//! `GET /api/users/{id}` (admin, or the user itself)

use actix_web::{get, web};
use vc_protocol::auth::User;
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
    if staff.id != id {
        staff.require_admin()?;
    }
    let user = state
        .users
        .by_id(id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound, "no user with this id"))?;
    Ok(web::Json(user.view()))
}

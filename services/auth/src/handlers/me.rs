//! `GET /api/auth/me`

use actix_web::{get, web};
use vc_protocol::ErrorCode;
use vc_protocol::auth::User;
use vc_runtime::{ApiError, Staff};

use crate::state::AuthState;

/// The user the bearer token belongs to.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, body = User),
        (status = 401, description = "no, invalid, expired or revoked token", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/auth/me")]
pub async fn me(staff: Staff, state: web::Data<AuthState>) -> Result<web::Json<User>, ApiError> {
    match state.users.by_id(staff.id).await? {
        Some(user) if !user.disabled && user.token_version <= staff.claims.ver => Ok(web::Json(user.view())),
        _ => Err(ApiError::new(ErrorCode::TokenRevoked, "the token was revoked; sign in again")),
    }
}

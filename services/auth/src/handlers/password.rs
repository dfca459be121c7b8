//! `POST /api/auth/password`

use actix_web::{post, web};
use vc_protocol::ErrorCode;
use vc_protocol::auth::{ChangePasswordRequest, TokenPair};
use vc_protocol::topics::RevocationReason;
use vc_runtime::{ApiError, Staff};

use crate::password::check_policy;
use crate::state::AuthState;
use crate::store::users::Changes;

/// Change one's own password. Every other session of the user ends; the
/// answer is a fresh pair for this one.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "`invalid_credentials`: the current password is wrong", body = vc_protocol::ErrorBody),
        (status = 422, description = "`weak_password`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/auth/password")]
pub async fn change_password(
    staff: Staff,
    state: web::Data<AuthState>,
    body: web::Json<ChangePasswordRequest>,
) -> Result<web::Json<TokenPair>, ApiError> {
    let body = body.into_inner();
    let user = state
        .users
        .by_id(staff.id)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| ApiError::new(ErrorCode::TokenRevoked, "the token was revoked; sign in again"))?;
    if !state.verify_password(body.current_password, Some(user.password_hash.clone())).await? {
        return Err(ApiError::new(ErrorCode::InvalidCredentials, "the current password is wrong"));
    }
    check_policy(&body.new_password, &user.login, state.cfg.password_min_length)
        .map_err(|m| ApiError::new(ErrorCode::WeakPassword, m))?;
    let hash = state.hash_password(body.new_password).await?;
    let changes = Changes { password_hash: Some(hash), bump_version: true, ..Default::default() };
    let user =
        state.users.update(staff.id, changes).await?.ok_or_else(|| ApiError::internal("user vanished"))?;
    state.sessions.revoke_user(user.id).await?;
    state.revoke(&user, RevocationReason::PasswordChanged).await?;
    Ok(web::Json(state.token_pair(&user, None).await?))
}

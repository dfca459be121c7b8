//! `POST /api/auth/refresh`

use actix_web::{post, web};
use chrono::{Duration, Utc};
use vc_protocol::ErrorCode;
use vc_protocol::auth::{RefreshRequest, TokenPair};
use vc_runtime::ApiError;

use crate::state::AuthState;
use crate::store::sessions::Consumed;

/// Trade a refresh token for a new pair. Each refresh token works once;
/// presenting a used one again revokes its whole session (someone copied it).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "`refresh_token_invalid` or `refresh_token_reused`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/auth/refresh")]
pub async fn refresh(
    state: web::Data<AuthState>,
    body: web::Json<RefreshRequest>,
) -> Result<web::Json<TokenPair>, ApiError> {
    let result = rotate(&state, &body.refresh_token).await;
    state.metrics.refreshes.with_label_values(&[super::outcome(&result)]).inc();
    result.map(web::Json)
}

async fn rotate(state: &AuthState, token: &str) -> Result<TokenPair, ApiError> {
    let invalid =
        || ApiError::new(ErrorCode::RefreshTokenInvalid, "the refresh token is not valid; sign in again");
    let doc = match state.sessions.consume(token).await? {
        Consumed::Ok(doc) => doc,
        Consumed::Invalid => return Err(invalid()),
        Consumed::Reused { user_id, family } => {
            tracing::warn!(user_id = %user_id, session = %family, "refresh token reused; session revoked");
            return Err(ApiError::new(
                ErrorCode::RefreshTokenReused,
                "this refresh token was already used; the session was ended for safety",
            ));
        }
    };
    let max = Duration::seconds(state.cfg.session_max_secs as i64);
    if doc.family_started() + max < Utc::now() {
        state.sessions.revoke_family(doc.family).await?;
        return Err(invalid());
    }
    let user = match state.users.by_id(doc.user_id).await? {
        Some(u) if !u.disabled => u,
        _ => {
            state.sessions.revoke_family(doc.family).await?;
            return Err(invalid());
        }
    };
    state.token_pair(&user, Some((doc.family, doc.family_started()))).await
}

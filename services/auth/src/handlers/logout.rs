//! `POST /api/auth/logout`

use actix_web::{HttpResponse, post, web};
use vc_protocol::auth::RefreshRequest;
use vc_runtime::ApiError;

use crate::state::AuthState;

/// End the session the refresh token belongs to: none of its refresh tokens
/// works any more. (Its current access token lapses at its expiry.)
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "session ended (also when the token was unknown)"))
)]
#[post("/api/auth/logout")]
pub async fn logout(
    state: web::Data<AuthState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Some(family) = state.sessions.family_of(&body.refresh_token).await? {
        state.sessions.revoke_family(family).await?;
        tracing::info!(session = %family, "signed out");
    }
    Ok(HttpResponse::NoContent().finish())
}

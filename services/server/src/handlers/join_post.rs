//! `POST /api/join/{token}`

use actix_web::{post, web};
use vc_protocol::ErrorCode;
use vc_protocol::interaction::EventKind;
use vc_protocol::join::{JoinRequest, JoinResponse};
use vc_protocol::topics::TokenGrant;
use vc_runtime::ApiError;

use super::join_info::resolve;
use crate::state::ServerState;
use crate::store::Change;

/// The client accepted the consent text: a client token that reaches only
/// this interaction.
#[utoipa::path(
    tag = "join",
    params(("token" = String, Path, description = "the token of the client link")),
    request_body = JoinRequest,
    responses(
        (status = 200, body = JoinResponse),
        (status = 404, description = "`link_not_found`", body = vc_protocol::ErrorBody),
        (status = 410, description = "`link_expired`", body = vc_protocol::ErrorBody),
        (status = 422, description = "`consent_required`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/join/{token}")]
pub async fn join(
    state: web::Data<ServerState>,
    token: web::Path<String>,
    body: web::Json<JoinRequest>,
) -> Result<web::Json<JoinResponse>, ApiError> {
    if !body.consent {
        return Err(ApiError::new(ErrorCode::ConsentRequired, "the consent text has to be accepted to join"));
    }
    let doc = resolve(&state, &token).await?;
    let ttl = state.cfg.client_token_ttl_secs;
    let issued = state.issue(TokenGrant::Client { interaction_id: doc.id }, ttl).await?;
    state
        .commit(doc.id, |d| (!d.status.is_final()).then(|| Change::default().event(EventKind::ConsentGiven)))
        .await?;
    Ok(web::Json(JoinResponse { client_token: issued.token, interaction_id: doc.id, expires_in: ttl }))
}

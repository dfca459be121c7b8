//! `POST /api/join/{token}`

use actix_web::http::header;
use actix_web::{HttpRequest, post, web};
use vc_protocol::ErrorCode;
use vc_protocol::interaction::EventKind;
use vc_protocol::join::{JoinRequest, JoinResponse};
use vc_protocol::topics::TokenGrant;
use vc_runtime::ApiError;

use super::join_info::resolve;
use crate::state::ServerState;
use crate::store::Change;

/// The longest User-Agent kept (real ones are under 300 characters).
const MAX_USER_AGENT: usize = 512;

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
    req: HttpRequest,
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
    // The device the client joins from (vc-stat reports it), cut to a sane length.
    let user_agent: Option<String> = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(MAX_USER_AGENT).collect());
    state
        .commit(doc.id, |d| {
            (!d.status.is_final()).then(|| {
                let change = Change::default().event(EventKind::ConsentGiven);
                match &user_agent {
                    Some(ua) => change.set("client_user_agent", ua.clone()),
                    None => change,
                }
            })
        })
        .await?;
    Ok(web::Json(JoinResponse { client_token: issued.token, interaction_id: doc.id, expires_in: ttl }))
}

//! `POST /api/interactions/{id}/link`

use actix_web::{HttpRequest, post, web};
use chrono::{Duration, Utc};
use vc_protocol::InteractionId;
use vc_protocol::interaction::{ClientLink, EventKind};
use vc_runtime::{ApiError, Staff};

use super::new_link_token;
use crate::state::{ServerState, ended, not_found};
use crate::store::{Change, to_bson};

/// A new client link and short link; the previous ones stop working at once.
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    responses(
        (status = 200, body = ClientLink),
        (status = 403, body = vc_protocol::ErrorBody),
        (status = 404, body = vc_protocol::ErrorBody),
        (status = 409, description = "`interaction_ended`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/interactions/{id}/link")]
pub async fn renew_link(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<ServerState>,
    id: web::Path<InteractionId>,
) -> Result<web::Json<ClientLink>, ApiError> {
    let id = id.into_inner();
    let current = state.load_for_staff(&staff, id).await?;
    if current.status.is_final() {
        return Err(ended());
    }
    let (token, hash) = new_link_token();
    let expires_at = Utc::now() + Duration::seconds(state.cfg.link_ttl_secs as i64);
    let base = state.public_base(&req);
    let client_url = format!("{base}/c/{token}");
    // The new short link replaces the old one at vc-surl.
    let short_url = state.short_link(id, current.agent_id, &client_url, expires_at, &base).await;
    let (_, changed) = state
        .commit(id, |doc| {
            (!doc.status.is_final()).then(|| {
                Change::default()
                    .set("link_hash", hash.clone())
                    .set("link_expires_at", to_bson(expires_at))
                    .set("short_url", short_url.clone())
                    .event(EventKind::LinkRenewed)
            })
        })
        .await?
        .ok_or_else(not_found)?;
    if !changed {
        return Err(ended());
    }
    Ok(web::Json(ClientLink { client_url, short_url, expires_at }))
}

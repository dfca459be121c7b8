//! `PATCH /api/interactions/{id}`

use actix_web::{patch, web};
use vc_protocol::InteractionId;
use vc_protocol::interaction::{EventKind, Interaction, UpdateInteractionRequest};
use vc_runtime::{ApiError, Staff};

use crate::state::{ServerState, ended, not_found};
use crate::store::Change;

/// Change video mode or quality, also during the call: both pages and the
/// gateway apply it at once.
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    request_body = UpdateInteractionRequest,
    responses(
        (status = 200, body = Interaction),
        (status = 403, body = vc_protocol::ErrorBody),
        (status = 404, body = vc_protocol::ErrorBody),
        (status = 409, description = "`interaction_ended`", body = vc_protocol::ErrorBody),
    )
)]
#[patch("/api/interactions/{id}")]
pub async fn update_interaction(
    staff: Staff,
    state: web::Data<ServerState>,
    id: web::Path<InteractionId>,
    body: web::Json<UpdateInteractionRequest>,
) -> Result<web::Json<Interaction>, ApiError> {
    let id = id.into_inner();
    let current = state.load_for_staff(&staff, id).await?;
    if current.status.is_final() {
        return Err(ended());
    }
    let body = body.into_inner();
    let doc = state
        .commit(id, |doc| {
            if doc.status.is_final() {
                return None;
            }
            let video_mode = body.video_mode.unwrap_or(doc.video_mode);
            let max_quality = body.max_quality.unwrap_or(doc.max_quality);
            if video_mode == doc.video_mode && max_quality == doc.max_quality {
                return None;
            }
            let mode = serde_json::to_value(video_mode).ok()?.as_str()?.to_owned();
            let quality = serde_json::to_value(max_quality).ok()?.as_str()?.to_owned();
            Some(
                Change::default()
                    .set("video_mode", mode)
                    .set("max_quality", quality)
                    .event(EventKind::Settings { video_mode, max_quality }),
            )
        })
        .await?
        .ok_or_else(not_found)?
        .0;
    if doc.status.is_final() {
        return Err(ended());
    }
    state.update_room(id, doc.video_mode, doc.max_quality).await;
    Ok(web::Json(doc.view(true)))
}

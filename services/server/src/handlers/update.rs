//! `PATCH /api/interactions/{id}`

use actix_web::{patch, web};
use vc_protocol::InteractionId;
use vc_protocol::interaction::{EventKind, Interaction, UpdateInteractionRequest};
use vc_protocol::settings::FeatureSettings;
use vc_runtime::{ApiError, Staff};

use crate::settings::validate;
use crate::state::{ServerState, ended, not_found, require_feature};
use crate::store::Change;

/// Change video mode or quality, also during the call: both pages and the
/// gateway apply it at once (within the call's features). Custom field
/// values (`custom_fields`, merged; `null` clears one) may also be set after
/// the call.
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
        (status = 422, description = "`validation_failed`", body = vc_protocol::ErrorBody),
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
    let body = body.into_inner();
    let media = body.video_mode.is_some() || body.max_quality.is_some();
    if media && current.status.is_final() {
        return Err(ended());
    }
    if let Some(mode) = body.video_mode {
        require_feature(&current.features, FeatureSettings::for_mode(mode))?;
    }
    if body.max_quality.is_some_and(|q| q > current.features.max_quality) {
        return Err(ApiError::validation("max_quality: above the highest quality allowed for this call"));
    }
    // Custom fields may be filled in during the call and after it.
    let fields = match body.custom_fields {
        Some(patch) => {
            let defs = state.settings.custom_fields().await?;
            let merged = validate::merge_values(&defs, &current.custom_fields, patch)?;
            let search = validate::search_text(&merged);
            let encode = |e: mongodb::bson::ser::Error| ApiError::internal(e);
            Some((
                mongodb::bson::to_bson(&merged).map_err(encode)?,
                mongodb::bson::to_bson(&search).map_err(encode)?,
            ))
        }
        None => None,
    };
    let doc = state
        .commit(id, |doc| {
            let mut change = Change::default();
            let mut changed = false;
            if let Some((values, search)) = &fields {
                change = change.set("custom_fields", values.clone()).set("custom_search", search.clone());
                changed = true;
            }
            let video_mode = body.video_mode.unwrap_or(doc.video_mode);
            let max_quality = body.max_quality.unwrap_or(doc.max_quality);
            if !doc.status.is_final() && (video_mode != doc.video_mode || max_quality != doc.max_quality) {
                let mode = serde_json::to_value(video_mode).ok()?.as_str()?.to_owned();
                let quality = serde_json::to_value(max_quality).ok()?.as_str()?.to_owned();
                change = change
                    .set("video_mode", mode)
                    .set("max_quality", quality)
                    .event(EventKind::Settings { video_mode, max_quality });
                changed = true;
            }
            changed.then_some(change)
        })
        .await?
        .ok_or_else(not_found)?
        .0;
    if media {
        if doc.status.is_final() {
            return Err(ended());
        }
        state.update_room(id, doc.video_mode, doc.max_quality).await;
    }
    Ok(web::Json(doc.view(true)))
}

//! `GET`/`PUT /api/settings/features`

use actix_web::{get, put, web};
use vc_protocol::settings::FeatureSettings;
use vc_runtime::{ApiError, Staff};

use crate::settings::validate;
use crate::state::ServerState;

/// The call functions new interactions get (any signed-in staff user may read).
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    responses(
        (status = 200, body = FeatureSettings),
        (status = 401, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/settings/features")]
pub async fn get_features(
    _staff: Staff,
    state: web::Data<ServerState>,
) -> Result<web::Json<FeatureSettings>, ApiError> {
    Ok(web::Json(state.settings.features().await?))
}

/// Saves the call functions (admin). Interactions created from now on get
/// them; a function that is off is absent from both pages and refused by
/// the server (403 `feature_disabled`). Running interactions keep theirs.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    request_body = FeatureSettings,
    responses(
        (status = 200, body = FeatureSettings),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`", body = vc_protocol::ErrorBody),
    )
)]
#[put("/api/settings/features")]
pub async fn put_features(
    staff: Staff,
    state: web::Data<ServerState>,
    body: web::Json<FeatureSettings>,
) -> Result<web::Json<FeatureSettings>, ApiError> {
    staff.require_admin()?;
    let f = validate::features(body.into_inner())?;
    state.settings.put_features(&f, staff.id).await?;
    Ok(web::Json(f))
}

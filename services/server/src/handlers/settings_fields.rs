//! `GET`/`PUT /api/settings/custom-fields`

use actix_web::{get, put, web};
use vc_protocol::settings::CustomFieldsSettings;
use vc_runtime::{ApiError, Staff};

use crate::settings::validate;
use crate::state::ServerState;

/// The extra fields of interactions (any signed-in staff user may read).
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    responses(
        (status = 200, body = CustomFieldsSettings),
        (status = 401, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/settings/custom-fields")]
pub async fn get_custom_fields(
    _staff: Staff,
    state: web::Data<ServerState>,
) -> Result<web::Json<CustomFieldsSettings>, ApiError> {
    Ok(web::Json(state.settings.custom_fields().await?))
}

/// Saves the field definitions (admin). Values already stored on
/// interactions stay (a removed field's values remain searchable).
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    request_body = CustomFieldsSettings,
    responses(
        (status = 200, body = CustomFieldsSettings),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`", body = vc_protocol::ErrorBody),
    )
)]
#[put("/api/settings/custom-fields")]
pub async fn put_custom_fields(
    staff: Staff,
    state: web::Data<ServerState>,
    body: web::Json<CustomFieldsSettings>,
) -> Result<web::Json<CustomFieldsSettings>, ApiError> {
    staff.require_admin()?;
    let s = validate::custom_fields(body.into_inner())?;
    state.settings.put_custom_fields(&s, staff.id).await?;
    Ok(web::Json(s))
}

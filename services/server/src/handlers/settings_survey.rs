//! `GET`/`PUT /api/settings/survey`

use actix_web::{get, put, web};
use vc_protocol::settings::SurveySettings;
use vc_runtime::{ApiError, Staff};

use crate::settings::validate;
use crate::state::ServerState;

/// The post-call survey's questions (any signed-in staff user may read).
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    responses(
        (status = 200, body = SurveySettings),
        (status = 401, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/settings/survey")]
pub async fn get_survey(
    _staff: Staff,
    state: web::Data<ServerState>,
) -> Result<web::Json<SurveySettings>, ApiError> {
    Ok(web::Json(state.settings.survey().await?))
}

/// Saves the questions (admin). New questions get ids; send the ids back
/// when editing so earlier answers stay linked to their question.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    request_body = SurveySettings,
    responses(
        (status = 200, body = SurveySettings),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`", body = vc_protocol::ErrorBody),
    )
)]
#[put("/api/settings/survey")]
pub async fn put_survey(
    staff: Staff,
    state: web::Data<ServerState>,
    body: web::Json<SurveySettings>,
) -> Result<web::Json<SurveySettings>, ApiError> {
    staff.require_admin()?;
    let s = validate::survey(body.into_inner())?;
    state.settings.put_survey(&s, staff.id).await?;
    Ok(web::Json(s))
}

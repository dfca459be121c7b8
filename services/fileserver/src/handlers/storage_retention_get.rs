//! `GET /api/storage/retention` (admin)

use actix_web::{get, web};
use chrono::Utc;
use vc_protocol::storage::RetentionSettings;
use vc_runtime::{ApiError, Staff};

use crate::state::FilesState;

/// The retention settings: days each storage class is kept (`null`: for
/// ever), the cleanup's cron schedule (UTC) and when it runs next.
#[utoipa::path(
    tag = "storage",
    security(("bearer" = [])),
    responses(
        (status = 200, body = RetentionSettings),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 503, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/storage/retention")]
pub async fn get_retention(
    staff: Staff,
    state: web::Data<FilesState>,
) -> Result<web::Json<RetentionSettings>, ApiError> {
    staff.require_admin()?;
    let policy = state.retention.store.policy().await?;
    Ok(web::Json(policy.settings(Utc::now())))
}

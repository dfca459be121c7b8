//! `PUT /api/storage/retention` (admin)

use actix_web::{put, web};
use chrono::Utc;
use vc_protocol::storage::RetentionSettings;
use vc_runtime::{ApiError, Staff};

use crate::retention::policy::Policy;
use crate::state::FilesState;

/// Replaces the retention settings. Each `*_days` is 1 to 36500, or `null`
/// to keep that class for ever; `schedule` is a cron expression of 5
/// fields in UTC (`minute hour day-of-month month day-of-week`). `next_run`
/// is ignored. Takes effect at once: the next scheduled run uses them.
#[utoipa::path(
    tag = "storage",
    security(("bearer" = [])),
    request_body = RetentionSettings,
    responses(
        (status = 200, description = "stored; with `next_run`", body = RetentionSettings),
        (status = 400, description = "not a JSON body of this shape", body = vc_protocol::ErrorBody),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`: days out of range, or a bad schedule (the message names the field)", body = vc_protocol::ErrorBody),
        (status = 503, body = vc_protocol::ErrorBody),
    )
)]
#[put("/api/storage/retention")]
pub async fn put_retention(
    staff: Staff,
    state: web::Data<FilesState>,
    body: web::Json<RetentionSettings>,
) -> Result<web::Json<RetentionSettings>, ApiError> {
    staff.require_admin()?;
    let policy = Policy::from_settings(&body).map_err(ApiError::validation)?;
    state.retention.store.save(&policy, staff.id).await?;
    state.retention.changed.notify_one();
    tracing::info!(
        by = %staff.id,
        chat_files_days = ?policy.chat_files_days,
        screenshots_days = ?policy.screenshots_days,
        recordings_days = ?policy.recordings_days,
        schedule = policy.schedule.as_str(),
        "retention settings changed"
    );
    Ok(web::Json(policy.settings(Utc::now())))
}

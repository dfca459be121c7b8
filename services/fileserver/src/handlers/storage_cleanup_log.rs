//! `GET /api/storage/cleanup/log` (admin)

use actix_web::{get, web};
use vc_protocol::storage::{CleanupLog, CleanupLogQuery};
use vc_runtime::{ApiError, Staff};

use crate::state::FilesState;

const DEFAULT_LIMIT: u32 = 20;
const MAX_LIMIT: u32 = 200;

/// The cleanup's runs, newest first, dry runs included, each with the
/// files it deleted (or would have); `total` counts every logged run.
#[utoipa::path(
    tag = "storage",
    security(("bearer" = [])),
    params(CleanupLogQuery),
    responses(
        (status = 200, body = CleanupLog),
        (status = 400, description = "a query that is not `limit`/`offset` numbers", body = vc_protocol::ErrorBody),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`: `limit` not between 1 and 200", body = vc_protocol::ErrorBody),
        (status = 503, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/storage/cleanup/log")]
pub async fn cleanup_log(
    staff: Staff,
    state: web::Data<FilesState>,
    query: web::Query<CleanupLogQuery>,
) -> Result<web::Json<CleanupLog>, ApiError> {
    staff.require_admin()?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::validation(format!("`limit` must be between 1 and {MAX_LIMIT}; got {limit}")));
    }
    let offset = u64::from(query.offset.unwrap_or(0));
    let (items, total) = state.retention.store.runs(offset, i64::from(limit)).await?;
    Ok(web::Json(CleanupLog { items, total }))
}

//! `POST /api/storage/cleanup` (admin)

use actix_web::{post, web};
use vc_protocol::storage::{CleanupReport, CleanupRequest};
use vc_runtime::{ApiError, Staff};

use crate::retention::job::{self, Trigger};
use crate::state::FilesState;

/// Runs the cleanup now: deletes every file older than its storage class's
/// retention (by when it was stored), with its thumbnails, and gives its
/// bytes back to the quota. With `dry_run: true` nothing is deleted: the
/// answer lists what would be. Either way the run is logged (trigger
/// `manual`). At most 1,000 files are listed; `files` and `bytes` count all.
#[utoipa::path(
    tag = "storage",
    security(("bearer" = [])),
    request_body = CleanupRequest,
    responses(
        (status = 200, description = "what was deleted (or would be)", body = CleanupReport),
        (status = 400, description = "not a JSON body of this shape", body = vc_protocol::ErrorBody),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 503, description = "MongoDB did not answer (a run that stopped half-way is logged with what it did)", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/storage/cleanup")]
pub async fn cleanup(
    staff: Staff,
    state: web::Data<FilesState>,
    body: web::Json<CleanupRequest>,
) -> Result<web::Json<CleanupReport>, ApiError> {
    staff.require_admin()?;
    tracing::info!(by = %staff.id, dry_run = body.dry_run, "cleanup asked for");
    Ok(web::Json(job::run(&state, Trigger::Manual, body.dry_run).await?))
}

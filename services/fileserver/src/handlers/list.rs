//! `GET /api/interactions/{id}/files`

use actix_web::{get, web};
use vc_protocol::InteractionId;
use vc_protocol::files::{FileInfo, FileKind};
use vc_runtime::{ApiError, Caller};

use crate::access::{self, Purpose};
use crate::state::FilesState;

/// The most files one answer lists.
const MAX_FILES: i64 = 1000;

/// The interaction's files, newest first (at most 1000). Its parties, its
/// agent, supervisors and admins.
#[utoipa::path(
    tag = "files",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    responses(
        (status = 200, description = "the files, newest first", body = [FileInfo]),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not a party of this interaction", body = vc_protocol::ErrorBody),
        (status = 404, description = "`interaction_not_found` (agents)", body = vc_protocol::ErrorBody),
        (status = 503, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/interactions/{id}/files")]
pub async fn list_files(
    caller: Caller,
    state: web::Data<FilesState>,
    id: web::Path<InteractionId>,
) -> Result<web::Json<Vec<FileInfo>>, ApiError> {
    let id = id.into_inner();
    let who = access::authorise(&state.access, &state.bus, &caller, id, Purpose::Read).await?;
    let docs = state.files.of_interaction(id, MAX_FILES).await?;
    // The client does not see the call's recording.
    let staff = !matches!(who, access::Who::Client(_));
    Ok(web::Json(docs.iter().filter(|d| staff || d.kind != FileKind::Recording).map(|d| d.info()).collect()))
}

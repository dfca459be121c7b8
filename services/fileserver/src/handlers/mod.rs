//! One file per endpoint.

pub mod download;
pub mod list;
pub mod recording;
pub mod storage_cleanup;
pub mod storage_cleanup_log;
pub mod storage_retention_get;
pub mod storage_retention_put;
pub mod storage_usage;
pub mod thumbnail;
pub mod upload;

use vc_protocol::files::FileKind;
use vc_protocol::{ErrorCode, FileId, InteractionId};
use vc_runtime::{ApiError, Caller};

use crate::access::{self, Purpose};
use crate::state::FilesState;
use crate::store::FileDoc;

/// The file's metadata, if `caller` may read it: a party of its
/// interaction or staff who may see that interaction. 404 before 403 only
/// for ids that do not exist; a file the retention cleanup deleted is 410
/// `file_deleted` (to those who could read it), saying when.
pub async fn readable_file(state: &FilesState, caller: &Caller, id: FileId) -> Result<FileDoc, ApiError> {
    let Some(doc) = state.files.get(id).await? else { return Err(gone(state, caller, id).await) };
    may_read(state, caller, doc.interaction_id, doc.kind).await?;
    Ok(doc)
}

async fn may_read(
    state: &FilesState,
    caller: &Caller,
    interaction_id: InteractionId,
    kind: FileKind,
) -> Result<(), ApiError> {
    match access::authorise(&state.access, &state.bus, caller, interaction_id, Purpose::Read).await {
        // The call's recording is for staff: the agent who held it,
        // supervisors and admins.
        Ok(access::Who::Client(_)) if kind == FileKind::Recording => {
            Err(ApiError::forbidden("recordings are for staff only"))
        }
        Ok(_) => Ok(()),
        // The file's interaction is unknown to vc-server: only admins
        // (who need no look-up) may still read it.
        Err(e) if e.code == ErrorCode::InteractionNotFound => {
            Err(ApiError::forbidden("this file's interaction is not yours"))
        }
        Err(e) => Err(e),
    }
}

/// Why a file without metadata cannot be read.
async fn gone(state: &FilesState, caller: &Caller, id: FileId) -> ApiError {
    let t = match state.retention.tombstones.get(id).await {
        Ok(Some(t)) => t,
        Ok(None) => return ApiError::new(ErrorCode::FileNotFound, "no such file"),
        Err(e) => return e.into(),
    };
    if let Err(e) = may_read(state, caller, t.interaction_id, t.kind).await {
        return e;
    }
    ApiError::new(
        ErrorCode::FileDeleted,
        format!(
            "the file was deleted on {} under the storage retention policy",
            t.deleted_at().format("%Y-%m-%d %H:%M UTC")
        ),
    )
}

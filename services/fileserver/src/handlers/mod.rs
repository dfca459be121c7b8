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
use vc_protocol::{ErrorCode, FileId};
use vc_runtime::{ApiError, Caller};

use crate::access::{self, Purpose};
use crate::state::FilesState;
use crate::store::FileDoc;

/// The file's metadata, if `caller` may read it: a party of its
/// interaction or staff who may see that interaction. 404 before 403 only
/// for ids that do not exist.
pub async fn readable_file(state: &FilesState, caller: &Caller, id: FileId) -> Result<FileDoc, ApiError> {
    let doc =
        state.files.get(id).await?.ok_or_else(|| ApiError::new(ErrorCode::FileNotFound, "no such file"))?;
    match access::authorise(&state.access, &state.bus, caller, doc.interaction_id, Purpose::Read).await {
        // The call's recording is for staff: the agent who held it,
        // supervisors and admins.
        Ok(access::Who::Client(_)) if doc.kind == FileKind::Recording => {
            Err(ApiError::forbidden("recordings are for staff only"))
        }
        Ok(_) => Ok(doc),
        // The file's interaction is unknown to vc-server: only admins
        // (who need no look-up) may still read it.
        Err(e) if e.code == ErrorCode::InteractionNotFound => {
            Err(ApiError::forbidden("this file's interaction is not yours"))
        }
        Err(e) => Err(e),
    }
}

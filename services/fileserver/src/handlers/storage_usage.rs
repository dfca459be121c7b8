//! `GET /api/storage` (admin)

use actix_web::{get, web};
use vc_protocol::storage::{ClassUsage, StorageClass, StorageUsage};
use vc_runtime::{ApiError, Staff};

use crate::state::FilesState;

/// Stored files and bytes per storage class (from the files' metadata),
/// the size and free space of the file system the files live on, and the
/// quota for all files.
#[utoipa::path(
    tag = "storage",
    security(("bearer" = [])),
    responses(
        (status = 200, body = StorageUsage),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 503, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/storage")]
pub async fn storage_usage(
    staff: Staff,
    state: web::Data<FilesState>,
) -> Result<web::Json<StorageUsage>, ApiError> {
    staff.require_admin()?;
    let mut usage: Vec<ClassUsage> =
        StorageClass::ALL.iter().map(|&class| ClassUsage { class, files: 0, bytes: 0 }).collect();
    for (kind, files, bytes) in state.files.usage_by_kind().await? {
        let class = StorageClass::of(kind);
        if let Some(u) = usage.iter_mut().find(|u| u.class == class) {
            u.files += files;
            u.bytes += bytes;
        }
    }
    let root = state.storage.root().to_owned();
    let disk = tokio::task::spawn_blocking(move || fs4::statvfs(&root))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::internal(format!("the size of the file system of the storage: {e}")))?;
    Ok(web::Json(StorageUsage {
        usage,
        disk_total_bytes: disk.total_space(),
        // What the service (not root) can still write.
        disk_free_bytes: disk.available_space(),
        quota_bytes: Some(state.usage.quota()),
    }))
}

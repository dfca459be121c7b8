//! `GET /api/files/{id}/thumbnail`

use actix_files::NamedFile;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, web};
use vc_protocol::{ErrorCode, FileId};
use vc_runtime::{ApiError, Caller};

use crate::handlers::download::SANDBOX_CSP;
use crate::handlers::readable_file;
use crate::state::FilesState;

/// A small picture of an image file (JPEG or PNG, at most
/// `thumbnail_max_side` pixels on its longest side), for chat previews.
/// `FileInfo.thumbnail` tells whether there is one. Same access as the file.
#[utoipa::path(
    tag = "files",
    security(("bearer" = [])),
    params(("id" = FileId, Path, description = "file id")),
    responses(
        (status = 200, description = "the thumbnail", content_type = "image/jpeg"),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, body = vc_protocol::ErrorBody),
        (status = 404, description = "`file_not_found`: no such file, or it has no thumbnail", body = vc_protocol::ErrorBody),
        (status = 410, description = "`file_deleted`: the storage retention policy deleted it", body = vc_protocol::ErrorBody),
        (status = 503, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/files/{id}/thumbnail")]
pub async fn thumbnail(
    caller: Caller,
    state: web::Data<FilesState>,
    id: web::Path<FileId>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let doc = readable_file(&state, &caller, id).await?;
    let none = || ApiError::new(ErrorCode::FileNotFound, "this file has no thumbnail");
    if !doc.thumbnail {
        return Err(none());
    }
    let Some((path, format)) = state.thumbnail(&doc).await? else { return Err(none()) };
    let file =
        NamedFile::open_async(&path).await.map_err(|e| ApiError::internal(format!("thumbnail {id}: {e}")))?;
    let content_type = format.content_type().parse::<mime::Mime>().unwrap_or(mime::IMAGE_PNG);
    let mut res = file.set_content_type(content_type).disable_content_disposition().into_response(&req);
    let headers = res.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // A thumbnail never changes; it may stay in the user's own browser cache.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(SANDBOX_CSP));
    state.metrics.downloads.with_label_values(&["thumbnail"]).inc();
    Ok(res)
}

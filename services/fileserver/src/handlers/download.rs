//! `GET /api/files/{id}` and `HEAD /api/files/{id}`

use actix_files::NamedFile;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, head, web};
use vc_protocol::{ErrorCode, FileId};
use vc_runtime::{ApiError, Caller};

use crate::handlers::readable_file;
use crate::names;
use crate::state::FilesState;

/// Keeps a served file from being run or rendered by the browser even if
/// it is opened directly.
pub const SANDBOX_CSP: &str = "default-src 'none'; sandbox";

/// The file's bytes, streamed from disk, as an attachment with its name:
/// the sniffed `Content-Type`, `X-Content-Type-Options: nosniff`,
/// `Content-Length`, `Cache-Control: private, no-store`; a `Range` request
/// gets 206 with that part. Parties of the file's interaction, its agent,
/// supervisors and admins.
#[utoipa::path(
    tag = "files",
    security(("bearer" = [])),
    params(
        ("id" = FileId, Path, description = "file id"),
        ("Range" = Option<String>, Header, description = "`bytes=start-end`: a part of the file (206)"),
    ),
    responses(
        (status = 200, description = "the file", content_type = "application/octet-stream"),
        (status = 206, description = "the requested range"),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not a party of the file's interaction", body = vc_protocol::ErrorBody),
        (status = 404, description = "`file_not_found`", body = vc_protocol::ErrorBody),
        (status = 410, description = "`file_deleted`: the storage retention policy deleted it", body = vc_protocol::ErrorBody),
        (status = 416, description = "the range is outside the file"),
        (status = 503, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/files/{id}")]
pub async fn download_file(r: FileRequest) -> Result<HttpResponse, ApiError> {
    serve(r).await
}

/// The headers of `GET /api/files/{id}` without the body.
#[utoipa::path(
    tag = "files",
    security(("bearer" = [])),
    params(("id" = FileId, Path, description = "file id")),
    responses(
        (status = 200, description = "the file's headers (`Content-Length`, `Content-Type`, `Content-Disposition`)"),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, body = vc_protocol::ErrorBody),
        (status = 404, description = "`file_not_found`", body = vc_protocol::ErrorBody),
        (status = 410, description = "`file_deleted`: the storage retention policy deleted it", body = vc_protocol::ErrorBody),
    )
)]
#[head("/api/files/{id}")]
pub async fn head_file(r: FileRequest) -> Result<HttpResponse, ApiError> {
    // actix-web sends no body for HEAD, and keeps Content-Length.
    serve(r).await
}

/// What `GET` and `HEAD` both take.
type FileRequest = (Caller, web::Data<FilesState>, web::Path<FileId>, HttpRequest);

async fn serve((caller, state, id, req): FileRequest) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let doc = readable_file(&state, &caller, id).await?;
    let file = NamedFile::open_async(state.storage.path_of(id)).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            tracing::error!(file_id = %id, "a recorded file is missing on disk");
            ApiError::new(ErrorCode::FileNotFound, "the file's content is missing")
        } else {
            ApiError::internal(format!("opening file {id}: {e}"))
        }
    })?;
    let content_type = doc.content_type.parse::<mime::Mime>().unwrap_or(mime::APPLICATION_OCTET_STREAM);
    let mut res = file
        .set_content_type(content_type)
        .disable_content_disposition()
        .use_etag(true)
        .use_last_modified(true)
        .into_response(&req);
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&names::content_disposition(&doc.name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(SANDBOX_CSP));
    state.metrics.downloads.with_label_values(&["file"]).inc();
    tracing::debug!(file_id = %id, interaction_id = %doc.interaction_id, size = doc.size, "download");
    Ok(res)
}

//! `POST /api/interactions/{id}/recording`

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, post, web};
use vc_protocol::files::{FileInfo, FileKind};
use vc_protocol::interaction::Party;
use vc_protocol::{ErrorCode, InteractionId};
use vc_runtime::auth::bearer_token;
use vc_runtime::{ApiError, Runtime};

use crate::names;
use crate::state::FilesState;
use crate::store::FileDoc;
use crate::upload::{NewFile, Receiver, UploadError};

/// Stores the merged recording of a call. Only vc-records calls this, with
/// a recording token for this interaction (issued by vc-auth; staff and
/// client tokens are refused). The body is the file itself (WebM or MP4,
/// sniffed), its name in `X-File-Name`; at most `max_recording_bytes`.
/// The stored file has `kind: recording` and `uploaded_by: agent`; only
/// staff who may see the interaction can read it.
#[utoipa::path(
    tag = "files",
    security(("bearer" = [])),
    params(
        ("id" = InteractionId, Path, description = "interaction id"),
        ("X-File-Name" = Option<String>, Header, description = "the file's name, percent-encoded UTF-8"),
    ),
    request_body(description = "the merged recording", content(("video/webm"), ("video/mp4"))),
    responses(
        (status = 201, description = "stored", body = FileInfo),
        (status = 400, description = "`validation_failed`: not a video or audio file; or the body broke off", body = vc_protocol::ErrorBody),
        (status = 401, description = "no recording token, or an invalid one", body = vc_protocol::ErrorBody),
        (status = 403, description = "the token is for another interaction", body = vc_protocol::ErrorBody),
        (status = 413, description = "`file_too_large`: more than `max_recording_bytes`", body = vc_protocol::ErrorBody),
        (status = 503, body = vc_protocol::ErrorBody),
        (status = 507, description = "`storage_full`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/interactions/{id}/recording")]
pub async fn store_recording(
    rt: web::Data<Runtime>,
    state: web::Data<FilesState>,
    id: web::Path<InteractionId>,
    req: HttpRequest,
    body: web::Payload,
) -> HttpResponse {
    let interaction_id = id.into_inner();
    let state = state.into_inner();
    match receive(&rt, &state, interaction_id, &req, body).await {
        Ok(doc) => HttpResponse::Created().json(doc.info()),
        Err(e) => {
            state.metrics.uploads.with_label_values(&[e.outcome()]).inc();
            let e = e.into_api();
            tracing::warn!(%interaction_id, code = %e.code, reason = %e.message, "recording not stored");
            e.error_response()
        }
    }
}

async fn receive(
    rt: &Runtime,
    state: &Arc<FilesState>,
    interaction_id: InteractionId,
    req: &HttpRequest,
    mut body: web::Payload,
) -> Result<FileDoc, UploadError> {
    let token = bearer_token(req)
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "a recording token is required"))?;
    let claims = rt.verifier.verify_recording(token)?;
    if claims.sub != interaction_id {
        return Err(ApiError::forbidden("the recording token is for another interaction").into());
    }
    let limit = state.limit_for(FileKind::Recording);
    let length = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse().ok());
    if length.is_some_and(|n: u64| n > limit) {
        return Err(UploadError::TooLarge { limit });
    }
    let mut receiver = Receiver::start(state.clone(), length, limit).await?;
    receiver.pump(&mut body, state.idle_timeout).await?;
    let name = req
        .headers()
        .get("x-file-name")
        .map(|v| names::sanitize_name(&names::decode_header_name(v.as_bytes())))
        .unwrap_or_else(|| format!("recording-{interaction_id}"));
    let meta = NewFile {
        interaction_id,
        name,
        uploaded_by: Party::Agent,
        uploader_id: None,
        kind: FileKind::Recording,
        original: None,
        location: None,
    };
    receiver.finish(meta).await
}

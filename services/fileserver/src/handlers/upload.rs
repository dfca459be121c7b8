//! `POST /api/interactions/{id}/files`

use std::sync::Arc;

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, post, web};
use futures_util::StreamExt;
use serde::Deserialize;
use vc_protocol::files::{FileInfo, FileKind};
use vc_protocol::{ErrorCode, FileId, InteractionId};
use vc_runtime::{ApiError, Caller};

use crate::access;
use crate::names;
use crate::state::FilesState;
use crate::store::FileDoc;
use crate::upload::{NewFile, Receiver, UploadError};

/// Multipart framing (boundaries, part headers) allowed on top of the file
/// when checking `Content-Length` against the per-file limit.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// All non-file form fields of a multipart upload together (they are ignored).
const MAX_FORM_FIELDS_BYTES: usize = 64 * 1024;

/// `?kind=…&original=…`
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct UploadQuery {
    #[serde(default)]
    pub kind: FileKind,
    pub original: Option<FileId>,
}

/// Adds a file to the interaction. The body is the file itself (any
/// `Content-Type` but multipart; the name in `X-File-Name`, percent-encoded
/// UTF-8), or `multipart/form-data` with exactly one file part (its
/// `filename`). The content type is sniffed from the content; the name is
/// cleaned and kept as metadata only. Both parties may upload while the
/// interaction is not over.
///
/// `kind` says what the file is: `chat` (the default), or a capture:
/// `screenshot`, `photo`, or `annotated` (a screenshot drawn on; `original`
/// names the screenshot or photo of this interaction it was drawn on, and
/// is required). A capture must be a JPEG or PNG image of at most
/// `max_capture_bytes`; a JPEG capture gets the client's last known
/// position (GPS) and the capture time in its EXIF, keeping the EXIF it
/// had (Orientation, ...). `recording` is refused: recordings are stored
/// by the recording service. A kind whose call function is switched off
/// for the interaction is refused with 403 `feature_disabled`.
#[utoipa::path(
    tag = "files",
    security(("bearer" = [])),
    params(
        ("id" = InteractionId, Path, description = "interaction id"),
        ("X-File-Name" = Option<String>, Header, description = "the file's name, percent-encoded UTF-8 (raw bodies)"),
        ("kind" = Option<FileKind>, Query, description = "what the file is: `chat` (default), `screenshot`, `photo`, `annotated`; captures must be JPEG or PNG and get the client's position in their EXIF (JPEG)"),
        ("original" = Option<FileId>, Query, description = "for `kind=annotated` (required): the screenshot or photo of this interaction it was drawn on"),
    ),
    request_body(
        description = "the file: the raw bytes, or a multipart/form-data form with one file part",
        content(("application/octet-stream"), ("multipart/form-data")),
    ),
    responses(
        (status = 201, description = "stored", body = FileInfo),
        (status = 400, description = "the body broke off or is malformed; `validation_failed`: an unknown kind, `annotated` without `original`, or a capture that is not a JPEG or PNG image", body = vc_protocol::ErrorBody),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "`forbidden`: not a party of this interaction, or `kind=recording`; `feature_disabled`: the call's function for this kind is switched off (`files` for chat files, `screenshots` for screenshots and annotated ones, `hd_photo` for photos)", body = vc_protocol::ErrorBody),
        (status = 404, description = "`interaction_not_found`; `file_not_found`: `original` is not a screenshot or photo of this interaction", body = vc_protocol::ErrorBody),
        (status = 409, description = "`interaction_ended`", body = vc_protocol::ErrorBody),
        (status = 413, description = "`file_too_large` (captures: more than `max_capture_bytes`)", body = vc_protocol::ErrorBody),
        (status = 503, body = vc_protocol::ErrorBody),
        (status = 507, description = "`storage_full`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/interactions/{id}/files")]
pub async fn upload_file(
    caller: Caller,
    state: web::Data<FilesState>,
    id: web::Path<InteractionId>,
    query: web::Query<UploadQuery>,
    req: HttpRequest,
    body: web::Payload,
) -> HttpResponse {
    let interaction_id = id.into_inner();
    let state = state.into_inner();
    match receive(&state, &caller, interaction_id, query.into_inner(), &req, body).await {
        Ok(doc) => HttpResponse::Created().json(doc.info()),
        Err(e) => {
            state.metrics.uploads.with_label_values(&[e.outcome()]).inc();
            let outcome = e.outcome();
            let e = e.into_api();
            tracing::info!(interaction_id = %interaction_id, outcome, code = %e.code, reason = %e.message, "upload not stored");
            e.error_response()
        }
    }
}

/// The request's `Content-Length`, if any.
fn content_length(req: &HttpRequest) -> Option<u64> {
    req.headers().get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| m.type_() == mime::MULTIPART && m.subtype() == mime::FORM_DATA)
}

/// The `X-File-Name` header, decoded and cleaned.
fn header_name(req: &HttpRequest) -> Option<String> {
    req.headers().get("x-file-name").map(|v| names::sanitize_name(&names::decode_header_name(v.as_bytes())))
}

async fn receive(
    state: &Arc<FilesState>,
    caller: &Caller,
    interaction_id: InteractionId,
    query: UploadQuery,
    req: &HttpRequest,
    body: web::Payload,
) -> Result<FileDoc, UploadError> {
    if query.kind == FileKind::Recording {
        return Err(
            ApiError::forbidden("recordings are stored by the recording service, not uploaded").into()
        );
    }
    let (who, interaction) =
        access::authorise_upload(&state.access, &state.bus, caller, interaction_id).await?;
    access::feature_allows(query.kind, &interaction.features)?;
    check_original(state, interaction_id, query).await?;
    let limit = state.limit_for(query.kind);
    let multipart = is_multipart(req);
    let length = content_length(req);
    // Refuse what is known to be too large before reading any of it.
    let allowed = limit + if multipart { MULTIPART_OVERHEAD } else { 0 };
    if length.is_some_and(|n| n > allowed) {
        return Err(UploadError::TooLarge { limit });
    }
    let (receiver, name) = if multipart {
        receive_multipart(state, req, body, limit).await?
    } else {
        let mut receiver = Receiver::start(state.clone(), length, limit).await?;
        let mut body = body;
        receiver.pump(&mut body, state.idle_timeout).await?;
        (receiver, header_name(req))
    };
    let meta = NewFile {
        interaction_id,
        name: name.unwrap_or_else(|| names::DEFAULT_NAME.to_owned()),
        uploaded_by: who.party(),
        uploader_id: who.user_id(),
        kind: query.kind,
        original: query.original,
        location: interaction.location,
    };
    let doc = receiver.finish(meta).await?;
    if doc.thumbnail {
        state.prepare_thumbnail(doc.clone());
    }
    Ok(doc)
}

/// `original` is given exactly for `annotated`, and names a screenshot or
/// photo of the same interaction.
async fn check_original(
    state: &FilesState,
    interaction_id: InteractionId,
    query: UploadQuery,
) -> Result<(), UploadError> {
    let original = match (query.kind, query.original) {
        (FileKind::Annotated, Some(id)) => id,
        (FileKind::Annotated, None) => {
            return Err(ApiError::validation(
                "an annotated screenshot needs `original`: the screenshot or photo it was drawn on",
            )
            .into());
        }
        (_, None) => return Ok(()),
        (kind, Some(_)) => {
            return Err(ApiError::validation(format!(
                "`original` is only for kind=annotated, not {}",
                kind.as_str()
            ))
            .into());
        }
    };
    match state.files.get(original).await? {
        Some(doc)
            if doc.interaction_id == interaction_id
                && matches!(doc.kind, FileKind::Screenshot | FileKind::Photo) =>
        {
            Ok(())
        }
        _ => Err(ApiError::new(
            ErrorCode::FileNotFound,
            format!("no screenshot or photo {original} in this interaction to annotate"),
        )
        .into()),
    }
}

/// A form with one file part; other fields are read and ignored.
async fn receive_multipart(
    state: &Arc<FilesState>,
    req: &HttpRequest,
    body: web::Payload,
    limit: u64,
) -> Result<(Receiver, Option<String>), UploadError> {
    let mut form = Multipart::new(req.headers(), body);
    let mut file: Option<(Receiver, Option<String>)> = None;
    let mut field_bytes = 0usize;
    loop {
        let next = tokio::time::timeout(state.idle_timeout, form.next())
            .await
            .map_err(|_| UploadError::Aborted("nothing received in time".into()))?;
        let Some(field) = next else { break };
        let mut field = field.map_err(|e| bad_form(&e))?;
        let part_name = field.content_disposition().and_then(|cd| {
            cd.get_filename_ext()
                .map(|ext| String::from_utf8_lossy(&ext.value).into_owned())
                .or_else(|| cd.get_filename().map(str::to_owned))
        });
        let is_file = part_name.is_some() || field.name() == Some("file");
        if is_file {
            if file.is_some() {
                return Err(ApiError::bad_request("one file per upload").into());
            }
            let mut receiver = Receiver::start(state.clone(), None, limit).await?;
            receiver.pump(&mut field, state.idle_timeout).await?;
            let name = part_name.map(|n| names::sanitize_name(&n)).or_else(|| header_name(req));
            file = Some((receiver, name));
        } else {
            while let Some(chunk) = tokio::time::timeout(state.idle_timeout, field.next())
                .await
                .map_err(|_| UploadError::Aborted("nothing received in time".into()))?
            {
                field_bytes += chunk.map_err(|e| bad_form(&e))?.len();
                if field_bytes > MAX_FORM_FIELDS_BYTES {
                    return Err(ApiError::bad_request("form fields besides the file are too large").into());
                }
            }
        }
    }
    file.ok_or_else(|| ApiError::validation("the form has no file part").into())
}

fn bad_form(e: &actix_multipart::MultipartError) -> UploadError {
    use actix_multipart::MultipartError as E;
    match e {
        E::Payload(p) => UploadError::Aborted(p.to_string()),
        E::Incomplete => UploadError::Aborted("the form broke off".into()),
        other => ApiError::bad_request(format!("malformed multipart body: {other}")).into(),
    }
}

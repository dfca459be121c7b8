//! `GET`/`PUT /api/settings/branding`, `POST /api/settings/branding/logo`,
//! `GET /api/branding/logo/{id}`

use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use futures_util::StreamExt;
use vc_protocol::settings::{BrandingSettings, LogoUploaded};
use vc_protocol::{ErrorCode, LogoId};
use vc_runtime::{ApiError, Staff};

use crate::settings::{LogoDoc, logo, logo_url, validate};
use crate::state::ServerState;
use crate::store::to_bson;

/// The company's look: name, logo, colours, consent text, where clients go
/// after the call. Any signed-in staff user may read it.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    responses(
        (status = 200, body = BrandingSettings),
        (status = 401, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/settings/branding")]
pub async fn get_branding(
    _staff: Staff,
    state: web::Data<ServerState>,
) -> Result<web::Json<BrandingSettings>, ApiError> {
    Ok(web::Json(state.settings.branding().await?))
}

/// Saves the branding (admin). The client page, e-mails and messages use it
/// from the next page load or message on, without a restart.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    request_body = BrandingSettings,
    responses(
        (status = 200, body = BrandingSettings),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed` (the message names the field)", body = vc_protocol::ErrorBody),
    )
)]
#[put("/api/settings/branding")]
pub async fn put_branding(
    staff: Staff,
    state: web::Data<ServerState>,
    body: web::Json<BrandingSettings>,
) -> Result<web::Json<BrandingSettings>, ApiError> {
    staff.require_admin()?;
    let b = validate::branding(body.into_inner())?;
    if let Some(id) = b.logo_file_id
        && !state.settings.logo_exists(id).await?
    {
        return Err(ApiError::validation("logo_file_id: no such logo; upload it first"));
    }
    state.settings.put_branding(&b, staff.id).await?;
    Ok(web::Json(b))
}

/// Uploads a new logo (admin): the raw image as the body (PNG, JPEG, WebP or
/// GIF, at most 5 MB). It is scaled down to fit 512 x 256, stored as PNG and
/// becomes the current logo at once.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses(
        (status = 201, body = LogoUploaded),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 413, description = "`payload_too_large`", body = vc_protocol::ErrorBody),
        (status = 422, description = "`invalid_image`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/settings/branding/logo")]
pub async fn upload_logo(
    staff: Staff,
    state: web::Data<ServerState>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request(format!("upload interrupted: {e}")))?;
        if bytes.len() + chunk.len() > logo::MAX_BYTES {
            return Err(ApiError::new(ErrorCode::PayloadTooLarge, "a logo may be at most 5 MB"));
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidImage, "the body is empty: send the image"));
    }
    let prepared = web::block(move || logo::prepare(&bytes))
        .await
        .map_err(|e| ApiError::internal(format!("logo worker: {e}")))??;
    let id = LogoId::new();
    let doc = LogoDoc {
        id,
        content_type: "image/png".into(),
        data: mongodb::bson::Binary {
            subtype: mongodb::bson::spec::BinarySubtype::Generic,
            bytes: prepared.png,
        },
        width: prepared.width,
        height: prepared.height,
        created_at: to_bson(Utc::now()),
        created_by: staff.id,
    };
    state.settings.insert_logo(&doc).await?;
    let mut branding = state.settings.branding().await?;
    branding.logo_file_id = Some(id);
    state.settings.put_branding(&branding, staff.id).await?;
    tracing::info!(logo_id = %id, width = doc.width, height = doc.height, by = %staff.id, "logo uploaded");
    Ok(HttpResponse::Created().json(LogoUploaded {
        logo_file_id: id,
        width: doc.width,
        height: doc.height,
        url: logo_url(id),
    }))
}

/// A logo (public: the client page shows it before joining). Logos never
/// change under their id, so the answer may be cached for ever.
#[utoipa::path(
    tag = "settings",
    params(("id" = LogoId, Path, description = "logo id")),
    responses(
        (status = 200, content_type = "image/png", description = "the logo"),
        (status = 404, description = "`not_found`", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/branding/logo/{id}")]
pub async fn get_logo(
    state: web::Data<ServerState>,
    id: web::Path<LogoId>,
) -> Result<HttpResponse, ApiError> {
    let logo = state
        .settings
        .logo(id.into_inner())
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such logo"))?;
    Ok(HttpResponse::Ok()
        .content_type(logo.content_type)
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(logo.data.bytes))
}

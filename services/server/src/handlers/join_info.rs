//! `GET /api/join/{token}`

use actix_web::{get, web};
use chrono::Utc;
use vc_protocol::ErrorCode;
use vc_protocol::interaction::EventKind;
use vc_protocol::join::{Branding, JoinFeatures, JoinInfo};
use vc_runtime::ApiError;

use super::hash_link;
use crate::lifecycle;
use crate::settings::logo_url;
use crate::state::ServerState;
use crate::store::{Change, InteractionDoc, to_chrono};

pub(crate) fn link_not_found() -> ApiError {
    ApiError::new(ErrorCode::LinkNotFound, "this link does not exist")
}

pub(crate) fn link_expired() -> ApiError {
    ApiError::new(ErrorCode::LinkExpired, "this link has expired or its call is over")
}

/// The interaction behind a link, if the link still works.
pub(crate) async fn resolve(state: &ServerState, token: &str) -> Result<InteractionDoc, ApiError> {
    if token.len() > 100 {
        return Err(link_not_found());
    }
    let doc = state.interactions.by_link_hash(&hash_link(token)).await?.ok_or_else(link_not_found)?;
    if doc.status.is_final() || to_chrono(doc.link_expires_at) <= Utc::now() {
        return Err(link_expired());
    }
    Ok(doc)
}

/// What the client page shows before joining: the branding and consent
/// text as admins set them now, the call's functions, and the survey. Opening a link moves its
/// interaction from `created` to `waiting`.
#[utoipa::path(
    tag = "join",
    params(("token" = String, Path, description = "the token of the client link")),
    responses(
        (status = 200, body = JoinInfo),
        (status = 404, description = "`link_not_found`", body = vc_protocol::ErrorBody),
        (status = 410, description = "`link_expired`: expired, replaced, or the call is over", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/join/{token}")]
pub async fn join_info(
    state: web::Data<ServerState>,
    token: web::Path<String>,
) -> Result<web::Json<JoinInfo>, ApiError> {
    let doc = resolve(&state, &token).await?;
    let doc = match lifecycle::on_link_opened(doc.status) {
        Some(_) => state
            .commit(doc.id, |d| {
                lifecycle::on_link_opened(d.status)
                    .map(|next| Change::default().event(EventKind::LinkOpened).status(next, None))
            })
            .await?
            .map(|(d, _)| d)
            .unwrap_or(doc),
        None => doc,
    };
    let branding = state.settings.branding().await?;
    let survey = if doc.features.survey {
        Some(state.settings.survey().await?).filter(|s| !s.questions.is_empty())
    } else {
        None
    };
    Ok(web::Json(JoinInfo {
        interaction_id: doc.id,
        status: doc.status,
        branding: Branding {
            company_name: branding.company_name,
            logo_url: branding.logo_file_id.map(logo_url),
            accent_color: branding.accent_color,
            background_color: Some(branding.background_color),
            redirect_url: branding.redirect_url,
        },
        consent_text: branding.consent_text,
        features: JoinFeatures {
            video_mode: doc.video_mode,
            max_quality: doc.max_quality,
            record: doc.record,
            enabled: doc.features,
        },
        agent_name: doc.agent_name,
        survey,
    }))
}

//! `POST /api/interactions`

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{Duration, Utc};
use vc_protocol::interaction::{CreateInteractionRequest, Interaction, MaxQuality, VideoMode};
use vc_protocol::settings::{Feature, FeatureSettings};
use vc_runtime::{ApiError, Staff};

use crate::creation::{self, CallSetup, ClientFields, NewInteraction};
use crate::state::{ServerState, require_feature};

/// Start an interaction: the answer carries the client's link (`client_url`),
/// shown only now — the server keeps only its hash — and its short form
/// (`short_url`, also on later reads). `client_phone` is validated and
/// stored in E.164 (422 `invalid_phone`).
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    request_body = CreateInteractionRequest,
    responses(
        (status = 201, body = Interaction),
        (status = 400, body = vc_protocol::ErrorBody),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`, `invalid_phone`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/interactions")]
pub async fn create_interaction(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<ServerState>,
    body: web::Json<CreateInteractionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let client = ClientFields::check(
        body.client_name,
        body.client_phone,
        body.client_email,
        body.client_telegram,
        &state.cfg.default_phone_region,
    )?;
    let setup =
        CallSetup::check(&state, body.video_mode, body.max_quality, body.record, body.custom_fields).await?;
    let agent_name =
        if staff.claims.name.is_empty() { staff.login.clone() } else { staff.claims.name.clone() };
    let (_, view) = creation::create(
        &state,
        &req,
        NewInteraction {
            agent_id: staff.id,
            agent_name,
            team_id: staff.claims.team,
            created_by: staff.id,
            client,
            setup,
            link_expires_at: Utc::now() + Duration::seconds(state.cfg.link_ttl_secs as i64),
            schedule: None,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The media settings of a new call, within what the features allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CallOptions {
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
    pub record: bool,
}

/// Checks the agent's choices against the features: a switched-off video
/// mode or recording is refused (403 `feature_disabled`); a quality above
/// the allowed maximum is 422; without a choice, 720p (or the maximum, when
/// lower) and the platform's recording default (off when recording is).
pub(crate) fn call_options(
    features: &FeatureSettings,
    video_mode: VideoMode,
    max_quality: Option<MaxQuality>,
    record: Option<bool>,
    record_by_default: bool,
) -> Result<CallOptions, ApiError> {
    require_feature(features, FeatureSettings::for_mode(video_mode))?;
    let max_quality = match max_quality {
        Some(q) if q > features.max_quality => {
            return Err(ApiError::validation(format!(
                "max_quality: at most {} on this platform",
                serde_json::to_value(features.max_quality)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )));
        }
        Some(q) => q,
        None => MaxQuality::P720.min(features.max_quality),
    };
    let record = match record {
        Some(true) => {
            require_feature(features, Feature::Recording)?;
            true
        }
        Some(false) => false,
        None => record_by_default && features.recording,
    };
    Ok(CallOptions { video_mode, max_quality, record })
}

#[cfg(test)]
mod tests {
    use vc_protocol::ErrorCode;

    use super::*;

    #[test]
    fn choices_stay_within_the_features() {
        let all = FeatureSettings::default();
        let o = call_options(&all, VideoMode::TwoWay, None, None, true).unwrap();
        assert_eq!(
            o,
            CallOptions { video_mode: VideoMode::TwoWay, max_quality: MaxQuality::P720, record: true }
        );

        let limited = FeatureSettings {
            two_way_video: false,
            recording: false,
            max_quality: MaxQuality::P480,
            ..FeatureSettings::default()
        };
        let err = call_options(&limited, VideoMode::TwoWay, None, None, true).unwrap_err();
        assert_eq!(err.code, ErrorCode::FeatureDisabled);
        let o = call_options(&limited, VideoMode::OneWay, None, None, true).unwrap();
        assert_eq!((o.max_quality, o.record), (MaxQuality::P480, false));
        assert_eq!(
            call_options(&limited, VideoMode::OneWay, Some(MaxQuality::P1080), None, true).unwrap_err().code,
            ErrorCode::ValidationFailed
        );
        assert_eq!(
            call_options(&limited, VideoMode::OneWay, None, Some(true), true).unwrap_err().code,
            ErrorCode::FeatureDisabled
        );
    }
}

//! `POST /api/interactions/{id}/survey`

use actix_web::{HttpResponse, post, web};
use vc_protocol::interaction::Party;
use vc_protocol::settings::{Feature, SurveyResponse, SurveySubmission};
use vc_protocol::{ErrorCode, InteractionId};
use vc_runtime::{ApiError, Caller};

use crate::settings::validate;
use crate::state::{ServerState, feature_disabled};

/// The client answers the post-call survey, once, after the call. The
/// answers are stored on the interaction with the questions as asked.
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    request_body = SurveySubmission,
    responses(
        (status = 201, body = SurveyResponse),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not this interaction's client, or `feature_disabled`", body = vc_protocol::ErrorBody),
        (status = 409, description = "`already_answered`", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`: the call is not over, or an answer does not fit its question", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/interactions/{id}/survey")]
pub async fn submit_survey(
    caller: Caller,
    state: web::Data<ServerState>,
    id: web::Path<InteractionId>,
    body: web::Json<SurveySubmission>,
) -> Result<HttpResponse, ApiError> {
    let (doc, party) = state.load_for_caller(&caller, id.into_inner()).await?;
    if party != Party::Client {
        return Err(ApiError::forbidden("only the client answers the survey"));
    }
    if !doc.features.survey {
        return Err(feature_disabled(Feature::Survey));
    }
    if !doc.status.is_final() {
        return Err(ApiError::validation("the survey opens when the call is over"));
    }
    if doc.survey.is_some() {
        return Err(already_answered());
    }
    let survey = state.settings.survey().await?;
    let response = validate::answers(&survey, body.into_inner().answers)?;
    if !state.interactions.set_survey(doc.id, &response).await? {
        return Err(already_answered());
    }
    tracing::info!(interaction_id = %doc.id, answers = response.answers.len(), "survey answered");
    Ok(HttpResponse::Created().json(response))
}

fn already_answered() -> ApiError {
    ApiError::new(ErrorCode::AlreadyAnswered, "the survey of this call is already answered")
}

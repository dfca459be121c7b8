//! `GET /api/interactions/{id}`

use actix_web::{get, web};
use vc_protocol::InteractionId;
use vc_protocol::interaction::Interaction;
use vc_runtime::{ApiError, Staff};

use crate::state::ServerState;

/// One interaction with its event log and the client's positions.
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    responses(
        (status = 200, body = Interaction),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "another agent's interaction", body = vc_protocol::ErrorBody),
        (status = 404, description = "`interaction_not_found`", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/interactions/{id}")]
pub async fn get_interaction(
    staff: Staff,
    state: web::Data<ServerState>,
    id: web::Path<InteractionId>,
) -> Result<web::Json<Interaction>, ApiError> {
    let doc = state.load_for_staff(&staff, id.into_inner()).await?;
    let mut view = doc.view(true);
    view.locations = state.chat.locations(doc.id).await?;
    Ok(web::Json(view))
}

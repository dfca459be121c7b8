//! `GET /api/interactions/{id}/metrics`

use actix_web::{get, web};
use vc_protocol::stat::{CallMetrics, GetStatInput};
use vc_protocol::{ErrorCode, InteractionId, topics};
use vc_runtime::{ApiError, Staff};

use crate::worker::{StatError, Worker};

/// A call's metrics: the summary and the time series for the charts.
/// Computed when the call ends; asked for before that finished, they are
/// computed on the spot. Staff who reach the interaction (docs/roles.md).
#[utoipa::path(
    tag = "metrics",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    responses(
        (status = 200, body = CallMetrics),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "another agent's interaction", body = vc_protocol::ErrorBody),
        (status = 404, description = "`interaction_not_found`", body = vc_protocol::ErrorBody),
        (status = 409, description = "`metrics_not_ready`: the call is not over", body = vc_protocol::ErrorBody),
        (status = 503, description = "vc-server or the database did not answer", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/interactions/{id}/metrics")]
pub async fn get_metrics(
    staff: Staff,
    worker: web::Data<Worker>,
    id: web::Path<InteractionId>,
) -> Result<web::Json<CallMetrics>, ApiError> {
    let id = id.into_inner();
    // vc-server knows whose call it is (and whether it exists).
    let input =
        worker.bus().request(&topics::server::stat_input(), &GetStatInput { interaction_id: id }).await?;
    let i = &input.interaction;
    if !staff.reaches(i.agent_id, i.team_id) {
        return Err(ApiError::forbidden("this interaction is not yours"));
    }
    let doc = match worker.ensure(&input).await {
        Ok(doc) => doc,
        Err(StatError::NotFinal) => {
            return Err(ApiError::new(
                ErrorCode::MetricsNotReady,
                "the call is not over; metrics come when it ends",
            ));
        }
        Err(StatError::Db(e)) => return Err(e.into()),
        Err(StatError::Bus(e)) => return Err(e.into()),
    };
    if !doc.delivered {
        let (worker, doc) = (worker.into_inner(), doc.clone());
        tokio::spawn(async move { worker.deliver(id, &doc).await });
    }
    let mut view = doc.view();
    view.status = input.interaction.status;
    Ok(web::Json(view))
}

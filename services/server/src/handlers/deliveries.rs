//! `GET /api/deliveries/channels`, `GET /api/deliveries/{id}`

use actix_web::{get, web};
use vc_protocol::msg::{Channels, Delivery, GetChannels, GetDelivery};
use vc_protocol::{DeliveryId, ErrorCode, topics};
use vc_runtime::{ApiError, Staff};

use crate::state::{PEER_SERVICE_TIMEOUT, ServerState};

/// Which delivery channels are configured here (the console enables its
/// buttons by it).
#[utoipa::path(
    tag = "deliveries",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Channels),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 503, description = "`service_unavailable`: vc-msg did not answer", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/deliveries/channels")]
pub async fn channels(_staff: Staff, state: web::Data<ServerState>) -> Result<web::Json<Channels>, ApiError> {
    Ok(web::Json(
        state
            .bus
            .request_with_timeout(&topics::msg::channels(), &GetChannels {}, PEER_SERVICE_TIMEOUT)
            .await?,
    ))
}

/// One delivery with every attempt. Agents see the deliveries of their own
/// interactions; supervisors and admins all.
#[utoipa::path(
    tag = "deliveries",
    security(("bearer" = [])),
    params(("id" = DeliveryId, Path, description = "delivery id")),
    responses(
        (status = 200, body = Delivery),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 404, description = "`delivery_not_found`", body = vc_protocol::ErrorBody),
        (status = 503, description = "`service_unavailable`: vc-msg did not answer", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/deliveries/{id}")]
pub async fn get_delivery(
    staff: Staff,
    state: web::Data<ServerState>,
    id: web::Path<DeliveryId>,
) -> Result<web::Json<Delivery>, ApiError> {
    let delivery: Delivery = state
        .bus
        .request_with_timeout(
            &topics::msg::get_delivery(),
            &GetDelivery { delivery_id: id.into_inner() },
            PEER_SERVICE_TIMEOUT,
        )
        .await?;
    // Another agent's delivery looks like no delivery.
    state.load_for_staff(&staff, delivery.interaction_id).await.map_err(|e| match e.code {
        ErrorCode::Forbidden | ErrorCode::InteractionNotFound => {
            ApiError::new(ErrorCode::DeliveryNotFound, "no such delivery")
        }
        _ => e,
    })?;
    Ok(web::Json(delivery))
}

//! `POST /api/interactions/{id}/send`

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use vc_protocol::msg::{CreateDelivery, DeliveryCreated, SendLinkAccepted, SendLinkRequest};
use vc_protocol::{DeliveryId, ErrorCode, InteractionId, topics};
use vc_runtime::{ApiError, Staff};

use crate::creation::recipient;
use crate::state::{PEER_SERVICE_TIMEOUT, ServerState, ended};
use crate::store::to_chrono;

/// Send the client link by SMS, Telegram, e-mail or the customer's webhook.
/// The delivery is queued and goes on in the background; its status
/// changes appear on the agent's control channel (`delivery` events) and
/// at `GET /api/deliveries/{id}`.
#[utoipa::path(
    tag = "deliveries",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    request_body = SendLinkRequest,
    responses(
        (status = 202, body = SendLinkAccepted),
        (status = 403, body = vc_protocol::ErrorBody),
        (status = 404, description = "`interaction_not_found`", body = vc_protocol::ErrorBody),
        (status = 409, description = "`interaction_ended`, `channel_not_configured`", body = vc_protocol::ErrorBody),
        (status = 410, description = "`link_expired`: renew the link first", body = vc_protocol::ErrorBody),
        (status = 422, description = "`contact_missing`, `invalid_phone`", body = vc_protocol::ErrorBody),
        (status = 503, description = "`service_unavailable`: vc-msg did not answer", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/interactions/{id}/send")]
pub async fn send_link(
    staff: Staff,
    state: web::Data<ServerState>,
    id: web::Path<InteractionId>,
    body: web::Json<SendLinkRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let doc = state.load_for_staff(&staff, id.into_inner()).await?;
    if doc.status.is_final() {
        return Err(ended());
    }
    let link = match &doc.short_url {
        Some(link) if to_chrono(doc.link_expires_at) > Utc::now() => link.clone(),
        _ => {
            return Err(ApiError::new(
                ErrorCode::LinkExpired,
                "the client link has expired; create a new link, then send it",
            ));
        }
    };
    let to = recipient(
        body.channel,
        doc.client_phone.as_deref(),
        doc.client_email.as_deref(),
        doc.client_telegram.as_deref(),
        &state.cfg.default_phone_region,
    )?;
    let branding = state.settings.branding().await?;
    let req = CreateDelivery {
        delivery_id: DeliveryId::new(),
        interaction_id: doc.id,
        channel: body.channel,
        to,
        language: body.language.unwrap_or_default(),
        link,
        company_name: branding.company_name,
        accent_color: branding.accent_color,
        agent_name: doc.agent_name.clone(),
        client_name: doc.client_name.clone(),
        contact: doc.contact(),
        kind: Default::default(),
    };
    let created: DeliveryCreated =
        state.bus.request_with_timeout(&topics::msg::create_delivery(), &req, PEER_SERVICE_TIMEOUT).await?;
    tracing::info!(
        interaction_id = %doc.id,
        delivery_id = %created.delivery_id,
        channel = body.channel.as_str(),
        "link delivery queued"
    );
    Ok(HttpResponse::Accepted().json(SendLinkAccepted {
        delivery_id: created.delivery_id,
        status: created.status,
        telegram_start_url: created.telegram_start_url,
    }))
}

//! `POST /api/interactions/{id}/media`

use actix_web::{post, web};
use vc_protocol::InteractionId;
use vc_protocol::media::MediaAccess;
use vc_protocol::topics::TokenGrant;
use vc_runtime::{ApiError, Caller};

use crate::state::{ServerState, ended};

/// Admission to the call's media room: the gateway's signaling URL, a room
/// token for this party, and ICE servers. For the interaction's agent and its
/// client.
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id")),
    responses(
        (status = 200, body = MediaAccess),
        (status = 403, description = "not a party of this call", body = vc_protocol::ErrorBody),
        (status = 404, body = vc_protocol::ErrorBody),
        (status = 409, description = "`interaction_ended`", body = vc_protocol::ErrorBody),
        (status = 503, description = "`media_unavailable`: no gateway answered", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/interactions/{id}/media")]
pub async fn media_access(
    caller: Caller,
    state: web::Data<ServerState>,
    id: web::Path<InteractionId>,
) -> Result<web::Json<MediaAccess>, ApiError> {
    let id = id.into_inner();
    let (doc, role) = state.load_for_caller(&caller, id).await?;
    if let Some(staff) = caller.staff()
        && staff.id != doc.agent_id
    {
        return Err(ApiError::forbidden("only the interaction's agent joins its call"));
    }
    if doc.status.is_final() {
        return Err(ended());
    }
    let room = state.open_room(id, doc.video_mode, doc.max_quality, doc.record, doc.features.pointer).await?;
    let ttl = state.cfg.room_token_ttl_secs;
    let grant = TokenGrant::Room {
        interaction_id: id,
        role,
        video_mode: doc.video_mode,
        max_quality: doc.max_quality,
        record: doc.record,
        pointer: doc.features.pointer,
    };
    let token = state.issue(grant, ttl).await?;
    Ok(web::Json(MediaAccess {
        role,
        signaling_url: room.signaling_url,
        room_token: token.token,
        expires_in: ttl,
        ice_servers: state.ice_servers(id, role),
        video_mode: doc.video_mode,
        max_quality: doc.max_quality,
    }))
}

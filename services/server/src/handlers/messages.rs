//! `GET /api/interactions/{id}/messages`

use actix_web::{get, web};
use vc_protocol::InteractionId;
use vc_protocol::chat::{ChatHistory, ChatHistoryQuery};
use vc_runtime::{ApiError, Caller};

use crate::state::ServerState;

/// The chat, ordered by `seq`, from `after_seq` on: for staff (its agent,
/// supervisors, admins) and the interaction's client.
#[utoipa::path(
    tag = "chat",
    security(("bearer" = [])),
    params(("id" = InteractionId, Path, description = "interaction id"), ChatHistoryQuery),
    responses(
        (status = 200, body = ChatHistory),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, body = vc_protocol::ErrorBody),
        (status = 404, description = "`interaction_not_found`", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/interactions/{id}/messages")]
pub async fn chat_history(
    caller: Caller,
    state: web::Data<ServerState>,
    id: web::Path<InteractionId>,
    query: web::Query<ChatHistoryQuery>,
) -> Result<web::Json<ChatHistory>, ApiError> {
    let (doc, _) = state.load_for_caller(&caller, id.into_inner()).await?;
    let limit = query.limit.unwrap_or(200).clamp(1, 1000);
    let items = state.chat.after(doc.id, query.after_seq.unwrap_or(0), limit).await?;
    let last_seq = state.chat.last_seq(doc.id).await?;
    Ok(web::Json(ChatHistory { items, last_seq, read: doc.chat_read }))
}

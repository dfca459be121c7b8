//! Chat, locations and requests arriving on the control channel: checked
//! (including the call's functions), stored, announced.

use vc_protocol::chat::ChatMessage;
use vc_protocol::control::{ControlOut, RequestOutcome};
use vc_protocol::files::FileKind;
use vc_protocol::interaction::{EventKind, Party};
use vc_protocol::settings::Feature;
use vc_protocol::topics::ChatItem;
use vc_protocol::{FileId, InteractionId, RequestId};
use vc_runtime::ApiError;

use crate::chat;
use crate::state::{ServerState, require_feature};
use crate::store::{Change, InteractionDoc};

pub(crate) fn chat_reply(client_msg_id: String, reply: Result<ChatMessage, ApiError>) -> ControlOut {
    match reply {
        Ok(message) => ControlOut::ChatAck { client_msg_id, message },
        Err(e) => ControlOut::ChatError { client_msg_id, code: e.code.as_str().into(), message: e.message },
    }
}

/// Refuses anything more once the call is over.
pub(crate) async fn open_interaction(
    state: &ServerState,
    id: InteractionId,
) -> Result<InteractionDoc, ApiError> {
    let doc = state.interactions.get(id).await?.ok_or_else(crate::state::not_found)?;
    if doc.status.is_final() {
        return Err(crate::state::ended());
    }
    Ok(doc)
}

/// A chat message (text and/or a file of this interaction) checked.
pub(crate) async fn chat_draft(
    state: &ServerState,
    id: InteractionId,
    role: Party,
    author: Option<String>,
    client_msg_id: String,
    text: Option<String>,
    file_id: Option<FileId>,
) -> Result<chat::Draft, ApiError> {
    let text = text.unwrap_or_default();
    chat::validate(&client_msg_id, &text, file_id.is_some())?;
    let doc = open_interaction(state, id).await?;
    if !text.trim().is_empty() {
        require_feature(&doc.features, Feature::Chat)?;
    }
    let file = match file_id {
        Some(file_id) => {
            let file = state.file_of(id, file_id).await?;
            // A file in the chat needs the function that made it.
            let needs = match file.kind {
                FileKind::Chat => Feature::Files,
                FileKind::Screenshot | FileKind::Annotated => Feature::Screenshots,
                FileKind::Photo => Feature::HdPhoto,
                FileKind::Recording => Feature::Recording,
            };
            require_feature(&doc.features, needs)?;
            Some(file)
        }
        None => None,
    };
    Ok(chat::Draft { from: role, author, client_msg_id, text, file, location: None })
}

/// The client's position as a chat message, with the address vc-geo finds
/// (none when it cannot: the coordinates stay usable).
pub(crate) async fn location_draft(
    state: &ServerState,
    id: InteractionId,
    role: Party,
    author: Option<String>,
    client_msg_id: String,
    fix: crate::geo::Fix,
) -> Result<chat::Draft, ApiError> {
    if role != Party::Client {
        return Err(ApiError::forbidden("only the client sends its location"));
    }
    chat::validate(&client_msg_id, "", true)?;
    let fix = fix.checked()?;
    let doc = open_interaction(state, id).await?;
    require_feature(&doc.features, Feature::Geolocation)?;
    if let Some(existing) = state.chat.by_client_id(id, role, &client_msg_id).await? {
        // A resend: the stored message is the answer; no second look-up.
        return Ok(chat::Draft::existing(existing, client_msg_id));
    }
    let location = crate::geo::locate(state, fix).await;
    Ok(chat::Draft {
        from: role,
        author,
        client_msg_id,
        text: String::new(),
        file: None,
        location: Some(location),
    })
}

/// A chat message from this connection: stored, then announced to every
/// connection of the interaction; the stored message is the answer. One
/// that answers a request (a location, a photo) also ends the request.
pub(crate) async fn chat_message(
    state: &ServerState,
    id: InteractionId,
    draft: chat::Draft,
    request_id: Option<RequestId>,
) -> Result<ChatMessage, ApiError> {
    let role = draft.from;
    let (message, new) = state.chat.append(id, draft).await?;
    if new {
        tracing::info!(interaction_id = %id, seq = message.seq, from = role.as_str(), "chat message stored");
        state.announce_chat(id, ChatItem::Message { message: Box::new(message.clone()) }).await;
    }
    if let (Some(request_id), Party::Client) = (request_id, role) {
        answer_request(state, id, request_id, RequestOutcome::Done, None).await?;
    }
    Ok(message)
}

/// Ends an open request of this interaction (a no-op for one already
/// answered, so a resend changes nothing); `request_not_found` otherwise.
pub(crate) async fn answer_request(
    state: &ServerState,
    id: InteractionId,
    request_id: RequestId,
    outcome: RequestOutcome,
    detail: Option<String>,
) -> Result<(), ApiError> {
    let committed = state
        .commit(id, |doc| {
            let (what, open) = crate::geo::request_state(&doc.events, request_id)?;
            open.then(|| {
                Change::default().event(EventKind::RequestAnswered {
                    request_id,
                    what,
                    outcome,
                    detail: detail.clone(),
                })
            })
        })
        .await?;
    match committed {
        Some((doc, _)) if crate::geo::request_state(&doc.events, request_id).is_some() => Ok(()),
        _ => Err(ApiError::validation("request_id: no such request in this interaction")),
    }
}

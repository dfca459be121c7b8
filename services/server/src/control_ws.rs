//! `GET /api/interactions/{id}/ws`: the control channel (docs/control-ws.md).

use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::{CloseCode, CloseReason, Message};
use tokio::sync::broadcast::error::RecvError;
use vc_protocol::control::{
    ControlIn, ControlOut, InteractionSnapshot, RequestKind, RequestOutcome, TimingMark,
};
use vc_protocol::interaction::{EventKind, InteractionEvent, Party};
use vc_protocol::settings::Feature;
use vc_protocol::topics::ChatItem;
use vc_protocol::{ErrorCode, InteractionId, RequestId};
use vc_runtime::{ApiError, Caller, Runtime};

use crate::control_chat::{answer_request, chat_draft, chat_message, chat_reply, location_draft};
use crate::hub::Live;
use crate::state::{ServerState, require_feature};
use crate::store::{Change, InteractionDoc};

const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
const PING_EVERY: Duration = Duration::from_secs(10);
const IDLE_LIMIT: Duration = Duration::from_secs(30);
const MAX_FRAME: usize = 16 * 1024;

/// The control channel of one interaction, for its agent (and supervisors)
/// and its client.
#[utoipa::path(
    tag = "interactions",
    params(("id" = InteractionId, Path, description = "interaction id")),
    responses(
        (status = 101, description = "WebSocket upgrade; first frame `{\"type\":\"hello\",\"token\":...,\"last_seq\":n}`"),
        (status = 400, description = "not a WebSocket request"),
    )
)]
#[get("/api/interactions/{id}/ws")]
pub async fn control_ws(
    req: HttpRequest,
    body: web::Payload,
    id: web::Path<InteractionId>,
    state: web::Data<ServerState>,
    rt: web::Data<Runtime>,
) -> Result<HttpResponse, actix_web::Error> {
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let (id, state, rt) = (id.into_inner(), state.into_inner(), rt.get_ref().clone());
    actix_web::rt::spawn(async move { run(session, stream.max_frame_size(MAX_FRAME), id, state, rt).await });
    Ok(response)
}

fn text(msg: &ControlOut) -> String {
    serde_json::to_string(msg).unwrap_or_default()
}

async fn refuse(mut session: actix_ws::Session, e: ApiError) {
    let code = match e.code {
        ErrorCode::Forbidden => 4403,
        ErrorCode::InteractionNotFound => 4404,
        ErrorCode::ServiceUnavailable | ErrorCode::Internal => 1011,
        _ => 4401,
    };
    let _ = session.text(text(&ControlOut::Error { code: e.code.as_str().into(), message: e.message })).await;
    let _ = session.close(Some(CloseReason { code: CloseCode::Other(code), description: None })).await;
}

fn snapshot(doc: &InteractionDoc, role: Party) -> InteractionSnapshot {
    let auto_location = doc.features.geolocation && doc.features.auto_geolocation;
    let (peer_audio, peer_video) = doc.peer_media_for(role);
    let peer_screen = match role {
        Party::Agent => doc.peer_media.client_screen,
        Party::Client => doc.peer_media.agent_screen,
    };
    InteractionSnapshot {
        id: doc.id,
        status: doc.status,
        video_mode: doc.video_mode,
        max_quality: doc.max_quality,
        agent_name: doc.agent_name.clone(),
        presence: doc.media,
        peer_audio,
        peer_video,
        peer_screen,
        auto_location,
    }
}

fn is_final(event: &InteractionEvent) -> bool {
    matches!(&event.event, EventKind::Status { status, .. } if status.is_final())
}

/// What one connection has been sent so far.
struct Conn {
    session: actix_ws::Session,
    /// Last event `seq` sent.
    sent: u64,
    /// Last chat `seq` sent.
    chat_sent: u64,
    /// The final status went out: close after what came with it.
    over: bool,
}

/// The session is gone.
struct Gone;

impl Conn {
    async fn send(&mut self, msg: &ControlOut) -> Result<(), Gone> {
        self.session.text(text(msg)).await.map_err(|_| Gone)
    }

    async fn events(&mut self, events: impl IntoIterator<Item = InteractionEvent>) -> Result<(), Gone> {
        for e in events {
            if e.seq > self.sent {
                self.over |= is_final(&e);
                self.sent = e.seq;
                self.send(&ControlOut::Event { event: e }).await?;
            }
        }
        Ok(())
    }

    /// Chat messages after the last one sent, from the store (in order,
    /// without gaps, whatever order the live feed brought them in).
    async fn chat_from_store(&mut self, state: &ServerState, id: InteractionId) -> Result<(), Gone> {
        loop {
            let batch = match state.chat.after(id, self.chat_sent, 500).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(interaction_id = %id, error = %e, "chat replay failed");
                    return Err(Gone);
                }
            };
            let full = batch.len() == 500;
            for message in batch {
                self.chat_sent = message.seq;
                self.send(&ControlOut::Chat { message }).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    async fn chat(&mut self, state: &ServerState, id: InteractionId, item: &ChatItem) -> Result<(), Gone> {
        match item {
            ChatItem::Message { message } if message.seq == self.chat_sent + 1 => {
                self.chat_sent = message.seq;
                self.send(&ControlOut::Chat { message: message.as_ref().clone() }).await
            }
            // Already sent, or one came out of order: the store knows.
            ChatItem::Message { message } if message.seq <= self.chat_sent => Ok(()),
            ChatItem::Message { .. } => self.chat_from_store(state, id).await,
            ChatItem::Read { party, seq } => {
                self.send(&ControlOut::ChatRead { party: *party, seq: *seq }).await
            }
        }
    }
}

async fn run(
    mut session: actix_ws::Session,
    mut stream: actix_ws::MessageStream,
    id: InteractionId,
    state: std::sync::Arc<ServerState>,
    rt: Runtime,
) {
    let hello = tokio::time::timeout(HELLO_TIMEOUT, async {
        while let Some(Ok(msg)) = stream.recv().await {
            match msg {
                Message::Text(t) => return serde_json::from_str::<ControlIn>(&t).ok(),
                Message::Close(_) => return None,
                _ => {}
            }
        }
        None
    })
    .await;
    let (token, last_seq, last_chat_seq) = match hello {
        Ok(Some(ControlIn::Hello { token, last_seq, last_chat_seq })) => {
            (token, last_seq.unwrap_or(0), last_chat_seq.unwrap_or(0))
        }
        _ => {
            return refuse(session, ApiError::new(ErrorCode::Unauthorized, "send hello with a token first"))
                .await;
        }
    };
    let caller = match Caller::from_token(&rt, &token) {
        Ok(c) => c,
        Err(e) => return refuse(session, e).await,
    };
    // Subscribe before reading, so nothing falls between the two.
    let mut live = state.hub.subscribe(id);
    let (doc, role) = match state.load_for_caller(&caller, id).await {
        Ok(v) => v,
        Err(e) => return refuse(session, e).await,
    };
    let last_chat = match state.chat.last_seq(id).await {
        Ok(s) => s,
        Err(e) => return refuse(session, e.into()).await,
    };
    let author = match &caller {
        Caller::Staff(s) if !s.claims.name.is_empty() => Some(s.claims.name.clone()),
        Caller::Staff(s) => Some(s.login.clone()),
        Caller::Client(_) => doc.client_name.clone(),
    };
    let welcome = ControlOut::Welcome {
        role,
        interaction: snapshot(&doc, role),
        last_seq: doc.next_seq,
        last_chat_seq: last_chat,
        read: doc.chat_read,
    };
    if session.text(text(&welcome)).await.is_err() {
        return;
    }
    let mut conn = Conn { session, sent: last_seq, chat_sent: last_chat_seq.min(last_chat), over: false };
    if conn.events(doc.events.iter().filter(|e| e.seq > last_seq).cloned()).await.is_err() {
        return;
    }
    conn.sent = conn.sent.max(doc.next_seq);
    if doc.status.is_final() && last_seq >= doc.next_seq {
        conn.over = true;
    }
    if conn.chat_from_store(&state, id).await.is_err() {
        return;
    }
    tracing::info!(interaction_id = %id, role = role.as_str(), last_seq, last_chat_seq, "control channel opened");

    let mut last_heard = Instant::now();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    while !conn.over {
        let step: Result<(), Gone> = tokio::select! {
            item = live.recv() => match item {
                Ok(item) => match item.as_ref() {
                    Live::Events(events) => conn.events(events.iter().cloned()).await,
                    Live::Chat(chat) => conn.chat(&state, id, chat).await,
                },
                Err(RecvError::Lagged(_)) => {
                    // Too far behind the live feed: catch up from the store.
                    match state.interactions.get(id).await {
                        Ok(Some(doc)) => match conn.events(doc.events).await {
                            Ok(()) => conn.chat_from_store(&state, id).await,
                            Err(g) => Err(g),
                        },
                        _ => Err(Gone),
                    }
                }
                Err(RecvError::Closed) => Err(Gone),
            },
            incoming = stream.recv() => {
                last_heard = Instant::now();
                match incoming {
                    Some(Ok(Message::Text(t))) => match serde_json::from_str::<ControlIn>(&t) {
                        Ok(ControlIn::Ping) => conn.send(&ControlOut::Pong).await,
                        Ok(ControlIn::Chat { client_msg_id, text, file_id, request_id }) => {
                            let draft = chat_draft(&state, id, role, author.clone(), client_msg_id.clone(), text, file_id).await;
                            let reply = match draft {
                                Ok(draft) => chat_message(&state, id, draft, request_id).await,
                                Err(e) => Err(e),
                            };
                            conn.send(&chat_reply(client_msg_id, reply)).await
                        }
                        Ok(ControlIn::Location { client_msg_id, lat, lon, accuracy_m, altitude_m, measured_at_ms, request_id, lang }) => {
                            let fix = crate::geo::Fix { lat, lon, accuracy_m, altitude_m, measured_at_ms, lang: lang.unwrap_or_default() };
                            let reply = match location_draft(&state, id, role, author.clone(), client_msg_id.clone(), fix).await {
                                Ok(draft) => chat_message(&state, id, draft, request_id).await,
                                Err(e) => Err(e),
                            };
                            conn.send(&chat_reply(client_msg_id, reply)).await
                        }
                        Ok(msg) => match on_message(&state, id, role, msg).await {
                            Ok(()) => Ok(()),
                            Err(e) => conn.send(&ControlOut::Error { code: e.code.as_str().into(), message: e.message }).await,
                        },
                        Err(e) => {
                            conn.send(&ControlOut::Error { code: "bad_request".into(), message: format!("invalid frame: {e}") }).await
                        }
                    },
                    Some(Ok(Message::Ping(p))) => {
                        let _ = conn.session.pong(&p).await;
                        Ok(())
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => Err(Gone),
                    Some(Ok(_)) => Ok(()),
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > IDLE_LIMIT || conn.session.ping(b"").await.is_err() {
                    Err(Gone)
                } else {
                    Ok(())
                }
            }
        };
        if step.is_err() {
            break;
        }
    }
    // What is already here (e.g. a late delivery report after the final
    // status): deliver it before closing.
    while let Ok(item) = live.try_recv() {
        let done = match item.as_ref() {
            Live::Events(events) => conn.events(events.iter().cloned()).await,
            Live::Chat(chat) => conn.chat(&state, id, chat).await,
        };
        if done.is_err() {
            break;
        }
    }
    tracing::info!(interaction_id = %id, role = role.as_str(), "control channel closed");
    let over = conn.over;
    let _ = conn
        .session
        .close(Some(CloseReason { code: CloseCode::Normal, description: over.then(|| "ended".to_owned()) }))
        .await;
}

async fn on_message(
    state: &ServerState,
    id: InteractionId,
    role: Party,
    msg: ControlIn,
) -> Result<(), ApiError> {
    match msg {
        ControlIn::MediaState { audio, video, screen } => {
            let screen = screen.unwrap_or(false);
            if screen {
                let doc = state.interactions.get(id).await?.ok_or_else(crate::state::not_found)?;
                require_feature(&doc.features, Feature::ScreenShare)?;
            }
            let (a, v, s) = match role {
                Party::Agent => {
                    ("peer_media.agent_audio", "peer_media.agent_video", "peer_media.agent_screen")
                }
                Party::Client => {
                    ("peer_media.client_audio", "peer_media.client_video", "peer_media.client_screen")
                }
            };
            state
                .commit(id, |doc| {
                    let m = &doc.peer_media;
                    let current = match role {
                        Party::Agent => (m.agent_audio, m.agent_video, m.agent_screen),
                        Party::Client => (m.client_audio, m.client_video, m.client_screen),
                    };
                    (current != (audio, video, screen) && !doc.status.is_final()).then(|| {
                        Change::default()
                            .set(a, audio)
                            .set(v, video)
                            .set(s, screen)
                            .event(EventKind::PeerMedia { party: role, audio, video, screen })
                    })
                })
                .await?;
        }
        ControlIn::Timing { mark: TimingMark::JoinTap, at_ms } if role == Party::Client => {
            state.commit(id, |_| Some(Change::default().set("join_tap_ms", at_ms))).await?;
        }
        ControlIn::Timing { mark: TimingMark::FirstRemoteFrame, at_ms } if role == Party::Agent => {
            state
                .commit(id, |doc| {
                    let tap = doc.join_tap_ms?;
                    let ms = at_ms - tap;
                    tracing::info!(interaction_id = %id, ms, "connect timing: client join tap to the agent's first frame");
                    Some(
                        Change::default()
                            .set("join_tap_ms", mongodb::bson::Bson::Null)
                            .event(EventKind::ConnectTiming { ms }),
                    )
                })
                .await?;
        }
        ControlIn::ChatRead { seq } => {
            let last = state.chat.last_seq(id).await?;
            let seq = seq.min(last);
            if state.interactions.mark_read(id, role, seq).await? {
                state.announce_chat(id, ChatItem::Read { party: role, seq }).await;
            }
        }
        ControlIn::Request { what } => {
            if role != Party::Agent {
                return Err(ApiError::forbidden("only the agent asks for a location or a photo"));
            }
            let doc = state.interactions.get(id).await?.ok_or_else(crate::state::not_found)?;
            require_feature(
                &doc.features,
                match what {
                    RequestKind::Location => Feature::Geolocation,
                    RequestKind::Photo => Feature::HdPhoto,
                },
            )?;
            state
                .commit(id, |doc| {
                    (!doc.status.is_final()).then(|| {
                        Change::default().event(EventKind::Requested { request_id: RequestId::new(), what })
                    })
                })
                .await?;
        }
        ControlIn::RequestDeclined { request_id, outcome, detail } => {
            if role != Party::Client {
                return Err(ApiError::forbidden("only the client's page answers a request"));
            }
            if outcome == RequestOutcome::Done {
                return Err(ApiError::validation(
                    "outcome: a request is done by the location or photo itself",
                ));
            }
            let detail = detail.map(|d| d.chars().take(200).collect::<String>());
            answer_request(state, id, request_id, outcome, detail).await?;
        }
        ControlIn::Timing { .. } | ControlIn::Ping | ControlIn::Chat { .. } | ControlIn::Location { .. } => {}
        ControlIn::Hello { .. } => {
            return Err(ApiError::bad_request("already said hello"));
        }
    }
    Ok(())
}

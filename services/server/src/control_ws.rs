//! `GET /api/interactions/{id}/ws`: the control channel (docs/control-ws.md).

use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::{CloseCode, CloseReason, Message};
use tokio::sync::broadcast::error::RecvError;
use vc_protocol::control::{ControlIn, ControlOut, InteractionSnapshot, TimingMark};
use vc_protocol::interaction::{EventKind, InteractionEvent, Party};
use vc_protocol::{ErrorCode, InteractionId};
use vc_runtime::{ApiError, Caller, Runtime};

use crate::state::ServerState;
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
    }
}

fn is_final(event: &InteractionEvent) -> bool {
    matches!(&event.event, EventKind::Status { status, .. } if status.is_final())
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
    let (token, last_seq) = match hello {
        Ok(Some(ControlIn::Hello { token, last_seq, .. })) => (token, last_seq.unwrap_or(0)),
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
    let welcome = ControlOut::Welcome {
        role,
        interaction: snapshot(&doc, role),
        last_seq: doc.next_seq,
        last_chat_seq: 0,
        read: Default::default(),
    };
    if session.text(text(&welcome)).await.is_err() {
        return;
    }
    let mut sent = last_seq;
    let mut over = false;
    for e in doc.events.iter().filter(|e| e.seq > last_seq) {
        over |= is_final(e);
        if session.text(text(&ControlOut::Event { event: e.clone() })).await.is_err() {
            return;
        }
        sent = e.seq;
    }
    sent = sent.max(doc.next_seq);
    if doc.status.is_final() && last_seq >= doc.next_seq {
        over = true;
    }
    tracing::info!(interaction_id = %id, role = role.as_str(), last_seq, "control channel opened");

    let mut last_heard = Instant::now();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    while !over {
        tokio::select! {
            batch = live.recv() => match batch {
                Ok(batch) => {
                    let mut failed = false;
                    let from = sent;
                    for e in batch.iter().filter(|e| e.seq > from) {
                        over |= is_final(e);
                        sent = e.seq;
                        if session.text(text(&ControlOut::Event { event: e.clone() })).await.is_err() {
                            failed = true;
                            break;
                        }
                    }
                    if failed {
                        break;
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    // Too far behind the live feed: replay from the store.
                    match state.interactions.get(id).await {
                        Ok(Some(doc)) => {
                            let from = sent;
                            for e in doc.events.into_iter().filter(|e| e.seq > from) {
                                over |= is_final(&e);
                                sent = e.seq;
                                if session.text(text(&ControlOut::Event { event: e })).await.is_err() {
                                    break;
                                }
                            }
                        }
                        _ => break,
                    }
                }
                Err(RecvError::Closed) => break,
            },
            incoming = stream.recv() => {
                last_heard = Instant::now();
                match incoming {
                    Some(Ok(Message::Text(t))) => match serde_json::from_str::<ControlIn>(&t) {
                        Ok(ControlIn::Ping) => {
                            if session.text(text(&ControlOut::Pong)).await.is_err() {
                                break;
                            }
                        }
                        Ok(msg) => {
                            if let Err(e) = on_message(&state, id, role, msg).await {
                                let _ = session.text(text(&ControlOut::Error { code: e.code.as_str().into(), message: e.message })).await;
                            }
                        }
                        Err(e) => {
                            let err = ControlOut::Error { code: "bad_request".into(), message: format!("invalid frame: {e}") };
                            let _ = session.text(text(&err)).await;
                        }
                    },
                    Some(Ok(Message::Ping(p))) => {
                        let _ = session.pong(&p).await;
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > IDLE_LIMIT || session.ping(b"").await.is_err() {
                    break;
                }
            }
        }
    }
    // Events committed after the final status (e.g. a late delivery
    // report) that are already here: deliver them before closing.
    while let Ok(batch) = live.try_recv() {
        let from = sent;
        for e in batch.iter().filter(|e| e.seq > from) {
            sent = e.seq;
            if session.text(text(&ControlOut::Event { event: e.clone() })).await.is_err() {
                break;
            }
        }
    }
    tracing::info!(interaction_id = %id, role = role.as_str(), "control channel closed");
    let _ = session
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
        ControlIn::Timing { .. } | ControlIn::Ping | ControlIn::Chat { .. } | ControlIn::ChatRead { .. } => {}
        ControlIn::Hello { .. } => {
            return Err(ApiError::bad_request("already said hello"));
        }
    }
    Ok(())
}

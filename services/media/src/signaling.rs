//! `GET /media/ws`: the signaling WebSocket. The first frame must be `join`
//! with a room token; afterwards frames go to and from the engine.

use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::{CloseCode, CloseReason, Message};
use tokio::sync::{mpsc, oneshot};
use vc_protocol::PeerId;
use vc_protocol::media::{SignalIn, SignalOut};
use vc_runtime::Runtime;

use crate::engine::{Command, EngineHandle};

const JOIN_TIMEOUT: Duration = Duration::from_secs(10);
const PING_EVERY: Duration = Duration::from_secs(10);
const IDLE_LIMIT: Duration = Duration::from_secs(30);
/// Largest frame accepted (an SDP is a few kB).
const MAX_FRAME: usize = 64 * 1024;

/// The signaling WebSocket of the media gateway (see docs/signaling.md).
#[utoipa::path(
    tag = "media",
    responses(
        (status = 101, description = "WebSocket upgrade; first frame `{\"type\":\"join\",\"token\":<room token>}`"),
        (status = 400, description = "not a WebSocket request"),
    )
)]
#[get("/media/ws")]
pub async fn signaling(
    req: HttpRequest,
    body: web::Payload,
    engine: web::Data<EngineHandle>,
    rt: web::Data<Runtime>,
) -> Result<HttpResponse, actix_web::Error> {
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let engine = engine.get_ref().clone();
    let rt = rt.get_ref().clone();
    actix_web::rt::spawn(async move {
        run(session, stream.max_frame_size(MAX_FRAME), engine, rt).await;
    });
    Ok(response)
}

fn frame(msg: &SignalOut) -> String {
    serde_json::to_string(msg).unwrap_or_default()
}

async fn close(mut session: actix_ws::Session, code: u16, msg: SignalOut) {
    let _ = session.text(frame(&msg)).await;
    let _ = session.close(Some(CloseReason { code: CloseCode::Other(code), description: None })).await;
}

async fn run(
    mut session: actix_ws::Session,
    mut stream: actix_ws::MessageStream,
    engine: EngineHandle,
    rt: Runtime,
) {
    // 1. The join frame.
    let join = tokio::time::timeout(JOIN_TIMEOUT, async {
        while let Some(Ok(msg)) = stream.recv().await {
            match msg {
                Message::Text(text) => return serde_json::from_str::<SignalIn>(&text).ok(),
                Message::Ping(p) => {
                    let _ = session.pong(&p).await;
                }
                Message::Close(_) => return None,
                _ => {}
            }
        }
        None
    })
    .await;
    let token = match join {
        Ok(Some(SignalIn::Join { token })) => token,
        _ => {
            let msg = SignalOut::Error {
                code: "join_required".into(),
                message: "send join with a room token first".into(),
            };
            return close(session, 4400, msg).await;
        }
    };
    let claims = match rt.verifier.verify_room(&token) {
        Ok(c) => c,
        Err(e) => {
            let msg = SignalOut::Error { code: e.code.as_str().into(), message: e.message };
            return close(session, 4401, msg).await;
        }
    };
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let (reply, joined) = oneshot::channel();
    let cmd = Command::Join {
        room: claims.sub,
        role: claims.role,
        video_mode: claims.video_mode,
        max_quality: claims.max_quality,
        record: claims.record,
        pointer: claims.pointer,
        out: out_tx,
        reply,
    };
    let peer: PeerId = match engine.send(cmd) {
        Ok(()) => match joined.await {
            Ok(id) => id,
            Err(_) => return close(session, 1011, gone()).await,
        },
        Err(_) => return close(session, 1011, gone()).await,
    };
    tracing::info!(room = %claims.sub, role = claims.role.as_str(), %peer, "signaling socket joined");

    // 2. Relay both ways until either side ends.
    let mut last_heard = Instant::now();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let final_frame: Option<(u16, SignalOut)> = loop {
        tokio::select! {
            out = out_rx.recv() => match out {
                Some(msg) => {
                    let closing = matches!(msg, SignalOut::Closed { .. });
                    if closing {
                        break Some((1000, msg));
                    }
                    if session.text(frame(&msg)).await.is_err() {
                        break None;
                    }
                }
                None => break Some((1011, gone())),
            },
            incoming = stream.recv() => {
                last_heard = Instant::now();
                match incoming {
                    Some(Ok(Message::Text(text))) => match serde_json::from_str::<SignalIn>(&text) {
                        Ok(msg) => {
                            if engine.send(Command::Signal { peer, msg }).is_err() {
                                break Some((1011, gone()));
                            }
                        }
                        Err(e) => {
                            let err = SignalOut::Error { code: "bad_request".into(), message: format!("invalid frame: {e}") };
                            let _ = session.text(frame(&err)).await;
                        }
                    },
                    Some(Ok(Message::Ping(p))) => {
                        let _ = session.pong(&p).await;
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break None,
                    Some(Ok(_)) => {}
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > IDLE_LIMIT {
                    tracing::info!(%peer, "signaling socket silent; closing");
                    break None;
                }
                if session.ping(b"").await.is_err() {
                    break None;
                }
            }
        }
    };
    let _ = engine.send(Command::SocketClosed { peer });
    match final_frame {
        Some((code, msg)) => close(session, code, msg).await,
        None => {
            let _ = session.close(None).await;
        }
    }
}

fn gone() -> SignalOut {
    SignalOut::Error { code: "unavailable".into(), message: "the media gateway is shutting down".into() }
}

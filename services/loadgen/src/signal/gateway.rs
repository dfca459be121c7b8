//! Our gateway's signaling WebSocket, as the pages speak it: `join` with
//! the room token, then offers and answers both ways (the gateway offers
//! again when the other party's tracks arrive).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rtc::peer_connection::transport::RTCIceCandidateInit;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use vc_protocol::media::{IceCandidate, SignalIn, SignalOut};

use super::{Role, SignalCommand, SignalEvent, SignalLink};
use crate::party::PartyError;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long the gateway may take to admit us.
const JOIN_TIMEOUT: Duration = Duration::from_secs(10);

async fn send(ws: &mut Ws, msg: &SignalIn) -> Result<(), PartyError> {
    let text = serde_json::to_string(msg).map_err(|e| PartyError::Signaling(e.to_string()))?;
    ws.send(Message::Text(text.into())).await.map_err(|e| PartyError::Signaling(e.to_string()))
}

/// Opens the socket at `url` (`ws://host:port/media/ws`) and joins the
/// room with `room_token`; the party then makes the first offer.
pub async fn connect(url: &str, room_token: &str) -> Result<SignalLink, PartyError> {
    let (mut ws, _) =
        tokio_tungstenite::connect_async(url).await.map_err(|e| PartyError::Signaling(e.to_string()))?;
    send(&mut ws, &SignalIn::Join { token: room_token.to_owned() }).await?;
    tokio::time::timeout(JOIN_TIMEOUT, joined(&mut ws))
        .await
        .map_err(|_| PartyError::Signaling("no answer to join".into()))??;
    let (events_tx, events) = mpsc::unbounded_channel();
    let (commands, commands_rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(pump(ws, commands_rx, events_tx));
    Ok(SignalLink::new(Role::Offerer, events, commands, task))
}

async fn joined(ws: &mut Ws) -> Result<(), PartyError> {
    loop {
        let Some(Ok(Message::Text(t))) = ws.next().await else {
            return Err(PartyError::Signaling("socket closed before joined".into()));
        };
        match serde_json::from_str::<SignalOut>(&t) {
            Ok(SignalOut::Joined { .. }) => return Ok(()),
            Ok(SignalOut::Error { code, message }) => {
                return Err(PartyError::Signaling(format!("{code}: {message}")));
            }
            _ => {}
        }
    }
}

/// Carries commands to the socket and what arrives to the party, until
/// either side ends; then closes the socket.
async fn pump(
    mut ws: Ws,
    mut commands: mpsc::UnboundedReceiver<SignalCommand>,
    events: mpsc::UnboundedSender<SignalEvent>,
) {
    loop {
        tokio::select! {
            c = commands.recv() => {
                let msg = match c {
                    Some(SignalCommand::Offer(sdp)) => SignalIn::Offer { sdp },
                    Some(SignalCommand::Answer(sdp)) => SignalIn::Answer { sdp },
                    None => break,
                };
                if send(&mut ws, &msg).await.is_err() {
                    return;
                }
            }
            m = ws.next() => {
                let event = match m {
                    Some(Ok(Message::Text(t))) => match serde_json::from_str::<SignalOut>(&t) {
                        Ok(out) => event(out),
                        Err(_) => None,
                    },
                    Some(Ok(_)) => None,
                    _ => return,
                };
                if let Some(e) = event
                    && events.send(e).is_err()
                {
                    break;
                }
            }
        }
    }
    let _ = ws.close(None).await;
}

fn event(out: SignalOut) -> Option<SignalEvent> {
    Some(match out {
        SignalOut::Offer { sdp } => SignalEvent::Offer(sdp),
        SignalOut::Answer { sdp } => SignalEvent::Answer(sdp),
        SignalOut::Candidate {
            candidate: IceCandidate { candidate, sdp_mid, sdp_m_line_index, username_fragment },
        } => SignalEvent::Candidate(RTCIceCandidateInit {
            candidate,
            sdp_mid,
            sdp_mline_index: sdp_m_line_index,
            username_fragment,
            ..Default::default()
        }),
        SignalOut::Closed { reason } => SignalEvent::Closed(reason),
        _ => return None,
    })
}

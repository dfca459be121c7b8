//! What the rest of the service sees of the engine: its settings, the
//! commands it takes, and the handle they are sent through.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use vc_protocol::interaction::{MaxQuality, Party, VideoMode};
use vc_protocol::media::{SignalIn, SignalOut};
use vc_protocol::{InteractionId, PeerId};

use super::metrics::MediaMetrics;

/// How the engine is set up.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The one UDP socket every peer uses.
    pub bind: SocketAddr,
    /// Addresses put in the host candidates (public / LAN addresses).
    pub advertised: Vec<IpAddr>,
    /// How long a dropped party keeps its place.
    pub grace: Duration,
    /// How often `stats` events are sent per peer.
    pub stats_interval: Duration,
    /// Rooms nobody joined (or everyone left) are forgotten after this.
    pub idle_room_ttl: Duration,
    /// `media_datachannel_messages_total{direction, outcome}`: every message
    /// a party sent on a data channel, relayed or why not.
    pub data_messages: prometheus::IntCounterVec,
    /// Forwarded media, loss, NACKs, ICE failures, connect times.
    pub metrics: MediaMetrics,
    /// Where and how calls are recorded; `None`: never.
    pub recording: Option<RecordingSetup>,
}

/// The raw recorder's settings.
#[derive(Debug, Clone)]
pub struct RecordingSetup {
    /// Calls' raw directories go under this.
    pub dir: std::path::PathBuf,
    pub gateway_id: String,
    pub metrics: crate::record::RecorderMetrics,
}

/// What the outside asks of the engine.
pub enum Command {
    OpenRoom {
        room: InteractionId,
        video_mode: VideoMode,
        max_quality: MaxQuality,
        record: bool,
        /// Relay the `collab` channel.
        pointer: bool,
        reply: oneshot::Sender<()>,
    },
    UpdateRoom {
        room: InteractionId,
        video_mode: VideoMode,
        max_quality: MaxQuality,
        reply: oneshot::Sender<bool>,
    },
    CloseRoom {
        room: InteractionId,
        reason: String,
        reply: oneshot::Sender<()>,
    },
    /// A signaling socket with a valid room token joins.
    Join {
        room: InteractionId,
        role: Party,
        video_mode: VideoMode,
        max_quality: MaxQuality,
        record: bool,
        pointer: bool,
        out: mpsc::UnboundedSender<SignalOut>,
        reply: oneshot::Sender<PeerId>,
    },
    Signal {
        peer: PeerId,
        msg: SignalIn,
    },
    /// The peer's signaling socket closed.
    SocketClosed {
        peer: PeerId,
    },
    /// Counts for tests and metrics.
    Census {
        reply: oneshot::Sender<Census>,
    },
}

/// How many rooms and peers are alive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Census {
    pub rooms: usize,
    pub peers: usize,
    pub connections: usize,
}

/// The handle the rest of the service holds.
#[derive(Clone)]
pub struct EngineHandle {
    pub(super) tx: mpsc::UnboundedSender<Command>,
    pub local_addr: SocketAddr,
}

#[derive(Debug, thiserror::Error)]
#[error("the media engine has stopped")]
pub struct EngineGone;

impl EngineHandle {
    pub fn send(&self, cmd: Command) -> Result<(), EngineGone> {
        self.tx.send(cmd).map_err(|_| EngineGone)
    }

    pub async fn census(&self) -> Result<Census, EngineGone> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Census { reply })?;
        rx.await.map_err(|_| EngineGone)
    }
}

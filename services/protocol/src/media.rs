//! Media: the REST answer that admits a party to the gateway, the
//! signaling WebSocket (`/media/ws` on the gateway), and the gateway's MQTT
//! payloads. See `docs/signaling.md`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ids::{InteractionId, PeerId};
use crate::interaction::{MaxQuality, Party, VideoMode};

/// An ICE server for the browser (STUN, or TURN with time-limited credentials).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub credential: Option<String>,
}

/// `POST /api/interactions/{id}/media`: how a party reaches the call's room.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
pub struct MediaAccess {
    pub role: Party,
    /// Absolute `ws://` or `wss://` URL, or a path on this origin.
    pub signaling_url: String,
    /// Short-lived token for this room and role; the first signaling frame.
    pub room_token: String,
    pub expires_in: u64,
    pub ice_servers: Vec<IceServer>,
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
}

/// An ICE candidate as browsers write it (`RTCIceCandidateInit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IceCandidate {
    pub candidate: String,
    #[serde(default)]
    #[ts(optional)]
    pub sdp_mid: Option<String>,
    #[serde(default, rename = "sdpMLineIndex")]
    #[ts(optional, rename = "sdpMLineIndex")]
    pub sdp_m_line_index: Option<u16>,
    #[serde(default)]
    #[ts(optional)]
    pub username_fragment: Option<String>,
}

/// Browser → gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SignalIn {
    /// First frame: the room token from `MediaAccess`.
    Join {
        token: String,
    },
    Offer {
        sdp: String,
    },
    Answer {
        sdp: String,
    },
    /// A trickled candidate; an empty `candidate` ends gathering.
    Candidate {
        candidate: IceCandidate,
    },
    Ping,
}

/// Gateway → browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SignalOut {
    /// Admitted to the room. The browser makes the first offer.
    Joined {
        peer_id: PeerId,
        role: Party,
        other_present: bool,
    },
    Offer {
        sdp: String,
    },
    Answer {
        sdp: String,
    },
    Candidate {
        candidate: IceCandidate,
    },
    /// The other party arrived or left the room.
    Peer {
        role: Party,
        present: bool,
    },
    Pong,
    Error {
        code: String,
        message: String,
    },
    /// The room is closed (the call ended) or this connection was replaced.
    Closed {
        reason: String,
    },
}

/// `v1/media/rooms/open`: vc-server asks a gateway to host a room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenRoom {
    pub room_id: InteractionId,
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
    /// Record the call (raw tracks for vc-records).
    #[serde(default)]
    pub record: bool,
    /// Relay the `collab` data channel (the pointer); off when the call's
    /// `pointer` function is.
    #[serde(default = "crate::serde_util::yes")]
    pub pointer: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomOpened {
    pub room_id: InteractionId,
    pub gateway_id: String,
    /// Where browsers open the signaling WebSocket.
    pub signaling_url: String,
}

/// `v1/media/rooms/update`: new settings mid-call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateRoom {
    pub room_id: InteractionId,
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
}

/// `v1/media/rooms/close`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloseRoom {
    pub room_id: InteractionId,
    pub reason: String,
}

/// Empty acknowledgement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Done {}

/// `v1/media/rooms/{room}/events`: what happens in a room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaEvent {
    pub room_id: InteractionId,
    pub at: DateTime<Utc>,
    pub event: MediaEventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MediaEventKind {
    /// A party's signaling connection was admitted.
    PeerJoined { role: Party, peer_id: PeerId },
    /// Media flows (ICE + DTLS up) for the party.
    PeerConnected { role: Party, peer_id: PeerId },
    /// Media stopped (page closed, network lost); the grace period starts.
    PeerDisconnected { role: Party, peer_id: PeerId },
    /// The party did not come back within the grace period.
    PeerTimedOut { role: Party, grace_secs: u64 },
    /// ICE connection state of the party's peer connection.
    IceState { role: Party, state: String },
    /// Peer connection state of the party's peer connection.
    ConnectionState { role: Party, state: String },
    /// Every 5 s while connected.
    Stats { role: Party, stats: PeerStats },
    /// The room was closed.
    Closed { reason: String },
}

/// Media statistics of one party's connection, as the gateway measures it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeerStats {
    /// What the gateway receives from this party.
    pub inbound: Vec<TrackStats>,
    /// What the gateway sends to this party (loss and jitter as the party reports them).
    pub outbound: Vec<TrackStats>,
    /// Round-trip time to the party, from RTCP.
    pub rtt_ms: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrackStats {
    /// `audio` or `video`.
    pub kind: String,
    pub bitrate_kbps: f64,
    pub packets: u64,
    pub packets_lost: u64,
    /// Lost / expected over the last interval, 0..1.
    pub loss: f64,
    pub jitter_ms: Option<f64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fps: Option<f64>,
}

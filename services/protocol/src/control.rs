//! The control channel: a WebSocket between each party's page and
//! vc-server (`GET /api/interactions/{id}/ws`). Frames are JSON objects
//! tagged by `type`. See `docs/control-ws.md`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ids::InteractionId;
use crate::interaction::{InteractionEvent, InteractionStatus, MaxQuality, Party, Presence, VideoMode};

/// Page → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ControlIn {
    /// First frame: the bearer token (staff access token or client token),
    /// and the last event `seq` seen before a reconnect.
    Hello {
        token: String,
        #[serde(default)]
        #[ts(optional)]
        last_seq: Option<u64>,
        /// The last chat `seq` this page has; later messages follow the welcome.
        #[serde(default)]
        #[ts(optional)]
        last_chat_seq: Option<u64>,
    },
    /// Keep-alive; answered with `pong`.
    Ping,
    /// This party's microphone / camera state, shown to the other party;
    /// `screen`: its video is a shared screen rather than the camera.
    MediaState {
        audio: bool,
        video: bool,
        #[serde(default)]
        #[ts(optional)]
        screen: Option<bool>,
    },
    /// A chat message (text up to 4 KB, and/or a file uploaded before).
    /// `client_msg_id` (chosen by the page, unique per message) makes a
    /// resend after a lost acknowledgement harmless.
    Chat {
        client_msg_id: String,
        #[serde(default)]
        #[ts(optional)]
        text: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        file_id: Option<crate::ids::FileId>,
        /// The agent's request this message answers (an HD photo).
        #[serde(default)]
        #[ts(optional)]
        request_id: Option<crate::ids::RequestId>,
    },
    /// The client's position (client only): stored as a chat message with
    /// the street address vc-geo finds, acknowledged like a chat message.
    Location {
        client_msg_id: String,
        lat: f64,
        lon: f64,
        accuracy_m: f64,
        #[serde(default)]
        #[ts(optional)]
        altitude_m: Option<f64>,
        /// When the device measured it, epoch milliseconds.
        measured_at_ms: i64,
        /// The agent's request this answers, if any.
        #[serde(default)]
        #[ts(optional)]
        request_id: Option<crate::ids::RequestId>,
        /// The language of the address (default `ru`).
        #[serde(default)]
        #[ts(optional)]
        lang: Option<crate::geo::GeoLang>,
    },
    /// The agent asks the client's page for something (agent only); both
    /// parties get a `requested` event.
    Request { what: RequestKind },
    /// The client's page could not or would not do what was asked (client
    /// only); both parties get a `request_answered` event.
    RequestDeclined {
        request_id: crate::ids::RequestId,
        outcome: RequestOutcome,
        #[serde(default)]
        #[ts(optional)]
        detail: Option<String>,
    },
    /// This party has read the chat up to `seq`.
    ChatRead { seq: u64 },
    /// Timing marks of the connection, epoch milliseconds.
    Timing { mark: TimingMark, at_ms: i64 },
}

/// What the agent can ask the client's page for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// The client's position ("send my location").
    Location,
    /// A still at the camera's full resolution.
    Photo,
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum RequestOutcome {
    /// Done: the location or photo is in the chat.
    Done,
    /// The client said no (or the browser's permission is denied).
    Declined,
    /// The device could not do it (no position fix, no camera, timeout).
    Unavailable,
    /// Something else went wrong (an upload failed, ...).
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TimingMark {
    /// The client tapped "join".
    JoinTap,
    /// The agent's page decoded the first frame of the client's video.
    FirstRemoteFrame,
}

/// What a party needs to know of its interaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InteractionSnapshot {
    pub id: InteractionId,
    pub status: InteractionStatus,
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
    pub agent_name: String,
    pub presence: Presence,
    /// The other party's last announced microphone / camera state.
    pub peer_audio: bool,
    pub peer_video: bool,
    /// The other party's video is a shared screen.
    pub peer_screen: bool,
    /// The client's page asks for the position as soon as it joins.
    pub auto_location: bool,
}

/// Server → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ControlOut {
    /// Answer to `hello`: who you are, the current state, and the last
    /// event `seq` (events after `last_seq` of the hello follow at once).
    Welcome {
        role: Party,
        interaction: InteractionSnapshot,
        last_seq: u64,
        /// The chat's last `seq` (messages after the hello's `last_chat_seq` follow).
        last_chat_seq: u64,
        read: crate::chat::ReadMarks,
    },
    /// One event of the interaction's log, in `seq` order without gaps.
    Event {
        event: InteractionEvent,
    },
    Pong,
    /// A chat message (replayed after the welcome, then live; both parties
    /// and every page of each see each message once per connection).
    Chat {
        message: crate::chat::ChatMessage,
    },
    /// Your message is stored (sent before it reaches the other party).
    ChatAck {
        client_msg_id: String,
        message: crate::chat::ChatMessage,
    },
    /// Your message was refused (`message_too_long`, `file_not_found`, ...).
    ChatError {
        client_msg_id: String,
        code: String,
        message: String,
    },
    /// `party` has read the chat up to `seq`.
    ChatRead {
        party: Party,
        seq: u64,
    },
    /// Something went wrong; `code` as in REST errors.
    Error {
        code: String,
        message: String,
    },
}

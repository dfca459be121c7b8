//! The control channel: a WebSocket between each party's page and
//! vc-server (`GET /api/interactions/{id}/ws`). Frames are JSON objects
//! tagged by `type`. See `docs/control-ws.md`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
    },
    /// This party has read the chat up to `seq`.
    ChatRead { seq: u64 },
    /// Timing marks of the connection, epoch milliseconds.
    Timing { mark: TimingMark, at_ms: i64 },
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

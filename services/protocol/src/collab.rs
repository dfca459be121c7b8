//! Messages of the `collab` WebRTC data channel, which the gateway relays
//! between the two parties unread: the agent's pointer on the client's
//! video. JSON text, tagged by `t`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The data channel's label; both pages open it before their first offer.
pub const CHANNEL_LABEL: &str = "collab";

/// The largest message the gateway relays (bytes).
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum CollabMessage {
    /// The pointer is at (`x`, `y`): fractions of the client's video frame
    /// as the client's camera captures it (0,0 top left; not mirrored).
    Pointer { x: f64, y: f64 },
    /// A click at (`x`, `y`) (same frame as `pointer`).
    Click { x: f64, y: f64 },
    /// The agent switched the pointer off (or left the video).
    PointerOff,
}

//! Chat between the two parties of an interaction: sent over the control
//! channel, stored before it is acknowledged, numbered per interaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};

use crate::files::FileInfo;
use crate::ids::ChatMessageId;
use crate::interaction::Party;

/// The longest chat text, in bytes of UTF-8.
pub const MAX_TEXT_BYTES: usize = 4096;

/// One stored chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct ChatMessage {
    pub id: ChatMessageId,
    /// 1, 2, 3, ... per interaction, without gaps.
    pub seq: u64,
    pub from: Party,
    /// The sender's display name (the agent's name; the client's if known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub author: Option<String>,
    /// Plain text (never HTML); empty for a file-only message.
    pub text: String,
    /// An attached file (uploaded to vc-fileserver first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub file: Option<FileInfo>,
    /// The client's position (a location message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub location: Option<crate::geo::Location>,
    pub at: DateTime<Utc>,
}

/// Up to which `seq` each party has read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct ReadMarks {
    pub agent: u64,
    pub client: u64,
}

/// `GET /api/interactions/{id}/messages`
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChatHistoryQuery {
    /// Only messages with a larger `seq` (default 0: from the start).
    pub after_seq: Option<u64>,
    /// Default 200, at most 1000.
    pub limit: Option<u32>,
}

/// The answer of `GET /api/interactions/{id}/messages`, ordered by `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct ChatHistory {
    pub items: Vec<ChatMessage>,
    /// The last `seq` of the interaction's chat.
    pub last_seq: u64,
    pub read: ReadMarks,
}

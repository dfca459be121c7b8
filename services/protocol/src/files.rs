//! Files of an interaction (vc-fileserver): chat files, later screenshots
//! and recordings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ids::{FileId, InteractionId, UserId};
use crate::interaction::{InteractionStatus, Party, Presence};

/// A stored file as parties and staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct FileInfo {
    pub id: FileId,
    pub interaction_id: InteractionId,
    /// The name the uploader gave (for display and download only; never a path).
    pub name: String,
    pub size: u64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Sniffed from the content, not taken from the uploader.
    pub content_type: String,
    pub uploaded_by: Party,
    /// `GET /api/files/{id}/thumbnail` gives a small image.
    pub thumbnail: bool,
    pub created_at: DateTime<Utc>,
}

/// `v1/files/get`: a file's metadata (vc-server checks a chat attachment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetFile {
    pub file_id: FileId,
}

/// `v1/server/interactions/access`: who may reach an interaction (the
/// fileserver authorises with it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetInteractionAccess {
    pub interaction_id: InteractionId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InteractionAccess {
    pub interaction_id: InteractionId,
    pub agent_id: UserId,
    pub status: InteractionStatus,
    pub presence: Presence,
}

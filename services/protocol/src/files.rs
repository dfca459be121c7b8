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
    /// What the file is (from the upload's `kind`).
    #[serde(default)]
    pub kind: FileKind,
    /// For an annotated screenshot: the original it was drawn on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub original: Option<FileId>,
    /// `GET /api/files/{id}/thumbnail` gives a small image.
    pub thumbnail: bool,
    pub created_at: DateTime<Utc>,
    /// On a chat message's file: when the storage retention policy deleted
    /// it (it can no longer be downloaded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub deleted_at: Option<DateTime<Utc>>,
}

/// What a file of an interaction is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Sent in the chat.
    #[default]
    Chat,
    /// A frame of a video, captured by either party.
    Screenshot,
    /// A still the client's camera took at full resolution (HD photo).
    Photo,
    /// A screenshot the agent drew on (`original` names the screenshot).
    Annotated,
    /// The call's recording.
    Recording,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Chat => "chat",
            FileKind::Screenshot => "screenshot",
            FileKind::Photo => "photo",
            FileKind::Annotated => "annotated",
            FileKind::Recording => "recording",
        }
    }

    /// Images taken of the call: they get the client's position in their EXIF.
    pub fn is_capture(self) -> bool {
        matches!(self, FileKind::Screenshot | FileKind::Photo | FileKind::Annotated)
    }
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
    /// The client's last known position (written into captures' EXIF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<crate::geo::LocationFix>,
    /// The interaction's call functions: uploads of a switched-off kind
    /// (chat files, screenshots, HD photos) are refused.
    #[serde(default)]
    pub features: crate::settings::FeatureSettings,
    /// The interaction's team: supervisors of it reach its files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<crate::ids::TeamId>,
}

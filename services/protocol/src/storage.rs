//! Storage management (vc-fileserver): disk usage by type, retention
//! policies, the cleanup job's schedule, dry runs and the deletion log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};

use crate::files::FileKind;
use crate::ids::{CleanupId, FileId, InteractionId};

/// The groups retention and usage are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum StorageClass {
    /// Files sent in the chat.
    ChatFiles,
    /// Screenshots, annotated screenshots and HD photos.
    Screenshots,
    /// Call recordings.
    Recordings,
}

impl StorageClass {
    pub const ALL: [StorageClass; 3] =
        [StorageClass::ChatFiles, StorageClass::Screenshots, StorageClass::Recordings];

    pub fn of(kind: FileKind) -> StorageClass {
        match kind {
            FileKind::Chat => StorageClass::ChatFiles,
            FileKind::Screenshot | FileKind::Photo | FileKind::Annotated => StorageClass::Screenshots,
            FileKind::Recording => StorageClass::Recordings,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StorageClass::ChatFiles => "chat_files",
            StorageClass::Screenshots => "screenshots",
            StorageClass::Recordings => "recordings",
        }
    }
}

/// Usage of one class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct ClassUsage {
    pub class: StorageClass,
    pub files: u64,
    pub bytes: u64,
}

/// `GET /api/storage` (admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct StorageUsage {
    pub usage: Vec<ClassUsage>,
    /// Of the file system the files live on.
    pub disk_total_bytes: u64,
    pub disk_free_bytes: u64,
    /// The quota configured for all files, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub quota_bytes: Option<u64>,
}

/// `GET /api/storage/retention` (admin), `PUT` (admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Days to keep each class (1-36500); `null`: keep for ever.
    pub chat_files_days: Option<u32>,
    pub screenshots_days: Option<u32>,
    pub recordings_days: Option<u32>,
    /// When the cleanup runs: a cron expression (5 fields, UTC), e.g. `0 3 * * *`.
    pub schedule: String,
    /// When it runs next (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next_run: Option<DateTime<Utc>>,
}

/// `POST /api/storage/cleanup` (admin): run the cleanup now.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CleanupRequest {
    /// `true`: only list what would be deleted.
    #[serde(default)]
    pub dry_run: bool,
}

/// A file the cleanup deleted (or would delete).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct CleanupItem {
    pub file_id: FileId,
    pub interaction_id: InteractionId,
    pub class: StorageClass,
    pub name: String,
    pub size: u64,
    pub created_at: DateTime<Utc>,
}

/// What one cleanup run did (answer of `POST /api/storage/cleanup`, and
/// an entry of the log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct CleanupReport {
    pub id: CleanupId,
    pub dry_run: bool,
    /// `manual` or `schedule`.
    pub trigger: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub files: u64,
    pub bytes: u64,
    /// The files (at most 1,000 listed; `files` counts all).
    pub items: Vec<CleanupItem>,
}

/// `GET /api/storage/cleanup/log` query.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CleanupLogQuery {
    /// Default 20, at most 200.
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// `GET /api/storage/cleanup/log`: runs, newest first (dry runs included).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
pub struct CleanupLog {
    pub items: Vec<CleanupReport>,
    pub total: u64,
}

/// `v1/server/interactions/file_deleted`: vc-fileserver tells vc-server
/// that the retention cleanup deleted a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileDeleted {
    pub interaction_id: InteractionId,
    pub file_id: FileId,
    pub class: StorageClass,
    pub kind: FileKind,
    pub name: String,
    pub deleted_at: DateTime<Utc>,
}

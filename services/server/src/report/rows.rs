//! What the export reads of each interaction, and the cursor that reads it:
//! only the fields the columns need (no event log, search copies, link
//! hash or schedule), newest first like the list.

use futures_util::TryStreamExt;
use mongodb::bson::{self, Document, doc};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use vc_protocol::interaction::{InteractionStatus, VideoMode};
use vc_protocol::recording::RecordingInfo;
use vc_protocol::settings::{CustomValues, SurveyResponse};
use vc_protocol::stat::CallMetricsSummary;
use vc_protocol::{InteractionId, TeamId, UserId};
use vc_runtime::db::DbError;

use crate::store::{Interactions, ListFilter};
use crate::store_filter::list_filter_doc;

/// One interaction as the export sees it (a projection of `InteractionDoc`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportDoc {
    #[serde(rename = "_id")]
    pub id: InteractionId,
    pub status: InteractionStatus,
    pub agent_id: UserId,
    pub agent_name: String,
    #[serde(default)]
    pub team_id: Option<TeamId>,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub client_phone: Option<String>,
    #[serde(default)]
    pub client_email: Option<String>,
    pub video_mode: VideoMode,
    pub created_at: bson::DateTime,
    #[serde(default)]
    pub started_at: Option<bson::DateTime>,
    #[serde(default)]
    pub ended_at: Option<bson::DateTime>,
    #[serde(default)]
    pub end_reason: Option<String>,
    #[serde(default)]
    pub recording: Option<RecordingInfo>,
    #[serde(default)]
    pub custom_fields: CustomValues,
    #[serde(default)]
    pub survey: Option<SurveyResponse>,
    #[serde(default)]
    pub metrics: Option<CallMetricsSummary>,
}

/// The fields [`ExportDoc`] reads.
pub fn projection() -> Document {
    let mut p = Document::new();
    for f in [
        "status",
        "agent_id",
        "agent_name",
        "team_id",
        "client_name",
        "client_phone",
        "client_email",
        "video_mode",
        "created_at",
        "started_at",
        "ended_at",
        "end_reason",
        "recording",
        "custom_fields",
        "survey",
        "metrics",
    ] {
        p.insert(f, 1);
    }
    p
}

/// Rows the cursor holds in flight towards the writer: bounded, so a slow
/// writer slows the cursor instead of buffering the result.
pub const CHANNEL_ROWS: usize = 256;

/// Reads the interactions `f` selects, newest first, into `tx` until the
/// cursor ends, the receiver goes away (the writer failed) or a read fails
/// (the error goes to the writer too, which then stops).
pub async fn feed(
    interactions: &Interactions,
    f: &ListFilter,
    tx: mpsc::Sender<Result<ExportDoc, String>>,
) -> Result<u64, DbError> {
    let coll = interactions.collection().clone_with_type::<ExportDoc>();
    let mut cursor = coll
        .find(list_filter_doc(f))
        .projection(projection())
        .sort(doc! {"created_at": -1, "_id": -1})
        .batch_size(500)
        .await?;
    let mut n = 0u64;
    loop {
        match cursor.try_next().await {
            Ok(Some(d)) => {
                if tx.send(Ok(d)).await.is_err() {
                    return Ok(n);
                }
                n += 1;
            }
            Ok(None) => return Ok(n),
            Err(e) => {
                let _ = tx.send(Err(e.to_string())).await;
                return Err(DbError::from(e));
            }
        }
    }
}

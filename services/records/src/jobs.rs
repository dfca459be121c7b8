//! `recordings`: what vc-records did with each call's raw recording, so a
//! restart neither merges a stored recording again nor forgets a failure.

use chrono::Utc;
use mongodb::Collection;
use mongodb::bson::{self, doc};
use mongodb::options::UpdateOptions;
use serde::{Deserialize, Serialize};
use vc_protocol::InteractionId;
use vc_protocol::recording::RecordingInfo;
use vc_runtime::Db;
use vc_runtime::db::DbError;

pub const COLLECTION: &str = "recordings";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// A merge started (and may have been cut off by a crash).
    Merging,
    /// Merged, stored in vc-fileserver and reported to vc-server.
    Done,
    /// Merging failed `max_attempts` times; the raw files are kept.
    Failed,
    /// The raw directory held no usable media.
    Empty,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobDoc {
    /// The interaction id.
    #[serde(rename = "_id")]
    pub id: String,
    pub status: JobStatus,
    pub attempts: u32,
    /// Why the last attempt failed.
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub recording: Option<RecordingInfo>,
    pub updated_at: bson::DateTime,
}

#[derive(Clone)]
pub struct Jobs {
    coll: Collection<JobDoc>,
}

impl Jobs {
    pub fn open(db: &Db) -> Self {
        Self { coll: db.collection(COLLECTION) }
    }

    pub async fn get(&self, id: InteractionId) -> Result<Option<JobDoc>, DbError> {
        Ok(self.coll.find_one(doc! {"_id": id.to_string()}).await?)
    }

    /// A merge attempt starts: `attempts` goes up by one.
    pub async fn begin(&self, id: InteractionId) -> Result<u32, DbError> {
        self.coll
            .update_one(
                doc! {"_id": id.to_string()},
                doc! {
                    "$set": {"status": "merging", "updated_at": bson::DateTime::from_millis(Utc::now().timestamp_millis())},
                    "$inc": {"attempts": 1},
                },
            )
            .with_options(UpdateOptions::builder().upsert(true).build())
            .await?;
        Ok(self.get(id).await?.map(|j| j.attempts).unwrap_or(1))
    }

    pub async fn finish(
        &self,
        id: InteractionId,
        status: JobStatus,
        reason: Option<&str>,
        recording: Option<&RecordingInfo>,
    ) -> Result<(), DbError> {
        let recording = recording
            .map(bson::to_bson)
            .transpose()
            .map_err(|e| DbError::Encode(e.to_string()))?
            .unwrap_or(bson::Bson::Null);
        let status = bson::to_bson(&status).map_err(|e| DbError::Encode(e.to_string()))?;
        self.coll
            .update_one(
                doc! {"_id": id.to_string()},
                doc! {"$set": {
                    "status": status,
                    "reason": reason,
                    "recording": recording,
                    "updated_at": bson::DateTime::from_millis(Utc::now().timestamp_millis()),
                }},
            )
            .await?;
        Ok(())
    }
}

//! `file_tombstones`: one document per file the retention cleanup deleted
//! (`_id` = the file's id): what it was and when it went. A download of it
//! answers 410 `file_deleted` instead of a bare 404, and vc-server is told
//! (`v1/server/interactions/file_deleted`) so the interaction shows the
//! recording or chat file as deleted; `notified` is set once vc-server
//! answered, and the sweep tells it what a crash or an outage left untold.
//!
//! The tombstone is written *before* the file's metadata is deleted, so a
//! crash in between leaves a tombstone of a file that still exists; the
//! sweep removes those (the next cleanup writes a new one).

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc};
use mongodb::options::{IndexOptions, UpdateOptions};
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::files::FileKind;
use vc_protocol::storage::{FileDeleted, StorageClass};
use vc_protocol::{FileId, InteractionId, topics};
use vc_runtime::db::DbError;
use vc_runtime::{BusError, Db};

use crate::state::FilesState;
use crate::store::{FileDoc, to_bson, to_chrono};

pub const TOMBSTONES: &str = "file_tombstones";
/// How long vc-server is given to answer.
const NOTIFY_TIMEOUT: Duration = Duration::from_secs(10);
/// Untold tombstones handled per sweep.
const SWEEP_BATCH: i64 = 500;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tombstone {
    #[serde(rename = "_id")]
    pub file_id: FileId,
    pub interaction_id: InteractionId,
    pub class: StorageClass,
    pub kind: FileKind,
    pub name: String,
    pub deleted_at: bson::DateTime,
    /// vc-server has been told.
    pub notified: bool,
}

impl Tombstone {
    pub fn of(doc: &FileDoc, class: StorageClass, at: DateTime<Utc>) -> Self {
        Self {
            file_id: doc.id,
            interaction_id: doc.interaction_id,
            class,
            kind: doc.kind,
            name: doc.name.clone(),
            deleted_at: to_bson(at),
            notified: false,
        }
    }

    pub fn deleted_at(&self) -> DateTime<Utc> {
        to_chrono(self.deleted_at)
    }

    fn message(&self) -> FileDeleted {
        FileDeleted {
            interaction_id: self.interaction_id,
            file_id: self.file_id,
            class: self.class,
            kind: self.kind,
            name: self.name.clone(),
            deleted_at: self.deleted_at(),
        }
    }
}

pub struct Tombstones {
    coll: Collection<Tombstone>,
}

impl Tombstones {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            TOMBSTONES,
            vec![
                IndexModel::builder()
                    .keys(doc! {"notified": 1, "deleted_at": 1})
                    .options(IndexOptions::builder().name("untold".to_owned()).build())
                    .build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(TOMBSTONES) })
    }

    /// Writes the tombstone unless one is there (of two runs at once, the
    /// first one's time stays).
    pub async fn record(&self, t: &Tombstone) -> Result<(), DbError> {
        let mut body = bson::to_document(t).map_err(|e| DbError::Encode(e.to_string()))?;
        body.remove("_id");
        self.coll
            .update_one(doc! {"_id": t.file_id.to_string()}, doc! {"$setOnInsert": body})
            .with_options(UpdateOptions::builder().upsert(true).build())
            .await?;
        Ok(())
    }

    pub async fn get(&self, id: FileId) -> Result<Option<Tombstone>, DbError> {
        Ok(self.coll.find_one(doc! {"_id": id.to_string()}).await?)
    }

    async fn mark_notified(&self, id: FileId) -> Result<(), DbError> {
        self.coll.update_one(doc! {"_id": id.to_string()}, doc! {"$set": {"notified": true}}).await?;
        Ok(())
    }

    async fn forget(&self, id: FileId) -> Result<(), DbError> {
        self.coll.delete_one(doc! {"_id": id.to_string(), "notified": false}).await?;
        Ok(())
    }

    async fn untold_before(&self, before: DateTime<Utc>) -> Result<Vec<Tombstone>, DbError> {
        let cursor = self
            .coll
            .find(doc! {"notified": false, "deleted_at": {"$lt": to_bson(before)}})
            .sort(doc! {"deleted_at": 1})
            .limit(SWEEP_BATCH)
            .await?;
        Ok(cursor.try_collect().await?)
    }
}

/// Tells vc-server that the file is gone; `true` once it answered (also
/// when it no longer knows the interaction: there is nothing to mark).
pub async fn notify(state: &FilesState, t: &Tombstone) -> bool {
    let told = match state
        .bus
        .request_with_timeout(&topics::server::file_deleted(), &t.message(), NOTIFY_TIMEOUT)
        .await
    {
        Ok(_) => true,
        Err(BusError::Remote { code, .. }) if code == "interaction_not_found" => true,
        Err(e) => {
            tracing::warn!(file_id = %t.file_id, error = %e, "vc-server not told of a deleted file; the sweep tries again");
            false
        }
    };
    if told && let Err(e) = state.retention.tombstones.mark_notified(t.file_id).await {
        tracing::warn!(file_id = %t.file_id, error = %e, "deleted file told but not marked; it is told again");
    }
    told
}

/// Tells vc-server what it was not told (tombstones older than `settled`,
/// so a cleanup under way is not raced), and drops tombstones of files
/// whose deletion never happened.
pub async fn sweep(state: &FilesState, settled: Duration) -> Result<(), DbError> {
    let before = Utc::now() - chrono::Duration::from_std(settled).unwrap_or_default();
    for t in state.retention.tombstones.untold_before(before).await? {
        if state.files.get(t.file_id).await?.is_some() {
            tracing::info!(file_id = %t.file_id, "the file's deletion did not happen; its tombstone is dropped");
            state.retention.tombstones.forget(t.file_id).await?;
        } else if !notify(state, &t).await {
            // vc-server is not answering: the rest waits for the next sweep.
            break;
        }
    }
    Ok(())
}

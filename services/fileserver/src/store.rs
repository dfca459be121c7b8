//! `files`: one document per stored file. A file is listed and served only
//! once its document exists, and the document is written only after the
//! file is durable at its path. No other service reads or writes it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, Document, doc};
use mongodb::options::IndexOptions;
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::files::{FileInfo, FileKind};
use vc_protocol::interaction::Party;
use vc_protocol::{FileId, InteractionId, UserId};
use vc_runtime::Db;
use vc_runtime::db::DbError;

pub const FILES: &str = "files";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileDoc {
    #[serde(rename = "_id")]
    pub id: FileId,
    pub interaction_id: InteractionId,
    /// Sanitised; metadata only, never part of a path.
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub uploaded_by: Party,
    /// The staff user who uploaded it (none for the client).
    pub uploader_id: Option<UserId>,
    pub thumbnail: bool,
    #[serde(default)]
    pub kind: FileKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<FileId>,
    pub created_at: bson::DateTime,
}

impl FileDoc {
    pub fn info(&self) -> FileInfo {
        FileInfo {
            id: self.id,
            interaction_id: self.interaction_id,
            name: self.name.clone(),
            size: self.size.max(0) as u64,
            sha256: self.sha256.clone(),
            content_type: self.content_type.clone(),
            uploaded_by: self.uploaded_by,
            kind: self.kind,
            original: self.original,
            thumbnail: self.thumbnail,
            created_at: to_chrono(self.created_at),
        }
    }
}

pub fn to_bson(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

pub fn to_chrono(t: bson::DateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(t.timestamp_millis()).unwrap_or_default()
}

#[derive(Clone)]
pub struct Files {
    coll: Collection<FileDoc>,
}

impl Files {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            FILES,
            vec![
                IndexModel::builder()
                    .keys(doc! {"interaction_id": 1, "created_at": -1})
                    .options(IndexOptions::builder().name("interaction_newest".to_owned()).build())
                    .build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(FILES) })
    }

    pub async fn insert(&self, doc: &FileDoc) -> Result<(), DbError> {
        self.coll.insert_one(doc).await?;
        Ok(())
    }

    pub async fn get(&self, id: FileId) -> Result<Option<FileDoc>, DbError> {
        Ok(self.coll.find_one(doc! {"_id": id.to_string()}).await?)
    }

    /// The interaction's files, newest first.
    pub async fn of_interaction(&self, id: InteractionId, limit: i64) -> Result<Vec<FileDoc>, DbError> {
        let cursor = self
            .coll
            .find(doc! {"interaction_id": id.to_string()})
            .sort(doc! {"created_at": -1, "_id": -1})
            .limit(limit)
            .await?;
        Ok(cursor.try_collect().await?)
    }

    pub async fn set_thumbnail(&self, id: FileId, available: bool) -> Result<(), DbError> {
        self.coll.update_one(doc! {"_id": id.to_string()}, doc! {"$set": {"thumbnail": available}}).await?;
        Ok(())
    }

    pub async fn remove(&self, id: FileId) -> Result<(), DbError> {
        self.coll.delete_one(doc! {"_id": id.to_string()}).await?;
        Ok(())
    }

    /// Bytes of every stored file.
    pub async fn total_size(&self) -> Result<u64, DbError> {
        let raw = self.coll.clone_with_type::<Document>();
        let mut cursor =
            raw.aggregate(vec![doc! {"$group": {"_id": null, "total": {"$sum": "$size"}}}]).await?;
        let Some(d) = cursor.try_next().await? else { return Ok(0) };
        let total = match d.get("total") {
            Some(bson::Bson::Int64(n)) => *n,
            Some(bson::Bson::Int32(n)) => i64::from(*n),
            Some(bson::Bson::Double(n)) => *n as i64,
            _ => 0,
        };
        Ok(total.max(0) as u64)
    }

    /// Which of `ids` have metadata.
    pub async fn existing(&self, ids: &[FileId]) -> Result<HashSet<FileId>, DbError> {
        let mut found = HashSet::new();
        for batch in ids.chunks(500) {
            let list: Vec<String> = batch.iter().map(|i| i.to_string()).collect();
            let raw = self.coll.clone_with_type::<Document>();
            let mut cursor = raw.find(doc! {"_id": {"$in": list}}).projection(doc! {"_id": 1}).await?;
            while let Some(d) = cursor.try_next().await? {
                if let Some(id) = d.get_str("_id").ok().and_then(|s| s.parse().ok()) {
                    found.insert(id);
                }
            }
        }
        Ok(found)
    }
}

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
            deleted_at: None,
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

    /// Files and bytes per kind, from one aggregation (documents written
    /// before kinds existed have none: they are chat files).
    pub async fn usage_by_kind(&self) -> Result<Vec<(FileKind, u64, u64)>, DbError> {
        let raw = self.coll.clone_with_type::<Document>();
        let mut cursor = raw
            .aggregate(vec![
                doc! {"$group": {"_id": "$kind", "files": {"$sum": 1}, "bytes": {"$sum": "$size"}}},
            ])
            .await?;
        let mut out = Vec::new();
        while let Some(d) = cursor.try_next().await? {
            let kind = match d.get("_id") {
                None | Some(bson::Bson::Null) => FileKind::Chat,
                Some(k) => match bson::from_bson::<FileKind>(k.clone()) {
                    Ok(kind) => kind,
                    Err(_) => {
                        tracing::warn!(kind = %k, "files of an unknown kind are not counted");
                        continue;
                    }
                },
            };
            out.push((kind, number(d.get("files")), number(d.get("bytes"))));
        }
        Ok(out)
    }

    /// Up to `limit` files of `kinds` stored before `before`, in id order,
    /// after `after` (paging by id: nothing is skipped or repeated while
    /// earlier pages are deleted).
    pub async fn stored_before(
        &self,
        kinds: &[FileKind],
        before: DateTime<Utc>,
        after: Option<FileId>,
        limit: i64,
    ) -> Result<Vec<FileDoc>, DbError> {
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let mut of_kind = vec![doc! {"kind": {"$in": names}}];
        if kinds.contains(&FileKind::Chat) {
            of_kind.push(doc! {"kind": {"$exists": false}});
        }
        let mut filter = vec![doc! {"created_at": {"$lt": to_bson(before)}}, doc! {"$or": of_kind}];
        if let Some(after) = after {
            filter.push(doc! {"_id": {"$gt": after.to_string()}});
        }
        let cursor = self.coll.find(doc! {"$and": filter}).sort(doc! {"_id": 1}).limit(limit).await?;
        Ok(cursor.try_collect().await?)
    }

    /// Deletes a file's document if it was stored before `before`; whether
    /// this call deleted it (`false`: already gone, e.g. another run took it).
    pub async fn remove_stored_before(&self, id: FileId, before: DateTime<Utc>) -> Result<bool, DbError> {
        let r = self
            .coll
            .delete_one(doc! {"_id": id.to_string(), "created_at": {"$lt": to_bson(before)}})
            .await?;
        Ok(r.deleted_count == 1)
    }

    /// Bytes of every stored file.
    pub async fn total_size(&self) -> Result<u64, DbError> {
        let raw = self.coll.clone_with_type::<Document>();
        let mut cursor =
            raw.aggregate(vec![doc! {"$group": {"_id": null, "total": {"$sum": "$size"}}}]).await?;
        let Some(d) = cursor.try_next().await? else { return Ok(0) };
        Ok(number(d.get("total")))
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

/// A count or sum from an aggregation (the server picks the integer width).
fn number(v: Option<&bson::Bson>) -> u64 {
    let n = match v {
        Some(bson::Bson::Int64(n)) => *n,
        Some(bson::Bson::Int32(n)) => i64::from(*n),
        Some(bson::Bson::Double(n)) => *n as i64,
        _ => 0,
    };
    n.max(0) as u64
}

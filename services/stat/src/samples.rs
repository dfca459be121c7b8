//! `call_samples`: the gateway's `stats` events of calls not yet computed,
//! one document per event (`_id` = the bus message id, so a redelivered
//! message is stored once).

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc};
use mongodb::options::IndexOptions;
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::ids::{InteractionId, MessageId};
use vc_protocol::interaction::Party;
use vc_protocol::media::PeerStats;
use vc_runtime::Db;
use vc_runtime::db::{DbError, is_duplicate_key};

use crate::compute::Sample;

pub const COLLECTION: &str = "call_samples";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SampleDoc {
    #[serde(rename = "_id")]
    id: String,
    room_id: String,
    at: bson::DateTime,
    role: Party,
    stats: PeerStats,
}

fn to_bson(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

fn to_chrono(t: bson::DateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(t.timestamp_millis()).unwrap_or_default()
}

#[derive(Clone)]
pub struct Samples {
    coll: Collection<SampleDoc>,
}

impl Samples {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![
                IndexModel::builder()
                    .keys(doc! {"room_id": 1, "at": 1})
                    .options(IndexOptions::builder().name("room_at".to_owned()).build())
                    .build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION) })
    }

    /// Stores one sample; `false` when this message was stored before.
    pub async fn insert(
        &self,
        message: MessageId,
        room: InteractionId,
        at: DateTime<Utc>,
        role: Party,
        stats: &PeerStats,
    ) -> Result<bool, DbError> {
        let d = SampleDoc {
            id: message.to_string(),
            room_id: room.to_string(),
            at: to_bson(at),
            role,
            stats: stats.clone(),
        };
        match self.coll.insert_one(d).await {
            Ok(_) => Ok(true),
            Err(e) if is_duplicate_key(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Every sample of a room, oldest first. A sample that no longer
    /// decodes is skipped (and logged).
    pub async fn load(&self, room: InteractionId) -> Result<Vec<Sample>, DbError> {
        let raw = self.coll.clone_with_type::<bson::Document>();
        let mut cursor = raw.find(doc! {"room_id": room.to_string()}).sort(doc! {"at": 1}).await?;
        let mut out = Vec::new();
        while let Some(d) = cursor.try_next().await? {
            match bson::from_document::<SampleDoc>(d) {
                Ok(s) => out.push(Sample { at: to_chrono(s.at), role: s.role, stats: s.stats }),
                Err(e) => tracing::warn!(interaction_id = %room, error = %e, "undecodable sample skipped"),
            }
        }
        Ok(out)
    }

    pub async fn delete(&self, room: InteractionId) -> Result<u64, DbError> {
        Ok(self.coll.delete_many(doc! {"room_id": room.to_string()}).await?.deleted_count)
    }

    /// Rooms that have samples older than `before` (the sweep checks
    /// whether they were forgotten).
    pub async fn rooms_with_samples_before(
        &self,
        before: DateTime<Utc>,
    ) -> Result<Vec<InteractionId>, DbError> {
        let ids = self.coll.distinct("room_id", doc! {"at": {"$lt": to_bson(before)}}).await?;
        Ok(ids.iter().filter_map(|v| v.as_str()).filter_map(|s| s.parse().ok()).collect())
    }

    /// The newest sample's time of a room.
    pub async fn newest(&self, room: InteractionId) -> Result<Option<DateTime<Utc>>, DbError> {
        let raw = self.coll.clone_with_type::<bson::Document>();
        let newest = raw
            .find_one(doc! {"room_id": room.to_string()})
            .sort(doc! {"at": -1})
            .projection(doc! {"at": 1})
            .await?;
        Ok(newest.and_then(|d| d.get_datetime("at").ok().copied()).map(to_chrono))
    }
}

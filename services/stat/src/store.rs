//! vc-stat's own collections besides the samples: `call_metrics` (the
//! computed metrics of each call, `_id` = interaction id) and `stat_jobs`
//! (calls whose end was seen and whose metrics are still to compute).

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc};
use mongodb::options::{IndexOptions, UpdateOptions};
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::InteractionId;
use vc_protocol::interaction::InteractionStatus;
use vc_protocol::stat::{CallMetrics, CallMetricsSummary, MetricsPoint};
use vc_runtime::Db;
use vc_runtime::db::{DbError, is_duplicate_key};

pub const METRICS: &str = "call_metrics";
pub const JOBS: &str = "stat_jobs";

fn to_bson(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

/// One call's metrics as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetricsDoc {
    #[serde(rename = "_id")]
    pub id: InteractionId,
    /// The interaction's status when they were computed (final).
    pub status: InteractionStatus,
    pub summary: CallMetricsSummary,
    pub series: Vec<MetricsPoint>,
    /// vc-server has taken the summary.
    pub delivered: bool,
    pub computed_at: bson::DateTime,
}

impl MetricsDoc {
    pub fn view(self) -> CallMetrics {
        CallMetrics {
            interaction_id: self.id,
            status: self.status,
            summary: self.summary,
            series: self.series,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct JobDoc {
    #[serde(rename = "_id")]
    id: InteractionId,
    due_at: bson::DateTime,
    attempts: u32,
}

#[derive(Clone)]
pub struct Store {
    metrics: Collection<MetricsDoc>,
    jobs: Collection<JobDoc>,
}

impl Store {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            METRICS,
            vec![
                IndexModel::builder()
                    .keys(doc! {"delivered": 1})
                    .options(IndexOptions::builder().name("delivered".to_owned()).build())
                    .build(),
            ],
        )
        .await?;
        db.ensure_indexes(
            JOBS,
            vec![
                IndexModel::builder()
                    .keys(doc! {"due_at": 1})
                    .options(IndexOptions::builder().name("due_at".to_owned()).build())
                    .build(),
            ],
        )
        .await?;
        Ok(Self { metrics: db.collection(METRICS), jobs: db.collection(JOBS) })
    }

    pub async fn get(&self, id: InteractionId) -> Result<Option<MetricsDoc>, DbError> {
        Ok(self.metrics.find_one(doc! {"_id": id.to_string()}).await?)
    }

    /// Stores computed metrics; `false` when the call's metrics were
    /// stored before (they are kept: the first computation saw the samples).
    pub async fn insert(&self, d: &MetricsDoc) -> Result<bool, DbError> {
        match self.metrics.insert_one(d).await {
            Ok(_) => Ok(true),
            Err(e) if is_duplicate_key(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn mark_delivered(&self, id: InteractionId) -> Result<(), DbError> {
        self.metrics.update_one(doc! {"_id": id.to_string()}, doc! {"$set": {"delivered": true}}).await?;
        Ok(())
    }

    /// Summaries vc-server has not taken yet (at most `limit`).
    pub async fn undelivered(&self, limit: i64) -> Result<Vec<(InteractionId, CallMetricsSummary)>, DbError> {
        let docs: Vec<MetricsDoc> =
            self.metrics.find(doc! {"delivered": false}).limit(limit).await?.try_collect().await?;
        Ok(docs.into_iter().map(|d| (d.id, d.summary)).collect())
    }

    /// Records that a call's metrics are to compute at `due` (an existing
    /// job keeps its attempts).
    pub async fn schedule(&self, id: InteractionId, due: DateTime<Utc>) -> Result<(), DbError> {
        self.jobs
            .update_one(
                doc! {"_id": id.to_string()},
                doc! {"$set": {"due_at": to_bson(due)}, "$setOnInsert": {"attempts": 0}},
            )
            .with_options(UpdateOptions::builder().upsert(true).build())
            .await?;
        Ok(())
    }

    /// One more failed attempt; the job is due again at `due`. Returns the
    /// attempts so far.
    pub async fn retry_later(&self, id: InteractionId, due: DateTime<Utc>) -> Result<u32, DbError> {
        let job = self
            .jobs
            .find_one_and_update(
                doc! {"_id": id.to_string()},
                doc! {"$set": {"due_at": to_bson(due)}, "$inc": {"attempts": 1}},
            )
            .return_document(mongodb::options::ReturnDocument::After)
            .await?;
        Ok(job.map(|j| j.attempts).unwrap_or(0))
    }

    pub async fn has_job(&self, id: InteractionId) -> Result<bool, DbError> {
        Ok(self.jobs.find_one(doc! {"_id": id.to_string()}).await?.is_some())
    }

    pub async fn finish_job(&self, id: InteractionId) -> Result<(), DbError> {
        self.jobs.delete_one(doc! {"_id": id.to_string()}).await?;
        Ok(())
    }

    /// Jobs due at `now` or earlier (at most `limit`).
    pub async fn due_jobs(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<InteractionId>, DbError> {
        let jobs: Vec<JobDoc> = self
            .jobs
            .find(doc! {"due_at": {"$lte": to_bson(now)}})
            .sort(doc! {"due_at": 1})
            .limit(limit)
            .await?
            .try_collect()
            .await?;
        Ok(jobs.into_iter().map(|j| j.id).collect())
    }
}

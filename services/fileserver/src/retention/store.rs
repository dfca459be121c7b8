//! vc-fileserver's storage-management collections:
//!
//! - `file_retention`: one document (`_id: "retention"`), the admins'
//!   retention settings; absent until the first `PUT` (defaults then).
//! - `file_cleanup_log`: one document per cleanup run (dry runs too).
//! - `file_cleanup_slots`: one document per scheduled run, `_id` = the
//!   time the schedule named. Inserting it is how one instance of several
//!   claims a run: the unique `_id` lets exactly one insert succeed.

use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, Document, doc};
use mongodb::options::{IndexOptions, ReplaceOptions};
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::storage::CleanupReport;
use vc_protocol::{CleanupId, UserId};
use vc_runtime::Db;
use vc_runtime::db::{DbError, is_duplicate_key};

use super::policy::{DEFAULT_SCHEDULE, Policy};
use crate::store::{to_bson, to_chrono};

pub const RETENTION: &str = "file_retention";
pub const CLEANUP_LOG: &str = "file_cleanup_log";
pub const CLEANUP_SLOTS: &str = "file_cleanup_slots";
const SETTINGS_ID: &str = "retention";
/// Claims of past slots are kept this long (for looking into who ran what).
const SLOT_MEMORY_DAYS: i64 = 30;

/// The stored settings (checked before they are written).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SettingsDoc {
    #[serde(rename = "_id")]
    id: String,
    chat_files_days: Option<u32>,
    screenshots_days: Option<u32>,
    recordings_days: Option<u32>,
    schedule: String,
    updated_at: bson::DateTime,
    updated_by: Option<UserId>,
}

/// A logged run: the report, and its start as a date for sorting.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LogDoc {
    #[serde(rename = "_id")]
    id: CleanupId,
    started_at: bson::DateTime,
    report: CleanupReport,
}

/// Why the stored settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Db(#[from] DbError),
    /// Changed behind the API's back: they no longer pass the checks.
    #[error("the stored retention settings are invalid ({0}); save them again")]
    Invalid(String),
}

impl From<mongodb::error::Error> for SettingsError {
    fn from(e: mongodb::error::Error) -> Self {
        SettingsError::Db(e.into())
    }
}

impl From<SettingsError> for vc_runtime::ApiError {
    fn from(e: SettingsError) -> Self {
        match e {
            SettingsError::Db(e) => e.into(),
            SettingsError::Invalid(_) => vc_runtime::ApiError::internal(e),
        }
    }
}

#[derive(Clone)]
pub struct RetentionStore {
    settings: Collection<SettingsDoc>,
    log: Collection<LogDoc>,
    slots: Collection<Document>,
}

impl RetentionStore {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            CLEANUP_LOG,
            vec![
                IndexModel::builder()
                    .keys(doc! {"started_at": -1})
                    .options(IndexOptions::builder().name("newest".to_owned()).build())
                    .build(),
            ],
        )
        .await?;
        Ok(Self {
            settings: db.collection(RETENTION),
            log: db.collection(CLEANUP_LOG),
            slots: db.collection(CLEANUP_SLOTS),
        })
    }

    /// The settings in force: the stored ones, else the defaults.
    pub async fn policy(&self) -> Result<Policy, SettingsError> {
        Ok(self.current().await?.0)
    }

    /// The settings in force and when they were saved (`None`: defaults).
    pub async fn current(&self) -> Result<(Policy, Option<DateTime<Utc>>), SettingsError> {
        let stored = self.settings.find_one(doc! {"_id": SETTINGS_ID}).await?;
        let checked = match &stored {
            Some(d) => Policy::new(d.chat_files_days, d.screenshots_days, d.recordings_days, &d.schedule),
            None => Policy::new(None, None, None, DEFAULT_SCHEDULE),
        };
        Ok((checked.map_err(SettingsError::Invalid)?, stored.map(|d| to_chrono(d.updated_at))))
    }

    /// Replaces the settings.
    pub async fn save(&self, policy: &Policy, by: UserId) -> Result<(), DbError> {
        let d = SettingsDoc {
            id: SETTINGS_ID.to_owned(),
            chat_files_days: policy.chat_files_days,
            screenshots_days: policy.screenshots_days,
            recordings_days: policy.recordings_days,
            schedule: policy.schedule.as_str().to_owned(),
            updated_at: to_bson(Utc::now()),
            updated_by: Some(by),
        };
        self.settings
            .replace_one(doc! {"_id": SETTINGS_ID}, &d)
            .with_options(ReplaceOptions::builder().upsert(true).build())
            .await?;
        Ok(())
    }

    /// Writes a run's report.
    pub async fn log(&self, report: &CleanupReport) -> Result<(), DbError> {
        let d = LogDoc { id: report.id, started_at: to_bson(report.started_at), report: report.clone() };
        self.log.insert_one(&d).await?;
        Ok(())
    }

    /// Runs, newest first, and how many there are.
    pub async fn runs(&self, offset: u64, limit: i64) -> Result<(Vec<CleanupReport>, u64), DbError> {
        let total = self.log.count_documents(doc! {}).await?;
        let cursor =
            self.log.find(doc! {}).sort(doc! {"started_at": -1, "_id": -1}).skip(offset).limit(limit).await?;
        let docs: Vec<LogDoc> = cursor.try_collect().await?;
        Ok((docs.into_iter().map(|d| d.report).collect(), total))
    }

    /// Claims the scheduled run at `slot` for this instance: `true` if no
    /// other instance has (then this one runs it), `false` if one has.
    pub async fn claim(&self, slot: DateTime<Utc>, instance: &str) -> Result<bool, DbError> {
        let now = Utc::now();
        let claim = doc! {
            "_id": slot.to_rfc3339_opts(SecondsFormat::Secs, true),
            "slot": to_bson(slot),
            "claimed_at": to_bson(now),
            "instance": instance,
        };
        match self.slots.insert_one(claim).await {
            Ok(_) => {}
            Err(e) if is_duplicate_key(&e) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        // Forget old claims (best effort; a slot never comes back).
        let old = to_bson(now - chrono::Duration::days(SLOT_MEMORY_DAYS));
        if let Err(e) = self.slots.delete_many(doc! {"slot": {"$lt": old}}).await {
            tracing::debug!(error = %e, "old cleanup claims not removed");
        }
        Ok(true)
    }
}

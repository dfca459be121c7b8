//! `revocations`: the latest revocation per user, so a verifier that starts
//! (or loses its broker session) can learn what it missed.

use chrono::{Duration, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc};
use mongodb::options::IndexOptions;
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::UserId;
use vc_protocol::topics::{RevocationReason, UserRevoked};
use vc_runtime::Db;
use vc_runtime::db::DbError;

use super::{to_bson, to_chrono};

pub const COLLECTION: &str = "revocations";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RevocationDoc {
    #[serde(rename = "_id")]
    user_id: UserId,
    min_token_version: u32,
    reason: RevocationReason,
    at: bson::DateTime,
}

#[derive(Clone)]
pub struct Revocations {
    coll: Collection<RevocationDoc>,
    /// Revocations older than this concern only expired tokens.
    window: Duration,
}

impl Revocations {
    pub async fn open(db: &Db, access_ttl_secs: u64) -> Result<Self, DbError> {
        let window = Duration::seconds(access_ttl_secs as i64 + 300);
        db.ensure_indexes(
            COLLECTION,
            vec![
                IndexModel::builder()
                    .keys(doc! {"at": 1})
                    .options(
                        IndexOptions::builder()
                            .expire_after(std::time::Duration::from_secs(window.num_seconds().max(60) as u64))
                            .build(),
                    )
                    .build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION), window })
    }

    pub async fn record(&self, r: &UserRevoked) -> Result<(), DbError> {
        let doc = RevocationDoc {
            user_id: r.user_id,
            min_token_version: r.min_token_version,
            reason: r.reason,
            at: to_bson(r.at),
        };
        self.coll.replace_one(doc! {"_id": r.user_id.to_string()}, doc).upsert(true).await?;
        Ok(())
    }

    pub async fn recent(&self) -> Result<Vec<UserRevoked>, DbError> {
        let since = to_bson(Utc::now() - self.window);
        let docs: Vec<RevocationDoc> =
            self.coll.find(doc! {"at": {"$gt": since}}).await?.try_collect().await?;
        Ok(docs
            .into_iter()
            .map(|d| UserRevoked {
                user_id: d.user_id,
                min_token_version: d.min_token_version,
                reason: d.reason,
                at: to_chrono(d.at),
            })
            .collect())
    }
}

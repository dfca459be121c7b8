//! `refresh_tokens`: single-use refresh tokens grouped in families (one per
//! login). Only a SHA-256 of each token is stored.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use mongodb::bson::{self, doc};
use mongodb::options::IndexOptions;
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vc_protocol::UserId;
use vc_protocol::ids::SessionId;
use vc_runtime::Db;
use vc_runtime::db::DbError;

use super::{to_bson, to_chrono};

pub const COLLECTION: &str = "refresh_tokens";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshDoc {
    /// SHA-256 of the token, hex.
    #[serde(rename = "_id")]
    pub hash: String,
    pub family: SessionId,
    pub user_id: UserId,
    pub family_started_at: bson::DateTime,
    pub created_at: bson::DateTime,
    pub expires_at: bson::DateTime,
    pub used_at: Option<bson::DateTime>,
    pub revoked: bool,
}

/// What presenting a refresh token led to.
#[derive(Debug)]
pub enum Consumed {
    /// Valid and now used: issue the next one in `family`.
    Ok(RefreshDoc),
    /// Unknown, expired or revoked.
    Invalid,
    /// Already used once: the family has been revoked.
    Reused { user_id: UserId, family: SessionId },
}

#[derive(Clone)]
pub struct Sessions {
    coll: Collection<RefreshDoc>,
}

/// A new random token (256 bits, base64url).
fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Sessions {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![
                IndexModel::builder().keys(doc! {"family": 1}).build(),
                IndexModel::builder().keys(doc! {"user_id": 1}).build(),
                // Swept a day after expiry: reuse of a recently expired token
                // is still recognised until then.
                IndexModel::builder()
                    .keys(doc! {"expires_at": 1})
                    .options(
                        IndexOptions::builder().expire_after(std::time::Duration::from_secs(86_400)).build(),
                    )
                    .build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION) })
    }

    /// Issues a token in `family` (a new family when `None`); returns the token.
    pub async fn issue(
        &self,
        user_id: UserId,
        family: Option<(SessionId, DateTime<Utc>)>,
        ttl: Duration,
    ) -> Result<(String, SessionId), DbError> {
        let now = Utc::now();
        let (family, started) = family.unwrap_or_else(|| (SessionId::new(), now));
        let token = new_token();
        let doc = RefreshDoc {
            hash: hash_token(&token),
            family,
            user_id,
            family_started_at: to_bson(started),
            created_at: to_bson(now),
            expires_at: to_bson(now + ttl),
            used_at: None,
            revoked: false,
        };
        self.coll.insert_one(&doc).await?;
        Ok((token, family))
    }

    /// Marks the token used, atomically: of two concurrent presentations only
    /// one succeeds and the other counts as reuse.
    pub async fn consume(&self, token: &str) -> Result<Consumed, DbError> {
        let hash = hash_token(token);
        let now = to_bson(Utc::now());
        let taken = self
            .coll
            .find_one_and_update(
                doc! {"_id": &hash, "used_at": null, "revoked": false, "expires_at": {"$gt": now}},
                doc! {"$set": {"used_at": now}},
            )
            .await?;
        if let Some(doc) = taken {
            return Ok(Consumed::Ok(doc));
        }
        match self.coll.find_one(doc! {"_id": &hash}).await? {
            Some(doc) if doc.used_at.is_some() && !doc.revoked => {
                self.revoke_family(doc.family).await?;
                Ok(Consumed::Reused { user_id: doc.user_id, family: doc.family })
            }
            _ => Ok(Consumed::Invalid),
        }
    }

    pub async fn revoke_family(&self, family: SessionId) -> Result<(), DbError> {
        self.coll.update_many(doc! {"family": family.to_string()}, doc! {"$set": {"revoked": true}}).await?;
        Ok(())
    }

    pub async fn revoke_user(&self, user_id: UserId) -> Result<(), DbError> {
        self.coll
            .update_many(doc! {"user_id": user_id.to_string()}, doc! {"$set": {"revoked": true}})
            .await?;
        Ok(())
    }

    /// The family a token belongs to, if the token is known.
    pub async fn family_of(&self, token: &str) -> Result<Option<SessionId>, DbError> {
        Ok(self.coll.find_one(doc! {"_id": hash_token(token)}).await?.map(|d| d.family))
    }
}

impl RefreshDoc {
    pub fn family_started(&self) -> DateTime<Utc> {
        to_chrono(self.family_started_at)
    }
}

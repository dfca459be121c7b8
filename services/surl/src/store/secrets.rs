//! `surl_secrets`: this installation's key for hashing client addresses,
//! generated on first start and kept so that hashes stay comparable across
//! restarts and instances.

use chrono::Utc;
use mongodb::Collection;
use mongodb::bson::{self, doc};
use serde::{Deserialize, Serialize};
use vc_runtime::Db;
use vc_runtime::db::{DbError, is_duplicate_key};

use super::to_bson;

pub const COLLECTION: &str = "surl_secrets";

/// The `_id` of the address-hashing key.
const IP_HASH_KEY: &str = "ip_hash_key";

/// Bytes in a key (HMAC-SHA256 takes up to 64 without hashing it first).
pub const KEY_BYTES: usize = 32;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SecretDoc {
    #[serde(rename = "_id")]
    id: String,
    /// The key, hex.
    key: String,
    created_at: bson::DateTime,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("the stored {0} is corrupt (expected {KEY_BYTES} bytes of hex)")]
    Corrupt(&'static str),
}

impl From<mongodb::error::Error> for SecretError {
    fn from(e: mongodb::error::Error) -> Self {
        SecretError::Db(e.into())
    }
}

/// The address-hashing key: the stored one, or a fresh one (from the
/// operating system's CSPRNG) stored now. Two instances starting at once
/// both end up with whichever was stored first.
pub async fn ip_hash_key(db: &Db) -> Result<Vec<u8>, SecretError> {
    let coll: Collection<SecretDoc> = db.collection(COLLECTION);
    if let Some(existing) = coll.find_one(doc! {"_id": IP_HASH_KEY}).await? {
        return decode(&existing);
    }
    let key: [u8; KEY_BYTES] = rand::random();
    let fresh = SecretDoc { id: IP_HASH_KEY.into(), key: hex::encode(key), created_at: to_bson(Utc::now()) };
    match coll.insert_one(&fresh).await {
        Ok(_) => {
            tracing::info!("generated the key for hashing client addresses");
            Ok(key.to_vec())
        }
        Err(e) if is_duplicate_key(&e) => {
            let stored =
                coll.find_one(doc! {"_id": IP_HASH_KEY}).await?.ok_or(SecretError::Corrupt(IP_HASH_KEY))?;
            decode(&stored)
        }
        Err(e) => Err(e.into()),
    }
}

fn decode(doc: &SecretDoc) -> Result<Vec<u8>, SecretError> {
    match hex::decode(&doc.key) {
        Ok(key) if key.len() == KEY_BYTES => Ok(key),
        _ => Err(SecretError::Corrupt(IP_HASH_KEY)),
    }
}

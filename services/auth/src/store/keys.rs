//! `signing_keys`: the Ed25519 key pairs access tokens are signed with.
//! Generated on first start; the oldest active key signs, every active key
//! verifies (room for rotation).

use base64::Engine;
use chrono::Utc;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc};
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vc_protocol::topics::{PublicKey, SigningKeys};
use vc_runtime::Db;
use vc_runtime::db::DbError;

use super::{to_bson, to_chrono};

pub const COLLECTION: &str = "signing_keys";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyDoc {
    #[serde(rename = "_id")]
    kid: String,
    /// PKCS#8 DER of the private key, base64.
    private_pkcs8: String,
    /// Raw 32-byte public key, base64url.
    public_key: String,
    active: bool,
    created_at: bson::DateTime,
}

/// The key tokens are signed with, plus every public key.
#[derive(Clone)]
pub struct KeyRing {
    pub kid: String,
    pub pkcs8_der: Vec<u8>,
    pub public: SigningKeys,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("stored signing key {0} is corrupt")]
    Corrupt(String),
    #[error("could not encode a new signing key: {0}")]
    Encode(String),
}

impl From<mongodb::error::Error> for KeyError {
    fn from(e: mongodb::error::Error) -> Self {
        KeyError::Db(e.into())
    }
}

fn kid_of(public: &[u8]) -> String {
    hex::encode(&Sha256::digest(public)[..8])
}

/// A fresh key pair as a document.
fn generate() -> Result<KeyDoc, KeyError> {
    let seed: [u8; 32] = rand::random();
    let key = SigningKey::from_bytes(&seed);
    let der = key.to_pkcs8_der().map_err(|e| KeyError::Encode(e.to_string()))?;
    let public = key.verifying_key().to_bytes();
    Ok(KeyDoc {
        kid: kid_of(&public),
        private_pkcs8: base64::engine::general_purpose::STANDARD.encode(der.as_bytes()),
        public_key: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public),
        active: true,
        created_at: to_bson(Utc::now()),
    })
}

/// Loads the key ring, generating the first key when there is none. Two
/// instances starting at once may each insert one; both then sign with the
/// oldest.
pub async fn load_or_create(db: &Db) -> Result<KeyRing, KeyError> {
    let coll: Collection<KeyDoc> = db.collection(COLLECTION);
    db.ensure_indexes(
        COLLECTION,
        vec![IndexModel::builder().keys(doc! {"active": 1, "created_at": 1}).build()],
    )
    .await?;
    let mut active = active_keys(&coll).await?;
    if active.is_empty() {
        let fresh = generate()?;
        coll.insert_one(&fresh).await?;
        tracing::info!(kid = %fresh.kid, "generated the token signing key");
        active = active_keys(&coll).await?;
    }
    let Some(signer) = active.first() else {
        return Err(KeyError::Corrupt("none active after creation".into()));
    };
    let pkcs8_der = base64::engine::general_purpose::STANDARD
        .decode(&signer.private_pkcs8)
        .map_err(|_| KeyError::Corrupt(signer.kid.clone()))?;
    let public = SigningKeys {
        keys: active
            .iter()
            .map(|k| PublicKey {
                kid: k.kid.clone(),
                alg: "EdDSA".into(),
                public_key: k.public_key.clone(),
                created_at: to_chrono(k.created_at),
            })
            .collect(),
    };
    Ok(KeyRing { kid: signer.kid.clone(), pkcs8_der, public })
}

async fn active_keys(coll: &Collection<KeyDoc>) -> Result<Vec<KeyDoc>, mongodb::error::Error> {
    coll.find(doc! {"active": true}).sort(doc! {"created_at": 1, "_id": 1}).await?.try_collect().await
}

//! Every topic name in the system. Call sites never `format!` a topic.
//!
//! Naming: `v1/<owning service>/<subject>[/<id>]`; request endpoints end in a
//! verb (`.../get`, `.../list`). See `docs/mqtt.md`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bus::{Endpoint, Topic, TopicFilter};
use crate::ids::UserId;

/// The inbox a bus client receives replies on (its MQTT v5 response topic).
pub fn reply_inbox(client_id: &str) -> TopicFilter<serde_json::Value> {
    TopicFilter::new("reply", format!("v1/reply/{client_id}"))
}

/// Topics owned by vc-auth.
pub mod auth {
    use super::*;

    /// vc-auth publishes one message per revocation: every verifier drops the
    /// user's tokens whose version is below `min_token_version`.
    pub fn revocations() -> Topic<UserRevoked> {
        Topic::new("auth.revocations", "v1/auth/revocations".into())
    }

    /// The public keys that verify access tokens.
    pub fn signing_keys() -> Endpoint<SigningKeysRequest, SigningKeys> {
        Endpoint::new("auth.keys.get", "v1/auth/keys/get".into())
    }

    /// Revocations still relevant (younger than the longest access-token
    /// lifetime), so a verifier that starts late knows them.
    pub fn revocation_list() -> Endpoint<RevocationListRequest, RevocationList> {
        Endpoint::new("auth.revocations.list", "v1/auth/revocations/list".into())
    }
}

/// Why a user's tokens were revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationReason {
    Disabled,
    RoleChanged,
    PasswordChanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRevoked {
    pub user_id: UserId,
    /// Access tokens with `ver` below this are rejected.
    pub min_token_version: u32,
    pub reason: RevocationReason,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKeysRequest {}

/// An Ed25519 public key; `public_key` is the raw 32 bytes, base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub kid: String,
    pub alg: String,
    pub public_key: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKeys {
    pub keys: Vec<PublicKey>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationListRequest {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationList {
    pub entries: Vec<UserRevoked>,
}

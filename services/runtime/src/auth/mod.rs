//! Local verification of access tokens: Ed25519 signatures checked with
//! vc-auth's public keys (fetched once over the bus, not per request) and
//! revocations received over the bus within moments of being made.

mod extract;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;
use tokio::sync::Notify;
use vc_protocol::ErrorCode;
use vc_protocol::UserId;
use vc_protocol::auth::{
    AccessClaims, Claims, ClientClaims, RecordingClaims, RoomClaims, TOKEN_AUDIENCE, TOKEN_ISSUER, TokenKind,
};
use vc_protocol::topics::{self, RevocationListRequest, SigningKeys, SigningKeysRequest, UserRevoked};

use crate::bus::{Bus, BusError};
use crate::config::TokenConfig;
use crate::http::ApiError;

pub use extract::{Caller, Staff, bearer_token};

/// Compares secrets without leaking where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

pub struct TokenVerifier {
    keys: RwLock<HashMap<String, DecodingKey>>,
    revoked: RwLock<HashMap<UserId, (u32, DateTime<Utc>)>>,
    leeway: u64,
    memory: chrono::Duration,
    refresh: Notify,
}

impl TokenVerifier {
    /// A verifier with no keys yet (tests and vc-auth seed it directly).
    pub fn new(cfg: &TokenConfig) -> Self {
        Self {
            keys: RwLock::new(HashMap::new()),
            revoked: RwLock::new(HashMap::new()),
            leeway: cfg.leeway_secs,
            memory: chrono::Duration::seconds(cfg.revocation_memory_secs as i64),
            refresh: Notify::new(),
        }
    }

    /// Starts following vc-auth over the bus: revocations as they happen, and
    /// the public keys plus recent revocations at start, on an unknown key
    /// id, and whenever the broker lost our session.
    pub async fn start(bus: &Bus, cfg: &TokenConfig) -> Result<Arc<Self>, BusError> {
        let verifier = Arc::new(Self::new(cfg));
        let mut revocations = bus.subscribe(topics::auth::revocations()).await?;
        let v = verifier.clone();
        tokio::spawn(async move {
            while let Some(delivery) = revocations.next().await {
                v.apply_revocation(delivery.body());
            }
        });
        let v = verifier.clone();
        let bus = bus.clone();
        tokio::spawn(async move { v.follow(bus).await });
        Ok(verifier)
    }

    async fn follow(self: Arc<Self>, bus: Bus) {
        let mut resets = bus.session_resets();
        let mut delay = Duration::from_millis(100);
        loop {
            match self.load_from(&bus).await {
                Ok(()) => {
                    delay = Duration::from_millis(100);
                    self.prune();
                    tokio::select! {
                        _ = self.refresh.notified() => {}
                        r = resets.changed() => if r.is_err() { return },
                        _ = tokio::time::sleep(Duration::from_secs(600)) => {}
                    }
                }
                Err(e) => {
                    tracing::debug!(error = %e, "auth keys not loaded yet; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    async fn load_from(&self, bus: &Bus) -> Result<(), BusError> {
        let keys = bus.request(&topics::auth::signing_keys(), &SigningKeysRequest {}).await?;
        let list = bus.request(&topics::auth::revocation_list(), &RevocationListRequest {}).await?;
        self.insert_keys(&keys);
        for r in &list.entries {
            self.apply_revocation(r);
        }
        tracing::info!(
            keys = keys.keys.len(),
            revocations = list.entries.len(),
            "token verification keys loaded"
        );
        Ok(())
    }

    /// Adds public keys (raw Ed25519, base64url) to the trusted set.
    pub fn insert_keys(&self, keys: &SigningKeys) {
        let mut map = self.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        for k in &keys.keys {
            if k.alg != "EdDSA" {
                continue;
            }
            match base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&k.public_key) {
                Ok(raw) if raw.len() == 32 => {
                    map.insert(k.kid.clone(), DecodingKey::from_ed_der(&raw));
                }
                _ => tracing::warn!(kid = %k.kid, "malformed public key ignored"),
            }
        }
    }

    pub fn has_keys(&self) -> bool {
        !self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner).is_empty()
    }

    /// Records a revocation (monotonic: an older message never lowers the bar).
    pub fn apply_revocation(&self, r: &UserRevoked) {
        let mut map = self.revoked.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = map.entry(r.user_id).or_insert((0, r.at));
        if r.min_token_version >= entry.0 {
            *entry = (r.min_token_version, r.at.max(entry.1));
            tracing::info!(user_id = %r.user_id, min_version = r.min_token_version, reason = ?r.reason, "tokens revoked");
        }
    }

    fn prune(&self) {
        let cutoff = Utc::now() - self.memory;
        self.revoked
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|_, (_, at)| *at > cutoff);
    }

    /// Checks signature, issuer, audience, expiry, kind and revocation.
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let claims: AccessClaims = self.decode(token, TokenKind::Access)?;
        let revoked = self.revoked.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((min, _)) = revoked.get(&claims.sub)
            && claims.ver < *min
        {
            return Err(ApiError::new(ErrorCode::TokenRevoked, "the token was revoked; sign in again"));
        }
        Ok(claims)
    }

    /// A client token: reaches only the interaction in `sub`.
    pub fn verify_client(&self, token: &str) -> Result<ClientClaims, ApiError> {
        self.decode(token, TokenKind::Client)
    }

    /// A room token: one party's admission to one media room.
    pub fn verify_room(&self, token: &str) -> Result<RoomClaims, ApiError> {
        self.decode(token, TokenKind::Room)
    }

    /// A recording token: vc-records storing one interaction's recording.
    pub fn verify_recording(&self, token: &str) -> Result<RecordingClaims, ApiError> {
        self.decode(token, TokenKind::Recording)
    }

    /// Signature, issuer, audience, expiry and kind.
    fn decode<C: DeserializeOwned + Claims>(&self, token: &str, kind: TokenKind) -> Result<C, ApiError> {
        let invalid = |msg: &str| ApiError::new(ErrorCode::InvalidToken, msg.to_string());
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed token"))?;
        if header.alg != Algorithm::EdDSA {
            return Err(invalid("unexpected token algorithm"));
        }
        let kid = header.kid.ok_or_else(|| invalid("token has no key id"))?;
        let keys = self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        if keys.is_empty() {
            return Err(ApiError::unavailable("token verification keys are not loaded yet"));
        }
        let Some(key) = keys.get(&kid) else {
            drop(keys);
            self.refresh.notify_one();
            return Err(invalid("token signed by an unknown key"));
        };
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.leeway = self.leeway;
        validation.set_issuer(&[TOKEN_ISSUER]);
        validation.set_audience(&[TOKEN_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub", "iat"]);
        let claims = jsonwebtoken::decode::<C>(token, key, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    ApiError::new(ErrorCode::TokenExpired, "the token has expired")
                }
                _ => invalid("invalid token"),
            })?
            .claims;
        if claims.kind() != kind {
            return Err(invalid("not a token of this kind"));
        }
        Ok(claims)
    }
}

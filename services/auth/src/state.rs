//! vc-auth's shared state and the operations several handlers need.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use prometheus::{Histogram, HistogramOpts, IntCounterVec, Opts};
use vc_protocol::auth::{AccessClaims, TOKEN_AUDIENCE, TOKEN_ISSUER, TokenKind, TokenPair, UserRef};
use vc_protocol::ids::SessionId;
use vc_protocol::topics::{self, RevocationReason, UserRevoked};
use vc_runtime::{ApiError, Bus, Metrics};

use crate::config::AuthSettings;
use crate::password::PasswordHasher;
use crate::store::keys::KeyRing;
use crate::store::revocations::Revocations;
use crate::store::sessions::Sessions;
use crate::store::throttle::Throttle;
use crate::store::users::{UserDoc, Users};

pub struct AuthMetrics {
    pub logins: IntCounterVec,
    pub login_seconds: Histogram,
    pub refreshes: IntCounterVec,
    pub revocations: IntCounterVec,
}

impl AuthMetrics {
    pub fn register(metrics: &Metrics) -> Result<Self, prometheus::Error> {
        let logins =
            IntCounterVec::new(Opts::new("auth_logins_total", "Sign-in attempts by result"), &["result"])?;
        let login_seconds = Histogram::with_opts(
            HistogramOpts::new("auth_login_duration_seconds", "Time to answer a sign-in (argon2 included)")
                .buckets(vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5]),
        )?;
        let refreshes =
            IntCounterVec::new(Opts::new("auth_refreshes_total", "Token refreshes by result"), &["result"])?;
        let revocations = IntCounterVec::new(
            Opts::new("auth_revocations_total", "Token revocations by reason"),
            &["reason"],
        )?;
        let r = metrics.registry();
        r.register(Box::new(logins.clone()))?;
        r.register(Box::new(login_seconds.clone()))?;
        r.register(Box::new(refreshes.clone()))?;
        r.register(Box::new(revocations.clone()))?;
        Ok(Self { logins, login_seconds, refreshes, revocations })
    }
}

pub struct AuthState {
    pub teams: crate::store::teams::Teams,
    pub users: Users,
    pub sessions: Sessions,
    pub throttle: Throttle,
    pub revocations: Revocations,
    pub hasher: PasswordHasher,
    pub keys: KeyRing,
    pub cfg: AuthSettings,
    pub metrics: AuthMetrics,
    pub bus: Bus,
    pub trusted_proxies: Vec<IpAddr>,
}

impl AuthState {
    /// Signs any of our token kinds with the current key.
    pub fn sign<C: serde::Serialize>(&self, claims: &C) -> Result<String, ApiError> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.keys.kid.clone());
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(&self.keys.pkcs8_der))
            .map_err(ApiError::internal)
    }

    /// A client, room or recording token, for vc-server and vc-records
    /// (`v1/auth/tokens/issue`).
    pub fn issue(
        &self,
        req: &vc_protocol::topics::IssueToken,
    ) -> Result<vc_protocol::topics::IssuedToken, ApiError> {
        use vc_protocol::auth::{ClientClaims, RecordingClaims, RoomClaims};
        use vc_protocol::topics::TokenGrant;
        let now = Utc::now();
        // At most a day, whatever is asked.
        let expires_at = now + Duration::seconds(req.ttl_secs.clamp(1, 86_400) as i64);
        let jti = uuid::Uuid::new_v4().simple().to_string();
        let token = match &req.grant {
            TokenGrant::Client { interaction_id } => self.sign(&ClientClaims {
                iss: TOKEN_ISSUER.into(),
                aud: TOKEN_AUDIENCE.into(),
                sub: *interaction_id,
                typ: TokenKind::Client,
                iat: now.timestamp(),
                exp: expires_at.timestamp(),
                jti,
            })?,
            TokenGrant::Room { interaction_id, role, video_mode, max_quality, record, pointer } => self
                .sign(&RoomClaims {
                    iss: TOKEN_ISSUER.into(),
                    aud: TOKEN_AUDIENCE.into(),
                    sub: *interaction_id,
                    typ: TokenKind::Room,
                    role: *role,
                    video_mode: *video_mode,
                    max_quality: *max_quality,
                    record: *record,
                    pointer: *pointer,
                    iat: now.timestamp(),
                    exp: expires_at.timestamp(),
                    jti,
                })?,
            TokenGrant::Recording { interaction_id } => self.sign(&RecordingClaims {
                iss: TOKEN_ISSUER.into(),
                aud: TOKEN_AUDIENCE.into(),
                sub: *interaction_id,
                typ: TokenKind::Recording,
                iat: now.timestamp(),
                exp: expires_at.timestamp(),
                jti,
            })?,
        };
        Ok(vc_protocol::topics::IssuedToken { token, expires_at })
    }

    /// Signs an access token for `user` in session `sid`.
    pub fn access_token(&self, user: &UserDoc, sid: SessionId) -> Result<String, ApiError> {
        let now = Utc::now();
        let claims = AccessClaims {
            iss: TOKEN_ISSUER.into(),
            aud: TOKEN_AUDIENCE.into(),
            sub: user.id,
            typ: TokenKind::Access,
            login: user.login.clone(),
            name: user.name.clone(),
            role: user.role,
            team: user.team_id,
            teams: user.supervises.clone(),
            ver: user.token_version,
            sid,
            iat: now.timestamp(),
            exp: (now + Duration::seconds(self.cfg.access_ttl_secs as i64)).timestamp(),
            jti: uuid::Uuid::new_v4().simple().to_string(),
        };
        self.sign(&claims)
    }

    /// A refresh token (new family, or the next in `family`) plus an access token.
    pub async fn token_pair(
        &self,
        user: &UserDoc,
        family: Option<(SessionId, DateTime<Utc>)>,
    ) -> Result<TokenPair, ApiError> {
        let (refresh_token, sid) =
            self.sessions.issue(user.id, family, Duration::seconds(self.cfg.refresh_ttl_secs as i64)).await?;
        Ok(TokenPair {
            access_token: self.access_token(user, sid)?,
            refresh_token,
            expires_in: self.cfg.access_ttl_secs,
            token_type: "Bearer".into(),
            user: UserRef { id: user.id, login: user.login.clone(), role: user.role },
        })
    }

    /// Makes every access token of `user` issued before its current version
    /// invalid everywhere: stored first (for verifiers that start later),
    /// then announced on the bus.
    pub async fn revoke(&self, user: &UserDoc, reason: RevocationReason) -> Result<(), ApiError> {
        let event =
            UserRevoked { user_id: user.id, min_token_version: user.token_version, reason, at: Utc::now() };
        self.revocations.record(&event).await?;
        self.bus.publish(&topics::auth::revocations(), &event).await?;
        let label = match reason {
            RevocationReason::Disabled => "disabled",
            RevocationReason::RoleChanged => "role_changed",
            RevocationReason::PasswordChanged => "password_changed",
            RevocationReason::TeamsChanged => "teams_changed",
        };
        self.metrics.revocations.with_label_values(&[label]).inc();
        Ok(())
    }

    /// argon2 off the async workers.
    pub async fn hash_password(&self, password: String) -> Result<String, ApiError> {
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || hasher.hash(&password))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)
    }

    /// argon2 off the async workers. `None` hash: spend the time anyway.
    pub async fn verify_password(&self, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || match hash {
            Some(h) => hasher.verify(&password, &h),
            None => {
                hasher.verify_dummy(&password);
                false
            }
        })
        .await
        .map_err(ApiError::internal)
    }
}

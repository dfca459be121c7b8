//! The `Staff` extractor: a handler that takes it only runs for a valid
//! staff access token.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use vc_protocol::auth::{AccessClaims, Role};
use vc_protocol::ids::SessionId;
use vc_protocol::{ErrorCode, UserId};

use crate::http::ApiError;
use crate::service::Runtime;

/// The authenticated staff user of a request.
#[derive(Debug, Clone)]
pub struct Staff {
    pub id: UserId,
    pub login: String,
    pub role: Role,
    pub session: SessionId,
    pub claims: AccessClaims,
}

impl Staff {
    /// 403 unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::forbidden(format!("this needs the role {}", names.join(" or "))))
        }
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        self.require(&[Role::Admin])
    }

    /// Whether this user reaches an interaction of `agent_id` created in
    /// `team_id` (docs/roles.md): admins all; a supervisor its teams', its
    /// own, and those without a team; an agent its own.
    pub fn reaches(&self, agent_id: UserId, team_id: Option<vc_protocol::TeamId>) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Supervisor => agent_id == self.id || team_id.is_none_or(|t| self.claims.teams.contains(&t)),
            Role::Agent => agent_id == self.id,
        }
    }
}

/// The bearer token of a request, if any.
pub fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(extract(req))
    }
}

fn extract(req: &HttpRequest) -> Result<Staff, ApiError> {
    let rt = req
        .app_data::<web::Data<Runtime>>()
        .ok_or_else(|| ApiError::internal("runtime missing from app data"))?;
    let token = bearer_token(req)
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "sign in first: no bearer token"))?;
    let claims = rt.verifier.verify_access(token)?;
    Ok(Staff { id: claims.sub, login: claims.login.clone(), role: claims.role, session: claims.sid, claims })
}

/// Whoever calls an interaction's endpoints: a staff user, or the client of
/// one interaction (its client token).
#[derive(Debug, Clone)]
pub enum Caller {
    Staff(Staff),
    Client(vc_protocol::auth::ClientClaims),
}

impl Caller {
    /// Authenticates a bearer token of either kind.
    pub fn from_token(rt: &Runtime, token: &str) -> Result<Caller, ApiError> {
        match rt.verifier.verify_access(token) {
            Ok(claims) => Ok(Caller::Staff(Staff {
                id: claims.sub,
                login: claims.login.clone(),
                role: claims.role,
                session: claims.sid,
                claims,
            })),
            // Not a staff token: perhaps a client's (a wrong kind says
            // invalid_token; expiry and revocation are final answers).
            Err(e) if e.code == ErrorCode::InvalidToken => rt
                .verifier
                .verify_client(token)
                .map(Caller::Client)
                .map_err(|ce| if ce.code == ErrorCode::InvalidToken { e } else { ce }),
            Err(e) => Err(e),
        }
    }

    /// The staff user, if it is one.
    pub fn staff(&self) -> Option<&Staff> {
        match self {
            Caller::Staff(s) => Some(s),
            Caller::Client(_) => None,
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready((|| {
            let rt = req
                .app_data::<web::Data<Runtime>>()
                .ok_or_else(|| ApiError::internal("runtime missing from app data"))?;
            let token = bearer_token(req)
                .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "sign in first: no bearer token"))?;
            Caller::from_token(rt, token)
        })())
    }
}

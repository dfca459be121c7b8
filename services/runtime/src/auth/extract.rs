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

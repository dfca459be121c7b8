//! `POST /api/auth/login`

use std::time::Instant;

use actix_web::{HttpRequest, post, web};
use vc_protocol::ErrorCode;
use vc_protocol::auth::{LoginRequest, TokenPair};
use vc_runtime::ApiError;
use vc_runtime::http::client_ip;

use crate::state::AuthState;
use crate::validate::normalize_login;

/// Sign in with login and password. Failed attempts are counted per login and
/// per client address; past the limit the answer is 429 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 400, description = "malformed body", body = vc_protocol::ErrorBody),
        (status = 401, description = "`invalid_credentials`", body = vc_protocol::ErrorBody),
        (status = 403, description = "`user_disabled` (only after a correct password)", body = vc_protocol::ErrorBody),
        (status = 429, description = "`too_many_attempts`, see `Retry-After`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/auth/login")]
pub async fn sign_in(
    req: HttpRequest,
    state: web::Data<AuthState>,
    body: web::Json<LoginRequest>,
) -> Result<web::Json<TokenPair>, ApiError> {
    let started = Instant::now();
    let result = attempt(&req, &state, body.into_inner()).await;
    state.metrics.logins.with_label_values(&[super::outcome(&result)]).inc();
    state.metrics.login_seconds.observe(started.elapsed().as_secs_f64());
    result.map(web::Json)
}

async fn attempt(req: &HttpRequest, state: &AuthState, body: LoginRequest) -> Result<TokenPair, ApiError> {
    let wrong = || ApiError::new(ErrorCode::InvalidCredentials, "wrong login or password");
    let ip = client_ip(req, &state.trusted_proxies);
    // A login that cannot exist is still counted against the address.
    let login = normalize_login(&body.login).unwrap_or_else(|_| body.login.trim().to_lowercase());
    if let Some(wait) = state.throttle.retry_after(&login, ip).await? {
        return Err(ApiError::new(
            ErrorCode::TooManyAttempts,
            format!("too many failed sign-ins; try again in {wait} s"),
        )
        .with_retry_after(wait));
    }
    let user = state.users.by_login(&login).await?;
    let ok =
        state.verify_password(body.password.clone(), user.as_ref().map(|u| u.password_hash.clone())).await?;
    let Some(user) = user.filter(|_| ok) else {
        state.throttle.record_failure(&login, ip).await?;
        tracing::info!(login = %login, ip = ?ip, "failed sign-in");
        return Err(wrong());
    };
    if user.disabled {
        return Err(ApiError::new(ErrorCode::UserDisabled, "this account is disabled"));
    }
    state.throttle.clear_login(&login).await?;
    if state.hasher.needs_rehash(&user.password_hash) {
        let hash = state.hash_password(body.password).await?;
        state.users.rehash(user.id, hash).await?;
    }
    tracing::info!(user_id = %user.id, login = %login, "signed in");
    state.token_pair(&user, None).await
}

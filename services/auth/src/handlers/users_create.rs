//! `POST /api/users` (admin)

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use vc_protocol::auth::{CreateUserRequest, User};
use vc_protocol::{ErrorCode, UserId};
use vc_runtime::{ApiError, Staff};

use super::invalid;
use crate::password::check_policy;
use crate::state::AuthState;
use crate::store::to_bson;
use crate::store::users::{InsertError, UserDoc};
use crate::validate::{normalize_login, normalize_name};

/// Create a user.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = User),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 409, description = "`login_taken`", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed` or `weak_password`", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/users")]
pub async fn create_user(
    staff: Staff,
    state: web::Data<AuthState>,
    body: web::Json<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let body = body.into_inner();
    let login = normalize_login(&body.login).map_err(invalid)?;
    let name = normalize_name(&body.name).map_err(invalid)?;
    check_policy(&body.password, &login, state.cfg.password_min_length)
        .map_err(|m| ApiError::new(ErrorCode::WeakPassword, m))?;
    let supervises = body.supervises.unwrap_or_default();
    super::teams::check_membership(&state, body.role, body.team_id, &supervises).await?;
    let mut doc = new_user(&state, login, name, body.role, body.password).await?;
    doc.team_id = body.team_id;
    doc.supervises = supervises;
    match state.users.insert(&doc).await {
        Ok(()) => {
            tracing::info!(user_id = %doc.id, login = %doc.login, role = %doc.role, by = %staff.id, "user created");
            Ok(HttpResponse::Created().json(doc.view()))
        }
        Err(InsertError::LoginTaken) => {
            Err(ApiError::new(ErrorCode::LoginTaken, format!("the login `{}` is taken", doc.login)))
        }
        Err(InsertError::Db(e)) => Err(e.into()),
    }
}

/// A new account document with a hashed password.
pub(crate) async fn new_user(
    state: &AuthState,
    login: String,
    name: String,
    role: vc_protocol::auth::Role,
    password: String,
) -> Result<UserDoc, ApiError> {
    let now = to_bson(Utc::now());
    Ok(UserDoc {
        id: UserId::new(),
        login,
        name_lc: name.to_lowercase(),
        name,
        role,
        password_hash: state.hash_password(password).await?,
        disabled: false,
        team_id: None,
        supervises: Vec::new(),
        token_version: 0,
        created_at: now,
        updated_at: now,
    })
}

//! `GET /api/users` (admin)

use actix_web::{get, web};
use vc_protocol::auth::{UserList, UserListQuery};
use vc_runtime::{ApiError, Staff};

use crate::state::AuthState;
use crate::store::users::Filter;

/// Users, sorted by login, filtered by role, state and a login/name prefix.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UserListQuery),
    responses(
        (status = 200, body = UserList),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/users")]
pub async fn list_users(
    staff: Staff,
    state: web::Data<AuthState>,
    query: web::Query<UserListQuery>,
) -> Result<web::Json<UserList>, ApiError> {
    staff.require_admin()?;
    let q = query.into_inner();
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let offset = q.offset.unwrap_or(0);
    let filter = Filter { role: q.role, disabled: q.disabled, prefix: q.q };
    let (docs, total) = state.users.list(filter, limit, offset).await?;
    Ok(web::Json(UserList { items: docs.iter().map(|d| d.view()).collect(), total }))
}

//! `PATCH /api/users/{id}` (admin)

use actix_web::{patch, web};
use vc_protocol::auth::{Role, UpdateUserRequest, User};
use vc_protocol::topics::RevocationReason;
use vc_protocol::{ErrorCode, UserId};
use vc_runtime::{ApiError, Staff};

use super::invalid;
use crate::password::check_policy;
use crate::state::AuthState;
use crate::store::users::Changes;
use crate::validate::normalize_name;

/// Rename, change role, set a password, disable or enable a user, put an
/// agent in a team or give a supervisor its teams. A role or team change, a
/// new password or disabling revokes the user's access tokens everywhere
/// within seconds (the next refresh carries the new role and teams); a new
/// password or disabling also ends its sessions.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = UserId, Path, description = "user id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, body = User),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 404, description = "`user_not_found`, `team_not_found`", body = vc_protocol::ErrorBody),
        (status = 409, description = "`last_admin`: no active admin would remain", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed` or `weak_password`", body = vc_protocol::ErrorBody),
    )
)]
#[patch("/api/users/{id}")]
pub async fn update_user(
    staff: Staff,
    state: web::Data<AuthState>,
    id: web::Path<UserId>,
    body: web::Json<UpdateUserRequest>,
) -> Result<web::Json<User>, ApiError> {
    staff.require_admin()?;
    let id = id.into_inner();
    let body = body.into_inner();
    let not_found = || ApiError::new(ErrorCode::UserNotFound, "no user with this id");
    let current = state.users.by_id(id).await?.ok_or_else(not_found)?;

    let name = body.name.as_deref().map(normalize_name).transpose().map_err(invalid)?;
    if let Some(pw) = &body.password {
        check_policy(pw, &current.login, state.cfg.password_min_length)
            .map_err(|m| ApiError::new(ErrorCode::WeakPassword, m))?;
    }
    let role_changes = body.role.is_some_and(|r| r != current.role);
    // Team fields as they will be, checked against the role as it will be;
    // a role change drops memberships the new role cannot have.
    let role = body.role.unwrap_or(current.role);
    let team_id = match body.team_id {
        Some(t) => t,
        None if role == vc_protocol::auth::Role::Agent => current.team_id,
        None => None,
    };
    let supervises = match &body.supervises {
        Some(s) => s.clone(),
        None if role == vc_protocol::auth::Role::Supervisor => current.supervises.clone(),
        None => Vec::new(),
    };
    super::teams::check_membership(&state, role, team_id, &supervises).await?;
    let teams_change = team_id != current.team_id || supervises != current.supervises;
    let disabling = body.disabled == Some(true) && !current.disabled;
    let loses_admin = current.role == Role::Admin && !current.disabled && (disabling || role_changes);
    if loses_admin && state.users.other_active_admins(id).await? == 0 {
        return Err(ApiError::new(
            ErrorCode::LastAdmin,
            "this is the last active admin; appoint another first",
        ));
    }
    let password_hash = match body.password {
        Some(pw) => Some(state.hash_password(pw).await?),
        None => None,
    };
    let reason = if disabling {
        Some(RevocationReason::Disabled)
    } else if password_hash.is_some() {
        Some(RevocationReason::PasswordChanged)
    } else if role_changes {
        Some(RevocationReason::RoleChanged)
    } else if teams_change {
        Some(RevocationReason::TeamsChanged)
    } else {
        None
    };
    let changes = Changes {
        name,
        role: body.role,
        password_hash: password_hash.clone(),
        disabled: body.disabled,
        team_id: (team_id != current.team_id).then_some(team_id),
        supervises: (supervises != current.supervises).then_some(supervises),
        bump_version: reason.is_some(),
    };
    let updated = state.users.update(id, changes).await?.ok_or_else(not_found)?;
    if disabling || password_hash.is_some() {
        state.sessions.revoke_user(id).await?;
    }
    if let Some(reason) = reason {
        state.revoke(&updated, reason).await?;
    }
    tracing::info!(user_id = %id, by = %staff.id, revoked = ?reason, "user updated");
    Ok(web::Json(updated.view()))
}

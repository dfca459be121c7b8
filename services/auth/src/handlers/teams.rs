//! `GET`/`POST /api/teams`, `PATCH`/`DELETE /api/teams/{id}`

use actix_web::{HttpResponse, delete, get, patch, post, web};
use vc_protocol::auth::{Role, Team, TeamList, TeamRequest};
use vc_protocol::topics::RevocationReason;
use vc_protocol::{ErrorCode, TeamId};
use vc_runtime::{ApiError, Staff};

use crate::state::AuthState;
use crate::store::teams::{TeamDoc, TeamError};
use crate::store::users::Changes;

fn team_not_found() -> ApiError {
    ApiError::new(ErrorCode::TeamNotFound, "no team with this id")
}

fn team_name(name: &str) -> Result<String, ApiError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::validation("name: 1-100 characters"));
    }
    Ok(name)
}

fn team_error(e: TeamError) -> ApiError {
    match e {
        TeamError::NameTaken => {
            ApiError::new(ErrorCode::ValidationFailed, "name: another team has this name")
        }
        TeamError::Db(e) => e.into(),
    }
}

async fn view(state: &AuthState, t: &TeamDoc) -> Result<Team, ApiError> {
    let (agents, supervisors) = state.users.team_counts(t.id).await?;
    Ok(t.view(agents, supervisors))
}

/// Teams: all for admins, a supervisor's own, an agent's team.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    responses(
        (status = 200, body = TeamList),
        (status = 401, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/teams")]
pub async fn list_teams(staff: Staff, state: web::Data<AuthState>) -> Result<web::Json<TeamList>, ApiError> {
    let only: Option<Vec<TeamId>> = match staff.role {
        Role::Admin => None,
        Role::Supervisor => Some(staff.claims.teams.clone()),
        Role::Agent => Some(staff.claims.team.into_iter().collect()),
    };
    let docs = state.teams.list(only.as_deref()).await?;
    let mut items = Vec::with_capacity(docs.len());
    for t in &docs {
        items.push(view(&state, t).await?);
    }
    Ok(web::Json(TeamList { items }))
}

/// Creates a team (admin). Names are unique, ignoring case.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    request_body = TeamRequest,
    responses(
        (status = 201, body = Team),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed` (also: the name is taken)", body = vc_protocol::ErrorBody),
    )
)]
#[post("/api/teams")]
pub async fn create_team(
    staff: Staff,
    state: web::Data<AuthState>,
    body: web::Json<TeamRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let name = team_name(&body.name)?;
    let team = state.teams.create(name).await.map_err(team_error)?;
    tracing::info!(team_id = %team.id, by = %staff.id, "team created");
    Ok(HttpResponse::Created().json(team.view(0, 0)))
}

/// Renames a team (admin).
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = TeamId, Path, description = "team id")),
    request_body = TeamRequest,
    responses(
        (status = 200, body = Team),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 404, description = "`team_not_found`", body = vc_protocol::ErrorBody),
        (status = 422, description = "`validation_failed`", body = vc_protocol::ErrorBody),
    )
)]
#[patch("/api/teams/{id}")]
pub async fn update_team(
    staff: Staff,
    state: web::Data<AuthState>,
    id: web::Path<TeamId>,
    body: web::Json<TeamRequest>,
) -> Result<web::Json<Team>, ApiError> {
    staff.require_admin()?;
    let name = team_name(&body.name)?;
    let team =
        state.teams.rename(id.into_inner(), name).await.map_err(team_error)?.ok_or_else(team_not_found)?;
    Ok(web::Json(view(&state, &team).await?))
}

/// Deletes a team (admin): its agents and supervisors are taken out of it
/// and their current access tokens revoked, so their next refresh carries
/// their teams as they are now. Interactions keep the team they had.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = TeamId, Path, description = "team id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "not an admin", body = vc_protocol::ErrorBody),
        (status = 404, description = "`team_not_found`", body = vc_protocol::ErrorBody),
    )
)]
#[delete("/api/teams/{id}")]
pub async fn delete_team(
    staff: Staff,
    state: web::Data<AuthState>,
    id: web::Path<TeamId>,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let id = id.into_inner();
    state.teams.get(id).await?.ok_or_else(team_not_found)?;
    // Members first: a crash in between leaves a team without members,
    // never members of a missing team.
    for member in state.users.members_of(id).await? {
        let changes = Changes {
            team_id: (member.team_id == Some(id)).then_some(None),
            supervises: member
                .supervises
                .contains(&id)
                .then(|| member.supervises.iter().copied().filter(|t| *t != id).collect()),
            bump_version: true,
            ..Changes::default()
        };
        if let Some(updated) = state.users.update(member.id, changes).await? {
            state.revoke(&updated, RevocationReason::TeamsChanged).await?;
        }
    }
    state.teams.delete(id).await?;
    tracing::info!(team_id = %id, by = %staff.id, "team deleted");
    Ok(HttpResponse::NoContent().finish())
}

/// Checks a user's team fields for its role: only agents are in a team,
/// only supervisors oversee teams, and the teams exist.
pub(crate) async fn check_membership(
    state: &AuthState,
    role: Role,
    team_id: Option<TeamId>,
    supervises: &[TeamId],
) -> Result<(), ApiError> {
    if team_id.is_some() && role != Role::Agent {
        return Err(ApiError::validation("team_id: only agents belong to a team"));
    }
    if !supervises.is_empty() && role != Role::Supervisor {
        return Err(ApiError::validation("supervises: only supervisors oversee teams"));
    }
    if let Some(t) = team_id
        && state.teams.get(t).await?.is_none()
    {
        return Err(team_not_found());
    }
    let mut unique = supervises.to_vec();
    unique.sort();
    unique.dedup();
    if unique.len() > 100 {
        return Err(ApiError::validation("supervises: at most 100 teams"));
    }
    if state.teams.count_of(&unique).await? != unique.len() as u64 {
        return Err(team_not_found());
    }
    Ok(())
}

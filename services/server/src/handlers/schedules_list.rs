//! `GET /api/schedules`

use actix_web::{get, web};
use vc_protocol::auth::Role;
use vc_protocol::schedule::{ScheduleList, ScheduleListQuery, ScheduledCall};
use vc_runtime::{ApiError, Staff};

use crate::schedule::Schedules;
use crate::schedule::store::{ListFilter, Scope};
use crate::store::InteractionDoc;

/// One booked call in a list.
pub(crate) fn scheduled_call(doc: &InteractionDoc) -> Option<ScheduledCall> {
    Some(ScheduledCall {
        interaction_id: doc.id,
        agent_id: doc.agent_id,
        agent_name: doc.agent_name.clone(),
        team_id: doc.team_id,
        client_name: doc.client_name.clone(),
        client_phone: doc.client_phone.clone(),
        client_email: doc.client_email.clone(),
        client_telegram: doc.client_telegram.clone(),
        schedule: doc.schedule.as_ref()?.view(),
    })
}

pub(crate) fn list_answer(docs: &[InteractionDoc], total: u64) -> ScheduleList {
    ScheduleList { items: docs.iter().filter_map(scheduled_call).collect(), total }
}

/// Booked calls, soonest first: an agent sees its own, a supervisor those
/// of its teams, admins all; filtered by time (`from` ≤ `at` < `to`),
/// agent, team and state.
#[utoipa::path(
    tag = "schedules",
    security(("bearer" = [])),
    params(ScheduleListQuery),
    responses(
        (status = 200, body = ScheduleList),
        (status = 400, body = vc_protocol::ErrorBody),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, description = "`forbidden`: another agent's (agent), a team outside the supervisor's", body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/schedules")]
pub async fn list_schedules(
    staff: Staff,
    schedules: web::Data<Schedules>,
    query: web::Query<ScheduleListQuery>,
) -> Result<web::Json<ScheduleList>, ApiError> {
    let q = query.into_inner();
    let scope = match staff.role {
        Role::Admin => Scope::All,
        Role::Supervisor => {
            if q.team_id.is_some_and(|t| !staff.claims.teams.contains(&t)) {
                return Err(ApiError::forbidden("this team is not one of yours"));
            }
            Scope::Teams { teams: staff.claims.teams.clone(), or_agent: staff.id }
        }
        Role::Agent => {
            if q.agent_id.is_some_and(|a| a != staff.id) {
                return Err(ApiError::forbidden("an agent sees only its own calls"));
            }
            Scope::Agent(staff.id)
        }
    };
    let filter = ListFilter {
        from: q.from,
        to: q.to,
        agent_id: q.agent_id,
        team_id: q.team_id,
        state: q.state,
        ..ListFilter::new(scope)
    };
    let (docs, total) =
        schedules.list(filter, q.limit.unwrap_or(50).clamp(1, 500), q.offset.unwrap_or(0)).await?;
    Ok(web::Json(list_answer(&docs, total)))
}

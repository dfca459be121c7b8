//! `GET /api/schedules/reminders`

use actix_web::{get, web};
use chrono::{Duration, Utc};
use vc_protocol::schedule::ScheduleList;
use vc_runtime::{ApiError, Staff};

use super::schedules_list::list_answer;
use crate::schedule::Schedules;
use crate::schedule::store::{ListFilter, Scope};

/// The calling agent's booked calls it was reminded of and that have not
/// started (nor been missed or cancelled), up to an hour ahead, soonest
/// first: what the console shows as "coming up". A reminder is also a
/// `reminder` event on the interaction's control channel.
#[utoipa::path(
    tag = "schedules",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ScheduleList),
        (status = 401, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/schedules/reminders")]
pub async fn reminders(
    staff: Staff,
    schedules: web::Data<Schedules>,
) -> Result<web::Json<ScheduleList>, ApiError> {
    let filter = ListFilter {
        to: Some(Utc::now() + Duration::hours(1)),
        reminded: true,
        ..ListFilter::new(Scope::Agent(staff.id))
    };
    let (docs, total) = schedules.list(filter, 100, 0).await?;
    Ok(web::Json(list_answer(&docs, total)))
}

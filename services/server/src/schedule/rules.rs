//! What a booking must satisfy: a time in the future, a real time zone, a
//! lead time within a week, a reachable contact on the channel, and an
//! agent who exists, is an agent, is active and is within the caller's
//! reach (docs/roles.md, docs/scheduling.md).

use chrono::{DateTime, Duration, Utc};
use vc_protocol::auth::Role;
use vc_protocol::msg::{Channel, GetChannels};
use vc_protocol::schedule::ScheduleState;
use vc_protocol::topics::{self, GetUser, UserSummary};
use vc_protocol::{ErrorCode, UserId};
use vc_runtime::{ApiError, BusError, Staff};

use crate::state::{PEER_SERVICE_TIMEOUT, ServerState, not_found};
use crate::store::{InteractionDoc, ScheduleDoc};

/// The longest lead time: a week.
pub const MAX_LEAD_MINUTES: u32 = 7 * 24 * 60;
pub const DEFAULT_LEAD_MINUTES: u32 = 15;

/// `at` must be in the future.
pub fn check_at(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    if at <= now {
        return Err(ApiError::validation(format!("at: {} is not in the future", at.to_rfc3339())));
    }
    Ok(at)
}

/// An IANA time zone name (`Europe/Moscow`), as chrono-tz spells it.
pub fn check_time_zone(zone: &str) -> Result<String, ApiError> {
    let zone = zone.trim();
    match zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => Ok(tz.name().to_owned()),
        Err(_) => Err(ApiError::validation(format!(
            "time_zone: {zone:?} is not an IANA time zone (e.g. Europe/Moscow)"
        ))),
    }
}

pub fn check_lead(minutes: u32) -> Result<u32, ApiError> {
    if minutes > MAX_LEAD_MINUTES {
        return Err(ApiError::validation(format!("lead_minutes: 0 to {MAX_LEAD_MINUTES} (a week)")));
    }
    Ok(minutes)
}

/// When the link goes out: `lead` before `at`, or now when that has passed.
pub fn send_at(at: DateTime<Utc>, lead_minutes: u32, now: DateTime<Utc>) -> DateTime<Utc> {
    (at - Duration::minutes(i64::from(lead_minutes))).max(now)
}

/// The client link of a booked call works until `at` + the link lifetime.
pub fn link_expires_at(state: &ServerState, at: DateTime<Utc>) -> DateTime<Utc> {
    at + Duration::seconds(state.cfg.link_ttl_secs as i64)
}

/// 409 `channel_not_configured` when vc-msg says the channel is not set up
/// (found out now rather than when the link is due). When vc-msg does not
/// answer, the booking goes ahead: the send is tried at its time.
pub async fn check_channel(state: &ServerState, channel: Channel) -> Result<(), ApiError> {
    match state
        .bus
        .request_with_timeout(&topics::msg::channels(), &GetChannels {}, PEER_SERVICE_TIMEOUT)
        .await
    {
        Ok(c) => {
            let on = match channel {
                Channel::Sms => c.sms,
                Channel::Telegram => c.telegram,
                Channel::Email => c.email,
                Channel::Webhook => c.webhook,
            };
            if on {
                Ok(())
            } else {
                Err(ApiError::new(
                    ErrorCode::ChannelNotConfigured,
                    format!("delivery by {} is not configured on this platform", channel.as_str()),
                ))
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "vc-msg did not say which channels it has; booking anyway");
            Ok(())
        }
    }
}

/// A staff user from vc-auth; `None` when there is no such user.
async fn user(state: &ServerState, id: UserId) -> Result<Option<UserSummary>, ApiError> {
    match state
        .bus
        .request_with_timeout(&topics::auth::get_user(), &GetUser { user_id: id }, PEER_SERVICE_TIMEOUT)
        .await
    {
        Ok(u) => Ok(Some(u)),
        Err(BusError::Remote { code, .. }) if code == "user_not_found" => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The agent a call is booked for (or reassigned to): `requested`, or the
/// caller. An agent books only for itself, a supervisor for agents of its
/// teams (and agents outside every team, docs/roles.md), an admin for any
/// agent (403 `forbidden`); the agent must exist, be an agent and be
/// active (422 `validation_failed`).
pub async fn agent_for(
    state: &ServerState,
    staff: &Staff,
    requested: Option<UserId>,
) -> Result<UserSummary, ApiError> {
    let target = requested.unwrap_or(staff.id);
    if staff.role == Role::Agent && target != staff.id {
        return Err(ApiError::forbidden("an agent books calls only for itself"));
    }
    let Some(u) = user(state, target).await? else {
        return Err(ApiError::validation(format!("agent_id: no user {target}")));
    };
    if u.role != Role::Agent {
        return Err(ApiError::validation(if requested.is_none() {
            "agent_id: name the agent the call is booked for".to_owned()
        } else {
            format!("agent_id: {} is not an agent", u.login)
        }));
    }
    if u.disabled {
        return Err(ApiError::validation(format!("agent_id: {} is disabled", u.login)));
    }
    if staff.role == Role::Supervisor && !u.team_id.is_none_or(|t| staff.claims.teams.contains(&t)) {
        return Err(ApiError::forbidden(format!("{} is not an agent of your teams", u.login)));
    }
    Ok(u)
}

pub fn display_name(u: &UserSummary) -> String {
    if u.name.trim().is_empty() { u.login.clone() } else { u.name.clone() }
}

pub fn not_scheduled(message: &str) -> ApiError {
    ApiError::new(ErrorCode::NotScheduled, message.to_owned())
}

/// The booked call, if `staff` reaches it (404 / 403), and its schedule
/// while it can still change (409 `not_scheduled`).
pub async fn load_open(
    state: &ServerState,
    staff: &Staff,
    id: vc_protocol::InteractionId,
) -> Result<(InteractionDoc, ScheduleDoc), ApiError> {
    let doc = state.interactions.get(id).await?.ok_or_else(not_found)?;
    if !staff.reaches(doc.agent_id, doc.team_id) {
        return Err(ApiError::forbidden("this call belongs to an agent outside your reach"));
    }
    let schedule = open_schedule(&doc)?.clone();
    Ok((doc, schedule))
}

/// The schedule of `doc` while it can still change.
pub fn open_schedule(doc: &InteractionDoc) -> Result<&ScheduleDoc, ApiError> {
    let Some(s) = &doc.schedule else { return Err(not_scheduled("this interaction is not a booked call")) };
    if !s.state.is_open() || doc.status.is_final() || doc.started_at.is_some() {
        let state =
            if doc.started_at.is_some() && s.state.is_open() { ScheduleState::Started } else { s.state };
        return Err(not_scheduled(&format!("this call is {} and can no longer change", state.as_str())));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_zones_and_leads_are_checked() {
        let now = Utc::now();
        assert!(check_at(now + Duration::minutes(1), now).is_ok());
        assert_eq!(check_at(now, now).unwrap_err().code, ErrorCode::ValidationFailed);
        assert_eq!(check_time_zone(" Europe/Moscow ").unwrap(), "Europe/Moscow");
        assert_eq!(check_time_zone("UTC").unwrap(), "UTC");
        for bad in ["Mars/Olympus", "", "+03:00", "europe/moscow!"] {
            let e = check_time_zone(bad).unwrap_err();
            assert!(e.message.contains("time_zone"), "{bad}: {}", e.message);
        }
        assert!(check_lead(0).is_ok());
        assert!(check_lead(MAX_LEAD_MINUTES).is_ok());
        assert!(check_lead(MAX_LEAD_MINUTES + 1).is_err());
    }

    #[test]
    fn the_link_goes_out_lead_minutes_before_or_now() {
        let now = Utc::now();
        let at = now + Duration::hours(2);
        assert_eq!(send_at(at, 15, now), at - Duration::minutes(15));
        assert_eq!(send_at(at, 0, now), at);
        assert_eq!(send_at(at, 600, now), now, "a lead longer than the time left: at once");
    }
}

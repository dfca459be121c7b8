//! The scheduler: every `tick_ms` each vc-server instance looks for due
//! work with indexed queries and does each step once, however many
//! instances look and whenever one dies:
//!
//! 1. settle: an open schedule whose client joined becomes `started`; one
//!    whose interaction ended by other means becomes `cancelled`;
//! 2. send: a `pending` call whose `send_at` passed is claimed (`link_sent`
//!    with a new delivery id, one write that only one instance wins), then
//!    handed to vc-msg under that id;
//! 3. hand over again: a claim vc-msg never confirmed (the instance died in
//!    between, or the answer was lost) is handed over again after
//!    `resend_after_secs` with the same id; vc-msg creates a delivery once
//!    per id, so the client gets one message;
//! 4. remind: a `link_sent` call at most `reminder_secs` away gets one
//!    `reminder` event (the write that sets `reminded_at` wins once);
//! 5. missed: an open call `missed_after_secs` past its time that nobody
//!    joined becomes `missed` and the interaction `failed` (`missed`).

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use vc_protocol::InteractionId;
use vc_protocol::interaction::{EventKind, InteractionStatus};
use vc_protocol::msg::DeliveryId;
use vc_protocol::schedule::ScheduleState;
use vc_runtime::ApiError;

use super::Schedules;
use super::notify::{self, Message};
use crate::state::ServerState;
use crate::store::{Change, InteractionDoc, to_bson, to_chrono};

/// Hand-overs to vc-msg under way at once.
const PARALLEL: usize = 8;

pub async fn run(state: Arc<ServerState>, schedules: Schedules) {
    let tick = StdDuration::from_millis(state.cfg.schedule.tick_ms.max(50));
    loop {
        tokio::time::sleep(tick).await;
        if let Err(e) = pass(&state, &schedules).await {
            tracing::warn!(error = %e, "scheduler pass not finished; going on at the next tick");
        }
    }
}

/// One look at everything due.
pub async fn pass(state: &ServerState, schedules: &Schedules) -> Result<(), ApiError> {
    let cfg = &state.cfg.schedule;
    for id in schedules.to_settle().await? {
        logged(id, "schedule not settled", settle(state, id).await);
    }
    let now = Utc::now();
    let due = schedules.due_sends(now).await?;
    futures_util::stream::iter(due)
        .for_each_concurrent(PARALLEL, |id| async move {
            if let Err(e) = send(state, schedules, id).await {
                tracing::warn!(interaction_id = %id, error = %e, "link not sent yet");
            }
        })
        .await;
    let before = Utc::now() - secs(cfg.resend_after_secs);
    let links = schedules.unconfirmed_links(before).await?;
    let cancellations = schedules.unconfirmed_cancellations(before).await?;
    let again = links
        .into_iter()
        .map(|d| (d, Message::Link))
        .chain(cancellations.into_iter().map(|d| (d, Message::Cancellation)));
    futures_util::stream::iter(again)
        .for_each_concurrent(PARALLEL, |(doc, what)| async move {
            if let Err(e) = hand_over_again(state, schedules, doc, what).await {
                tracing::warn!(error = %e, "message not handed over again yet");
            }
        })
        .await;
    let now = Utc::now();
    for id in schedules.due_reminders(now, secs(cfg.reminder_secs)).await? {
        logged(id, "reminder not logged yet", remind(state, id).await);
    }
    for id in schedules.overdue(Utc::now(), secs(cfg.missed_after_secs)).await? {
        logged(id, "missed call not marked yet", missed(state, id, secs(cfg.missed_after_secs)).await);
    }
    Ok(())
}

/// One item's failure does not hold up the others; it is tried again at
/// the next tick.
fn logged(id: InteractionId, what: &str, r: Result<(), ApiError>) {
    if let Err(e) = r {
        tracing::warn!(interaction_id = %id, error = %e, "{what}");
    }
}

fn secs(s: u64) -> Duration {
    Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1000))
}

fn schedule_event(state: ScheduleState, at: DateTime<Utc>) -> EventKind {
    EventKind::Schedule { state, at, agent_id: None }
}

/// What an open schedule becomes when its call started or its interaction
/// ended without the scheduler: `None` while neither happened.
pub fn settled(doc: &InteractionDoc) -> Option<ScheduleState> {
    let s = doc.schedule.as_ref()?;
    if !s.state.is_open() {
        return None;
    }
    if doc.started_at.is_some() {
        Some(ScheduleState::Started)
    } else if doc.status.is_final() {
        Some(ScheduleState::Cancelled)
    } else {
        None
    }
}

async fn settle(state: &ServerState, id: InteractionId) -> Result<(), ApiError> {
    let done = state
        .commit(id, |doc| {
            let next = settled(doc)?;
            let at = doc.schedule.as_ref().map(|s| to_chrono(s.at))?;
            let mut change =
                Change::default().set("schedule.state", next.as_str()).event(schedule_event(next, at));
            if next == ScheduleState::Cancelled {
                change = change
                    .set("schedule.cancelled_at", to_bson(Utc::now()))
                    .set("schedule.cancel_reason", doc.end_reason.clone().unwrap_or_else(|| "ended".into()));
            }
            Some(change)
        })
        .await?;
    if let Some((doc, true)) = done {
        tracing::info!(interaction_id = %id, state = ?doc.schedule.map(|s| s.state), "booked call settled");
    }
    Ok(())
}

/// Whether the link of `doc` is due now.
pub fn link_due(doc: &InteractionDoc, now: DateTime<Utc>) -> bool {
    doc.schedule.as_ref().is_some_and(|s| {
        s.state == ScheduleState::Pending
            && to_chrono(s.send_at) <= now
            && !doc.status.is_final()
            && doc.started_at.is_none()
    })
}

/// Claims the due link under a new delivery id (one instance wins), then
/// hands it to vc-msg.
async fn send(state: &ServerState, schedules: &Schedules, id: InteractionId) -> Result<(), ApiError> {
    let delivery_id = DeliveryId::new();
    let claimed = state
        .commit(id, |doc| {
            let now = Utc::now();
            if !link_due(doc, now) {
                return None;
            }
            let at = doc.schedule.as_ref().map(|s| to_chrono(s.at))?;
            Some(
                Change::default()
                    .set("schedule.state", ScheduleState::LinkSent.as_str())
                    .set("schedule.delivery_id", delivery_id.to_string())
                    .set("schedule.delivery_confirmed", false)
                    .set("schedule.claimed_at", to_bson(now))
                    .set("schedule.link_sent_at", to_bson(now))
                    .event(schedule_event(ScheduleState::LinkSent, at)),
            )
        })
        .await?;
    let Some((doc, true)) = claimed else { return Ok(()) };
    if doc.schedule.as_ref().and_then(|s| s.delivery_id) != Some(delivery_id) {
        return Ok(());
    }
    tracing::info!(interaction_id = %id, %delivery_id, "booked call's link is due; sending");
    notify::hand_over(state, schedules, &doc, Message::Link).await;
    Ok(())
}

/// A hand-over vc-msg did not confirm: again, with the same delivery id,
/// by the one instance whose re-claim wins.
async fn hand_over_again(
    state: &ServerState,
    schedules: &Schedules,
    doc: InteractionDoc,
    what: Message,
) -> Result<(), ApiError> {
    let Some(s) = &doc.schedule else { return Ok(()) };
    let (delivery_id, claimed_at) = match (what, s.claimed_at) {
        (Message::Link, Some(c)) => (s.delivery_id, c),
        (Message::Cancellation, Some(c)) => (s.cancel_delivery_id, c),
        _ => return Ok(()),
    };
    let Some(delivery_id) = delivery_id else { return Ok(()) };
    if !schedules.reclaim(doc.id, what == Message::Cancellation, delivery_id, claimed_at).await? {
        return Ok(());
    }
    tracing::info!(interaction_id = %doc.id, %delivery_id, "handing an unconfirmed message to vc-msg again");
    notify::hand_over(state, schedules, &doc, what).await;
    Ok(())
}

/// Whether the agent of `doc` is due its reminder.
pub fn reminder_due(doc: &InteractionDoc, now: DateTime<Utc>, lead: Duration) -> bool {
    doc.schedule.as_ref().is_some_and(|s| {
        s.state == ScheduleState::LinkSent
            && s.reminded_at.is_none()
            && to_chrono(s.at) - lead <= now
            && !doc.status.is_final()
            && doc.started_at.is_none()
    })
}

async fn remind(state: &ServerState, id: InteractionId) -> Result<(), ApiError> {
    let lead = secs(state.cfg.schedule.reminder_secs);
    let done = state
        .commit(id, |doc| {
            let now = Utc::now();
            if !reminder_due(doc, now, lead) {
                return None;
            }
            let at = doc.schedule.as_ref().map(|s| to_chrono(s.at))?;
            Some(
                Change::default().set("schedule.reminded_at", to_bson(now)).event(EventKind::Reminder { at }),
            )
        })
        .await?;
    if let Some((doc, true)) = done {
        tracing::info!(interaction_id = %id, agent_id = %doc.agent_id, "agent reminded of a booked call");
    }
    Ok(())
}

/// Whether `doc` is a booked call nobody joined within `grace` of its time.
pub fn is_missed(doc: &InteractionDoc, now: DateTime<Utc>, grace: Duration) -> bool {
    doc.schedule.as_ref().is_some_and(|s| {
        s.state.is_open()
            && to_chrono(s.at) + grace <= now
            && matches!(doc.status, InteractionStatus::Created | InteractionStatus::Waiting)
            && doc.started_at.is_none()
    })
}

async fn missed(state: &ServerState, id: InteractionId, grace: Duration) -> Result<(), ApiError> {
    let done = state
        .commit(id, |doc| {
            let now = Utc::now();
            if !is_missed(doc, now, grace) {
                return None;
            }
            let at = doc.schedule.as_ref().map(|s| to_chrono(s.at))?;
            Some(
                Change::default()
                    .set("schedule.state", ScheduleState::Missed.as_str())
                    .set("ended_at", to_bson(now))
                    .set("end_reason", "missed")
                    .event(schedule_event(ScheduleState::Missed, at))
                    .status(InteractionStatus::Failed, Some("missed".into())),
            )
        })
        .await?;
    if let Some((_, true)) = done {
        tracing::info!(interaction_id = %id, "booked call missed: nobody joined");
        state.close_room(id, "missed");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use vc_protocol::UserId;
    use vc_protocol::interaction::{MaxQuality, Presence, VideoMode};
    use vc_protocol::msg::{Channel, Language};

    use super::*;
    use crate::store::{PeerMediaDoc, ScheduleDoc};

    fn booked(at: DateTime<Utc>, send_at: DateTime<Utc>, state: ScheduleState) -> InteractionDoc {
        let now = to_bson(Utc::now());
        InteractionDoc {
            id: InteractionId::new(),
            status: InteractionStatus::Created,
            agent_id: UserId::new(),
            agent_name: "Ann".into(),
            client_name: None,
            client_phone: Some("+79161234567".into()),
            client_email: None,
            client_telegram: None,
            video_mode: VideoMode::TwoWay,
            max_quality: MaxQuality::P720,
            created_at: now,
            updated_at: now,
            link_hash: String::new(),
            link_expires_at: now,
            short_url: None,
            started_at: None,
            ended_at: None,
            end_reason: None,
            media: Presence::default(),
            peer_media: PeerMediaDoc::default(),
            join_tap_ms: None,
            chat_read: Default::default(),
            next_seq: 2,
            record: false,
            recording: None,
            team_id: None,
            features: Default::default(),
            custom_fields: Default::default(),
            custom_search: Default::default(),
            survey: None,
            client_user_agent: None,
            metrics: None,
            schedule: Some(ScheduleDoc {
                at: to_bson(at),
                time_zone: "Europe/Moscow".into(),
                send_via: Channel::Sms,
                language: Language::Ru,
                lead_minutes: 15,
                state,
                created_by: UserId::new(),
                send_at: to_bson(send_at),
                link_sent_at: None,
                delivery_id: None,
                reminded_at: None,
                cancelled_at: None,
                cancel_reason: None,
                delivery_confirmed: false,
                claimed_at: None,
                cancel_delivery_id: None,
                cancel_confirmed: false,
            }),
            events: Vec::new(),
        }
    }

    #[test]
    fn a_link_is_due_once_at_its_time_and_only_for_a_call_still_ahead() {
        let now = Utc::now();
        let at = now + Duration::minutes(10);
        assert!(!link_due(&booked(at, now + Duration::minutes(1), ScheduleState::Pending), now));
        assert!(link_due(&booked(at, now, ScheduleState::Pending), now));
        assert!(!link_due(&booked(at, now, ScheduleState::LinkSent), now), "claimed: not again");
        let mut ended = booked(at, now, ScheduleState::Pending);
        ended.status = InteractionStatus::Ended;
        assert!(!link_due(&ended, now));
        let mut joined = booked(at, now, ScheduleState::Pending);
        joined.started_at = Some(to_bson(now));
        assert!(!link_due(&joined, now));
    }

    #[test]
    fn the_reminder_comes_once_and_not_before_the_link() {
        let now = Utc::now();
        let five = Duration::minutes(5);
        let soon = booked(now + Duration::minutes(3), now, ScheduleState::LinkSent);
        assert!(reminder_due(&soon, now, five));
        assert!(!reminder_due(&booked(now + Duration::minutes(3), now, ScheduleState::Pending), now, five));
        assert!(!reminder_due(&booked(now + Duration::minutes(30), now, ScheduleState::LinkSent), now, five));
        let mut reminded = soon.clone();
        if let Some(s) = reminded.schedule.as_mut() {
            s.reminded_at = Some(to_bson(now));
        }
        assert!(!reminder_due(&reminded, now, five));
    }

    #[test]
    fn a_call_nobody_joined_is_missed_after_the_grace() {
        let now = Utc::now();
        let grace = Duration::minutes(30);
        let past = booked(now - Duration::minutes(31), now - Duration::hours(1), ScheduleState::LinkSent);
        assert!(is_missed(&past, now, grace));
        let recent = booked(now - Duration::minutes(29), now - Duration::hours(1), ScheduleState::LinkSent);
        assert!(!is_missed(&recent, now, grace));
        let mut active = past.clone();
        active.status = InteractionStatus::Active;
        active.started_at = Some(to_bson(now));
        assert!(!is_missed(&active, now, grace));
        assert_eq!(settled(&active), Some(ScheduleState::Started));
        let mut ended = past.clone();
        ended.status = InteractionStatus::Ended;
        assert_eq!(settled(&ended), Some(ScheduleState::Cancelled));
        assert_eq!(settled(&past), None);
    }
}

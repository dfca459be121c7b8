//! What the interaction's event log says: when each step of the call
//! happened, who ended it and why, and how often media reconnected.

use chrono::{DateTime, Utc};
use vc_protocol::interaction::{EndedBy, EventKind, Interaction, InteractionEvent, InteractionStatus, Party};
use vc_protocol::msg::DeliveryStatus;
use vc_protocol::stat::{CallTiming, Reconnects};

/// The moments of a call, from its log.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Milestones {
    /// The first delivery of the link the provider accepted (`sent` or
    /// `delivered`); `None` when the link was only copied.
    pub link_sent: Option<DateTime<Utc>>,
    /// `link_sent`, else the interaction's creation.
    pub base: DateTime<Utc>,
    pub link_opened: Option<DateTime<Utc>>,
    pub joined: Option<DateTime<Utc>>,
    /// Both parties' media connected: `started_at`, else the first `active`.
    pub active: Option<DateTime<Utc>>,
    /// `ended_at`, else the final status change, else the `ended` event.
    pub ended: Option<DateTime<Utc>>,
}

/// The log oldest first (it is kept so; sorted again to be sure).
fn sorted(i: &Interaction) -> Vec<&InteractionEvent> {
    let mut events: Vec<&InteractionEvent> = i.events.iter().collect();
    events.sort_by_key(|e| e.seq);
    events
}

fn first_at(events: &[&InteractionEvent], pred: impl Fn(&EventKind) -> bool) -> Option<DateTime<Utc>> {
    events.iter().find(|e| pred(&e.event)).map(|e| e.at)
}

impl Milestones {
    pub fn of(i: &Interaction) -> Self {
        let events = sorted(i);
        let link_sent = first_at(&events, |e| {
            matches!(e, EventKind::Delivery { status: DeliveryStatus::Sent | DeliveryStatus::Delivered, .. })
        });
        let active = i.started_at.or_else(|| {
            first_at(&events, |e| matches!(e, EventKind::Status { status: InteractionStatus::Active, .. }))
        });
        let ended = i
            .ended_at
            .or_else(|| {
                first_at(&events, |e| matches!(e, EventKind::Status { status, .. } if status.is_final()))
            })
            .or_else(|| first_at(&events, |e| matches!(e, EventKind::Ended { .. })));
        Self {
            link_sent,
            base: link_sent.unwrap_or(i.created_at),
            link_opened: first_at(&events, |e| matches!(e, EventKind::LinkOpened)),
            joined: first_at(&events, |e| matches!(e, EventKind::ConsentGiven)),
            active,
            ended,
        }
    }

    pub fn timing(&self) -> CallTiming {
        let from_base = |t: Option<DateTime<Utc>>| t.map(|t| seconds(self.base, t));
        CallTiming {
            link_sent_at: self.link_sent,
            to_link_opened_s: from_base(self.link_opened),
            to_joined_s: from_base(self.joined),
            to_connected_s: from_base(self.active),
            waiting_s: self.joined.zip(self.active).map(|(j, a)| seconds(j, a)),
            talk_s: self.active.zip(self.ended).map(|(a, e)| seconds(a, e)),
        }
    }
}

/// Seconds from `from` to `to`; a step logged before its reference (a
/// copied link opened before an SMS went out) counts as 0.
fn seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    ((to - from).num_milliseconds() as f64 / 1000.0).max(0.0)
}

/// Who ended the call and why: the last `ended` event; the reason falls
/// back to the final status change's, then to the interaction's.
pub fn ending(i: &Interaction) -> (Option<EndedBy>, Option<String>) {
    let events = sorted(i);
    let ended = events.iter().rev().find_map(|e| match &e.event {
        EventKind::Ended { by, reason } => Some((*by, reason.clone())),
        _ => None,
    });
    let status_reason = events.iter().rev().find_map(|e| match &e.event {
        EventKind::Status { status, reason } if status.is_final() => reason.clone(),
        _ => None,
    });
    let by = ended.as_ref().map(|(by, _)| *by);
    let reason = ended.and_then(|(_, r)| r).or(status_reason).or_else(|| i.end_reason.clone());
    (by, reason)
}

/// Media connections of each party after its first one.
pub fn reconnects(i: &Interaction) -> Reconnects {
    let connects = |party: Party| {
        i.events
            .iter()
            .filter(|e| matches!(e.event, EventKind::Media { party: p, connected: true } if p == party))
            .count()
    };
    let after_first = |n: usize| u32::try_from(n.saturating_sub(1)).unwrap_or(u32::MAX);
    Reconnects { agent: after_first(connects(Party::Agent)), client: after_first(connects(Party::Client)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::testing::{at, event, interaction};
    use vc_protocol::ids::DeliveryId;
    use vc_protocol::msg::Channel;

    fn delivery(status: DeliveryStatus) -> EventKind {
        EventKind::Delivery {
            delivery_id: DeliveryId::new(),
            channel: Channel::Sms,
            status,
            reason: None,
            detail: None,
            start_url: None,
        }
    }

    #[test]
    fn steps_count_from_the_sent_link() {
        let mut i = interaction(0);
        i.events = vec![
            event(1, 0, EventKind::Status { status: InteractionStatus::Created, reason: None }),
            event(2, 1, delivery(DeliveryStatus::Queued)),
            event(3, 2, delivery(DeliveryStatus::Sent)),
            event(4, 9, delivery(DeliveryStatus::Delivered)),
            event(5, 32, EventKind::LinkOpened),
            event(6, 40, EventKind::ConsentGiven),
            event(7, 47, EventKind::Status { status: InteractionStatus::Active, reason: None }),
            event(8, 347, EventKind::Ended { by: EndedBy::Agent, reason: None }),
            event(
                9,
                347,
                EventKind::Status { status: InteractionStatus::Ended, reason: Some("done".into()) },
            ),
        ];
        i.started_at = Some(at(47));
        i.ended_at = Some(at(347));
        let m = Milestones::of(&i);
        assert_eq!(
            m.timing(),
            CallTiming {
                link_sent_at: Some(at(2)),
                to_link_opened_s: Some(30.0),
                to_joined_s: Some(38.0),
                to_connected_s: Some(45.0),
                waiting_s: Some(7.0),
                talk_s: Some(300.0),
            }
        );
        assert_eq!(ending(&i), (Some(EndedBy::Agent), Some("done".into())));
    }

    #[test]
    fn a_copied_link_counts_from_creation_and_missing_steps_are_none() {
        let mut i = interaction(0);
        i.events = vec![
            event(1, 5, delivery(DeliveryStatus::Failed)),
            event(2, 20, EventKind::LinkOpened),
            event(
                3,
                600,
                EventKind::Status { status: InteractionStatus::Failed, reason: Some("expired".into()) },
            ),
        ];
        let m = Milestones::of(&i);
        let t = m.timing();
        assert_eq!(t.link_sent_at, None);
        assert_eq!(t.to_link_opened_s, Some(20.0));
        assert_eq!((t.to_joined_s, t.to_connected_s, t.waiting_s, t.talk_s), (None, None, None, None));
        assert_eq!(m.ended, Some(at(600)));
        assert_eq!(ending(&i), (None, Some("expired".into())));
    }

    #[test]
    fn active_comes_from_the_log_when_started_at_is_missing() {
        let mut i = interaction(0);
        i.events = vec![
            event(1, 10, EventKind::ConsentGiven),
            event(2, 12, EventKind::Status { status: InteractionStatus::Active, reason: None }),
        ];
        i.ended_at = Some(at(72));
        i.end_reason = Some("agent_left".into());
        let t = Milestones::of(&i).timing();
        assert_eq!((t.waiting_s, t.talk_s), (Some(2.0), Some(60.0)));
        assert_eq!(ending(&i), (None, Some("agent_left".into())));
    }

    #[test]
    fn reconnects_are_connections_after_the_first() {
        let media = |party, connected| EventKind::Media { party, connected };
        let mut i = interaction(0);
        i.events = vec![
            event(1, 1, media(Party::Agent, true)),
            event(2, 2, media(Party::Client, true)),
            event(3, 3, media(Party::Client, false)),
            event(4, 4, media(Party::Client, true)),
            event(5, 5, media(Party::Client, false)),
            event(6, 6, media(Party::Client, true)),
        ];
        assert_eq!(reconnects(&i), Reconnects { agent: 0, client: 2 });
        assert_eq!(reconnects(&interaction(0)), Reconnects::default());
    }
}

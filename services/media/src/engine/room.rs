//! A room: at most one agent and one client, the call's settings, and the
//! grace period of a party that dropped.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use vc_protocol::interaction::{MaxQuality, Party, VideoMode};
use vc_protocol::{InteractionId, PeerId};

/// What a room token (or vc-server's open request) says about the call.
#[derive(Debug, Clone, Copy)]
pub struct RoomSettings {
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
    pub record: bool,
    /// Relay the `collab` channel (the pointer function is on).
    pub pointer: bool,
}

#[derive(Debug)]
pub struct Room {
    pub id: InteractionId,
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
    /// The call's tracks are recorded (raw files for vc-records).
    pub record: bool,
    /// The `collab` channel (the pointer) is relayed.
    pub pointer: bool,
    /// The client's media has arrived: recording runs (it starts with the
    /// client, so an agent waiting alone is not recorded).
    pub recording_started: bool,
    agent: Option<PeerId>,
    client: Option<PeerId>,
    /// Since when a party that was in the room has no working connection.
    absent_since: HashMap<Party, Instant>,
    /// Parties whose grace period ran out (reported once).
    timed_out: Vec<Party>,
    /// Last time anyone was in the room, for clean-up of abandoned rooms.
    pub last_activity: Instant,
}

impl Room {
    pub fn new(id: InteractionId, video_mode: VideoMode, max_quality: MaxQuality, now: Instant) -> Self {
        Self {
            id,
            video_mode,
            max_quality,
            record: false,
            pointer: true,
            recording_started: false,
            agent: None,
            client: None,
            absent_since: HashMap::new(),
            timed_out: Vec::new(),
            last_activity: now,
        }
    }

    pub fn peer(&self, role: Party) -> Option<PeerId> {
        match role {
            Party::Agent => self.agent,
            Party::Client => self.client,
        }
    }

    /// Seats `peer` in the role; returns the peer it replaces, if any.
    pub fn seat(&mut self, role: Party, peer: PeerId, now: Instant) -> Option<PeerId> {
        self.last_activity = now;
        self.timed_out.retain(|r| *r != role);
        let slot = match role {
            Party::Agent => &mut self.agent,
            Party::Client => &mut self.client,
        };
        slot.replace(peer).filter(|old| *old != peer)
    }

    /// Frees the role if `peer` still holds it.
    pub fn unseat(&mut self, role: Party, peer: PeerId, now: Instant) {
        self.last_activity = now;
        let slot = match role {
            Party::Agent => &mut self.agent,
            Party::Client => &mut self.client,
        };
        if *slot == Some(peer) {
            *slot = None;
        }
    }

    /// The party's media is up again (or for the first time).
    pub fn present(&mut self, role: Party) {
        self.absent_since.remove(&role);
        self.timed_out.retain(|r| *r != role);
    }

    /// The party's media went away: its grace period starts (unless running).
    pub fn absent(&mut self, role: Party, now: Instant) {
        self.last_activity = now;
        self.absent_since.entry(role).or_insert(now);
    }

    /// Parties whose grace period has just run out.
    pub fn expired(&mut self, grace: Duration, now: Instant) -> Vec<Party> {
        let due: Vec<Party> = self
            .absent_since
            .iter()
            .filter(|(role, since)| now.duration_since(**since) >= grace && !self.timed_out.contains(role))
            .map(|(role, _)| *role)
            .collect();
        self.timed_out.extend(due.iter().copied());
        due
    }

    pub fn is_empty(&self) -> bool {
        self.agent.is_none() && self.client.is_none()
    }

    /// Whether media of `kind` from `from` is forwarded in this room.
    pub fn forwards_video_from(&self, from: Party) -> bool {
        !(from == Party::Agent && self.video_mode == VideoMode::OneWay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> Room {
        Room::new(InteractionId::new(), VideoMode::TwoWay, MaxQuality::P720, Instant::now())
    }

    #[test]
    fn a_second_peer_of_a_role_replaces_the_first() {
        let mut r = room();
        let now = Instant::now();
        let (a, b) = (PeerId::new(), PeerId::new());
        assert_eq!(r.seat(Party::Client, a, now), None);
        assert_eq!(r.seat(Party::Client, b, now), Some(a));
        // The replaced peer leaving does not free the role.
        r.unseat(Party::Client, a, now);
        assert_eq!(r.peer(Party::Client), Some(b));
        r.unseat(Party::Client, b, now);
        assert!(r.is_empty());
    }

    #[test]
    fn grace_period_expires_once_and_is_cancelled_by_return() {
        let mut r = room();
        let t0 = Instant::now();
        let grace = Duration::from_secs(60);
        r.absent(Party::Client, t0);
        assert!(r.expired(grace, t0 + Duration::from_secs(59)).is_empty());
        assert_eq!(r.expired(grace, t0 + Duration::from_secs(60)), vec![Party::Client]);
        assert!(r.expired(grace, t0 + Duration::from_secs(90)).is_empty(), "reported once");

        r.absent(Party::Agent, t0);
        r.present(Party::Agent);
        assert!(r.expired(grace, t0 + Duration::from_secs(120)).is_empty());
    }

    #[test]
    fn one_way_rooms_drop_agent_video() {
        let mut r = room();
        assert!(r.forwards_video_from(Party::Agent));
        r.video_mode = VideoMode::OneWay;
        assert!(!r.forwards_video_from(Party::Agent));
        assert!(r.forwards_video_from(Party::Client));
    }
}

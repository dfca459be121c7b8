//! Rooms opening, changing and closing, and parties joining them: the
//! engine's answers to vc-server's room requests and to signaling joins.

use std::time::Instant;

use tokio::sync::mpsc;
use vc_protocol::interaction::{MaxQuality, Party, VideoMode};
use vc_protocol::media::{MediaEventKind, SignalOut};
use vc_protocol::{InteractionId, PeerId};

use super::Engine;
use super::peer::Peer;
use super::room::{self, Room};

impl Engine {
    pub(super) fn open_room(&mut self, id: InteractionId, settings: room::RoomSettings, now: Instant) {
        let room::RoomSettings { video_mode, max_quality, record, pointer } = settings;
        let recording = record && self.recorder.is_some();
        let room = self.rooms.entry(id).or_insert_with(|| {
            tracing::info!(room = %id, record = recording, pointer, "room opened");
            Room::new(id, video_mode, max_quality, now)
        });
        room.record |= recording;
        room.pointer = pointer;
    }

    pub(super) fn update_room(
        &mut self,
        id: InteractionId,
        video_mode: VideoMode,
        max_quality: MaxQuality,
        now: Instant,
    ) -> bool {
        let Some(room) = self.rooms.get_mut(&id) else { return false };
        let was_one_way = room.video_mode == VideoMode::OneWay;
        room.video_mode = video_mode;
        room.max_quality = max_quality;
        tracing::info!(room = %id, ?video_mode, ?max_quality, "room settings changed");
        // Agent video starts flowing again: the client needs a keyframe.
        if was_one_way && video_mode == VideoMode::TwoWay {
            self.request_keyframe(id, Party::Agent, now);
        }
        self.send_remb(id, now);
        true
    }

    pub(super) fn close_room(&mut self, id: InteractionId, reason: &str, now: Instant) {
        let Some(room) = self.rooms.remove(&id) else { return };
        for role in [Party::Agent, Party::Client] {
            if let Some(peer) = room.peer(role) {
                self.remove_peer(peer, reason, now);
            }
        }
        if room.record
            && let Some(rec) = self.recorder.as_mut()
        {
            rec.close_room(id);
        }
        tracing::info!(room = %id, reason, "room closed");
        self.emit(id, MediaEventKind::Closed { reason: reason.to_owned() });
    }

    pub(super) fn join(
        &mut self,
        room_id: InteractionId,
        role: Party,
        settings: room::RoomSettings,
        out: mpsc::UnboundedSender<SignalOut>,
        now: Instant,
    ) -> PeerId {
        // A valid room token is enough to (re)create the room: a gateway
        // restart does not strand a call (nor its recording).
        self.open_room(room_id, settings, now);
        let peer = Peer::new(room_id, role, out, now);
        let id = peer.id;
        let replaced = self.rooms.get_mut(&room_id).and_then(|r| r.seat(role, id, now));
        if let Some(old) = replaced {
            if let Some(p) = self.peers.get(&old) {
                p.send(SignalOut::Closed { reason: "replaced".into() });
            }
            self.remove_peer(old, "replaced", now);
        }
        let other_present = self.rooms.get(&room_id).and_then(|r| r.peer(role.other())).is_some();
        peer.send(SignalOut::Joined { peer_id: id, role, other_present });
        self.by_ufrag.insert(peer.ufrag.clone(), id);
        self.peers.insert(id, Box::new(peer));
        if let Some(other) = self.rooms.get(&room_id).and_then(|r| r.peer(role.other()))
            && let Some(p) = self.peers.get(&other)
        {
            p.send(SignalOut::Peer { role, present: true });
        }
        tracing::info!(room = %room_id, peer = %id, role = role.as_str(), "peer joined");
        self.emit(room_id, MediaEventKind::PeerJoined { role, peer_id: id });
        id
    }
}

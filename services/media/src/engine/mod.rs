//! The gateway's engine: one task owns the UDP socket, every room and every
//! peer connection. Datagrams are routed to their peer (ICE-lite username,
//! then source address), the sans-I/O core is driven, and media (and
//! `collab` data-channel messages) read from one party are written straight
//! into the other party's connection.
//!
//! It talks to the outside only through [`Command`]s in and [`MediaEvent`]s
//! and [`SignalOut`] frames out; it knows nothing of HTTP or MQTT.

mod api;
mod data;
mod lifecycle;
mod media;
mod metrics;
pub mod peer;
pub mod room;
mod socket;
pub mod stats;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use rtc::peer_connection::event::{RTCPeerConnectionEvent, RTCTrackEvent};
use rtc::peer_connection::message::{RTCMessage, TaggedRTCMessage};
use rtc::peer_connection::state::{RTCIceConnectionState, RTCPeerConnectionState};
use rtc::sansio::Protocol;
use rtc::shared::{TaggedBytesMut, TransportContext, TransportProtocol};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use vc_protocol::media::{MediaEvent, MediaEventKind, SignalIn, SignalOut};
use vc_protocol::{InteractionId, PeerId};

use crate::forward::demux::{PacketClass, binding_request_local_ufrag, classify};
use crate::record::Recorder;
pub use api::{Census, Command, EngineConfig, EngineGone, EngineHandle, RecordingSetup};
pub use metrics::MediaMetrics;
use peer::{Endpoint, Peer};
use room::Room;
pub use socket::{SOCKET_BUFFER, bind_udp};

/// Binds the socket and starts the engine task.
pub async fn spawn(
    cfg: EngineConfig,
    events: mpsc::UnboundedSender<MediaEvent>,
) -> std::io::Result<(EngineHandle, tokio::task::JoinHandle<()>)> {
    let socket = bind_udp(cfg.bind)?;
    let local_addr = socket.local_addr()?;
    let mut advertised = cfg.advertised.clone();
    if advertised.is_empty() {
        advertised.push(local_addr.ip());
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let recorder = match &cfg.recording {
        Some(r) => Some(Recorder::start(r.dir.clone(), r.gateway_id.clone(), r.metrics.clone())?),
        None => None,
    };
    let engine = Engine {
        recorder,
        socket: Arc::new(socket),
        local_addr,
        endpoint: Endpoint { advertised, port: local_addr.port() },
        cfg,
        rooms: HashMap::new(),
        peers: HashMap::new(),
        by_ufrag: HashMap::new(),
        by_addr: HashMap::new(),
        dirty: HashSet::new(),
        events,
        next_tick: Instant::now(),
        next_stats: Instant::now(),
    };
    let task = tokio::spawn(engine.run(rx));
    Ok((EngineHandle { tx, local_addr }, task))
}

pub(crate) struct Engine {
    socket: Arc<UdpSocket>,
    local_addr: SocketAddr,
    endpoint: Endpoint,
    cfg: EngineConfig,
    rooms: HashMap<InteractionId, Room>,
    /// Boxed: a peer (its whole WebRTC connection) is moved out and back
    /// in for every datagram it handles (`drain`), and a box moves cheaply.
    peers: HashMap<PeerId, Box<Peer>>,
    /// Writes recorded tracks (when recording is set up).
    recorder: Option<Recorder>,
    by_ufrag: HashMap<String, PeerId>,
    by_addr: HashMap<SocketAddr, PeerId>,
    /// Peers whose connection may have output to drain.
    dirty: HashSet<PeerId>,
    events: mpsc::UnboundedSender<MediaEvent>,
    next_tick: Instant,
    next_stats: Instant,
}

const TICK: Duration = Duration::from_millis(500);
/// Datagrams handled in one turn of the loop at most.
const RECV_BATCH: usize = 32;

impl Engine {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        let socket = self.socket.clone();
        let mut buf = vec![0u8; 2048];
        loop {
            let deadline = self.next_deadline();
            tokio::select! {
                biased;
                cmd = rx.recv() => match cmd {
                    Some(cmd) => self.on_command(cmd, Instant::now()),
                    None => break,
                },
                r = socket.recv_from(&mut buf) => match r {
                    Ok((n, from)) => {
                        let now = Instant::now();
                        self.on_datagram(&buf[..n], from, now);
                        // What else is queued is handled before draining, so
                        // a burst costs one drain per peer, not one a datagram.
                        for _ in 1..RECV_BATCH {
                            let Ok((n, from)) = socket.try_recv_from(&mut buf) else { break };
                            self.on_datagram(&buf[..n], from, now);
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "UDP receive error"),
                },
                _ = tokio::time::sleep_until(deadline.into()) => self.on_timeout(Instant::now()),
            }
            self.drain_dirty();
        }
        let ids: Vec<PeerId> = self.peers.keys().copied().collect();
        for id in ids {
            self.remove_peer(id, "shutdown", Instant::now());
        }
        self.drain_dirty();
    }

    fn next_deadline(&self) -> Instant {
        let mut next = self.next_tick.min(self.next_stats);
        for peer in self.peers.values() {
            if let Some(t) = peer.next_timeout {
                next = next.min(t);
            }
        }
        next
    }

    fn emit(&self, room: InteractionId, event: MediaEventKind) {
        let _ = self.events.send(MediaEvent { room_id: room, at: chrono::Utc::now(), event });
    }

    fn on_command(&mut self, cmd: Command, now: Instant) {
        match cmd {
            Command::OpenRoom { room, video_mode, max_quality, record, pointer, reply } => {
                self.open_room(room, room::RoomSettings { video_mode, max_quality, record, pointer }, now);
                let _ = reply.send(());
            }
            Command::UpdateRoom { room, video_mode, max_quality, reply } => {
                let found = self.update_room(room, video_mode, max_quality, now);
                let _ = reply.send(found);
            }
            Command::CloseRoom { room, reason, reply } => {
                self.close_room(room, &reason, now);
                let _ = reply.send(());
            }
            Command::Join { room, role, video_mode, max_quality, record, pointer, out, reply } => {
                let settings = room::RoomSettings { video_mode, max_quality, record, pointer };
                let id = self.join(room, role, settings, out, now);
                let _ = reply.send(id);
            }
            Command::Signal { peer, msg } => self.on_signal(peer, msg, now),
            Command::SocketClosed { peer } => {
                if let Some(p) = self.peers.get_mut(&peer) {
                    p.out = None;
                    // Without signaling the page cannot renegotiate; it will
                    // rejoin. Until then media keeps flowing, and a page that
                    // never comes back is timed out by the grace period.
                    let (room, role) = (p.room, p.role);
                    if !p.connected
                        && let Some(r) = self.rooms.get_mut(&room)
                    {
                        r.absent(role, now);
                    }
                }
            }
            Command::Census { reply } => {
                let _ = reply.send(Census {
                    rooms: self.rooms.len(),
                    peers: self.peers.len(),
                    connections: self.peers.values().filter(|p| p.pc.is_some()).count(),
                });
            }
        }
    }

    fn on_signal(&mut self, id: PeerId, msg: SignalIn, now: Instant) {
        let endpoint = &self.endpoint;
        let Some(peer) = self.peers.get_mut(&id) else { return };
        let result = match msg {
            SignalIn::Offer { sdp } => peer.on_offer(sdp, endpoint, now).map(|answer| {
                peer.send(SignalOut::Answer { sdp: answer });
            }),
            SignalIn::Answer { sdp } => peer.on_answer(sdp, now),
            SignalIn::Candidate { candidate } => peer.on_candidate(candidate),
            SignalIn::Ping => {
                peer.send(SignalOut::Pong);
                Ok(())
            }
            SignalIn::Join { .. } => {
                peer.send(SignalOut::Error {
                    code: "already_joined".into(),
                    message: "this socket already joined".into(),
                });
                Ok(())
            }
        };
        if let Err(e) = result {
            tracing::warn!(peer = %id, error = %e, "signaling message failed");
            peer.send(SignalOut::Error { code: "negotiation_failed".into(), message: e.to_string() });
        }
        self.dirty.insert(id);
    }

    fn on_datagram(&mut self, data: &[u8], from: SocketAddr, now: Instant) {
        let peer = match classify(data) {
            PacketClass::Stun => {
                let by_name = binding_request_local_ufrag(data).and_then(|u| self.by_ufrag.get(u)).copied();
                if let Some(id) = by_name {
                    // Checks from a new address of the peer: remember it.
                    if self.by_addr.insert(from, id) != Some(id)
                        && let Some(p) = self.peers.get_mut(&id)
                    {
                        p.addresses.push(from);
                    }
                    Some(id)
                } else {
                    self.by_addr.get(&from).copied()
                }
            }
            PacketClass::Dtls | PacketClass::Media => self.by_addr.get(&from).copied(),
            PacketClass::Other => None,
        };
        let Some(id) = peer else { return };
        let local_addr = self.local_addr;
        let Some(pc) = self.peers.get_mut(&id).and_then(|p| p.pc.as_mut()) else { return };
        let msg = TaggedBytesMut {
            now,
            transport: TransportContext {
                local_addr,
                peer_addr: from,
                ecn: None,
                transport_protocol: TransportProtocol::UDP,
            },
            message: BytesMut::from(data),
        };
        if let Err(e) = pc.handle_read(msg) {
            tracing::trace!(peer = %id, error = %e, "packet refused");
        }
        self.dirty.insert(id);
    }

    fn on_timeout(&mut self, now: Instant) {
        let due: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| p.next_timeout.is_some_and(|t| t <= now))
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            if let Some(pc) = self.peers.get_mut(&id).and_then(|p| p.pc.as_mut())
                && let Err(e) = pc.handle_timeout(now)
            {
                tracing::debug!(peer = %id, error = %e, "timeout handling");
            }
            self.dirty.insert(id);
        }
        if now >= self.next_tick {
            self.next_tick = now + TICK;
            self.tick(now);
        }
        if now >= self.next_stats {
            self.next_stats = now + self.cfg.stats_interval;
            self.report_stats(now);
        }
    }

    /// Grace periods, bitrate caps, abandoned rooms.
    fn tick(&mut self, now: Instant) {
        let grace = self.cfg.grace;
        let mut timed_out = Vec::new();
        for room in self.rooms.values_mut() {
            for role in room.expired(grace, now) {
                timed_out.push((room.id, role));
            }
        }
        for (room_id, role) in timed_out {
            tracing::info!(room = %room_id, role = role.as_str(), "party did not come back in time");
            if let Some(peer) = self.rooms.get(&room_id).and_then(|r| r.peer(role)) {
                self.remove_peer(peer, "timed_out", now);
            }
            self.emit(room_id, MediaEventKind::PeerTimedOut { role, grace_secs: grace.as_secs() });
        }
        let ids: Vec<InteractionId> = self.rooms.keys().copied().collect();
        for id in ids {
            self.send_remb(id, now);
        }
        let ttl = self.cfg.idle_room_ttl;
        let idle: Vec<InteractionId> = self
            .rooms
            .values()
            .filter(|r| r.is_empty() && now.duration_since(r.last_activity) > ttl)
            .map(|r| r.id)
            .collect();
        for id in idle {
            self.close_room(id, "idle", now);
        }
        for peer in self.peers.values_mut() {
            self.cfg.metrics.export(peer);
        }
    }

    /// Drops a peer: closes its connection, frees its room seat and its
    /// routing entries.
    fn remove_peer(&mut self, id: PeerId, reason: &str, now: Instant) {
        let Some(mut peer) = self.peers.remove(&id) else { return };
        self.cfg.metrics.export(&mut peer);
        // Negotiation began but the connection never came up.
        if peer.pc.is_some() && !peer.ever_connected && !peer.ice_failed && reason != "shutdown" {
            self.cfg.metrics.ice_failed();
        }
        peer.close();
        if let Some(rec) = self.recorder.as_mut() {
            for key in peer.incoming.values().filter_map(|i| i.recording) {
                rec.close(key);
            }
        }
        // Flush what closing produced (DTLS close_notify).
        self.flush(&mut peer);
        peer.send(SignalOut::Closed { reason: reason.to_owned() });
        self.by_ufrag.remove(&peer.ufrag);
        for addr in &peer.addresses {
            if self.by_addr.get(addr) == Some(&id) {
                self.by_addr.remove(addr);
            }
        }
        self.dirty.remove(&id);
        let role = peer.role;
        let room_id = peer.room;
        let mut other = None;
        if let Some(room) = self.rooms.get_mut(&room_id) {
            let held = room.peer(role) == Some(id);
            room.unseat(role, id, now);
            if held {
                other = room.peer(role.other());
                if reason != "timed_out" && reason != "replaced" {
                    room.absent(role, now);
                }
            }
        }
        if let Some(o) = other.and_then(|o| self.peers.get(&o)) {
            o.send(SignalOut::Peer { role, present: false });
        }
        if peer.connected {
            self.emit(room_id, MediaEventKind::PeerDisconnected { role, peer_id: id });
        }
        tracing::info!(room = %room_id, peer = %id, role = role.as_str(), reason, "peer removed");
    }

    fn drain_dirty(&mut self) {
        // Forwarding marks other peers dirty while we drain: loop until quiet.
        let mut rounds = 0;
        while !self.dirty.is_empty() && rounds < 16 {
            rounds += 1;
            let ids: Vec<PeerId> = self.dirty.drain().collect();
            for id in ids {
                self.drain(id);
            }
        }
    }

    /// Sends what the peer's connection wants to send.
    fn flush(&self, peer: &mut Peer) {
        let Some(pc) = peer.pc.as_mut() else { return };
        while let Some(out) = pc.poll_write() {
            if let Err(e) = self.socket.try_send_to(&out.message, out.transport.peer_addr)
                && e.kind() != std::io::ErrorKind::WouldBlock
            {
                tracing::trace!(error = %e, "UDP send failed");
            }
        }
    }

    /// Everything the peer's connection has for us: datagrams to send, state
    /// changes, and media to forward.
    fn drain(&mut self, id: PeerId) {
        let Some(mut peer) = self.peers.remove(&id) else { return };
        self.flush(&mut peer);
        let mut events = Vec::new();
        let mut reads = Vec::new();
        if let Some(pc) = peer.pc.as_mut() {
            while let Some(e) = pc.poll_event() {
                events.push(e);
            }
            while let Some(m) = pc.poll_read() {
                reads.push(m);
            }
        }
        let now = Instant::now();
        for event in events {
            self.on_pc_event(&mut peer, event, now);
        }
        for TaggedRTCMessage { now, message } in reads {
            match message {
                RTCMessage::RtpPacket(track_id, packet) => self.on_rtp(&mut peer, &track_id, packet, now),
                RTCMessage::RtcpPacket(track_id, packets) => self.on_rtcp(&mut peer, &track_id, packets, now),
                RTCMessage::DataChannelMessage(channel, msg) => {
                    self.on_data_message(&mut peer, channel, msg, now)
                }
                _ => {}
            }
        }
        self.flush(&mut peer);
        peer.next_timeout = peer.pc.as_mut().and_then(|pc| pc.poll_timeout());
        self.peers.insert(id, peer);
    }

    fn on_pc_event(&mut self, peer: &mut Peer, event: RTCPeerConnectionEvent, now: Instant) {
        match event {
            RTCPeerConnectionEvent::OnTrack(RTCTrackEvent::OnOpen(init)) => self.on_track_open(peer, init),
            RTCPeerConnectionEvent::OnDataChannel(event) => self.on_data_channel_event(peer, event),
            RTCPeerConnectionEvent::OnIceConnectionStateChangeEvent(state) => {
                self.emit(peer.room, MediaEventKind::IceState { role: peer.role, state: state.to_string() });
                if state == RTCIceConnectionState::Failed {
                    if !peer.ice_failed {
                        peer.ice_failed = true;
                        self.cfg.metrics.ice_failed();
                    }
                    self.on_disconnected(peer, now);
                }
            }
            RTCPeerConnectionEvent::OnConnectionStateChangeEvent(state) => {
                tracing::info!(peer = %peer.id, role = peer.role.as_str(), %state, "connection state");
                self.emit(
                    peer.room,
                    MediaEventKind::ConnectionState { role: peer.role, state: state.to_string() },
                );
                match state {
                    RTCPeerConnectionState::Connected => self.on_connected(peer, now),
                    RTCPeerConnectionState::Disconnected
                    | RTCPeerConnectionState::Failed
                    | RTCPeerConnectionState::Closed => self.on_disconnected(peer, now),
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn on_connected(&mut self, peer: &mut Peer, now: Instant) {
        if peer.connected {
            return;
        }
        peer.connected = true;
        if !peer.ever_connected {
            peer.ever_connected = true;
            self.cfg.metrics.connected_after(now.saturating_duration_since(peer.joined_at));
        }
        if let Some(room) = self.rooms.get_mut(&peer.room) {
            room.present(peer.role);
        }
        self.emit(peer.room, MediaEventKind::PeerConnected { role: peer.role, peer_id: peer.id });
        // A receiver that just arrived needs a keyframe from the other party.
        self.request_keyframe(peer.room, peer.role.other(), now);
    }

    fn on_disconnected(&mut self, peer: &mut Peer, now: Instant) {
        if !peer.connected {
            return;
        }
        peer.connected = false;
        if let Some(room) = self.rooms.get_mut(&peer.room)
            && room.peer(peer.role) == Some(peer.id)
        {
            room.absent(peer.role, now);
        }
        self.emit(peer.room, MediaEventKind::PeerDisconnected { role: peer.role, peer_id: peer.id });
    }

    fn report_stats(&mut self, now: Instant) {
        let mut reports = Vec::new();
        for peer in self.peers.values_mut() {
            if !peer.connected {
                continue;
            }
            reports.push((peer.room, peer.role, media::peer_stats(peer, now)));
        }
        for (room, role, stats) in reports {
            self.emit(room, MediaEventKind::Stats { role, stats });
        }
    }
}

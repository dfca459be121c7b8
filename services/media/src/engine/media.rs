//! Forwarding: RTP from one party into the other party's connection,
//! keyframe requests back to the sender, bitrate caps, statistics.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rtc::peer_connection::event::RTCTrackEventInit;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtcp::payload_feedbacks::receiver_estimated_maximum_bitrate::ReceiverEstimatedMaximumBitrate;
use rtc::rtp;
use rtc::statistics::StatsSelector;
use rtc::statistics::report::RTCStatsReportEntry;
use vc_protocol::InteractionId;
use vc_protocol::interaction::Party;
use vc_protocol::media::PeerStats;
use vc_protocol::recording::TrackKind;

use super::Engine;
use super::peer::{Incoming, Kind, Peer};
use super::stats::StreamCounters;
use crate::forward::{keyframes, reports, vp8};

/// Keyframe requests to one sender are at most this frequent.
const PLI_MIN_INTERVAL: Duration = Duration::from_millis(500);
/// Audio gets a fixed share on top of the video cap.
const AUDIO_KBPS: u32 = 64;

impl Engine {
    pub(super) fn on_track_open(&mut self, peer: &mut Peer, init: RTCTrackEventInit) {
        let Some(pc) = peer.pc.as_mut() else { return };
        let Some(mut receiver) = pc.rtp_receiver(init.receiver_id) else { return };
        let Some(kind) = Kind::from_rtc(receiver.track().kind()) else { return };
        let ssrc = receiver.track().ssrcs().last();
        let mimes: HashMap<u8, std::sync::Arc<str>> = receiver
            .get_parameters()
            .rtp_parameters
            .codecs
            .iter()
            .map(|c| (c.payload_type, c.rtp_codec.mime_type.to_ascii_lowercase().into()))
            .collect();
        tracing::info!(peer = %peer.id, role = peer.role.as_str(), kind = kind.as_str(), ?ssrc, "track opened");
        peer.incoming.insert(
            init.track_id,
            Incoming {
                receiver: init.receiver_id,
                kind,
                ssrc,
                mimes,
                counters: StreamCounters::default(),
                recording: None,
            },
        );
    }

    /// A packet from `peer`: count it, then write it into the other party's
    /// connection on the gateway track of the same kind.
    pub(super) fn on_rtp(&mut self, peer: &mut Peer, track_id: &str, mut packet: rtp::Packet, now: Instant) {
        let Some(incoming) = peer.incoming.get_mut(track_id) else { return };
        let kind = incoming.kind;
        let source_ssrc = packet.header.ssrc;
        incoming.ssrc = Some(source_ssrc);
        incoming.counters.on_packet(
            packet.header.sequence_number,
            packet.payload.len(),
            packet.header.marker,
        );
        let mime = incoming.mimes.get(&packet.header.payload_type).cloned();
        if kind == Kind::Video
            && mime.as_deref() == Some("video/vp8")
            && let Some((w, h)) = vp8::keyframe_size(&packet.payload)
        {
            incoming.counters.width = Some(w);
            incoming.counters.height = Some(h);
        }
        let Some(room) = self.rooms.get_mut(&peer.room) else { return };
        // Recorded: both parties' audio and the client's video, from the
        // client's first packet on, whether or not the other party is there
        // to receive it.
        if room.record
            && (kind == Kind::Audio || peer.role == Party::Client)
            && (peer.role == Party::Client || room.recording_started)
            && let Some(rec) = self.recorder.as_mut()
            && let Some(mime) = mime.as_deref()
        {
            room.recording_started = true;
            let key = *incoming.recording.get_or_insert_with(|| {
                let (track, rate) = match kind {
                    Kind::Audio => (TrackKind::Audio, 48_000),
                    Kind::Video => (TrackKind::Video, 90_000),
                };
                rec.open(room.id, peer.role, track, mime, rate, now)
            });
            let h = &packet.header;
            rec.packet(
                key,
                now,
                h.ssrc,
                h.sequence_number,
                h.timestamp,
                h.marker,
                h.payload_type,
                &packet.payload,
            );
        }
        let room = &*room;
        if kind == Kind::Video && !room.forwards_video_from(peer.role) {
            return;
        }
        let Some(other_id) = room.peer(peer.role.other()) else { return };
        // Until its DTLS is up the other leg has no keys: nothing to write
        // (it gets a keyframe request once connected).
        let Some(other) = self.peers.get_mut(&other_id).filter(|o| o.connected) else { return };
        let Some(out) = other.outgoing.get_mut(&kind) else { return };
        let Some(pt) = mime.as_deref().and_then(|m| out.payload_types.get(m)).copied() else {
            tracing::debug!(kind = kind.as_str(), ?mime, "no matching codec on the receiving leg");
            return;
        };
        let (seq, ts) =
            out.rewriter.rewrite(source_ssrc, packet.header.sequence_number, packet.header.timestamp, now);
        packet.header.ssrc = out.ssrc;
        packet.header.payload_type = pt;
        packet.header.sequence_number = seq;
        packet.header.timestamp = ts;
        // The sending leg's extension ids mean nothing on this leg.
        packet.header.extension = false;
        packet.header.extensions.clear();
        packet.header.extensions_padding = 0;
        out.counters.on_packet(seq, packet.payload.len(), packet.header.marker);
        let sender_id = out.sender;
        let Some(pc) = other.pc.as_mut() else { return };
        let Some(mut sender) = pc.rtp_sender(sender_id) else { return };
        if let Err(e) = sender.write_rtp(now, packet) {
            tracing::trace!(error = %e, "forwarding failed");
        }
        self.dirty.insert(other_id);
    }

    /// RTCP about one of the gateway's tracks to `peer`: keyframe requests
    /// go to the party whose media that track carries.
    pub(super) fn on_rtcp(
        &mut self,
        peer: &mut Peer,
        track_id: &str,
        packets: Vec<Box<dyn rtc::rtcp::Packet>>,
        now: Instant,
    ) {
        peer.nacks_received += keyframes::nacks(&packets);
        // Reception reports about the gateway's streams to this party, on
        // whichever track they arrive.
        let blocks = reports::blocks(&packets);
        if !blocks.is_empty() {
            let now_ntp = reports::ntp_middle(std::time::SystemTime::now());
            for block in blocks {
                if let Some((kind, out)) = peer.outgoing.iter_mut().find(|(_, o)| o.ssrc == block.ssrc) {
                    out.remote = Some(reports::read(block, kind.clock_rate(), now_ntp));
                }
            }
        }
        let Some(kind) = peer.outgoing_track_ids.get(track_id).copied() else {
            tracing::debug!(peer = %peer.id, track_id, n = packets.len(), "rtcp on an incoming track");
            return;
        };
        tracing::debug!(peer = %peer.id, track_id, n = packets.len(), "rtcp about an outgoing track");
        let wants_keyframe = keyframes::asks_for_keyframe(&packets);
        if kind == Kind::Video && wants_keyframe {
            self.request_keyframe(peer.room, peer.role.other(), now);
        }
    }

    /// Asks `role`'s browser for a keyframe of its video (rate-limited).
    pub(super) fn request_keyframe(&mut self, room: InteractionId, role: Party, now: Instant) {
        let Some(id) = self.rooms.get(&room).and_then(|r| r.peer(role)) else { return };
        let Some(peer) = self.peers.get_mut(&id) else { return };
        if peer.last_pli.get(&Kind::Video).is_some_and(|t| now.duration_since(*t) < PLI_MIN_INTERVAL) {
            return;
        }
        let Some((receiver, ssrc)) = peer
            .incoming
            .values()
            .find(|i| i.kind == Kind::Video)
            .and_then(|i| i.ssrc.map(|s| (i.receiver, s)))
        else {
            return;
        };
        let Some(pc) = peer.pc.as_mut() else { return };
        let Some(mut r) = pc.rtp_receiver(receiver) else { return };
        let pli = PictureLossIndication { sender_ssrc: 0, media_ssrc: ssrc };
        let written = r.write_rtcp(now, vec![Box::new(pli)]);
        tracing::debug!(peer = %id, ssrc, ok = written.is_ok(), "keyframe requested");
        if written.is_ok() {
            peer.last_pli.insert(Kind::Video, now);
            self.dirty.insert(id);
        }
    }

    /// Tells each sender in the room the most it may send (REMB), from the
    /// room's `max_quality`. One REMB per sender covering all its streams:
    /// browsers apply a REMB's bitrate to their whole send estimate whatever
    /// SSRCs it lists, so a separate audio-sized REMB would cap the video too.
    pub(super) fn send_remb(&mut self, room_id: InteractionId, now: Instant) {
        let Some(room) = self.rooms.get(&room_id) else { return };
        let video_bps = room.max_quality.max_video_kbps() as f32 * 1000.0;
        for role in [Party::Agent, Party::Client] {
            let Some(id) = room.peer(role) else { continue };
            let Some(peer) = self.peers.get_mut(&id) else { continue };
            if !peer.connected {
                continue;
            }
            let streams: Vec<(rtc::rtp_transceiver::RTCRtpReceiverId, u32, Kind)> =
                peer.incoming.values().filter_map(|i| i.ssrc.map(|s| (i.receiver, s, i.kind))).collect();
            let Some(&(receiver, _, _)) = streams.first() else { continue };
            let bitrate: f32 = streams
                .iter()
                .map(|(_, _, kind)| match kind {
                    Kind::Video => video_bps,
                    Kind::Audio => (AUDIO_KBPS * 1000) as f32,
                })
                .sum();
            let ssrcs = streams.iter().map(|(_, ssrc, _)| *ssrc).collect();
            let Some(pc) = peer.pc.as_mut() else { continue };
            if let Some(mut r) = pc.rtp_receiver(receiver) {
                let remb = ReceiverEstimatedMaximumBitrate { sender_ssrc: 0, bitrate, ssrcs };
                let _ = r.write_rtcp(now, vec![Box::new(remb)]);
            }
            self.dirty.insert(id);
        }
    }
}

/// The stats of one peer since the last report.
pub(super) fn peer_stats(peer: &mut Peer, now: Instant) -> PeerStats {
    let mut stats = PeerStats::default();
    // Inbound jitter comes from the core's RTCP bookkeeping; what the party
    // reports about the gateway's streams (loss, jitter, round trip) from
    // its reception reports (`reports`).
    let mut inbound_jitter: HashMap<u32, f64> = HashMap::new();
    if let Some(pc) = peer.pc.as_mut() {
        let report = pc.get_stats(now, StatsSelector::None);
        for entry in report.iter() {
            // In RTP timestamp units (the clock rate is applied below).
            if let RTCStatsReportEntry::InboundRtp(s) = entry {
                let r = &s.received_rtp_stream_stats;
                inbound_jitter.insert(r.rtp_stream_stats.ssrc, r.jitter);
            }
        }
    }
    for incoming in peer.incoming.values_mut() {
        let mut t = incoming.counters.report(incoming.kind.as_str(), now, incoming.kind == Kind::Video);
        let clock = f64::from(incoming.kind.clock_rate());
        t.jitter_ms = incoming.ssrc.and_then(|s| inbound_jitter.get(&s)).map(|j| j / clock * 1000.0);
        stats.inbound.push(t);
    }
    for (kind, out) in peer.outgoing.iter_mut() {
        let mut t = out.counters.report(kind.as_str(), now, *kind == Kind::Video);
        if let Some(r) = out.remote {
            t.jitter_ms = Some(r.jitter_ms);
            t.loss = r.loss;
            if let Some(rtt) = r.rtt_ms {
                stats.rtt_ms = Some(stats.rtt_ms.map_or(rtt, |v: f64| v.max(rtt)));
            }
        }
        stats.outbound.push(t);
    }
    super::data::data_stats(peer, now, &mut stats);
    stats.inbound.sort_by(|a, b| a.kind.cmp(&b.kind));
    stats.outbound.sort_by(|a, b| a.kind.cmp(&b.kind));
    stats
}

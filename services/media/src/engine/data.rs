//! The data-channel relay: each party opens its own `collab` channel on its
//! leg (DCEP, answered by the core); every message on it is written, as it
//! came (text or binary, in order), into the other party's `collab` channel.
//! The payload is never parsed. Channels with other labels are accepted and
//! ignored.

use std::time::Instant;

use rtc::data_channel::{RTCDataChannelId, RTCDataChannelMessage};
use rtc::peer_connection::event::RTCDataChannelEvent;
use rtc::shared::error::Error as RtcError;
use vc_protocol::collab::{CHANNEL_LABEL, MAX_MESSAGE_BYTES};
use vc_protocol::media::PeerStats;

use super::Engine;
use super::metrics::direction;
use super::peer::Peer;
use super::stats::MessageCounters;
use crate::forward::relay::{self, Dropped, RateCap};

/// One leg's side of the relay.
#[derive(Debug, Default)]
pub struct DataLeg {
    /// The party's open `collab` channel, if any.
    pub channel: Option<RTCDataChannelId>,
    /// The sender's rate cap.
    pub cap: RateCap,
    /// Messages the party sent on its `collab` channel.
    pub received: MessageCounters,
    /// Messages the relay wrote into the party's `collab` channel.
    pub delivered: MessageCounters,
}

impl Engine {
    pub(super) fn on_data_channel_event(&mut self, peer: &mut Peer, event: RTCDataChannelEvent) {
        match event {
            RTCDataChannelEvent::OnOpen(id) => {
                let Some(pc) = peer.pc.as_mut() else { return };
                let Some(dc) = pc.data_channel(id) else { return };
                let label = dc.label().to_owned();
                let relayed = label == CHANNEL_LABEL;
                tracing::info!(peer = %peer.id, role = peer.role.as_str(), %label, relayed, "data channel open");
                if relayed {
                    // A page opens one; should it open another, the newest wins.
                    peer.data.channel = Some(id);
                }
            }
            RTCDataChannelEvent::OnClose(id) if peer.data.channel == Some(id) => {
                tracing::info!(peer = %peer.id, role = peer.role.as_str(), "collab channel closed");
                peer.data.channel = None;
            }
            _ => {}
        }
    }

    /// A message from `peer` on one of its channels: relay it to the other
    /// party's `collab` channel, or count why not.
    pub(super) fn on_data_message(
        &mut self,
        peer: &mut Peer,
        channel: RTCDataChannelId,
        msg: RTCDataChannelMessage,
        now: Instant,
    ) {
        let len = msg.data.len();
        let outcome = if peer.data.channel == Some(channel) {
            relay::admit(len, MAX_MESSAGE_BYTES, &mut peer.data.cap, now)
                .and_then(|()| self.deliver(peer, msg, now))
        } else {
            Err(Dropped::OtherLabel)
        };
        if let Err(why) = outcome {
            tracing::trace!(peer = %peer.id, len, reason = why.as_str(), "data-channel message dropped");
        }
        if outcome != Err(Dropped::OtherLabel) {
            peer.data.received.on_message(len, outcome.is_err());
        }
        let label = outcome.err().map_or("relayed", Dropped::as_str);
        self.cfg.data_messages.with_label_values(&[direction(peer.role), label]).inc();
    }

    /// Writes the message into the other party's `collab` channel.
    fn deliver(&mut self, from: &Peer, msg: RTCDataChannelMessage, now: Instant) -> Result<(), Dropped> {
        let room = self.rooms.get(&from.room);
        if room.is_some_and(|r| !r.pointer) {
            return Err(Dropped::SwitchedOff);
        }
        let other_id = room.and_then(|r| r.peer(from.role.other()));
        let other = other_id.and_then(|id| self.peers.get_mut(&id)).ok_or(Dropped::NoReceiver)?;
        let channel = other.data.channel.ok_or(Dropped::NoReceiver)?;
        let pc = other.pc.as_mut().ok_or(Dropped::NoReceiver)?;
        let mut dc = pc.data_channel(channel).ok_or(Dropped::NoReceiver)?;
        if dc.outstanding_bytes() > relay::MAX_BACKLOG_BYTES {
            return Err(Dropped::Backlog);
        }
        let len = msg.data.len();
        let sent = if msg.is_string {
            let text = String::from_utf8(msg.data.to_vec()).map_err(|_| Dropped::NotUtf8)?;
            dc.send_text(now, text)
        } else {
            dc.send(now, msg.data)
        };
        match sent {
            Ok(()) => {
                other.data.delivered.on_message(len, false);
                self.dirty.insert(other.id);
                Ok(())
            }
            Err(RtcError::ErrOutboundPacketTooLarge) => Err(Dropped::TooLarge),
            Err(e) => {
                tracing::debug!(peer = %other.id, error = %e, "relay into the data channel failed");
                Err(Dropped::NoReceiver)
            }
        }
    }
}

/// The relay's part of a peer's `stats`: a `data` entry inbound (what the
/// party sent, with the dropped ones as lost) and outbound (what it was
/// delivered), once the party had a channel.
pub(super) fn data_stats(peer: &mut Peer, now: Instant, stats: &mut PeerStats) {
    let leg = &mut peer.data;
    if leg.channel.is_none() && leg.received.is_empty() && leg.delivered.is_empty() {
        return;
    }
    stats.inbound.push(leg.received.report(now));
    stats.outbound.push(leg.delivered.report(now));
}

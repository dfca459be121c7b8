//! A party's settings and what it reports.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use crate::media::LoadedMedia;
use crate::recv::Received;

/// How a party behaves.
#[derive(Debug, Clone)]
pub struct PartyConfig {
    /// `ws://host:port/media/ws` (for `Party::join`, our gateway).
    pub signaling_url: String,
    /// The room token of `MediaAccess` (for `Party::join`).
    pub room_token: String,
    /// Local address to bind the UDP socket to.
    pub bind: IpAddr,
    pub send_video: bool,
    /// The video codec to offer and send (`VP8`, or `H264` as Safari prefers).
    pub video_codec: VideoCodec,
    /// Share of incoming datagrams to drop once connected (simulated network
    /// loss, before decryption, as the network would).
    pub drop_incoming: f64,
    /// Drop the first this many datagrams that carry a DTLS ServerHello
    /// (a lost server flight, which the handshake must recover from by
    /// retransmission).
    pub drop_server_hellos: u32,
    /// Open the `collab` data channel before the first offer, as the pages do.
    pub collab: bool,
    /// Pointer moves (`CollabMessage::Pointer`) sent each second on the
    /// `collab` channel once it is open; 0 for none. Implies `collab`.
    pub pointer_hz: u32,
    /// Real media to send (`media::prepare`, then `LoadedMedia::load`,
    /// shared by all parties of a run): its Opus packets every 20 ms and,
    /// with `VideoCodec::Vp8`, its VP8 frames at the file's frame rate, both
    /// looped; a keyframe request skips ahead to the file's next keyframe.
    /// `None`: synthetic media. With `VideoCodec::H264` the video stays
    /// synthetic.
    pub media: Option<Arc<LoadedMedia>>,
    /// End every RTP payload sent with a send time-stamp
    /// ([`crate::stamp`]) so the receiver can measure one-way latency. It
    /// makes the media undecodable: for load runs, never for recordings or
    /// anything a person or a decoder looks at.
    pub stamp: bool,
}

impl Default for PartyConfig {
    /// No signaling URL; bound to loopback; synthetic audio and VP8 video;
    /// no loss, no data channel, no stamps.
    fn default() -> Self {
        Self {
            signaling_url: String::new(),
            room_token: String::new(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            send_video: true,
            video_codec: VideoCodec::Vp8,
            drop_incoming: 0.0,
            drop_server_hellos: 0,
            collab: false,
            pointer_hz: 0,
            media: None,
            stamp: false,
        }
    }
}

impl PartyConfig {
    /// A party of our gateway's room (`MediaAccess`'s signaling URL as a
    /// `ws://` URL, and its room token), with the defaults otherwise.
    pub fn gateway(signaling_url: impl Into<String>, room_token: impl Into<String>) -> Self {
        Self { signaling_url: signaling_url.into(), room_token: room_token.into(), ..Self::default() }
    }
}

/// A data-channel message as sent or received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataMessage {
    pub text: bool,
    pub data: Vec<u8>,
}

impl DataMessage {
    pub fn text(s: impl Into<String>) -> Self {
        Self { text: true, data: s.into().into_bytes() }
    }

    pub fn binary(data: impl Into<Vec<u8>>) -> Self {
        Self { text: false, data: data.into() }
    }

    /// The payload as text, if it is a text message.
    pub fn as_text(&self) -> Option<&str> {
        if self.text { std::str::from_utf8(&self.data).ok() } else { None }
    }
}

/// Received `collab` messages kept in `PartyStats` (beyond this they are
/// only counted, so a long load run does not grow without bound).
pub(super) const KEEP_MESSAGES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VideoCodec {
    #[default]
    Vp8,
    /// Constrained baseline, packetization mode 1.
    H264,
}

/// What a party saw, shared with whoever runs it.
#[derive(Debug, Default, Clone)]
pub struct PartyStats {
    pub connected: bool,
    pub closed_reason: Option<String>,
    pub sent_audio: u64,
    pub sent_video: u64,
    pub received_audio: u64,
    pub received_video: u64,
    /// Distinct sequence numbers of received video, per SSRC.
    pub video_seqs: HashMap<u32, BTreeSet<u16>>,
    /// Answers the gateway sent to our offers.
    pub answers: u64,
    /// Keyframe requests (PLI/FIR) the gateway sent about our video.
    pub keyframe_requests: u64,
    /// Payload types of the video that arrived.
    pub video_payload_types: BTreeSet<u8>,
    /// VP8 keyframes that arrived (their first packets), and the size the
    /// last one gave.
    pub received_keyframes: u64,
    pub received_keyframe_size: Option<(u32, u32)>,
    /// Gateway addresses media came from.
    pub remote_addrs: HashSet<SocketAddr>,
    pub dropped_incoming: u64,
    /// Whether our `collab` channel is open.
    pub collab_open: bool,
    /// `collab` messages sent, and those the channel refused (not open).
    pub collab_sent: u64,
    pub collab_send_failed: u64,
    /// `collab` messages received; the first 10,000 are kept in order.
    pub collab_received: u64,
    pub collab_messages: Vec<DataMessage>,
    /// Audio and video received: packets, losses per SSRC, latencies of
    /// stamped packets, the first arrival.
    pub audio: Received,
    pub video: Received,
    /// When the party started (`Party::join`), when its connection came up
    /// (ICE + DTLS), and when the first media packet arrived.
    pub started_at: Option<Instant>,
    pub connected_at: Option<Instant>,
    pub first_media_at: Option<Instant>,
}

//! One party's connection to a room: its WebRTC peer connection (the
//! sans-I/O core), the gateway's two outgoing tracks that carry the other
//! party's media, what the forwarder keeps per stream, and the party's
//! `collab` data channel.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use rtc::interceptor::{NackGeneratorBuilder, NackResponderBuilder, Registry, Slot};
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::RTCConfigurationBuilder;
use rtc::peer_connection::configuration::interceptor_registry::{
    configure_rtcp_reports, configure_twcc_receiver_only,
};
use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_OPUS, MIME_TYPE_VP8, MediaEngine};
use rtc::peer_connection::configuration::setting_engine::SettingEngineBuilder;
use rtc::peer_connection::sdp::RTCSessionDescription;
use rtc::peer_connection::transport::{
    CandidateConfig, CandidateHostConfig, RTCDtlsRole, RTCIceCandidate, RTCIceCandidateInit,
};
use rtc::peer_connection::{RTCPeerConnection, RTCPeerConnectionBuilder};
use rtc::rtp_transceiver::RTCRtpSenderId;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use rtc::sansio::Protocol;
use rtc::shared::error::Error as RtcError;
use tokio::sync::mpsc::UnboundedSender;
use vc_protocol::interaction::Party;
use vc_protocol::media::{IceCandidate, SignalOut};
use vc_protocol::{InteractionId, PeerId};

use super::data::DataLeg;
use super::stats::StreamCounters;
use crate::forward::rewriter::StreamRewriter;
use crate::forward::{codecs, keyframes};

/// Audio or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Audio,
    Video,
}

impl Kind {
    pub fn from_rtc(kind: RtpCodecKind) -> Option<Kind> {
        match kind {
            RtpCodecKind::Audio => Some(Kind::Audio),
            RtpCodecKind::Video => Some(Kind::Video),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Audio => "audio",
            Kind::Video => "video",
        }
    }

    pub fn clock_rate(self) -> u32 {
        match self {
            Kind::Audio => 48_000,
            Kind::Video => 90_000,
        }
    }
}

/// An outgoing track of the gateway (carrying the other party's media).
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub sender: RTCRtpSenderId,
    pub ssrc: u32,
    pub rewriter: StreamRewriter,
    /// Negotiated payload type per codec mime type (lower case), on this leg.
    pub payload_types: HashMap<String, u8>,
    pub counters: StreamCounters,
    /// The party's last reception report about this stream.
    pub remote: Option<crate::forward::reports::RemoteReport>,
}

/// An incoming track from this party.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub receiver: rtc::rtp_transceiver::RTCRtpReceiverId,
    pub kind: Kind,
    pub ssrc: Option<u32>,
    /// Codec mime type (lower case) per payload type, on this leg.
    pub mimes: HashMap<u8, std::sync::Arc<str>>,
    pub counters: StreamCounters,
    /// The raw file this track is recorded in (opened at its first packet).
    pub recording: Option<crate::record::TrackKey>,
}

pub struct Peer {
    pub id: PeerId,
    pub room: InteractionId,
    pub role: Party,
    pub ufrag: String,
    pwd: String,
    pub pc: Option<RTCPeerConnection>,
    /// The signaling socket's outbox; `None` once that socket is gone.
    pub out: Option<UnboundedSender<SignalOut>>,
    pub outgoing: HashMap<Kind, Outgoing>,
    /// Incoming tracks by the core's track id.
    pub incoming: HashMap<String, Incoming>,
    /// The sender track id for each kind (RTCP about it comes tagged with it).
    pub outgoing_track_ids: HashMap<String, Kind>,
    pub connected: bool,
    /// Connected at least once (`connected` goes back to false on a drop).
    pub ever_connected: bool,
    /// ICE reached `failed` (counted once per peer).
    pub ice_failed: bool,
    /// NACKs the party sent about the gateway's tracks, and how many of
    /// them are in Prometheus already.
    pub nacks_received: u64,
    pub nacks_exported: u64,
    pub addresses: Vec<SocketAddr>,
    pub joined_at: Instant,
    pub last_pli: HashMap<Kind, Instant>,
    /// The connection's next protocol deadline (retransmissions, keep-alives).
    pub next_timeout: Option<Instant>,
    /// The party's `collab` channel and the relay's counters for it.
    pub data: DataLeg,
    /// Remote candidates that came before the remote description.
    pending_candidates: Vec<RTCIceCandidateInit>,
}

/// Sent packets kept per outgoing video stream for retransmission: at
/// ~70 packets a second (700 kbit/s) about 3.5 s of history, far more than
/// a NACK's round trip. The upstream default (1,024) held ~1.3 MB per
/// stream, most of the gateway's memory per call.
const NACK_HISTORY: u16 = 256;

fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect()
}

/// The codecs the gateway negotiates (see `forward::codecs`).
fn media_engine() -> Result<MediaEngine, RtcError> {
    let mut me = MediaEngine::default();
    me.register_codec(codecs::opus(), RtpCodecKind::Audio)?;
    me.register_codec(codecs::vp8(codecs::gateway_video_feedback()), RtpCodecKind::Video)?;
    me.register_codec(codecs::h264(codecs::gateway_video_feedback()), RtpCodecKind::Video)?;
    Ok(me)
}

/// What a party's browser needs to reach this peer: the shared UDP port on
/// every advertised address.
pub struct Endpoint {
    pub advertised: Vec<IpAddr>,
    pub port: u16,
}

impl Peer {
    pub fn new(room: InteractionId, role: Party, out: UnboundedSender<SignalOut>, now: Instant) -> Self {
        Self {
            id: PeerId::new(),
            room,
            role,
            ufrag: random_token(16),
            pwd: random_token(32),
            pc: None,
            out: Some(out),
            outgoing: HashMap::new(),
            incoming: HashMap::new(),
            outgoing_track_ids: HashMap::new(),
            connected: false,
            ever_connected: false,
            ice_failed: false,
            nacks_received: 0,
            nacks_exported: 0,
            addresses: Vec::new(),
            joined_at: now,
            last_pli: HashMap::new(),
            next_timeout: None,
            data: DataLeg::default(),
            pending_candidates: Vec::new(),
        }
    }

    pub fn send(&self, msg: SignalOut) {
        if let Some(out) = &self.out {
            let _ = out.send(msg);
        }
    }

    fn build(&mut self, endpoint: &Endpoint, now: Instant) -> Result<RTCPeerConnection, RtcError> {
        let mut me = media_engine()?;
        // NACK as `configure_nack` sets it up (the codecs already carry the
        // `nack` feedback), with a smaller history of sent packets.
        let registry = Registry::new()
            .with(Slot::NackResponder, NackResponderBuilder::new().with_size(NACK_HISTORY).build())
            .with(Slot::NackGenerator, NackGeneratorBuilder::new().build())
            .with(Slot::from(keyframes::SLOT), keyframes::KeyframeRequests::default());
        let registry = configure_rtcp_reports(registry);
        let registry = configure_twcc_receiver_only(registry, &mut me)?;
        let settings = SettingEngineBuilder::new()
            .with_lite(true)
            .with_ice_credentials(self.ufrag.clone(), self.pwd.clone())
            // The browser starts DTLS as soon as ICE is up.
            .with_answering_dtls_role(RTCDtlsRole::Server)
            .build();
        let mut pc = RTCPeerConnectionBuilder::new()
            .with_configuration(RTCConfigurationBuilder::new().build())
            .with_setting_engine(settings)
            .with_media_engine(me)
            .with_interceptor_registry(registry)
            .build(now)?;
        // The other party's media goes out on these two tracks, whoever it is
        // and however often it reconnects.
        let other = self.role.other().as_str();
        for (kind, rtc_kind, mime, clock, channels) in [
            (Kind::Audio, RtpCodecKind::Audio, MIME_TYPE_OPUS, 48_000, 2),
            (Kind::Video, RtpCodecKind::Video, MIME_TYPE_VP8, 90_000, 0),
        ] {
            let ssrc: u32 = rand::random();
            let track_id = format!("vc-{other}-{}", kind.as_str());
            let track = MediaStreamTrack::new(
                format!("vc-{other}"),
                track_id.clone(),
                format!("{other} {}", kind.as_str()),
                rtc_kind,
                vec![RTCRtpEncodingParameters {
                    rtp_coding_parameters: RTCRtpCodingParameters { ssrc: Some(ssrc), ..Default::default() },
                    codec: RTCRtpCodec {
                        mime_type: mime.into(),
                        clock_rate: clock,
                        channels,
                        ..Default::default()
                    },
                    ..Default::default()
                }],
            );
            let sender = pc.add_track(track)?;
            self.outgoing_track_ids.insert(track_id, kind);
            self.outgoing.insert(
                kind,
                Outgoing {
                    sender,
                    ssrc,
                    rewriter: StreamRewriter::new(kind.clock_rate()),
                    payload_types: HashMap::new(),
                    counters: StreamCounters::default(),
                    remote: None,
                },
            );
        }
        for ip in &endpoint.advertised {
            let candidate = CandidateHostConfig {
                base_config: CandidateConfig {
                    network: "udp".into(),
                    address: ip.to_string(),
                    port: endpoint.port,
                    component: 1,
                    ..Default::default()
                },
                ..Default::default()
            }
            .new_candidate_host()?;
            pc.add_local_candidate(RTCIceCandidate::from(&candidate).to_json()?)?;
        }
        pc.add_local_candidate(RTCIceCandidateInit::default())?;
        Ok(pc)
    }

    /// An offer from the browser: answer it (building the connection on the
    /// first one).
    pub fn on_offer(&mut self, sdp: String, endpoint: &Endpoint, now: Instant) -> Result<String, RtcError> {
        if self.pc.is_none() {
            let pc = self.build(endpoint, now)?;
            self.pc = Some(pc);
        }
        let pc = self.pc.as_mut().ok_or(RtcError::ErrConnectionClosed)?;
        pc.set_remote_description(now, RTCSessionDescription::offer(sdp)?)?;
        for c in std::mem::take(&mut self.pending_candidates) {
            if let Err(e) = pc.add_remote_candidate(c) {
                tracing::debug!(peer = %self.id, error = %e, "remote candidate refused");
            }
        }
        let answer = pc.create_answer(None)?;
        pc.set_local_description(now, answer)?;
        let sdp =
            pc.local_description().map(|d| d.sdp.clone()).ok_or(RtcError::ErrPeerConnLocalDescriptionNil)?;
        self.refresh_payload_types();
        Ok(sdp)
    }

    /// An answer from the browser to an offer of ours.
    pub fn on_answer(&mut self, sdp: String, now: Instant) -> Result<(), RtcError> {
        let pc = self.pc.as_mut().ok_or(RtcError::ErrConnectionClosed)?;
        pc.set_remote_description(now, RTCSessionDescription::answer(sdp)?)?;
        self.refresh_payload_types();
        Ok(())
    }

    pub fn on_candidate(&mut self, c: IceCandidate) -> Result<(), RtcError> {
        let init = RTCIceCandidateInit {
            candidate: c.candidate,
            sdp_mid: c.sdp_mid,
            sdp_mline_index: c.sdp_m_line_index,
            username_fragment: c.username_fragment,
            ..Default::default()
        };
        match self.pc.as_mut() {
            Some(pc) if pc.remote_description().is_some() => pc.add_remote_candidate(init),
            _ => {
                self.pending_candidates.push(init);
                Ok(())
            }
        }
    }

    /// Payload types negotiated for the gateway's outgoing tracks.
    fn refresh_payload_types(&mut self) {
        let Some(pc) = self.pc.as_mut() else { return };
        for out in self.outgoing.values_mut() {
            if let Some(mut sender) = pc.rtp_sender(out.sender) {
                out.payload_types = sender
                    .get_parameters()
                    .rtp_parameters
                    .codecs
                    .iter()
                    .map(|c| (c.rtp_codec.mime_type.to_ascii_lowercase(), c.payload_type))
                    .collect();
            }
        }
    }

    /// Closes the connection (DTLS close alert, if any, is still to be sent).
    pub fn close(&mut self) {
        if let Some(pc) = self.pc.as_mut()
            && let Err(e) = pc.close()
        {
            tracing::debug!(peer = %self.id, error = %e, "closing the peer connection");
        }
    }
}

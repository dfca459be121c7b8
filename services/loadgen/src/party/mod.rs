//! One party of a call without a browser: a WebRTC peer connection (the same
//! sans-I/O core as the gateway) on its own UDP socket, the signaling
//! WebSocket, and media (`source`): synthetic (Opus-sized audio every 20 ms
//! and VP8 frames at 30 fps with a keyframe every 2 s or when asked) or the
//! real Opus and VP8 of `PartyConfig::media`, looped. Optionally
//! the `collab` data channel, as the pages open it: messages sent on demand
//! or pointer moves at a steady rate, and every message received recorded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use rtc::data_channel::{RTCDataChannelId, RTCDataChannelInit};
use rtc::interceptor::Registry;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::RTCPeerConnectionBuilder;
use rtc::peer_connection::configuration::RTCConfigurationBuilder;
use rtc::peer_connection::configuration::interceptor_registry::{configure_nack, configure_rtcp_reports};
use rtc::peer_connection::configuration::media_engine::{
    MIME_TYPE_H264, MIME_TYPE_OPUS, MIME_TYPE_VP8, MediaEngine,
};
use rtc::peer_connection::event::{RTCDataChannelEvent, RTCPeerConnectionEvent, RTCTrackEvent};
use rtc::peer_connection::message::{RTCMessage, TaggedRTCMessage};
use rtc::peer_connection::sdp::RTCSessionDescription;
use rtc::peer_connection::state::RTCPeerConnectionState;
use rtc::peer_connection::transport::{
    CandidateConfig, CandidateHostConfig, RTCIceCandidate, RTCIceCandidateInit,
};
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use rtc::sansio::Protocol;
use rtc::shared::{TaggedBytesMut, TransportContext, TransportProtocol};
use tokio::sync::watch;
use vc_media::forward::{codecs, keyframes};
use vc_protocol::collab::{CHANNEL_LABEL, CollabMessage};

use crate::signal::{Role, SignalCommand, SignalEvent, SignalLink};
use crate::source::{AudioSource, VideoSource};
use crate::stamp;

mod types;

use types::KEEP_MESSAGES;
pub use types::{DataMessage, PartyConfig, PartyStats, VideoCodec};

#[derive(Debug, thiserror::Error)]
pub enum PartyError {
    #[error("signaling: {0}")]
    Signaling(String),
    #[error("WebRTC: {0}")]
    Rtc(#[from] rtc::shared::error::Error),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

enum Control {
    Stop,
    /// Ask the gateway for a keyframe of the video we receive.
    RequestKeyframe,
    /// Offer again (renegotiation) mid-call.
    Renegotiate,
    /// Send on the `collab` channel.
    Collab(DataMessage),
}

/// A running party. Dropping it (or `leave`) ends its connection.
pub struct Party {
    stats: Arc<Mutex<PartyStats>>,
    control: tokio::sync::mpsc::UnboundedSender<Control>,
    task: tokio::task::JoinHandle<Result<(), PartyError>>,
    connected: watch::Receiver<bool>,
    collab_open: watch::Receiver<bool>,
}

impl Party {
    /// Joins our gateway's room (`signaling_url`, `room_token`) and starts
    /// sending once connected. Returns once the gateway admitted us.
    pub async fn join(cfg: PartyConfig) -> Result<Party, PartyError> {
        let started = Instant::now();
        let link = crate::signal::gateway::connect(&cfg.signaling_url, &cfg.room_token).await?;
        Ok(Self::start(cfg, link, started))
    }

    /// Starts a party on a signaling channel of any kind (`signal::gateway`,
    /// `signal::direct::pair`, `janus::JanusPeer::link`): it offers or waits
    /// for an offer as the link's role says, and sends once connected.
    pub fn join_with(cfg: PartyConfig, link: SignalLink) -> Party {
        Self::start(cfg, link, Instant::now())
    }

    fn start(cfg: PartyConfig, link: SignalLink, started: Instant) -> Party {
        let stats = Arc::new(Mutex::new(PartyStats { started_at: Some(started), ..PartyStats::default() }));
        let (control, control_rx) = tokio::sync::mpsc::unbounded_channel();
        let (connected_tx, connected) = watch::channel(false);
        let (collab_tx, collab_open) = watch::channel(false);
        let watches = Watches { connected: connected_tx, collab_open: collab_tx };
        let task = tokio::spawn(run(cfg, link, stats.clone(), control_rx, watches));
        Party { stats, control, task, connected, collab_open }
    }

    /// Waits until media flows (ICE + DTLS up), at most `timeout`.
    pub async fn connected(&mut self, timeout: Duration) -> bool {
        tokio::time::timeout(timeout, self.connected.wait_for(|c| *c)).await.is_ok_and(|r| r.is_ok())
    }

    /// Waits until our `collab` channel is open (the gateway acknowledged
    /// it), at most `timeout`.
    pub async fn collab_open(&mut self, timeout: Duration) -> bool {
        tokio::time::timeout(timeout, self.collab_open.wait_for(|c| *c)).await.is_ok_and(|r| r.is_ok())
    }

    /// Sends a message on the `collab` channel (counted as failed if it is
    /// not open).
    pub fn send_collab(&self, msg: DataMessage) {
        let _ = self.control.send(Control::Collab(msg));
    }

    pub fn stats(&self) -> PartyStats {
        self.stats.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    pub fn request_keyframe(&self) {
        let _ = self.control.send(Control::RequestKeyframe);
    }

    /// Sends a new offer on the running connection.
    pub fn renegotiate(&self) {
        let _ = self.control.send(Control::Renegotiate);
    }

    /// Leaves the call (closes the connection and the signaling socket).
    pub async fn leave(self) -> PartyStats {
        let _ = self.control.send(Control::Stop);
        let _ = tokio::time::timeout(Duration::from_secs(3), self.task).await;
        self.stats.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

fn media_engine(video: VideoCodec) -> Result<MediaEngine, rtc::shared::error::Error> {
    let mut me = MediaEngine::default();
    me.register_codec(codecs::opus(), RtpCodecKind::Audio)?;
    let video = match video {
        VideoCodec::Vp8 => codecs::vp8(codecs::client_video_feedback()),
        VideoCodec::H264 => codecs::h264(codecs::client_video_feedback()),
    };
    me.register_codec(video, RtpCodecKind::Video)?;
    Ok(me)
}

fn track(
    kind: RtpCodecKind,
    name: &str,
    ssrc: u32,
    mime: &str,
    clock: u32,
    channels: u16,
) -> MediaStreamTrack {
    MediaStreamTrack::new(
        "load".into(),
        format!("load-{name}"),
        name.into(),
        kind,
        vec![RTCRtpEncodingParameters {
            rtp_coding_parameters: RTCRtpCodingParameters { ssrc: Some(ssrc), ..Default::default() },
            codec: RTCRtpCodec { mime_type: mime.into(), clock_rate: clock, channels, ..Default::default() },
            ..Default::default()
        }],
    )
}

fn lock(stats: &Arc<Mutex<PartyStats>>) -> std::sync::MutexGuard<'_, PartyStats> {
    stats.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the running party announces to its owner.
struct Watches {
    connected: watch::Sender<bool>,
    collab_open: watch::Sender<bool>,
}

/// The pointer's position at step `i`: a slow circle on the client's video.
fn pointer(i: u64) -> String {
    let angle = i as f64 * 0.1;
    let msg = CollabMessage::Pointer { x: 0.5 + 0.3 * angle.cos(), y: 0.5 + 0.3 * angle.sin() };
    serde_json::to_string(&msg).unwrap_or_default()
}

/// Sends on the `collab` channel; false if it is not open or refused.
fn send_collab(
    pc: &mut rtc::peer_connection::RTCPeerConnection,
    id: Option<RTCDataChannelId>,
    msg: DataMessage,
) -> bool {
    let Some(mut dc) = id.and_then(|id| pc.data_channel(id)) else { return false };
    let now = Instant::now();
    let sent = if msg.text {
        match String::from_utf8(msg.data) {
            Ok(s) => dc.send_text(now, s),
            Err(_) => return false,
        }
    } else {
        dc.send(now, BytesMut::from(msg.data.as_slice()))
    };
    sent.is_ok()
}

/// Whether a datagram starts with a DTLS handshake record holding a
/// ServerHello (record content type 22, handshake type 2 after the 13-byte
/// record header).
fn is_server_hello(datagram: &[u8]) -> bool {
    datagram.len() > 13 && datagram[0] == 22 && datagram[13] == 2
}

/// Our host candidate, on the party's socket.
fn host_candidate(local_addr: std::net::SocketAddr) -> Result<RTCIceCandidateInit, PartyError> {
    let host = CandidateHostConfig {
        base_config: CandidateConfig {
            network: "udp".into(),
            address: local_addr.ip().to_string(),
            port: local_addr.port(),
            component: 1,
            ..Default::default()
        },
        ..Default::default()
    }
    .new_candidate_host()?;
    Ok(RTCIceCandidate::from(&host).to_json()?)
}

/// Counts an RTP packet that arrived on a track of `kind`.
fn received(stats: &mut PartyStats, kind: Option<RtpCodecKind>, packet: &rtp::Packet, now: Instant) {
    let latency = stamp::latency_us(&packet.payload, stamp::micros_since_epoch(now));
    let (ssrc, seq) = (packet.header.ssrc, packet.header.sequence_number);
    match kind {
        Some(RtpCodecKind::Audio) => {
            stats.received_audio += 1;
            stats.audio.record(now, ssrc, seq, latency);
        }
        Some(RtpCodecKind::Video) => {
            stats.received_video += 1;
            stats.video.record(now, ssrc, seq, latency);
            stats.video_payload_types.insert(packet.header.payload_type);
            if packet.header.payload_type == codecs::VP8_PT
                && let Some(size) = vc_media::forward::vp8::keyframe_size(&packet.payload)
            {
                stats.received_keyframes += 1;
                stats.received_keyframe_size = Some(size);
            }
            stats.video_seqs.entry(ssrc).or_default().insert(seq);
        }
        _ => return,
    }
    stats.first_media_at.get_or_insert(now);
}

/// Sets the local description and returns its SDP.
fn local_sdp(
    pc: &mut rtc::peer_connection::RTCPeerConnection,
    desc: RTCSessionDescription,
) -> Result<String, PartyError> {
    pc.set_local_description(Instant::now(), desc)?;
    Ok(pc.local_description().map(|d| d.sdp.clone()).unwrap_or_default())
}

async fn run(
    cfg: PartyConfig,
    mut link: SignalLink,
    stats: Arc<Mutex<PartyStats>>,
    mut control: tokio::sync::mpsc::UnboundedReceiver<Control>,
    watches: Watches,
) -> Result<(), PartyError> {
    let socket = vc_media::engine::bind_udp(std::net::SocketAddr::new(cfg.bind, 0))?;
    let local_addr = socket.local_addr()?;
    let mut me = media_engine(cfg.video_codec)?;
    let registry = configure_rtcp_reports(configure_nack(Registry::new(), &mut me))
        .with(rtc::interceptor::Slot::from(keyframes::SLOT), keyframes::KeyframeRequests::default());
    let mut pc = RTCPeerConnectionBuilder::new()
        .with_configuration(RTCConfigurationBuilder::new().build())
        .with_media_engine(me)
        .with_interceptor_registry(registry)
        .build(Instant::now())?;
    let (audio_ssrc, video_ssrc): (u32, u32) = (rand::random(), rand::random());
    let audio_sender =
        pc.add_track(track(RtpCodecKind::Audio, "audio", audio_ssrc, MIME_TYPE_OPUS, 48_000, 2))?;
    let (video_mime, video_pt) = match cfg.video_codec {
        VideoCodec::Vp8 => (MIME_TYPE_VP8, codecs::VP8_PT),
        VideoCodec::H264 => (MIME_TYPE_H264, codecs::H264_PT),
    };
    let video_sender =
        pc.add_track(track(RtpCodecKind::Video, "video", video_ssrc, video_mime, 90_000, 0))?;
    // Like the pages: the channel exists before the first offer, so the
    // offer carries an `m=application` section; it opens (DCEP) once SCTP is up.
    let collab: Option<RTCDataChannelId> = if cfg.collab || cfg.pointer_hz > 0 {
        let init = RTCDataChannelInit { ordered: true, ..Default::default() };
        Some(pc.create_data_channel(CHANNEL_LABEL, Some(init))?.id())
    } else {
        None
    };
    // The offerer's candidate goes in its offer; an answerer's, once the
    // offer is set, in its answer (full SDP, no trickling).
    let mut candidate = Some(host_candidate(local_addr)?);
    let mut add_candidate = |pc: &mut rtc::peer_connection::RTCPeerConnection| -> Result<(), PartyError> {
        if let Some(c) = candidate.take() {
            pc.add_local_candidate(c)?;
            pc.add_local_candidate(RTCIceCandidateInit::default())?;
        }
        Ok(())
    };
    if link.role == Role::Offerer {
        add_candidate(&mut pc)?;
        let offer = pc.create_offer(None)?;
        let sdp = local_sdp(&mut pc, offer)?;
        link.send(SignalCommand::Offer(sdp));
    }
    let mut collab_open = false;
    let mut pointer_tick = tokio::time::interval(Duration::from_secs(1) / cfg.pointer_hz.max(1));
    let mut pointer_step: u64 = 0;

    let mut receivers: HashMap<String, (RtpCodecKind, rtc::rtp_transceiver::RTCRtpReceiverId)> =
        HashMap::new();
    let mut buf = vec![0u8; 2048];
    let mut connected = false;
    let mut audio_tick = tokio::time::interval(Duration::from_millis(20));
    let mut audio = AudioSource::new(cfg.media.clone());
    let mut video = VideoSource::new(cfg.video_codec, cfg.media.clone());
    let mut video_tick = tokio::time::interval(video.interval());
    let (mut a_seq, mut a_ts, mut v_seq, mut v_ts): (u16, u32, u16, u32) =
        (rand::random(), rand::random(), rand::random(), rand::random());
    let mut keyframe_asked = false;
    let mut hellos_to_drop = cfg.drop_server_hellos;
    let stamped = |payload: bytes::Bytes| {
        if cfg.stamp { stamp::append(&payload, stamp::now_us()) } else { payload }
    };
    loop {
        // Drain the connection.
        while let Some(out) = pc.poll_write() {
            let _ = socket.try_send_to(&out.message, out.transport.peer_addr);
        }
        while let Some(event) = pc.poll_event() {
            match event {
                RTCPeerConnectionEvent::OnConnectionStateChangeEvent(state) => {
                    connected = state == RTCPeerConnectionState::Connected;
                    let mut s = lock(&stats);
                    s.connected = connected;
                    if connected {
                        s.connected_at.get_or_insert_with(Instant::now);
                    }
                    watches.connected.send_replace(connected);
                }
                RTCPeerConnectionEvent::OnDataChannel(RTCDataChannelEvent::OnOpen(id))
                    if Some(id) == collab =>
                {
                    collab_open = true;
                    lock(&stats).collab_open = true;
                    watches.collab_open.send_replace(true);
                }
                RTCPeerConnectionEvent::OnDataChannel(RTCDataChannelEvent::OnClose(id))
                    if Some(id) == collab =>
                {
                    collab_open = false;
                    lock(&stats).collab_open = false;
                    watches.collab_open.send_replace(false);
                }
                RTCPeerConnectionEvent::OnTrack(RTCTrackEvent::OnOpen(init)) => {
                    if let Some(mut r) = pc.rtp_receiver(init.receiver_id) {
                        receivers.insert(init.track_id.clone(), (r.track().kind(), init.receiver_id));
                        let _ = r.get_parameters();
                    }
                }
                _ => {}
            }
        }
        while let Some(TaggedRTCMessage { message, .. }) = pc.poll_read() {
            match message {
                RTCMessage::RtpPacket(track_id, packet) => {
                    let kind = receivers.get(&track_id).map(|(k, _)| *k);
                    received(&mut lock(&stats), kind, &packet, Instant::now());
                }
                RTCMessage::RtcpPacket(_, packets) if keyframes::asks_for_keyframe(&packets) => {
                    lock(&stats).keyframe_requests += 1;
                    keyframe_asked = true;
                }
                RTCMessage::DataChannelMessage(id, msg) if Some(id) == collab => {
                    let mut s = lock(&stats);
                    s.collab_received += 1;
                    if s.collab_messages.len() < KEEP_MESSAGES {
                        s.collab_messages.push(DataMessage { text: msg.is_string, data: msg.data.to_vec() });
                    }
                }
                _ => {}
            }
        }
        while let Some(out) = pc.poll_write() {
            let _ = socket.try_send_to(&out.message, out.transport.peer_addr);
        }
        let deadline = pc.poll_timeout().unwrap_or_else(|| Instant::now() + Duration::from_secs(1));
        tokio::select! {
            ctl = control.recv() => match ctl {
                Some(Control::RequestKeyframe) => {
                    let video = receivers.values().find(|(k, _)| *k == RtpCodecKind::Video).map(|(_, id)| *id);
                    if let Some(id) = video
                        && let Some(mut r) = pc.rtp_receiver(id)
                    {
                        let ssrc = r.track().ssrcs().last().unwrap_or_default();
                        let _ = r.write_rtcp(Instant::now(), vec![Box::new(PictureLossIndication { sender_ssrc: 0, media_ssrc: ssrc })]);
                    }
                }
                Some(Control::Renegotiate) => {
                    let offer = pc.create_offer(None)?;
                    let sdp = local_sdp(&mut pc, offer)?;
                    link.send(SignalCommand::Offer(sdp));
                }
                Some(Control::Collab(msg)) => {
                    let sent = send_collab(&mut pc, collab, msg);
                    let mut s = lock(&stats);
                    if sent { s.collab_sent += 1 } else { s.collab_send_failed += 1 }
                }
                Some(Control::Stop) | None => break,
            },
            ev = link.next() => match ev {
                Some(SignalEvent::Answer(sdp)) => {
                    pc.set_remote_description(Instant::now(), RTCSessionDescription::answer(sdp)?)?;
                    lock(&stats).answers += 1;
                }
                Some(SignalEvent::Offer(sdp)) => {
                    pc.set_remote_description(Instant::now(), RTCSessionDescription::offer(sdp)?)?;
                    add_candidate(&mut pc)?;
                    let answer = pc.create_answer(None)?;
                    let sdp = local_sdp(&mut pc, answer)?;
                    link.send(SignalCommand::Answer(sdp));
                }
                Some(SignalEvent::Candidate(c)) => {
                    let _ = pc.add_remote_candidate(c);
                }
                Some(SignalEvent::Closed(reason)) => {
                    lock(&stats).closed_reason = Some(reason);
                    break;
                }
                None => break,
            },
            r = socket.recv_from(&mut buf) => {
                let (n, from) = r?;
                if connected && cfg.drop_incoming > 0.0 && rand::random::<f64>() < cfg.drop_incoming {
                    lock(&stats).dropped_incoming += 1;
                    continue;
                }
                if hellos_to_drop > 0 && is_server_hello(&buf[..n]) {
                    hellos_to_drop -= 1;
                    lock(&stats).dropped_incoming += 1;
                    continue;
                }
                lock(&stats).remote_addrs.insert(from);
                let _ = pc.handle_read(TaggedBytesMut {
                    now: Instant::now(),
                    transport: TransportContext { local_addr, peer_addr: from, ecn: None, transport_protocol: TransportProtocol::UDP },
                    message: BytesMut::from(&buf[..n]),
                });
            }
            _ = tokio::time::sleep_until(deadline.into()) => {
                let _ = pc.handle_timeout(Instant::now());
            }
            _ = audio_tick.tick(), if connected => {
                let packet = rtp::Packet {
                    header: rtp::header::Header { version: 2, payload_type: codecs::OPUS_PT, sequence_number: a_seq, timestamp: a_ts, ssrc: audio_ssrc, ..Default::default() },
                    payload: stamped(audio.next_payload()),
                };
                a_seq = a_seq.wrapping_add(1);
                a_ts = a_ts.wrapping_add(960);
                if let Some(mut s) = pc.rtp_sender(audio_sender)
                    && s.write_rtp(Instant::now(), packet).is_ok()
                {
                    lock(&stats).sent_audio += 1;
                }
            }
            _ = pointer_tick.tick(), if collab_open && cfg.pointer_hz > 0 => {
                let sent = send_collab(&mut pc, collab, DataMessage::text(pointer(pointer_step)));
                pointer_step += 1;
                let mut s = lock(&stats);
                if sent { s.collab_sent += 1 } else { s.collab_send_failed += 1 }
            }
            _ = video_tick.tick(), if connected && cfg.send_video => {
                let frame = video.next_frame(std::mem::take(&mut keyframe_asked));
                let last = frame.payloads.len().saturating_sub(1);
                for (i, payload) in frame.payloads.into_iter().enumerate() {
                    let packet = rtp::Packet {
                        header: rtp::header::Header { version: 2, payload_type: video_pt, sequence_number: v_seq, timestamp: v_ts, ssrc: video_ssrc, marker: i == last, ..Default::default() },
                        payload: stamped(payload),
                    };
                    v_seq = v_seq.wrapping_add(1);
                    if let Some(mut s) = pc.rtp_sender(video_sender)
                        && s.write_rtp(Instant::now(), packet).is_ok()
                    {
                        lock(&stats).sent_video += 1;
                    }
                }
                v_ts = v_ts.wrapping_add(frame.ticks_to_next);
            }
        }
    }
    let _ = pc.close();
    while let Some(out) = pc.poll_write() {
        let _ = socket.try_send_to(&out.message, out.transport.peer_addr);
    }
    link.close().await;
    Ok(())
}

//! One party of a call without a browser: a WebRTC peer connection (the same
//! sans-I/O core as the gateway) on its own UDP socket, the signaling
//! WebSocket, and media (`source`): synthetic (Opus-sized audio every 20 ms
//! and VP8 frames at 30 fps with a keyframe every 2 s or when asked) or the
//! real Opus and VP8 of `PartyConfig::media`, looped. Optionally
//! the `collab` data channel, as the pages open it: messages sent on demand
//! or pointer moves at a steady rate, and every message received recorded.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
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
use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;
use vc_media::forward::{codecs, keyframes};
use vc_protocol::collab::{CHANNEL_LABEL, CollabMessage};
use vc_protocol::media::{IceCandidate, SignalIn, SignalOut};

use crate::media::LoadedMedia;
use crate::source::{AudioSource, VideoSource};

#[derive(Debug, thiserror::Error)]
pub enum PartyError {
    #[error("signaling: {0}")]
    Signaling(String),
    #[error("WebRTC: {0}")]
    Rtc(#[from] rtc::shared::error::Error),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

/// How a party behaves.
#[derive(Debug, Clone)]
pub struct PartyConfig {
    /// `ws://host:port/media/ws`
    pub signaling_url: String,
    pub room_token: String,
    /// Local address to bind the UDP socket to.
    pub bind: IpAddr,
    pub send_video: bool,
    /// The video codec to offer and send (`VP8`, or `H264` as Safari prefers).
    pub video_codec: VideoCodec,
    /// Share of incoming datagrams to drop once connected (simulated network
    /// loss, before decryption, as the network would).
    pub drop_incoming: f64,
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
const KEEP_MESSAGES: usize = 10_000;

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
    /// Joins the room and starts sending once connected.
    pub async fn join(cfg: PartyConfig) -> Result<Party, PartyError> {
        let (ws, _) = tokio_tungstenite::connect_async(cfg.signaling_url.clone())
            .await
            .map_err(|e| PartyError::Signaling(e.to_string()))?;
        let stats = Arc::new(Mutex::new(PartyStats::default()));
        let (control, control_rx) = tokio::sync::mpsc::unbounded_channel();
        let (connected_tx, connected) = watch::channel(false);
        let (collab_tx, collab_open) = watch::channel(false);
        let watches = Watches { connected: connected_tx, collab_open: collab_tx };
        let task = tokio::spawn(run(cfg, ws, stats.clone(), control_rx, watches));
        Ok(Party { stats, control, task, connected, collab_open })
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

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send(ws: &mut Ws, msg: &SignalIn) -> Result<(), PartyError> {
    let text = serde_json::to_string(msg).map_err(|e| PartyError::Signaling(e.to_string()))?;
    ws.send(Message::Text(text.into())).await.map_err(|e| PartyError::Signaling(e.to_string()))
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

async fn run(
    cfg: PartyConfig,
    mut ws: Ws,
    stats: Arc<Mutex<PartyStats>>,
    mut control: tokio::sync::mpsc::UnboundedReceiver<Control>,
    watches: Watches,
) -> Result<(), PartyError> {
    send(&mut ws, &SignalIn::Join { token: cfg.room_token.clone() }).await?;
    // Wait for `joined`.
    loop {
        let Some(Ok(Message::Text(t))) = ws.next().await else {
            return Err(PartyError::Signaling("socket closed before joined".into()));
        };
        match serde_json::from_str::<SignalOut>(&t) {
            Ok(SignalOut::Joined { .. }) => break,
            Ok(SignalOut::Error { code, message }) => {
                return Err(PartyError::Signaling(format!("{code}: {message}")));
            }
            _ => {}
        }
    }
    let socket = UdpSocket::bind((cfg.bind, 0)).await?;
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
    pc.add_local_candidate(RTCIceCandidate::from(&host).to_json()?)?;
    pc.add_local_candidate(RTCIceCandidateInit::default())?;
    // Like the pages: the channel exists before the first offer, so the
    // offer carries an `m=application` section; it opens (DCEP) once SCTP is up.
    let collab: Option<RTCDataChannelId> = if cfg.collab || cfg.pointer_hz > 0 {
        let init = RTCDataChannelInit { ordered: true, ..Default::default() };
        Some(pc.create_data_channel(CHANNEL_LABEL, Some(init))?.id())
    } else {
        None
    };
    let mut collab_open = false;
    let mut pointer_tick = tokio::time::interval(Duration::from_secs(1) / cfg.pointer_hz.max(1));
    let mut pointer_step: u64 = 0;
    let offer = pc.create_offer(None)?;
    pc.set_local_description(Instant::now(), offer)?;
    let sdp = pc.local_description().map(|d| d.sdp.clone()).unwrap_or_default();
    send(&mut ws, &SignalIn::Offer { sdp }).await?;

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
    loop {
        // Drain the connection.
        while let Some(out) = pc.poll_write() {
            let _ = socket.try_send_to(&out.message, out.transport.peer_addr);
        }
        while let Some(event) = pc.poll_event() {
            match event {
                RTCPeerConnectionEvent::OnConnectionStateChangeEvent(state) => {
                    connected = state == RTCPeerConnectionState::Connected;
                    lock(&stats).connected = connected;
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
                    let mut s = lock(&stats);
                    match receivers.get(&track_id).map(|(k, _)| *k) {
                        Some(RtpCodecKind::Audio) => s.received_audio += 1,
                        Some(RtpCodecKind::Video) => {
                            s.received_video += 1;
                            s.video_payload_types.insert(packet.header.payload_type);
                            if packet.header.payload_type == codecs::VP8_PT
                                && let Some(size) = vc_media::forward::vp8::keyframe_size(&packet.payload)
                            {
                                s.received_keyframes += 1;
                                s.received_keyframe_size = Some(size);
                            }
                            s.video_seqs
                                .entry(packet.header.ssrc)
                                .or_default()
                                .insert(packet.header.sequence_number);
                        }
                        _ => {}
                    }
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
                    pc.set_local_description(Instant::now(), offer)?;
                    let sdp = pc.local_description().map(|d| d.sdp.clone()).unwrap_or_default();
                    send(&mut ws, &SignalIn::Offer { sdp }).await?;
                }
                Some(Control::Collab(msg)) => {
                    let sent = send_collab(&mut pc, collab, msg);
                    let mut s = lock(&stats);
                    if sent { s.collab_sent += 1 } else { s.collab_send_failed += 1 }
                }
                Some(Control::Stop) | None => break,
            },
            msg = ws.next() => match msg {
                Some(Ok(Message::Text(t))) => match serde_json::from_str::<SignalOut>(&t) {
                    Ok(SignalOut::Answer { sdp }) => {
                        pc.set_remote_description(Instant::now(), RTCSessionDescription::answer(sdp)?)?;
                        lock(&stats).answers += 1;
                    }
                    Ok(SignalOut::Offer { sdp }) => {
                        pc.set_remote_description(Instant::now(), RTCSessionDescription::offer(sdp)?)?;
                        let answer = pc.create_answer(None)?;
                        pc.set_local_description(Instant::now(), answer)?;
                        let sdp = pc.local_description().map(|d| d.sdp.clone()).unwrap_or_default();
                        send(&mut ws, &SignalIn::Answer { sdp }).await?;
                    }
                    Ok(SignalOut::Candidate { candidate: IceCandidate { candidate, sdp_mid, sdp_m_line_index, username_fragment } }) => {
                        let _ = pc.add_remote_candidate(RTCIceCandidateInit { candidate, sdp_mid, sdp_mline_index: sdp_m_line_index, username_fragment, ..Default::default() });
                    }
                    Ok(SignalOut::Closed { reason }) => {
                        lock(&stats).closed_reason = Some(reason);
                        break;
                    }
                    _ => {}
                },
                Some(Ok(_)) => {}
                _ => break,
            },
            r = socket.recv_from(&mut buf) => {
                let (n, from) = r?;
                if connected && cfg.drop_incoming > 0.0 && rand::random::<f64>() < cfg.drop_incoming {
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
                    payload: audio.next_payload(),
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
                        payload,
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
    let _ = ws.close(None).await;
    Ok(())
}

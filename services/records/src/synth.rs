//! Raw recordings built from real media, for tests, the benchmark and the
//! system tests: ffmpeg makes a tone (Opus) or a test pattern (VP8, H.264),
//! and the writers here packetize it into `.vrec` files as the gateway
//! would have recorded it (arrival times, RTP timestamps, gaps, jitter).
//! [`analysis`] decodes merged files back for assertions.

pub mod analysis;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use vc_protocol::InteractionId;
use vc_protocol::interaction::Party;
use vc_protocol::recording::{FORMAT_VERSION, TrackHeader, TrackKind, encode_header, encode_packet};

use crate::merge::ivf::IvfReader;
use crate::merge::opus::packet_samples;

/// Largest RTP payload the packetizers produce.
pub const MAX_RTP_PAYLOAD: usize = 1200;

/// Runs ffmpeg with `args` (after `-nostdin -y -loglevel error`).
pub fn ffmpeg(ffmpeg: &Path, args: &[&str]) -> io::Result<()> {
    let out = Command::new(ffmpeg)
        .args(["-nostdin", "-y", "-loglevel", "error"])
        .args(args)
        .stdin(Stdio::null())
        .output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "ffmpeg {args:?}: {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

/// A mono sine tone as Ogg Opus (libopus, 20 ms frames, 32 kbit/s).
pub fn tone_opus_ogg(ffmpeg_bin: &Path, path: &Path, freq_hz: f64, secs: f64) -> io::Result<()> {
    let src = format!("sine=frequency={freq_hz}:sample_rate=48000:duration={secs}");
    let out = path.to_string_lossy();
    let args = ["-f", "lavfi", "-i", &src, "-ac", "1", "-c:a", "libopus", "-b:a", "32k"];
    ffmpeg(ffmpeg_bin, &[&args[..], &["-frame_duration", "20", "-f", "ogg", &out]].concat())
}

/// ffmpeg's test pattern as VP8 in IVF (libvpx realtime, a keyframe every
/// 2 s, no hidden frames: what a browser sends).
pub fn test_vp8_ivf(
    ffmpeg_bin: &Path,
    path: &Path,
    secs: f64,
    width: u32,
    height: u32,
    fps: u32,
    kbps: u32,
) -> io::Result<()> {
    let src = format!("testsrc=size={width}x{height}:rate={fps}:duration={secs}");
    let (gop, rate, out) = ((fps * 2).to_string(), format!("{kbps}k"), path.to_string_lossy());
    let args = ["-f", "lavfi", "-i", &src, "-c:v", "libvpx", "-b:v", &rate, "-g", &gop, "-keyint_min", &gop];
    let more = ["-deadline", "realtime", "-cpu-used", "8", "-auto-alt-ref", "0", "-lag-in-frames", "0"];
    ffmpeg(ffmpeg_bin, &[&args[..], &more, &["-pix_fmt", "yuv420p", "-f", "ivf", &out]].concat())
}

/// ffmpeg's test pattern as H.264 (libx264 constrained baseline, an access
/// unit delimiter before each frame, a keyframe every 2 s), Annex B.
pub fn test_h264_annexb(
    ffmpeg_bin: &Path,
    path: &Path,
    secs: f64,
    width: u32,
    height: u32,
    fps: u32,
) -> io::Result<()> {
    let src = format!("testsrc=size={width}x{height}:rate={fps}:duration={secs}");
    let (gop, out) = ((fps * 2).to_string(), path.to_string_lossy());
    let args =
        ["-f", "lavfi", "-i", &src, "-pix_fmt", "yuv420p", "-c:v", "libx264", "-profile:v", "baseline"];
    let x264 = format!("aud=1:keyint={gop}:min-keyint={gop}:scenecut=0:bframes=0");
    ffmpeg(ffmpeg_bin, &[&args[..], &["-x264-params", &x264, "-f", "h264", &out]].concat())
}

/// How a synthetic track was recorded.
#[derive(Debug, Clone)]
pub struct SynthTrack {
    pub interaction_id: InteractionId,
    pub party: Party,
    pub gateway_id: String,
    /// Arrival time of media time 0, µs since the Unix epoch.
    pub start_arrival_us: i64,
    pub ssrc: u32,
    pub first_seq: u16,
    pub first_ts: u32,
    /// Media time ranges (seconds) whose packets are never sent: sequence
    /// numbers and timestamps jump over them.
    pub gaps: Vec<(f64, f64)>,
    /// Each packet arrives up to this late (deterministic pseudo-random),
    /// so packets may arrive out of order.
    pub jitter_us: i64,
    /// Only media before this time (seconds) is written.
    pub until_s: Option<f64>,
    /// The file ends with a record cut in the middle (a killed gateway).
    pub cut_tail: bool,
}

impl SynthTrack {
    pub fn new(party: Party, start_arrival_us: i64, ssrc: u32) -> Self {
        Self {
            interaction_id: InteractionId::new(),
            party,
            gateway_id: "synth".into(),
            start_arrival_us,
            ssrc,
            first_seq: (ssrc % 60_000) as u16,
            first_ts: ssrc.wrapping_mul(2_654_435_761),
            gaps: Vec::new(),
            jitter_us: 0,
            until_s: None,
            cut_tail: false,
        }
    }

    fn header(&self, kind: TrackKind, mime: &str, clock_rate: u32) -> TrackHeader {
        TrackHeader {
            version: FORMAT_VERSION,
            interaction_id: self.interaction_id,
            party: self.party,
            kind,
            mime: mime.into(),
            clock_rate,
            gateway_id: self.gateway_id.clone(),
            opened_at_us: self.start_arrival_us,
        }
    }

    fn skipped(&self, media_s: f64) -> bool {
        self.gaps.iter().any(|&(from, to)| media_s >= from && media_s < to)
            || self.until_s.is_some_and(|until| media_s >= until)
    }
}

/// What a writer produced.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SynthStats {
    pub packets: u64,
    /// Media time of the end of the last packet written, seconds.
    pub end_s: f64,
}

/// One RTP packet waiting for its arrival time.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    arrival_us: i64,
    order: u64,
    seq: u16,
    timestamp: u32,
    marker: bool,
    payload: Vec<u8>,
}

/// Writes records in arrival order while packets are produced in sending
/// order (bounded memory: a packet is written once no later one can
/// arrive before it).
struct VrecWriter {
    out: BufWriter<File>,
    track: SynthTrack,
    payload_type: u8,
    heap: BinaryHeap<Reverse<Pending>>,
    order: u64,
    rng: u64,
    scratch: Vec<u8>,
    stats: SynthStats,
}

impl VrecWriter {
    fn create(path: &Path, track: &SynthTrack, header: &TrackHeader, payload_type: u8) -> io::Result<Self> {
        let mut out = BufWriter::new(File::create(path)?);
        out.write_all(&encode_header(header))?;
        Ok(Self {
            out,
            track: track.clone(),
            payload_type,
            heap: BinaryHeap::new(),
            order: 0,
            rng: u64::from(track.ssrc) | 1,
            scratch: Vec::new(),
            stats: SynthStats::default(),
        })
    }

    fn jitter(&mut self) -> i64 {
        if self.track.jitter_us <= 0 {
            return 0;
        }
        // xorshift64
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng % (self.track.jitter_us as u64 + 1)) as i64
    }

    /// Sends a packet at media time `sent_us` (from media time 0).
    fn send(
        &mut self,
        sent_us: i64,
        seq: u16,
        timestamp: u32,
        marker: bool,
        payload: Vec<u8>,
    ) -> io::Result<()> {
        let nominal = self.track.start_arrival_us + sent_us;
        let arrival_us = nominal + self.jitter();
        self.order += 1;
        self.heap.push(Reverse(Pending { arrival_us, order: self.order, seq, timestamp, marker, payload }));
        // Every later packet arrives at or after `nominal`.
        while self.heap.peek().is_some_and(|p| p.0.arrival_us <= nominal) {
            self.write_next()?;
        }
        self.stats.packets += 1;
        Ok(())
    }

    fn write_next(&mut self) -> io::Result<()> {
        let Some(Reverse(p)) = self.heap.pop() else { return Ok(()) };
        self.scratch.clear();
        let (ssrc, pt) = (self.track.ssrc, self.payload_type);
        encode_packet(&mut self.scratch, p.arrival_us, ssrc, p.seq, p.timestamp, p.marker, pt, &p.payload);
        self.out.write_all(&self.scratch)
    }

    fn finish(mut self) -> io::Result<SynthStats> {
        while !self.heap.is_empty() {
            self.write_next()?;
        }
        if self.track.cut_tail {
            self.scratch.clear();
            let last = self.track.start_arrival_us + (self.stats.end_s * 1e6) as i64 + 20_000;
            encode_packet(
                &mut self.scratch,
                last,
                self.track.ssrc,
                0,
                0,
                false,
                self.payload_type,
                &[0xF8; 100],
            );
            self.out.write_all(&self.scratch[..self.scratch.len() / 2])?;
        }
        self.out.flush()?;
        Ok(self.stats)
    }
}

/// Writes the Opus packets of an Ogg Opus file as a `.vrec` audio track:
/// RTP timestamps advance by each packet's samples, packets arrive at
/// `start_arrival_us` + their media time (+ jitter); gaps are not sent.
pub fn opus_ogg_to_vrec(ogg_path: &Path, vrec: &Path, track: &SynthTrack) -> io::Result<SynthStats> {
    let mut ogg = ogg::reading::PacketReader::new(BufReader::new(File::open(ogg_path)?));
    let header = track.header(TrackKind::Audio, "audio/opus", 48_000);
    let mut w = VrecWriter::create(vrec, track, &header, 111)?;
    let (mut seq, mut samples) = (track.first_seq, 0u64);
    while let Some(packet) = ogg.read_packet().map_err(io::Error::other)? {
        if packet.data.starts_with(b"OpusHead") || packet.data.starts_with(b"OpusTags") {
            continue;
        }
        let Some(n) = packet_samples(&packet.data) else { continue };
        let media_s = samples as f64 / 48_000.0;
        let ts = track.first_ts.wrapping_add(samples as u32);
        if !track.skipped(media_s) {
            let sent_us = (samples * 1_000_000 / 48_000) as i64;
            w.send(sent_us, seq, ts, false, packet.data)?;
            w.stats.end_s = (samples + n) as f64 / 48_000.0;
        } else if track.until_s.is_some_and(|until| media_s >= until) {
            break;
        }
        seq = seq.wrapping_add(1);
        samples += n;
    }
    w.finish()
}

/// Writes the frames of a VP8 IVF file as a `.vrec` video track: each
/// frame in RTP payloads of at most [`MAX_RTP_PAYLOAD`] bytes with a VP8
/// payload descriptor (15-bit PictureID), the marker on its last packet,
/// 90 kHz timestamps from the IVF pts.
pub fn vp8_ivf_to_vrec(ivf: &Path, vrec: &Path, track: &SynthTrack) -> io::Result<SynthStats> {
    let mut reader = IvfReader::open(BufReader::new(File::open(ivf)?))?;
    let header = track.header(TrackKind::Video, "video/vp8", 90_000);
    let mut w = VrecWriter::create(vrec, track, &header, 96)?;
    let (num, den) = (i64::from(reader.header.timebase.0), i64::from(reader.header.timebase.1.max(1)));
    let (mut seq, mut picture_id) = (track.first_seq, 0u16);
    while let Some((pts, frame)) = reader.next_frame()? {
        let media_us = pts * num * 1_000_000 / den;
        let media_s = media_us as f64 / 1e6;
        if track.until_s.is_some_and(|until| media_s >= until) {
            break;
        }
        let ts = track.first_ts.wrapping_add((media_us * 9 / 100) as u32);
        let chunks: Vec<&[u8]> = frame.chunks(MAX_RTP_PAYLOAD - 4).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            if !track.skipped(media_s) {
                let start = if i == 0 { 0x10 } else { 0 };
                let mut payload = vec![0x80 | start, 0x80, 0x80 | (picture_id >> 8) as u8, picture_id as u8];
                payload.extend_from_slice(chunk);
                w.send(media_us + i as i64 * 20, seq, ts, i + 1 == chunks.len(), payload)?;
                w.stats.end_s = media_s;
            }
            seq = seq.wrapping_add(1);
        }
        picture_id = (picture_id + 1) & 0x7FFF;
    }
    w.finish()
}

/// Writes an Annex B H.264 stream with an access unit delimiter before
/// each frame (as [`test_h264_annexb`] makes) as a `.vrec` video track at
/// `fps`: single NAL unit packets, FU-A for NAL units over
/// [`MAX_RTP_PAYLOAD`], the marker on the last packet of each frame.
pub fn h264_annexb_to_vrec(h264: &Path, fps: u32, vrec: &Path, track: &SynthTrack) -> io::Result<SynthStats> {
    let data = std::fs::read(h264)?;
    let header = track.header(TrackKind::Video, "video/h264", 90_000);
    let mut w = VrecWriter::create(vrec, track, &header, 102)?;
    let mut seq = track.first_seq;
    let mut frames: Vec<Vec<&[u8]>> = Vec::new();
    for nal in split_annexb(&data) {
        match nal.first().map(|h| h & 0x1F) {
            Some(9) => frames.push(Vec::new()), // access unit delimiter
            Some(_) => match frames.last_mut() {
                Some(frame) => frame.push(nal),
                None => frames.push(vec![nal]),
            },
            None => {}
        }
    }
    for (n, nals) in frames.iter().enumerate() {
        let media_us = n as i64 * 1_000_000 / i64::from(fps.max(1));
        let media_s = media_us as f64 / 1e6;
        if track.until_s.is_some_and(|until| media_s >= until) {
            break;
        }
        let ts = track.first_ts.wrapping_add((media_us * 9 / 100) as u32);
        let mut payloads = Vec::new();
        for nal in nals {
            if nal.len() <= MAX_RTP_PAYLOAD {
                payloads.push(nal.to_vec());
                continue;
            }
            let chunks: Vec<&[u8]> = nal[1..].chunks(MAX_RTP_PAYLOAD - 2).collect();
            for (i, chunk) in chunks.iter().enumerate() {
                let start = if i == 0 { 0x80 } else { 0 };
                let end = if i + 1 == chunks.len() { 0x40 } else { 0 };
                let mut payload = vec![(nal[0] & 0xE0) | 28, start | end | (nal[0] & 0x1F)];
                payload.extend_from_slice(chunk);
                payloads.push(payload);
            }
        }
        let count = payloads.len();
        for (i, payload) in payloads.into_iter().enumerate() {
            if !track.skipped(media_s) {
                w.send(media_us + i as i64 * 20, seq, ts, i + 1 == count, payload)?;
                w.stats.end_s = media_s;
            }
            seq = seq.wrapping_add(1);
        }
    }
    w.finish()
}

/// The NAL units of an Annex B stream (3- or 4-byte start codes).
fn split_annexb(data: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= data.len() {
        if data[i..i + 3] == [0, 0, 1] {
            starts.push((i, i + 3));
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut out = Vec::with_capacity(starts.len());
    for (k, &(_, from)) in starts.iter().enumerate() {
        let mut to = starts.get(k + 1).map_or(data.len(), |&(at, _)| at);
        while to > from && data[to - 1] == 0 {
            to -= 1; // the leading zero of a 4-byte start code
        }
        out.push(&data[from..to]);
    }
    out
}

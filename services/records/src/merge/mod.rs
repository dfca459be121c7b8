//! Merges a call's raw tracks (`*.vrec`, see `vc_protocol::recording`) into
//! one recording: stereo audio with the CLIENT on the LEFT channel and the
//! AGENT on the RIGHT, aligned in time, silence where a side was muted,
//! absent or not yet there; plus the client's video.
//!
//! 1. Every raw file is read once to find T0 and the end (see
//!    [`timeline`] for the timing model), and which files are usable.
//! 2. Each party's audio files become one continuous mono Ogg Opus stream
//!    ([`opus`]); the client's video files become one IVF file ([`video`],
//!    [`vp8`], [`h264`], [`ivf`]). Packets are streamed: memory stays
//!    bounded whatever the length of the call.
//! 3. ffmpeg joins the two mono streams into stereo and muxes the video
//!    ([`ffmpeg`]): WebM = VP8 copied as sent + Opus; MP4 = H.264
//!    (re-encoded from VP8 with libx264, copied from H.264) + AAC. A client
//!    on H.264 (Safari) is re-encoded to VP8 (libvpx, realtime) for WebM.
//!
//! Files that are not raw tracks, agent video, and tracks of other codecs
//! are skipped (with a warning for the unexpected ones).

pub mod ffmpeg;
pub mod h264;
pub mod ivf;
pub mod opus;
pub mod timeline;
pub mod video;
pub mod vp8;

use std::fs::File;
use std::io::{self, BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use vc_protocol::interaction::Party;
use vc_protocol::recording::{
    RawPacket, RecordingFormat, TRACK_EXTENSION, TrackHeader, TrackKind, TrackReader,
};

pub use ffmpeg::ffprobe_for;

use self::ivf::IvfWriter;
use self::opus::{OPUS_RATE, OpusTrackWriter};
use self::timeline::{Reorder, Timeline};
use self::video::{Assembler, Codec};

/// The RTP clock rate of video.
const VIDEO_RATE: u32 = 90_000;

/// How to merge.
#[derive(Debug, Clone)]
pub struct MergeSettings {
    /// The ffmpeg binary; ffprobe is looked for beside it ([`ffprobe_for`]).
    pub ffmpeg: PathBuf,
    pub format: RecordingFormat,
    /// Bitrate of the stereo output audio, kbit/s.
    pub audio_kbps: u32,
    /// ffmpeg (and ffprobe) are killed after this.
    pub timeout: Duration,
}

impl Default for MergeSettings {
    fn default() -> Self {
        Self {
            ffmpeg: PathBuf::from("ffmpeg"),
            format: RecordingFormat::Webm,
            audio_kbps: 128,
            timeout: Duration::from_secs(3600),
        }
    }
}

/// What a merge produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The recording's first instant (T0).
    pub started_at: DateTime<Utc>,
    /// Of the output file (ffprobe).
    pub duration_s: f64,
    pub has_video: bool,
    /// Some raw file ended with a cut record (a killed gateway).
    pub partial: bool,
    /// Raw packets read (of the tracks used).
    pub packets: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("the raw directory holds no usable media")]
    NoMedia,
    #[error("i/o: {0}")]
    Io(#[from] io::Error),
    #[error("cannot run {program}: {source}")]
    Spawn { program: String, source: io::Error },
    #[error("ffmpeg failed ({status}): {stderr}")]
    Ffmpeg { status: String, stderr: String },
    #[error("ffmpeg ran past its time limit and was killed")]
    Timeout,
    #[error("unexpected ffprobe output: {0}")]
    Probe(String),
}

/// What a usable raw file is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Audio(Party),
    Video { vp8: bool },
}

/// A usable raw file, after the first reading.
#[derive(Debug)]
struct Track {
    path: PathBuf,
    role: Role,
    first_us: i64,
    /// Last arrival, plus the duration of the last packet for audio.
    end_us: i64,
    packets: u64,
    truncated: bool,
}

/// Reads every `*.vrec` in `raw_dir`, writes intermediate files in
/// `work_dir` (which exists; the caller removes it), writes the merged
/// file to `out`.
pub fn merge(
    raw_dir: &Path,
    work_dir: &Path,
    out: &Path,
    settings: &MergeSettings,
) -> Result<Merged, MergeError> {
    let tracks = scan(raw_dir)?;
    let t0 = tracks.iter().map(|t| t.first_us).min().ok_or(MergeError::NoMedia)?;
    let end_us = tracks.iter().map(|t| t.end_us).max().unwrap_or(t0);
    let packets = tracks.iter().map(|t| t.packets).sum();
    let partial = tracks.iter().any(|t| t.truncated);
    tracing::info!(
        tracks = tracks.len(),
        packets,
        partial,
        span_s = end_us.saturating_sub(t0) as f64 / 1e6,
        "merging"
    );

    let client_audio = work_dir.join("client.ogg");
    let agent_audio = work_dir.join("agent.ogg");
    let end_samples = Timeline::new(OPUS_RATE, t0).arrival_position(end_us);
    let client = write_audio(&tracks, Party::Client, t0, &client_audio, 1)?;
    let agent = write_audio(&tracks, Party::Agent, t0, &agent_audio, 2)?;
    let end = u64::try_from(end_samples).unwrap_or(0).max(client.position()).max(agent.position());
    tracing::debug!(client = ?client.stats, agent = ?agent.stats, end, "audio written");
    client.finish(end)?;
    agent.finish(end)?;

    let video_path = work_dir.join("client.ivf");
    let video = match tracks.iter().find_map(|t| match t.role {
        Role::Video { vp8 } => Some(vp8),
        Role::Audio(_) => None,
    }) {
        Some(true) => write_video(&tracks, true, vp8::Vp8, t0, &video_path)?.map(|size| (true, size)),
        Some(false) => write_video(&tracks, false, h264::H264, t0, &video_path)?.map(|size| (false, size)),
        None => None,
    };
    let inputs = ffmpeg::Inputs {
        client_audio: &client_audio,
        agent_audio: &agent_audio,
        video: video.map(|(vp8, size)| ffmpeg::Video { path: &video_path, vp8, size }),
    };
    let has_video = inputs.video.is_some();
    let args = ffmpeg::merge_args(&inputs, out, settings.format, settings.audio_kbps);
    ffmpeg::run(&settings.ffmpeg, &args, work_dir, "ffmpeg", settings.timeout)?;
    let duration_s = ffmpeg::probe_duration(&ffprobe_for(&settings.ffmpeg), out, work_dir, settings.timeout)?;
    Ok(Merged {
        started_at: DateTime::<Utc>::from_timestamp_micros(t0).unwrap_or_default(),
        duration_s,
        has_video,
        partial,
        packets,
    })
}

fn open(path: &Path) -> Result<TrackReader<BufReader<File>>, MergeError> {
    TrackReader::open(BufReader::with_capacity(256 * 1024, File::open(path)?)).map_err(|e| match e {
        vc_protocol::recording::RawError::Io(e) => MergeError::Io(e),
        other => MergeError::Io(io::Error::new(io::ErrorKind::InvalidData, other.to_string())),
    })
}

fn next(reader: &mut TrackReader<BufReader<File>>) -> Result<Option<RawPacket>, MergeError> {
    reader.next_packet().map_err(|e| match e {
        vc_protocol::recording::RawError::Io(e) => MergeError::Io(e),
        other => MergeError::Io(io::Error::new(io::ErrorKind::InvalidData, other.to_string())),
    })
}

/// Whether a packet's arrival time can be true: not long before its file
/// was opened, nor more than a day after (a corrupt record, or a clock
/// step, would otherwise stretch the recording without bound).
fn plausible(header: &TrackHeader, p: &RawPacket) -> bool {
    const SLACK_US: i64 = 3_600_000_000;
    const MAX_SPAN_US: i64 = 24 * SLACK_US;
    let opened = header.opened_at_us;
    p.arrival_us >= opened.saturating_sub(SLACK_US) && p.arrival_us <= opened.saturating_add(MAX_SPAN_US)
}

/// What a file with this header is used for, if anything.
fn role(header: &TrackHeader) -> Option<Role> {
    match (header.kind, header.mime.as_str(), header.party) {
        (TrackKind::Audio, "audio/opus", party) => Some(Role::Audio(party)),
        (TrackKind::Video, _, Party::Agent) => None,
        (TrackKind::Video, "video/vp8", Party::Client) => Some(Role::Video { vp8: true }),
        (TrackKind::Video, "video/h264", Party::Client) => Some(Role::Video { vp8: false }),
        _ => {
            tracing::warn!(kind = header.kind.as_str(), mime = %header.mime, "raw track of an unsupported codec skipped");
            None
        }
    }
}

/// First reading: the usable files, in order of their first packet.
fn scan(raw_dir: &Path) -> Result<Vec<Track>, MergeError> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(raw_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == TRACK_EXTENSION) && p.is_file())
        .collect();
    paths.sort();
    let mut tracks: Vec<Track> = Vec::new();
    for path in paths {
        let mut reader = match open(&path) {
            Ok(reader) => reader,
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "not a raw track, skipped");
                continue;
            }
        };
        let Some(role) = role(&reader.header) else { continue };
        let (mut first_us, mut last_us, mut last_len) = (i64::MAX, i64::MIN, 0u64);
        let header = reader.header.clone();
        let mut implausible = 0u64;
        while let Some(p) = next(&mut reader)? {
            if !plausible(&header, &p) {
                implausible += 1;
                continue;
            }
            first_us = first_us.min(p.arrival_us);
            if p.arrival_us >= last_us {
                last_us = p.arrival_us;
                last_len = opus::packet_samples(&p.payload).unwrap_or(0);
            }
        }
        if implausible > 0 {
            tracing::warn!(file = %path.display(), implausible, "packets with impossible arrival times skipped");
        }
        if reader.records() == implausible {
            tracing::debug!(file = %path.display(), "empty raw track");
            continue;
        }
        let end_us = match role {
            Role::Audio(_) => {
                last_us.saturating_add(i64::try_from(last_len * 1_000_000 / 48_000).unwrap_or(0))
            }
            Role::Video { .. } => last_us,
        };
        if reader.truncated() {
            tracing::warn!(file = %path.display(), "raw track ends with a cut record");
        }
        tracks.push(Track {
            path,
            role,
            first_us,
            end_us,
            packets: reader.records() - implausible,
            truncated: reader.truncated(),
        });
    }
    // One codec for the client's video: the first one seen.
    let video_codec =
        tracks.iter().filter(|t| matches!(t.role, Role::Video { .. })).min_by_key(|t| t.first_us);
    if let Some(keep) = video_codec.map(|t| t.role) {
        tracks.retain(|t| {
            let other = matches!(t.role, Role::Video { .. }) && t.role != keep;
            if other {
                tracing::warn!(file = %t.path.display(), "client video in a second codec skipped");
            }
            !other
        });
    }
    tracks.sort_by_key(|t| t.first_us);
    Ok(tracks)
}

/// What [`for_each_packet`] hands on.
enum Item {
    /// The next packets come from another file.
    NewFile,
    Packet(RawPacket),
}

/// Streams the packets of the files with `role`, file by file (in order of
/// their first packet), each through a reorder window, to `sink`.
fn for_each_packet(
    tracks: &[Track],
    role: Role,
    mut sink: impl FnMut(Item) -> Result<(), MergeError>,
) -> Result<(), MergeError> {
    let mut due = Vec::new();
    for track in tracks.iter().filter(|t| t.role == role) {
        sink(Item::NewFile)?;
        let mut reader = open(&track.path)?;
        let mut reorder = Reorder::default();
        let header = reader.header.clone();
        while let Some(packet) = next(&mut reader)? {
            if !plausible(&header, &packet) {
                continue;
            }
            reorder.push(packet, &mut due);
            due.drain(..).try_for_each(|p| sink(Item::Packet(p)))?;
        }
        reorder.flush(&mut due);
        due.drain(..).try_for_each(|p| sink(Item::Packet(p)))?;
        if reorder.dropped > 0 {
            tracing::debug!(file = %track.path.display(), dropped = reorder.dropped, "late or duplicate packets");
        }
    }
    Ok(())
}

/// One party's audio as an Ogg Opus stream from T0 (not yet finished).
fn write_audio(
    tracks: &[Track],
    party: Party,
    t0: i64,
    path: &Path,
    serial: u32,
) -> Result<OpusTrackWriter<BufWriter<File>>, MergeError> {
    let mut writer = OpusTrackWriter::new(BufWriter::new(File::create(path)?), serial)?;
    let mut timeline = Timeline::new(OPUS_RATE, t0);
    for_each_packet(tracks, Role::Audio(party), |item| {
        match item {
            Item::NewFile => timeline.new_file(),
            Item::Packet(p) => {
                let pos = timeline.position(p.ssrc, p.timestamp, p.arrival_us);
                writer.push(pos, p.payload)?;
            }
        }
        Ok(())
    })?;
    Ok(writer)
}

/// The client's video as an IVF file with ms timestamps from T0; returns
/// the size of the first keyframe (if known) when any frame was written.
fn write_video<C: Codec>(
    tracks: &[Track],
    vp8: bool,
    codec: C,
    t0: i64,
    path: &Path,
) -> Result<Option<Option<(u16, u16)>>, MergeError> {
    let mut writer = IvfWriter::create(path, codec.fourcc())?;
    let mut assembler = Assembler::new(codec);
    let mut timeline = Timeline::new(VIDEO_RATE, t0);
    let mut out_of_order = 0u64;
    for_each_packet(tracks, Role::Video { vp8 }, |item| {
        match item {
            Item::NewFile => {
                assembler.reset();
                timeline.new_file();
            }
            Item::Packet(p) => {
                let Some(frame) = assembler.push(&p) else { return Ok(()) };
                let pos = timeline.position(frame.ssrc, frame.timestamp, frame.arrival_us);
                if pos < 0 || !writer.push(pos / 90, &frame.data, frame.keyframe)? {
                    // Not after the previous frame (an overlapping second
                    // connection): later frames may refer to this one.
                    out_of_order += 1;
                    assembler.wait_for_keyframe();
                }
            }
        }
        Ok(())
    })?;
    tracing::debug!(stats = ?assembler.stats, out_of_order, frames = writer.frames(), "video written");
    let size = writer.size().filter(|&(w, h)| w > 0 && h > 0);
    Ok(writer.finish()?.then_some(size))
}

#[cfg(test)]
mod tests;

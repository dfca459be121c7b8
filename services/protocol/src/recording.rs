//! Call recordings: the raw track files the gateway writes while a call
//! runs (read by vc-records), the merged recording as staff see it, and the
//! bus messages between vc-records and vc-server. See `docs/recording.md`.
//!
//! # Raw track files (`*.vrec`)
//! One file per incoming track of one party (a reconnect or a gateway
//! restart starts a new file), in `<raw dir>/<interaction id>/`:
//!
//! ```text
//! magic  "VAREC\0\0\x01"                       8 bytes
//! u32 LE header length, then the header as JSON (TrackHeader)
//! records, each:
//!   u32 LE length of what follows (20 + payload length)
//!   i64 LE arrival time, microseconds since the Unix epoch
//!   u32 LE RTP SSRC
//!   u16 LE RTP sequence number
//!   u32 LE RTP timestamp
//!   u8     flags (bit 0: RTP marker)
//!   u8     RTP payload type
//!   payload (the RTP payload, without the RTP header)
//! ```
//!
//! Records are appended in arrival order and never rewritten, so a file cut
//! short by a killed process is valid up to its last complete record; a
//! reader stops there ([`TrackReader::truncated`]).

use std::io::{self, Read};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ids::{FileId, InteractionId};
use crate::interaction::Party;

/// The first bytes of every raw track file.
pub const MAGIC: [u8; 8] = *b"VAREC\0\0\x01";
/// The raw format's version (in the magic and the header).
pub const FORMAT_VERSION: u32 = 1;
/// File name extension of raw track files.
pub const TRACK_EXTENSION: &str = "vrec";
/// Where raw recordings live under a data directory unless configured
/// (`[media] raw_recordings_dir`, `[records] raw_dir`: the same directory).
pub const DEFAULT_RAW_SUBDIR: &str = "recordings/raw";
/// Bytes of a record before its payload (after the length field).
pub const RECORD_FIXED: usize = 8 + 4 + 2 + 4 + 1 + 1;
/// No RTP payload is larger than this; a larger length means corruption.
pub const MAX_PAYLOAD: usize = 16 * 1024;

/// Audio or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackKind {
    Audio,
    Video,
}

impl TrackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TrackKind::Audio => "audio",
            TrackKind::Video => "video",
        }
    }
}

/// What a raw track file holds (its JSON header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackHeader {
    pub version: u32,
    pub interaction_id: InteractionId,
    pub party: Party,
    pub kind: TrackKind,
    /// Lower-case MIME type of the codec: `audio/opus`, `video/vp8`, `video/h264`.
    pub mime: String,
    /// RTP clock rate of the codec (48000 for Opus, 90000 for video).
    pub clock_rate: u32,
    /// The gateway that wrote the file.
    pub gateway_id: String,
    /// When the file was opened, microseconds since the Unix epoch.
    pub opened_at_us: i64,
}

/// One RTP packet as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPacket {
    pub arrival_us: i64,
    pub ssrc: u32,
    pub seq: u16,
    pub timestamp: u32,
    pub marker: bool,
    pub payload_type: u8,
    pub payload: Vec<u8>,
}

/// The file's first bytes: magic, header length, header.
pub fn encode_header(header: &TrackHeader) -> Vec<u8> {
    let json = serde_json::to_vec(header).unwrap_or_default();
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + json.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    out
}

/// Appends one record to `out`. Payloads above [`MAX_PAYLOAD`] are cut
/// (no RTP packet on a UDP path is that large).
#[allow(clippy::too_many_arguments)]
pub fn encode_packet(
    out: &mut Vec<u8>,
    arrival_us: i64,
    ssrc: u32,
    seq: u16,
    timestamp: u32,
    marker: bool,
    payload_type: u8,
    payload: &[u8],
) {
    let payload = &payload[..payload.len().min(MAX_PAYLOAD)];
    out.extend_from_slice(&((RECORD_FIXED + payload.len()) as u32).to_le_bytes());
    out.extend_from_slice(&arrival_us.to_le_bytes());
    out.extend_from_slice(&ssrc.to_le_bytes());
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&timestamp.to_le_bytes());
    out.push(u8::from(marker));
    out.push(payload_type);
    out.extend_from_slice(payload);
}

/// Why a raw track file cannot be read at all.
#[derive(Debug)]
pub enum RawError {
    Io(io::Error),
    NotATrack(String),
}

impl std::fmt::Display for RawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RawError::Io(e) => write!(f, "reading a raw track: {e}"),
            RawError::NotATrack(why) => write!(f, "not a raw track file: {why}"),
        }
    }
}

impl std::error::Error for RawError {}

impl From<io::Error> for RawError {
    fn from(e: io::Error) -> Self {
        RawError::Io(e)
    }
}

/// Reads a raw track file record by record (bounded memory).
pub struct TrackReader<R> {
    input: R,
    pub header: TrackHeader,
    truncated: bool,
    records: u64,
}

impl<R: Read> TrackReader<R> {
    /// Reads the magic and the header.
    pub fn open(mut input: R) -> Result<Self, RawError> {
        let mut magic = [0u8; 8];
        input.read_exact(&mut magic).map_err(|_| RawError::NotATrack("too short".into()))?;
        if magic != MAGIC {
            return Err(RawError::NotATrack("wrong magic".into()));
        }
        let mut len = [0u8; 4];
        input.read_exact(&mut len).map_err(|_| RawError::NotATrack("no header".into()))?;
        let len = u32::from_le_bytes(len) as usize;
        if len > 64 * 1024 {
            return Err(RawError::NotATrack(format!("header of {len} bytes")));
        }
        let mut json = vec![0u8; len];
        input.read_exact(&mut json).map_err(|_| RawError::NotATrack("header cut short".into()))?;
        let header: TrackHeader =
            serde_json::from_slice(&json).map_err(|e| RawError::NotATrack(format!("header: {e}")))?;
        if header.version != FORMAT_VERSION {
            return Err(RawError::NotATrack(format!("format version {}", header.version)));
        }
        Ok(Self { input, header, truncated: false, records: 0 })
    }

    /// The next record; `None` at the end of the file, or at a record cut
    /// short or corrupt (then [`Self::truncated`] is true).
    pub fn next_packet(&mut self) -> Result<Option<RawPacket>, RawError> {
        if self.truncated {
            return Ok(None);
        }
        let mut len = [0u8; 4];
        match read_full(&mut self.input, &mut len)? {
            0 => return Ok(None),
            4 => {}
            _ => {
                self.truncated = true;
                return Ok(None);
            }
        }
        let len = u32::from_le_bytes(len) as usize;
        if !(RECORD_FIXED..=RECORD_FIXED + MAX_PAYLOAD).contains(&len) {
            self.truncated = true;
            return Ok(None);
        }
        let mut buf = vec![0u8; len];
        if read_full(&mut self.input, &mut buf)? != len {
            self.truncated = true;
            return Ok(None);
        }
        let u32_at = |i: usize| u32::from_le_bytes([buf[i], buf[i + 1], buf[i + 2], buf[i + 3]]);
        let mut arrival = [0u8; 8];
        arrival.copy_from_slice(&buf[0..8]);
        let packet = RawPacket {
            arrival_us: i64::from_le_bytes(arrival),
            ssrc: u32_at(8),
            seq: u16::from_le_bytes([buf[12], buf[13]]),
            timestamp: u32_at(14),
            marker: buf[18] & 1 == 1,
            payload_type: buf[19],
            payload: buf[RECORD_FIXED..].to_vec(),
        };
        self.records += 1;
        Ok(Some(packet))
    }

    /// Whether the file ends with a record cut short (a killed writer).
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Complete records read so far.
    pub fn records(&self) -> u64 {
        self.records
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full<R: Read>(input: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The container of merged recordings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordingFormat {
    /// WebM (Matroska): VP8 video as it was sent, Opus stereo audio.
    #[default]
    Webm,
    /// MP4: H.264 video (re-encoded), AAC stereo audio.
    Mp4,
}

impl RecordingFormat {
    pub fn extension(self) -> &'static str {
        match self {
            RecordingFormat::Webm => "webm",
            RecordingFormat::Mp4 => "mp4",
        }
    }
}

/// A call's merged recording, on the interaction (`recording`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct RecordingInfo {
    /// Download with `GET /api/files/{file_id}` (agent of the call, supervisors, admins).
    pub file_id: FileId,
    pub format: RecordingFormat,
    /// Length of the merged file, seconds.
    pub duration_s: f64,
    pub size: u64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    /// Wall-clock time of the recording's first instant.
    pub started_at: DateTime<Utc>,
    /// Whether the file has the client's video (else audio only).
    pub has_video: bool,
    /// Some of the raw tracks ended abruptly (a gateway was killed): the
    /// recording has a gap where the call went on unrecorded.
    #[serde(default)]
    pub partial: bool,
    /// When the storage retention policy deleted the file (it can no longer
    /// be downloaded; the rest of this record stays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub deleted_at: Option<DateTime<Utc>>,
}

/// `v1/server/interactions/recording`: vc-records tells vc-server how the
/// merge of an interaction's recording ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordingOutcome {
    pub interaction_id: InteractionId,
    pub result: RecordingResult,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RecordingResult {
    Ready {
        recording: RecordingInfo,
    },
    /// The raw tracks are kept in the gateway's raw directory.
    Failed {
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> TrackHeader {
        TrackHeader {
            version: FORMAT_VERSION,
            interaction_id: InteractionId::new(),
            party: Party::Client,
            kind: TrackKind::Audio,
            mime: "audio/opus".into(),
            clock_rate: 48_000,
            gateway_id: "gw".into(),
            opened_at_us: 1,
        }
    }

    #[test]
    fn records_read_back_and_a_cut_tail_is_dropped() {
        let h = header();
        let mut file = encode_header(&h);
        encode_packet(&mut file, 10, 7, 65535, 960, true, 111, &[1, 2, 3]);
        encode_packet(&mut file, 30, 7, 0, 1920, false, 111, &[4]);
        let whole = file.len();
        encode_packet(&mut file, 50, 7, 1, 2880, false, 111, &[5, 6, 7, 8]);
        for cut in [whole, whole + 3, file.len() - 1] {
            let mut r = TrackReader::open(&file[..cut]).unwrap();
            assert_eq!(r.header, h);
            let a = r.next_packet().unwrap().unwrap();
            assert_eq!((a.arrival_us, a.ssrc, a.seq, a.timestamp, a.marker), (10, 7, 65535, 960, true));
            assert_eq!(a.payload, vec![1, 2, 3]);
            let b = r.next_packet().unwrap().unwrap();
            assert_eq!((b.seq, b.marker, b.payload.as_slice()), (0, false, &[4u8][..]));
            assert!(r.next_packet().unwrap().is_none());
            assert_eq!(r.truncated(), cut != whole, "cut at {cut}");
        }
        let mut r = TrackReader::open(&file[..]).unwrap();
        let mut n = 0;
        while r.next_packet().unwrap().is_some() {
            n += 1;
        }
        assert_eq!((n, r.truncated()), (3, false));
    }

    #[test]
    fn other_files_are_refused() {
        assert!(TrackReader::open(&b"not a track at all"[..]).is_err());
        assert!(TrackReader::open(&MAGIC[..]).is_err());
    }
}

//! IVF, the container ffmpeg writes VP8 into: a 32-byte file header
//! (`DKIF`, version, header size, FourCC, width, height, time-base
//! denominator and numerator, frame count), then per frame a 12-byte header
//! (u32 size, u64 pts, little-endian) and the frame.

use std::time::Duration;

use bytes::Bytes;

use super::invalid;

/// A VP8 IVF file in memory.
#[derive(Debug, Clone)]
pub struct Ivf {
    pub width: u16,
    pub height: u16,
    /// A pts unit is `timebase_num / timebase_den` seconds.
    pub timebase_num: u32,
    pub timebase_den: u32,
    /// At least one; the first is a keyframe.
    pub frames: Vec<IvfFrame>,
}

#[derive(Debug, Clone)]
pub struct IvfFrame {
    /// In time-base units.
    pub pts: u64,
    /// One VP8 frame (RFC 6386), as the RTP payload after the descriptor.
    pub data: Bytes,
}

impl IvfFrame {
    /// Bit 0 of the frame tag (RFC 6386 §9.1): 0 for a keyframe.
    pub fn is_keyframe(&self) -> bool {
        super::vp8::is_keyframe(&self.data)
    }
}

const FILE_HEADER: usize = 32;
const FRAME_HEADER: usize = 12;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl Ivf {
    /// Reads a whole file; an error unless it is VP8 with at least one
    /// frame, starting with a keyframe, and not cut short.
    pub fn parse(file: &[u8]) -> std::io::Result<Ivf> {
        let Some(header) = file.get(..FILE_HEADER) else {
            return Err(invalid("IVF: shorter than its header"));
        };
        if &header[..4] != b"DKIF" {
            return Err(invalid("IVF: no DKIF signature"));
        }
        if &header[8..12] != b"VP80" {
            let fourcc = String::from_utf8_lossy(&header[8..12]).into_owned();
            return Err(invalid(format!("IVF: {fourcc}, not VP8")));
        }
        let header_len = usize::from(u16_at(header, 6)).max(FILE_HEADER);
        let (timebase_den, timebase_num) = (u32_at(header, 16), u32_at(header, 20));
        if timebase_den == 0 || timebase_num == 0 {
            return Err(invalid("IVF: a zero time base"));
        }
        let mut frames = Vec::new();
        let mut rest = file.get(header_len..).unwrap_or_default();
        while !rest.is_empty() {
            let Some(h) = rest.get(..FRAME_HEADER) else {
                return Err(invalid(format!("IVF: frame {} has a cut header", frames.len())));
            };
            let size = u32_at(h, 0) as usize;
            let pts = u64::from_le_bytes([h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11]]);
            let body = &rest[FRAME_HEADER..];
            let Some(data) = body.get(..size) else {
                return Err(invalid(format!("IVF: frame {} is cut short", frames.len())));
            };
            frames.push(IvfFrame { pts, data: Bytes::copy_from_slice(data) });
            rest = &body[size..];
        }
        if !frames.first().is_some_and(IvfFrame::is_keyframe) {
            return Err(invalid("IVF: no frames, or the first is not a keyframe"));
        }
        Ok(Ivf { width: u16_at(header, 12), height: u16_at(header, 14), timebase_num, timebase_den, frames })
    }

    /// `pts` time-base units in RTP video ticks (90 kHz), saturating.
    pub fn rtp_ticks(&self, pts: u64) -> u32 {
        let ticks = u128::from(pts) * 90_000 * u128::from(self.timebase_num) / u128::from(self.timebase_den);
        u32::try_from(ticks).unwrap_or(u32::MAX)
    }

    /// The mean time between frames (for a one-frame file, one time-base
    /// unit), within 1 ms ..= 1 s.
    pub fn frame_interval(&self) -> Duration {
        let span = match (self.frames.first(), self.frames.last()) {
            (Some(first), Some(last)) if self.frames.len() > 1 => {
                last.pts.saturating_sub(first.pts) as f64 / (self.frames.len() - 1) as f64
            }
            _ => 1.0,
        };
        let secs = span * f64::from(self.timebase_num) / f64::from(self.timebase_den);
        Duration::from_secs_f64(secs.clamp(0.001, 1.0))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;

    /// An IVF file with the given frames, time base 1/30.
    fn file(frames: &[(u64, &[u8])]) -> Vec<u8> {
        let mut f = b"DKIF".to_vec();
        f.extend_from_slice(&0u16.to_le_bytes());
        f.extend_from_slice(&32u16.to_le_bytes());
        f.extend_from_slice(b"VP80");
        f.extend_from_slice(&640u16.to_le_bytes());
        f.extend_from_slice(&480u16.to_le_bytes());
        f.extend_from_slice(&30u32.to_le_bytes());
        f.extend_from_slice(&1u32.to_le_bytes());
        f.extend_from_slice(&(frames.len() as u32).to_le_bytes());
        f.extend_from_slice(&0u32.to_le_bytes());
        for (pts, data) in frames {
            f.extend_from_slice(&(data.len() as u32).to_le_bytes());
            f.extend_from_slice(&pts.to_le_bytes());
            f.extend_from_slice(data);
        }
        f
    }

    #[test]
    fn reads_header_and_frames() {
        let ivf = Ivf::parse(&file(&[(0, &[0x50, 1, 2]), (1, &[0x51]), (2, &[0x31, 9])])).unwrap();
        assert_eq!((ivf.width, ivf.height, ivf.timebase_num, ivf.timebase_den), (640, 480, 1, 30));
        let frames: Vec<_> = ivf.frames.iter().map(|f| (f.pts, f.data.to_vec(), f.is_keyframe())).collect();
        assert_eq!(
            frames,
            vec![(0, vec![0x50, 1, 2], true), (1, vec![0x51], false), (2, vec![0x31, 9], false)]
        );
        assert_eq!(ivf.rtp_ticks(1), 3000);
        assert_eq!(ivf.rtp_ticks(30), 90_000);
        assert_eq!(ivf.frame_interval().as_micros(), 33_333);
    }

    #[test]
    fn malformed_files_are_errors() {
        let good = file(&[(0, &[0x50, 1, 2]), (1, &[0x51])]);
        assert!(Ivf::parse(&good).is_ok());
        let cut_frame = &good[..good.len() - 1];
        let cut_header = &good[..good.len() - 1 - 12 + 3];
        let mut not_vp8 = good.clone();
        not_vp8[8..12].copy_from_slice(b"VP90");
        let mut zero_timebase = good.clone();
        zero_timebase[16..20].copy_from_slice(&[0; 4]);
        for (what, bytes) in [
            ("empty", &[][..]),
            ("cut header", &good[..20]),
            ("cut frame", cut_frame),
            ("cut frame header", cut_header),
            ("VP9", &not_vp8[..]),
            ("zero time base", &zero_timebase[..]),
            ("no frames", &file(&[])[..]),
            ("starts with an interframe", &file(&[(0, &[0x51])])[..]),
        ] {
            let e = Ivf::parse(bytes).map(|_| ()).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidData, "{what}: {e}");
        }
    }
}

//! Real media for parties: an Opus tone and a VP8 test pattern, encoded
//! once with ffmpeg ([`prepare`]), read into memory once
//! ([`LoadedMedia::load`]) and shared by every party of a run.
//!
//! ```no_run
//! # fn main() -> std::io::Result<()> {
//! use vc_loadgen::media::{self, LoadedMedia, MediaSpec};
//! let files = media::prepare("ffmpeg".as_ref(), "/tmp/vc-load-media".as_ref(), &MediaSpec::default())?;
//! let media = LoadedMedia::load(&files)?; // an Arc, for `PartyConfig::media`
//! # let _ = media; Ok(()) }
//! ```

mod ffmpeg;
mod ivf;
mod opus;
pub mod vp8;

use std::path::PathBuf;
use std::sync::Arc;
use std::{fmt, io};

pub use ffmpeg::prepare;
pub use ivf::{Ivf, IvfFrame};

/// What [`prepare`] makes: a sine tone and ffmpeg's `testsrc2` pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaSpec {
    /// Frequency of the tone (Opus, mono, 48 kHz, 20 ms packets).
    pub tone_hz: f64,
    /// Length of both files; parties loop them.
    pub secs: u32,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub video_kbps: u32,
    pub audio_kbps: u32,
    /// A keyframe every this many seconds (`-g fps * keyframe_secs`).
    pub keyframe_secs: u32,
}

impl Default for MediaSpec {
    /// 440 Hz, 10 s, 640x480 at 30 fps, 700 kbit/s video, 32 kbit/s audio,
    /// a keyframe every 2 s: about what a browser sends.
    fn default() -> Self {
        Self {
            tone_hz: 440.0,
            secs: 10,
            width: 640,
            height: 480,
            fps: 30,
            video_kbps: 700,
            audio_kbps: 32,
            keyframe_secs: 2,
        }
    }
}

/// The files [`prepare`] made (or found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFiles {
    /// Ogg Opus, 20 ms packets.
    pub opus_ogg: PathBuf,
    /// VP8 in IVF.
    pub vp8_ivf: PathBuf,
}

/// Both files in memory, shared (`Arc`) by all the parties of a run.
pub struct LoadedMedia {
    /// Opus packets of 20 ms each, in order (without `OpusHead`/`OpusTags`).
    pub opus: Vec<bytes::Bytes>,
    /// The VP8 frames (at least one, the first a keyframe).
    pub video: Ivf,
}

impl LoadedMedia {
    /// Reads both files; an error if either is malformed or empty.
    pub fn load(files: &MediaFiles) -> io::Result<Arc<LoadedMedia>> {
        let opus = opus::packets(std::fs::read(&files.opus_ogg)?)?;
        let video = Ivf::parse(&std::fs::read(&files.vp8_ivf)?)?;
        Ok(Arc::new(LoadedMedia { opus, video }))
    }
}

impl fmt::Debug for LoadedMedia {
    /// A summary: the data itself is megabytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedMedia")
            .field("opus_packets", &self.opus.len())
            .field("video_frames", &self.video.frames.len())
            .field("size", &(self.video.width, self.video.height))
            .field("frame_interval", &self.video.frame_interval())
            .finish()
    }
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;

    /// Two seconds of small media, made by the real ffmpeg.
    fn tiny() -> MediaSpec {
        MediaSpec {
            tone_hz: 1000.0,
            secs: 2,
            width: 160,
            height: 120,
            fps: 10,
            video_kbps: 100,
            audio_kbps: 24,
            keyframe_secs: 1,
        }
    }

    /// The TOC byte (RFC 6716 §3.1) of a packet holding one 20 ms frame.
    fn one_frame_of_20_ms(toc: u8) -> bool {
        let config = toc >> 3;
        let duration_code = match config {
            0..=11 => config % 4 == 1,  // SILK: 10, 20, 40, 60 ms
            12..=15 => config % 2 == 1, // hybrid: 10, 20 ms
            _ => config % 4 == 3,       // CELT: 2.5, 5, 10, 20 ms
        };
        duration_code && toc & 0x03 == 0
    }

    #[test]
    fn prepares_once_and_loads_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = prepare("ffmpeg".as_ref(), dir.path(), &tiny()).unwrap();
        let modified = |p: &PathBuf| std::fs::metadata(p).unwrap().modified().unwrap();
        let before = (modified(&files.opus_ogg), modified(&files.vp8_ivf));
        // The same spec again: the same files, not made again.
        assert_eq!(prepare("ffmpeg".as_ref(), dir.path(), &tiny()).unwrap(), files);
        assert_eq!((modified(&files.opus_ogg), modified(&files.vp8_ivf)), before);
        // Another spec: other files.
        let other = prepare("ffmpeg".as_ref(), dir.path(), &MediaSpec { tone_hz: 500.0, ..tiny() }).unwrap();
        assert_ne!(other.opus_ogg, files.opus_ogg);
        assert_eq!(other.vp8_ivf, files.vp8_ivf, "the video does not depend on the tone");
        let entries = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(entries, 3, "no temporary files left behind");

        let media = LoadedMedia::load(&files).unwrap();
        // 2 s of 20 ms packets (the encoder may add one for its look-ahead).
        assert!((100..=102).contains(&media.opus.len()), "{} Opus packets", media.opus.len());
        assert!(media.opus.iter().all(|p| !p.is_empty() && !p.starts_with(b"Opus")));
        assert!(media.opus.iter().all(|p| one_frame_of_20_ms(p[0])), "20 ms packets");
        let v = &media.video;
        assert_eq!((v.width, v.height), (160, 120));
        assert_eq!(v.frames.len(), 20);
        assert_eq!(v.frame_interval(), std::time::Duration::from_millis(100));
        let keys: Vec<usize> = (0..v.frames.len()).filter(|&i| v.frames[i].is_keyframe()).collect();
        assert_eq!(keys, vec![0, 10], "a keyframe every second");
        assert_eq!(v.frames.iter().map(|f| f.pts).collect::<Vec<_>>(), (0..20).collect::<Vec<u64>>());
        // The frames are VP8 as a decoder reads them: a keyframe's start code and size.
        assert_eq!(v.frames[0].data[3..6], [0x9d, 0x01, 0x2a]);
        assert!(format!("{media:?}").contains("video_frames: 20"));
    }

    #[test]
    fn a_missing_ffmpeg_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let e = prepare("/nonexistent/ffmpeg".as_ref(), dir.path(), &tiny()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound, "{e}");
    }

    #[test]
    fn a_nonsensical_spec_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for spec in [
            MediaSpec { fps: 0, ..tiny() },
            MediaSpec { secs: 0, ..tiny() },
            MediaSpec { tone_hz: f64::NAN, ..tiny() },
            MediaSpec { width: 0, ..tiny() },
            MediaSpec { keyframe_secs: 0, ..tiny() },
        ] {
            let e = prepare("ffmpeg".as_ref(), dir.path(), &spec).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{spec:?}: {e}");
        }
    }
}

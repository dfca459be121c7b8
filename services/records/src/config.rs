//! `[records]`: vc-records' settings.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vc_protocol::recording::RecordingFormat;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RecordsSettings {
    /// The gateways' raw recordings (the same directory as
    /// `[media] raw_recordings_dir`). Default: `<data_dir>/recordings/raw`.
    pub raw_dir: Option<PathBuf>,
    /// Scratch space for merges. Default: `<data_dir>/recordings/work`.
    pub work_dir: Option<PathBuf>,
    /// `webm` (VP8 as sent, Opus) or `mp4` (H.264 re-encoded, AAC).
    pub format: RecordingFormat,
    /// The ffmpeg program (ffprobe is looked for next to it).
    pub ffmpeg: PathBuf,
    /// Bitrate of the merged stereo audio.
    pub audio_kbps: u32,
    /// A merge taking longer is stopped and counted as failed.
    pub merge_timeout_secs: u64,
    /// Where vc-fileserver takes recordings (`POST /api/interactions/{id}/recording`).
    /// The all-in-one uses itself.
    pub fileserver_url: Option<String>,
    /// How often the raw directory is checked for recordings nobody merged
    /// (a missed end event, a gateway that was killed); also at start.
    pub sweep_interval_secs: u64,
    /// A raw recording whose interaction vc-server does not know is left
    /// alone (and reported) once it is older than this.
    pub unknown_after_secs: u64,
    /// Merges tried per recording before it is reported failed (its raw
    /// files are kept).
    pub max_attempts: u32,
}

impl Default for RecordsSettings {
    fn default() -> Self {
        Self {
            raw_dir: None,
            work_dir: None,
            format: RecordingFormat::Webm,
            ffmpeg: PathBuf::from("ffmpeg"),
            audio_kbps: 128,
            merge_timeout_secs: 3600,
            fileserver_url: None,
            sweep_interval_secs: 60,
            unknown_after_secs: 3600,
            max_attempts: 3,
        }
    }
}

impl RecordsSettings {
    /// Fills the directories from `data_dir` where they are not set.
    pub fn with_data_dir(mut self, data_dir: &Path) -> Self {
        if self.raw_dir.is_none() {
            self.raw_dir = Some(data_dir.join(vc_protocol::recording::DEFAULT_RAW_SUBDIR));
        }
        if self.work_dir.is_none() {
            self.work_dir = Some(data_dir.join("recordings/work"));
        }
        self
    }

    pub fn validate(&self) -> Result<(), String> {
        if !(16..=512).contains(&self.audio_kbps) {
            return Err("records.audio_kbps must be between 16 and 512".into());
        }
        if self.merge_timeout_secs == 0 || self.sweep_interval_secs == 0 || self.max_attempts == 0 {
            return Err(
                "records: merge_timeout_secs, sweep_interval_secs and max_attempts must be at least 1".into(),
            );
        }
        Ok(())
    }
}

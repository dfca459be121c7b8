//! `[fileserver]`: vc-fileserver's settings.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// 100 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;
/// 32 MiB.
pub const DEFAULT_MAX_CAPTURE_BYTES: u64 = 32 * 1024 * 1024;
/// 8 GiB.
pub const DEFAULT_MAX_RECORDING_BYTES: u64 = 8 * 1024 * 1024 * 1024;
/// 50 GiB.
pub const DEFAULT_QUOTA_BYTES: u64 = 50 * 1024 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FileserverSettings {
    /// Where the files live. Default: `<data_dir>/files`.
    pub root: Option<PathBuf>,
    /// The largest file accepted, in bytes (larger: 413 `file_too_large`).
    pub max_file_bytes: u64,
    /// The largest screenshot or photo accepted (it is read in memory to
    /// write the client's position into its EXIF); larger: 413 `file_too_large`.
    pub max_capture_bytes: u64,
    /// The largest call recording vc-records may store (an hour of 720p
    /// video is about 1 GB).
    pub max_recording_bytes: u64,
    /// All stored files together may take this many bytes (more: 507 `storage_full`).
    pub quota_bytes: u64,
    /// Longest side of a thumbnail, in pixels.
    pub thumbnail_max_side: u32,
    /// Images with more pixels than this get no thumbnail (decoding them
    /// would take too much memory: a decompression bomb is refused).
    pub thumbnail_max_pixels: u64,
    /// How long an answer of vc-server about who may reach an interaction
    /// is reused for downloads (uploads always ask afresh).
    pub access_cache_secs: u64,
    /// An upload that sends nothing for this long is dropped.
    pub upload_idle_timeout_secs: u64,
    /// Files on disk without metadata older than this are removed (left by
    /// a crash between storing a file and recording it).
    pub orphan_grace_secs: u64,
}

impl Default for FileserverSettings {
    fn default() -> Self {
        Self {
            root: None,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_capture_bytes: DEFAULT_MAX_CAPTURE_BYTES,
            max_recording_bytes: DEFAULT_MAX_RECORDING_BYTES,
            quota_bytes: DEFAULT_QUOTA_BYTES,
            thumbnail_max_side: 320,
            thumbnail_max_pixels: 50_000_000,
            access_cache_secs: 5,
            upload_idle_timeout_secs: 60,
            orphan_grace_secs: 600,
        }
    }
}

impl FileserverSettings {
    /// Checks the settings at start.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_file_bytes == 0 {
            return Err("fileserver.max_file_bytes must be at least 1".into());
        }
        if self.max_capture_bytes == 0 {
            return Err("fileserver.max_capture_bytes must be at least 1".into());
        }
        if self.quota_bytes == 0 {
            return Err("fileserver.quota_bytes must be at least 1".into());
        }
        // Sizes are stored as signed 64-bit integers in MongoDB.
        if self.quota_bytes > i64::MAX as u64 || self.max_file_bytes > i64::MAX as u64 {
            return Err("fileserver.quota_bytes and max_file_bytes must be below 2^63".into());
        }
        if !(16..=2048).contains(&self.thumbnail_max_side) {
            return Err(format!(
                "fileserver.thumbnail_max_side = {} must be between 16 and 2048",
                self.thumbnail_max_side
            ));
        }
        if self.upload_idle_timeout_secs == 0 {
            return Err("fileserver.upload_idle_timeout_secs must be at least 1".into());
        }
        if let Some(root) = &self.root
            && root.as_os_str().is_empty()
        {
            return Err("fileserver.root must not be empty (leave it unset for <data_dir>/files)".into());
        }
        Ok(())
    }

    /// `root`, else `<data_dir>/files`.
    pub fn root_in(&self, data_dir: &Path) -> PathBuf {
        self.root.clone().unwrap_or_else(|| data_dir.join("files"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bounds_are_checked() {
        let d = FileserverSettings::default();
        assert!(d.validate().is_ok());
        assert_eq!(d.max_file_bytes, 104_857_600);
        assert!(FileserverSettings { max_file_bytes: 0, ..d.clone() }.validate().is_err());
        assert!(FileserverSettings { quota_bytes: 0, ..d.clone() }.validate().is_err());
        assert_eq!(d.max_capture_bytes, 33_554_432);
        assert!(FileserverSettings { max_capture_bytes: 0, ..d.clone() }.validate().is_err());
        assert!(FileserverSettings { quota_bytes: u64::MAX, ..d.clone() }.validate().is_err());
        assert!(FileserverSettings { thumbnail_max_side: 8, ..d.clone() }.validate().is_err());
        assert!(FileserverSettings { root: Some(PathBuf::new()), ..d.clone() }.validate().is_err());
    }

    #[test]
    fn the_root_defaults_to_the_data_dir() {
        let d = FileserverSettings::default();
        assert_eq!(d.root_in(Path::new("/srv/va")), PathBuf::from("/srv/va/files"));
        let s = FileserverSettings { root: Some("/mnt/files".into()), ..d };
        assert_eq!(s.root_in(Path::new("/srv/va")), PathBuf::from("/mnt/files"));
    }
}

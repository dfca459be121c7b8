//! vc-fileserver's shared state and metrics.

use std::sync::Arc;
use std::time::Duration;

use prometheus::{IntCounter, IntCounterVec, IntGauge, Opts};
use tokio::sync::Semaphore;
use vc_protocol::FileId;
use vc_protocol::files::FileKind;
use vc_protocol::storage::StorageClass;
use vc_runtime::{ApiError, Bus, Metrics};

use crate::access::AccessCache;
use crate::quota::Usage;
use crate::retention::Retention;
use crate::storage::{Storage, ThumbFormat};
use crate::store::{FileDoc, Files};
use crate::thumbnail::{self, ThumbLimits};

/// `vc_files_*` metrics.
pub struct FilesMetrics {
    /// Bytes of uploads that were stored.
    pub uploaded_bytes: IntCounter,
    /// Uploads by outcome (see [`outcome`]).
    pub uploads: IntCounterVec,
    /// Bytes of every stored file (this process's view).
    pub stored_bytes: IntGauge,
    /// Downloads started, by kind: `file`, `thumbnail`.
    pub downloads: IntCounterVec,
    /// Thumbnails by outcome: `made`, `failed`.
    pub thumbnails: IntCounterVec,
    /// Files the cleanup deleted, by storage class.
    pub deleted: IntCounterVec,
}

/// Upload outcomes, as metric labels.
pub mod outcome {
    pub const STORED: &str = "stored";
    pub const TOO_LARGE: &str = "too_large";
    pub const STORAGE_FULL: &str = "storage_full";
    pub const REFUSED: &str = "refused";
    pub const ABORTED: &str = "aborted";
    pub const FAILED: &str = "failed";
    pub const ALL: [&str; 6] = [STORED, TOO_LARGE, STORAGE_FULL, REFUSED, ABORTED, FAILED];
}

impl FilesMetrics {
    pub fn register(metrics: &Metrics) -> Result<Self, prometheus::Error> {
        let uploaded_bytes = IntCounter::new("files_uploaded_bytes_total", "Bytes of stored uploads")?;
        let uploads = IntCounterVec::new(
            Opts::new(
                "files_uploads_total",
                "Uploads by outcome (stored, too_large, storage_full, refused, aborted, failed)",
            ),
            &["outcome"],
        )?;
        let stored_bytes = IntGauge::new("files_stored_bytes", "Bytes of all stored files")?;
        let downloads = IntCounterVec::new(
            Opts::new("files_downloads_total", "Downloads by kind (file, thumbnail)"),
            &["kind"],
        )?;
        let thumbnails = IntCounterVec::new(
            Opts::new("files_thumbnails_total", "Thumbnails by outcome (made, failed)"),
            &["outcome"],
        )?;
        let deleted = IntCounterVec::new(
            Opts::new("files_deleted_total", "Files deleted by the retention cleanup, by storage class"),
            &["class"],
        )?;
        let r = metrics.registry();
        r.register(Box::new(uploaded_bytes.clone()))?;
        r.register(Box::new(uploads.clone()))?;
        r.register(Box::new(stored_bytes.clone()))?;
        r.register(Box::new(downloads.clone()))?;
        r.register(Box::new(thumbnails.clone()))?;
        r.register(Box::new(deleted.clone()))?;
        for o in outcome::ALL {
            uploads.with_label_values(&[o]);
        }
        for k in ["file", "thumbnail"] {
            downloads.with_label_values(&[k]);
        }
        for o in ["made", "failed"] {
            thumbnails.with_label_values(&[o]);
        }
        for c in StorageClass::ALL {
            deleted.with_label_values(&[c.as_str()]);
        }
        Ok(Self { uploaded_bytes, uploads, stored_bytes, downloads, thumbnails, deleted })
    }
}

pub struct FilesState {
    pub storage: Storage,
    pub files: Files,
    pub usage: Arc<Usage>,
    pub access: AccessCache,
    pub bus: Bus,
    pub metrics: FilesMetrics,
    pub max_file_bytes: u64,
    /// The largest capture (screenshot, photo): it is read in memory to write its EXIF.
    pub max_capture_bytes: u64,
    /// The largest recording (stored by vc-records).
    pub max_recording_bytes: u64,
    pub idle_timeout: Duration,
    pub thumb_limits: ThumbLimits,
    /// Thumbnails are made one at a time: decoding a large picture takes
    /// memory and a core.
    pub thumbs: Semaphore,
    /// Retention settings, the cleanup's log and its scheduler's wake-up.
    pub retention: Retention,
}

impl FilesState {
    /// The file's thumbnail on disk, made now if it is not there yet.
    /// `None`: the file has none (not an image we decode, too large, or
    /// broken; the metadata is corrected).
    pub async fn thumbnail(
        &self,
        doc: &FileDoc,
    ) -> Result<Option<(std::path::PathBuf, ThumbFormat)>, ApiError> {
        let Some(kind) = crate::sniff::ImageKind::of(&doc.content_type) else { return Ok(None) };
        let format = thumbnail::format_for(kind);
        let dest = self.storage.thumb_path(doc.id, format);
        if tokio::fs::try_exists(&dest).await.unwrap_or(false) {
            return Ok(Some((dest, format)));
        }
        let _permit = self.thumbs.acquire().await.map_err(ApiError::internal)?;
        // Made by another request while this one waited?
        if tokio::fs::try_exists(&dest).await.unwrap_or(false) {
            return Ok(Some((dest, format)));
        }
        let (src, tmp, limits, to) =
            (self.storage.path_of(doc.id), self.storage.temp_path(), self.thumb_limits, dest.clone());
        let made = tokio::task::spawn_blocking(move || thumbnail::make(&src, &tmp, &to, format, limits))
            .await
            .map_err(ApiError::internal)?;
        match made {
            Ok((w, h)) => {
                self.metrics.thumbnails.with_label_values(&["made"]).inc();
                tracing::info!(file_id = %doc.id, width = w, height = h, "thumbnail made");
                Ok(Some((dest, format)))
            }
            Err(e) => {
                self.metrics.thumbnails.with_label_values(&["failed"]).inc();
                tracing::warn!(file_id = %doc.id, error = %e, "no thumbnail can be made");
                self.files.set_thumbnail(doc.id, false).await?;
                Ok(None)
            }
        }
    }

    /// Makes a thumbnail in the background (after an upload), so it is
    /// usually ready when a page asks for it.
    /// The most bytes an upload of `kind` may have.
    pub fn limit_for(&self, kind: FileKind) -> u64 {
        match kind {
            FileKind::Recording => self.max_recording_bytes,
            k if k.is_capture() => self.max_capture_bytes.min(self.max_file_bytes),
            _ => self.max_file_bytes,
        }
    }

    pub fn prepare_thumbnail(self: &Arc<Self>, doc: FileDoc) {
        let state = self.clone();
        tokio::spawn(async move {
            if let Err(e) = state.thumbnail(&doc).await {
                tracing::warn!(file_id = %doc.id, error = %e, "thumbnail not prepared");
            }
        });
    }

    /// Removes a stored file whose metadata could not be written.
    pub async fn discard(&self, id: FileId) {
        let storage = self.storage.clone();
        match tokio::task::spawn_blocking(move || storage.remove(id)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(file_id = %id, error = %e, "could not remove a file without metadata")
            }
            Err(e) => tracing::warn!(file_id = %id, error = %e, "could not remove a file without metadata"),
        }
    }
}

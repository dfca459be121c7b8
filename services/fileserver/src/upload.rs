//! Receiving one file as a stream: each chunk is counted against the
//! per-file limit and the quota, hashed, sniffed and written to a
//! temporary file; nothing holds the whole file. Only a complete upload is
//! fsynced, renamed into place and recorded; anything else (too large, over
//! quota, the client went away, an error) leaves no file and no reservation
//! behind.
//!
//! Captures (screenshots, photos) are the exception: they are smaller
//! (`max_capture_bytes`), must be JPEG or PNG, and a JPEG is read in memory
//! once complete to write the client's position into its EXIF
//! ([`crate::geotag`]), still before it is renamed into place.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncWriteExt, BufWriter};
use vc_protocol::files::FileKind;
use vc_protocol::geo::LocationFix;
use vc_protocol::interaction::Party;
use vc_protocol::{ErrorCode, FileId, InteractionId, UserId};
use vc_runtime::ApiError;

use crate::quota::{RESERVE_STEP, Reservation, ReservationGuard};
use crate::sniff::{ImageKind, Sniffer};
use crate::state::{FilesState, outcome};
use crate::storage::TempGuard;
use crate::store::{FileDoc, to_bson};
use crate::{geotag, thumbnail};

/// Bytes gathered before one write to the file.
const WRITE_BUFFER: usize = 512 * 1024;

/// Why an upload stopped.
#[derive(Debug)]
pub enum UploadError {
    TooLarge {
        limit: u64,
    },
    StorageFull,
    /// The client stopped sending, or the request body broke off.
    Aborted(String),
    Api(ApiError),
}

impl UploadError {
    /// The metric label.
    pub fn outcome(&self) -> &'static str {
        match self {
            UploadError::TooLarge { .. } => outcome::TOO_LARGE,
            UploadError::StorageFull => outcome::STORAGE_FULL,
            UploadError::Aborted(_) => outcome::ABORTED,
            UploadError::Api(e) if e.code.http_status() < 500 => outcome::REFUSED,
            UploadError::Api(_) => outcome::FAILED,
        }
    }

    pub fn into_api(self) -> ApiError {
        match self {
            UploadError::TooLarge { limit } => {
                ApiError::new(ErrorCode::FileTooLarge, format!("a file may have at most {limit} bytes"))
            }
            UploadError::StorageFull => {
                ApiError::new(ErrorCode::StorageFull, "the file storage is full; ask an administrator")
            }
            UploadError::Aborted(why) => ApiError::bad_request(format!("the upload did not complete: {why}")),
            UploadError::Api(e) => e,
        }
    }
}

impl From<ApiError> for UploadError {
    fn from(e: ApiError) -> Self {
        UploadError::Api(e)
    }
}

impl From<vc_runtime::db::DbError> for UploadError {
    fn from(e: vc_runtime::db::DbError) -> Self {
        UploadError::Api(e.into())
    }
}

impl From<std::io::Error> for UploadError {
    fn from(e: std::io::Error) -> Self {
        UploadError::Api(ApiError::internal(format!("writing an upload: {e}")))
    }
}

/// Who uploads what, besides the content.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub interaction_id: InteractionId,
    pub name: String,
    pub uploaded_by: Party,
    pub uploader_id: Option<UserId>,
    pub kind: FileKind,
    /// For an annotated screenshot: the screenshot or photo it was drawn on.
    pub original: Option<FileId>,
    /// The client's last position: written into a JPEG capture's EXIF.
    pub location: Option<LocationFix>,
}

/// One upload under way.
pub struct Receiver {
    state: Arc<FilesState>,
    tmp: TempGuard,
    out: BufWriter<tokio::fs::File>,
    hasher: Sha256,
    sniffer: Sniffer,
    size: u64,
    /// The most bytes this upload may have.
    limit: u64,
    quota: ReservationGuard,
    started: Instant,
}

impl Receiver {
    /// Opens the temporary file. `expected`: the body's length when the
    /// request says it (its quota is then reserved at once, exactly);
    /// `limit`: the most bytes the file may have.
    pub async fn start(
        state: Arc<FilesState>,
        expected: Option<u64>,
        limit: u64,
    ) -> Result<Self, UploadError> {
        let step = if expected.is_some() { 0 } else { RESERVE_STEP };
        let mut quota = ReservationGuard::new(state.usage.clone(), Reservation::new(step, limit));
        if let Some(n) = expected
            && !quota.cover(n).await?
        {
            return Err(UploadError::StorageFull);
        }
        let path = state.storage.temp_path();
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await?;
        let tmp = TempGuard::new(path);
        Ok(Self {
            state,
            tmp,
            out: BufWriter::with_capacity(WRITE_BUFFER, file),
            hasher: Sha256::new(),
            sniffer: Sniffer::new(),
            size: 0,
            limit,
            quota,
            started: Instant::now(),
        })
    }

    /// Takes one chunk.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        let total = self.size + chunk.len() as u64;
        if total > self.limit {
            return Err(UploadError::TooLarge { limit: self.limit });
        }
        if !self.quota.cover(total).await? {
            return Err(UploadError::StorageFull);
        }
        self.hasher.update(chunk);
        self.sniffer.feed(chunk);
        self.out.write_all(chunk).await?;
        self.size = total;
        Ok(())
    }

    /// Reads `body` to its end into the file. Stops with an error at the
    /// first chunk past a limit, or when nothing arrives for `idle`.
    pub async fn pump<S, E>(&mut self, body: &mut S, idle: Duration) -> Result<(), UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        loop {
            match tokio::time::timeout(idle, body.next()).await {
                Err(_) => return Err(UploadError::Aborted(format!("nothing received for {idle:?}"))),
                Ok(None) => return Ok(()),
                Ok(Some(Err(e))) => return Err(UploadError::Aborted(e.to_string())),
                Ok(Some(Ok(chunk))) => self.write(&chunk).await?,
            }
        }
    }

    /// Makes the file durable, moves it into place and records it. Only
    /// after this returns is the file listed, served, or answered with 201.
    pub async fn finish(mut self, meta: NewFile) -> Result<FileDoc, UploadError> {
        self.out.flush().await?;
        let file = self.out.into_inner();
        file.sync_all().await?;
        drop(file);
        let now = Utc::now();
        let content_type = self.sniffer.content_type();
        if meta.kind.is_capture()
            && !matches!(ImageKind::of(content_type), Some(ImageKind::Jpeg | ImageKind::Png))
        {
            return Err(ApiError::validation(format!(
                "a {} must be a JPEG or PNG image; this is {content_type}",
                meta.kind.as_str()
            ))
            .into());
        }
        if meta.kind == FileKind::Recording && !is_media(content_type) {
            return Err(ApiError::validation(format!(
                "a recording must be a video or audio file; this is {content_type}"
            ))
            .into());
        }
        let mut sha256 = hex::encode(self.hasher.clone().finalize());
        if meta.kind.is_capture()
            && content_type == "image/jpeg"
            && let Some(fix) = &meta.location
            && let Some((tmp, size, sum)) = geotag(&self.state, &self.tmp, &mut self.quota, fix, now).await?
        {
            // The untagged file is removed as its guard is dropped.
            self.tmp = tmp;
            self.size = size;
            sha256 = sum;
        }
        let id = FileId::new();
        let dest = self.state.storage.path_of(id);
        let storage = self.state.storage.clone();
        let (tmp, to) = (self.tmp.path().to_owned(), dest.clone());
        tokio::task::spawn_blocking(move || storage.commit(&tmp, &to))
            .await
            .map_err(|e| ApiError::internal(format!("storing an upload: {e}")))??;
        self.tmp.disarm();

        let thumbnail = match ImageKind::of(content_type) {
            Some(_) => {
                let (path, max_pixels) = (dest.clone(), self.state.thumb_limits.max_pixels);
                tokio::task::spawn_blocking(move || thumbnail::can_thumbnail(&path, max_pixels))
                    .await
                    .unwrap_or(false)
            }
            None => false,
        };
        let doc = FileDoc {
            kind: meta.kind,
            original: meta.original,
            id,
            interaction_id: meta.interaction_id,
            name: meta.name,
            size: i64::try_from(self.size).unwrap_or(i64::MAX),
            sha256,
            content_type: content_type.to_owned(),
            uploaded_by: meta.uploaded_by,
            uploader_id: meta.uploader_id,
            thumbnail,
            created_at: to_bson(now),
        };
        if let Err(e) = self.state.files.insert(&doc).await {
            // Not recorded: the file must not stay (the quota guard gives its space back).
            self.state.discard(id).await;
            return Err(e.into());
        }
        self.quota.keep(self.size).await;
        let m = &self.state.metrics;
        m.uploads.with_label_values(&[outcome::STORED]).inc();
        m.uploaded_bytes.inc_by(self.size);
        m.stored_bytes.add(doc.size);
        let secs = self.started.elapsed().as_secs_f64();
        tracing::info!(
            file_id = %id,
            interaction_id = %doc.interaction_id,
            party = doc.uploaded_by.as_str(),
            size = self.size,
            content_type,
            kind = doc.kind.as_str(),
            thumbnail,
            ms = (secs * 1000.0).round(),
            mb_per_s = ((self.size as f64 / 1e6) / secs.max(1e-6) * 10.0).round() / 10.0,
            "file stored"
        );
        Ok(doc)
    }
}

/// Writes `fix` into the EXIF of the complete JPEG in `tmp`: the result is
/// a new temporary file, fsynced, with its size and SHA-256. `None` when
/// the image cannot be rewritten (it is then stored as it came, with a
/// warning).
async fn geotag(
    state: &FilesState,
    tmp: &TempGuard,
    quota: &mut ReservationGuard,
    fix: &LocationFix,
    taken_at: DateTime<Utc>,
) -> Result<Option<(TempGuard, u64, String)>, UploadError> {
    let original = Bytes::from(tokio::fs::read(tmp.path()).await?);
    let fix_owned = fix.clone();
    let tagged = tokio::task::spawn_blocking(move || geotag::add_location(original, &fix_owned, taken_at))
        .await
        .map_err(|e| ApiError::internal(format!("writing EXIF: {e}")))?;
    let bytes = match tagged {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "a capture is stored without the client's position");
            return Ok(None);
        }
    };
    let size = bytes.len() as u64;
    if !quota.cover(size).await? {
        return Err(UploadError::StorageFull);
    }
    let path = state.storage.temp_path();
    let mut file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await?;
    let guard = TempGuard::new(path);
    file.write_all(&bytes).await?;
    file.sync_all().await?;
    tracing::debug!(size, "the client's position written into a capture's EXIF");
    Ok(Some((guard, size, hex::encode(Sha256::digest(&bytes)))))
}

/// Whether a sniffed content type is audio or video (recordings).
fn is_media(content_type: &str) -> bool {
    content_type.starts_with("video/") || content_type.starts_with("audio/")
}

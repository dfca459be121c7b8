//! What happens to one call's raw recording: lock, check, merge, store,
//! report, clean up — each step recorded in `recordings` so a crash at any
//! point is picked up where it was.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;
use tokio::sync::Semaphore;
use vc_protocol::InteractionId;
use vc_protocol::files::{FileInfo, GetInteractionAccess};
use vc_protocol::recording::{RecordingInfo, RecordingOutcome, RecordingResult};
use vc_protocol::topics::{self, IssueToken, TokenGrant};
use vc_runtime::{Bus, BusError, Runtime};

use crate::config::RecordsSettings;
use crate::jobs::{JobStatus, Jobs};
use crate::merge::{self, MergeError, MergeSettings, Merged};

/// How long after an `ended` event the gateway may still hold the call's
/// directory (it closes the room on the same event).
const RELEASE_WAIT: Duration = Duration::from_secs(30);
/// A recording token lives this long (one upload).
const TOKEN_TTL_SECS: u64 = 900;
/// The lock file the gateway holds (shared) while it writes a directory.
const LOCK_FILE: &str = ".lock";

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored and reported (now or earlier).
    Stored,
    /// No raw directory, or another task is on it.
    Nothing,
    /// A gateway still writes it.
    Busy,
    /// The call is not over yet.
    CallGoingOn,
    /// vc-server does not know the interaction (left alone).
    Unknown,
    /// No usable media in it.
    Empty,
    /// This attempt failed (retried by a later sweep until `max_attempts`).
    Failed(String),
    /// vc-server or the database did not answer: try again later.
    Later(String),
}

pub struct Worker {
    bus: Bus,
    jobs: Jobs,
    cfg: RecordsSettings,
    raw_dir: PathBuf,
    work_dir: PathBuf,
    fileserver_url: RwLock<Option<String>>,
    http: reqwest::Client,
    in_flight: Mutex<HashSet<InteractionId>>,
    /// One merge at a time: ffmpeg takes a core.
    merging: Semaphore,
    merges: prometheus::IntCounterVec,
}

impl Worker {
    pub fn new(rt: &Runtime, cfg: &RecordsSettings) -> Result<Arc<Self>, String> {
        let raw_dir = cfg.raw_dir.clone().ok_or("records.raw_dir is not set")?;
        let work_dir = cfg.work_dir.clone().ok_or("records.work_dir is not set")?;
        for d in [&raw_dir, &work_dir] {
            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        let merges = prometheus::IntCounterVec::new(
            prometheus::Opts::new("records_merges_total", "Recording merges by outcome"),
            &["outcome"],
        )
        .map_err(|e| e.to_string())?;
        rt.metrics.registry().register(Box::new(merges.clone())).map_err(|e| e.to_string())?;
        // Every series from the start, so dashboards see zeros, not gaps.
        for outcome in ["stored", "empty", "failed"] {
            merges.with_label_values(&[outcome]);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            // The all-in-one with a self-signed certificate uploads to
            // itself on loopback; certificates are checked everywhere else.
            .danger_accept_invalid_certs(cfg.fileserver_url.as_deref().is_none_or(is_loopback_url))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Arc::new(Self {
            bus: rt.bus.clone(),
            jobs: Jobs::open(&rt.db),
            fileserver_url: RwLock::new(cfg.fileserver_url.clone()),
            cfg: cfg.clone(),
            raw_dir,
            work_dir,
            http,
            in_flight: Mutex::new(HashSet::new()),
            merging: Semaphore::new(1),
            merges,
        }))
    }

    pub fn raw_dir(&self) -> &Path {
        &self.raw_dir
    }

    pub fn set_fileserver_url(&self, url: &str) {
        *self.fileserver_url.write().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(url.trim_end_matches('/').to_owned());
    }

    /// The call ended: merge as soon as the gateway lets go of its files.
    pub fn after_end(self: Arc<Self>, id: InteractionId) {
        tokio::spawn(async move {
            let started = tokio::time::Instant::now();
            loop {
                match self.process(id).await {
                    Outcome::Busy if started.elapsed() < RELEASE_WAIT => {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                    // The gateway needs longer, or something was not
                    // reachable: the sweep comes back to it.
                    other => {
                        tracing::debug!(interaction_id = %id, outcome = ?other, "after the end");
                        return;
                    }
                }
            }
        });
    }

    /// Every call directory in the raw directory, one after the other.
    pub async fn sweep(self: Arc<Self>) {
        let dir = self.raw_dir.clone();
        let ids = tokio::task::spawn_blocking(move || list_calls(&dir)).await.unwrap_or_default();
        for id in ids {
            let outcome = self.process(id).await;
            tracing::debug!(interaction_id = %id, ?outcome, "sweep");
        }
    }

    /// One attempt at the call's recording.
    pub async fn process(&self, id: InteractionId) -> Outcome {
        if !self.claim(id) {
            return Outcome::Nothing;
        }
        let outcome = self.attempt(id).await;
        self.in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&id);
        match &outcome {
            Outcome::Stored | Outcome::Empty => self.merges.with_label_values(&[label(&outcome)]).inc(),
            Outcome::Failed(reason) => {
                self.merges.with_label_values(&["failed"]).inc();
                tracing::warn!(interaction_id = %id, reason, "recording not merged");
            }
            _ => {}
        }
        outcome
    }

    fn claim(&self, id: InteractionId) -> bool {
        self.in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(id)
    }

    async fn attempt(&self, id: InteractionId) -> Outcome {
        let dir = self.raw_dir.join(id.to_string());
        if !dir.is_dir() {
            return Outcome::Nothing;
        }
        let job = match self.jobs.get(id).await {
            Ok(j) => j,
            Err(e) => return Outcome::Later(e.to_string()),
        };
        if let Some(job) = &job {
            match job.status {
                // Stored before; only the clean-up was cut off.
                JobStatus::Done | JobStatus::Empty => {
                    remove_dir(&dir).await;
                    return Outcome::Stored;
                }
                JobStatus::Failed => return Outcome::Failed(job.reason.clone().unwrap_or_default()),
                JobStatus::Merging => {}
            }
        }
        // Exclusive: no gateway writes this call any more.
        let lock = match lock_exclusive(&dir) {
            Ok(Some(l)) => l,
            Ok(None) => return Outcome::Busy,
            Err(e) => return Outcome::Later(format!("locking {}: {e}", dir.display())),
        };
        match self
            .bus
            .request(&topics::server::interaction_access(), &GetInteractionAccess { interaction_id: id })
            .await
        {
            Ok(access) if !access.status.is_final() => return Outcome::CallGoingOn,
            Ok(_) => {}
            Err(BusError::Remote { code, .. }) if code == "interaction_not_found" => {
                if age(&dir) > Duration::from_secs(self.cfg.unknown_after_secs) {
                    tracing::warn!(dir = %dir.display(), "a raw recording of an unknown interaction is left alone");
                }
                return Outcome::Unknown;
            }
            Err(e) => return Outcome::Later(e.to_string()),
        }
        // Uploaded before, but vc-server was not told: tell it now.
        if let Some(recording) = job.as_ref().and_then(|j| j.recording.clone()) {
            return self.report_and_finish(id, &dir, recording).await;
        }
        let attempts = match self.jobs.begin(id).await {
            Ok(n) => n,
            Err(e) => return Outcome::Later(e.to_string()),
        };
        let Ok(_permit) = self.merging.acquire().await else { return Outcome::Later("stopping".into()) };
        let outcome = self.merge_and_store(id, &dir).await;
        drop(lock);
        match outcome {
            Ok(recording) => self.report_and_finish(id, &dir, recording).await,
            Err(Failure::Empty) => {
                tracing::info!(interaction_id = %id, "the raw recording holds no media; removed");
                let _ = self.jobs.finish(id, JobStatus::Empty, None, None).await;
                remove_dir(&dir).await;
                Outcome::Empty
            }
            Err(Failure::Later(why)) => Outcome::Later(why),
            Err(Failure::Failed(reason)) => {
                let last = attempts >= self.cfg.max_attempts;
                let status = if last { JobStatus::Failed } else { JobStatus::Merging };
                let _ = self.jobs.finish(id, status, Some(&reason), None).await;
                if last {
                    let failed = RecordingResult::Failed { reason: reason.clone() };
                    let _ = self
                        .bus
                        .request(
                            &topics::server::recording_outcome(),
                            &RecordingOutcome { interaction_id: id, result: failed },
                        )
                        .await;
                }
                Outcome::Failed(reason)
            }
        }
    }

    /// Merges into the work directory and uploads the result.
    async fn merge_and_store(&self, id: InteractionId, dir: &Path) -> Result<RecordingInfo, Failure> {
        let work = self.work_dir.join(id.to_string());
        let _ = tokio::fs::remove_dir_all(&work).await;
        tokio::fs::create_dir_all(&work).await.map_err(|e| Failure::Failed(format!("work dir: {e}")))?;
        let out = work.join(format!("recording-{id}.{}", self.cfg.format.extension()));
        let settings = MergeSettings {
            ffmpeg: self.cfg.ffmpeg.clone(),
            format: self.cfg.format,
            audio_kbps: self.cfg.audio_kbps,
            timeout: Duration::from_secs(self.cfg.merge_timeout_secs),
        };
        let started = std::time::Instant::now();
        let (raw, w, o) = (dir.to_owned(), work.clone(), out.clone());
        let merged = tokio::task::spawn_blocking(move || merge::merge(&raw, &w, &o, &settings))
            .await
            .map_err(|e| Failure::Failed(format!("merge task: {e}")))?;
        let result = match merged {
            Ok(m) => {
                tracing::info!(
                    interaction_id = %id,
                    duration_s = m.duration_s,
                    seconds = started.elapsed().as_secs_f64(),
                    partial = m.partial,
                    has_video = m.has_video,
                    "recording merged"
                );
                self.store(id, &out, &m).await
            }
            Err(MergeError::NoMedia) => Err(Failure::Empty),
            Err(e) => Err(Failure::Failed(e.to_string())),
        };
        let _ = tokio::fs::remove_dir_all(&work).await;
        result
    }

    /// Uploads the merged file to vc-fileserver with a recording token.
    async fn store(&self, id: InteractionId, out: &Path, m: &Merged) -> Result<RecordingInfo, Failure> {
        let base = self
            .fileserver_url
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .ok_or_else(|| Failure::Later("records.fileserver_url is not known yet".into()))?;
        let (size, sha256) =
            hash_file(out).await.map_err(|e| Failure::Failed(format!("reading the merge: {e}")))?;
        let grant =
            IssueToken { grant: TokenGrant::Recording { interaction_id: id }, ttl_secs: TOKEN_TTL_SECS };
        let token = self
            .bus
            .request(&topics::auth::issue_token(), &grant)
            .await
            .map_err(|e| Failure::Later(format!("no recording token: {e}")))?
            .token;
        let file = tokio::fs::File::open(out).await.map_err(|e| Failure::Failed(e.to_string()))?;
        let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("recording").to_owned();
        let content_type = match self.cfg.format {
            vc_protocol::recording::RecordingFormat::Webm => "video/webm",
            vc_protocol::recording::RecordingFormat::Mp4 => "video/mp4",
        };
        let res = self
            .http
            .post(format!("{base}/api/interactions/{id}/recording"))
            .bearer_auth(token)
            .header("X-File-Name", name)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header(reqwest::header::CONTENT_LENGTH, size)
            .body(reqwest::Body::from(file))
            .send()
            .await
            .map_err(|e| Failure::Later(format!("uploading to vc-fileserver: {e}")))?;
        let status = res.status();
        if !status.is_success() {
            let body = res.text().await.unwrap_or_default();
            let why = format!("vc-fileserver answered {status}: {body}");
            // Full storage or a refused file will not change by retrying soon.
            return Err(if status.is_server_error() && status.as_u16() != 507 {
                Failure::Later(why)
            } else {
                Failure::Failed(why)
            });
        }
        let info: FileInfo =
            res.json().await.map_err(|e| Failure::Later(format!("vc-fileserver's answer: {e}")))?;
        if info.sha256 != sha256 || info.size != size {
            return Err(Failure::Failed("vc-fileserver stored different bytes than were sent".into()));
        }
        let recording = RecordingInfo {
            file_id: info.id,
            format: self.cfg.format,
            duration_s: (m.duration_s * 1000.0).round() / 1000.0,
            size,
            sha256,
            started_at: m.started_at,
            has_video: m.has_video,
            partial: m.partial,
            deleted_at: None,
        };
        // Remembered before vc-server hears of it: a crash now does not
        // upload the file twice.
        self.jobs
            .finish(id, JobStatus::Merging, None, Some(&recording))
            .await
            .map_err(|e| Failure::Later(e.to_string()))?;
        Ok(recording)
    }

    async fn report_and_finish(&self, id: InteractionId, dir: &Path, recording: RecordingInfo) -> Outcome {
        let ready = RecordingOutcome {
            interaction_id: id,
            result: RecordingResult::Ready { recording: recording.clone() },
        };
        if let Err(e) = self.bus.request(&topics::server::recording_outcome(), &ready).await {
            return Outcome::Later(format!("vc-server not told: {e}"));
        }
        if let Err(e) = self.jobs.finish(id, JobStatus::Done, None, Some(&recording)).await {
            return Outcome::Later(e.to_string());
        }
        remove_dir(dir).await;
        tracing::info!(interaction_id = %id, file_id = %recording.file_id, size = recording.size, "recording stored");
        Outcome::Stored
    }
}

enum Failure {
    Empty,
    Failed(String),
    Later(String),
}

fn label(o: &Outcome) -> &'static str {
    match o {
        Outcome::Stored => "stored",
        Outcome::Empty => "empty",
        _ => "other",
    }
}

fn is_loopback_url(url: &str) -> bool {
    reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).is_some_and(|h| {
        h == "localhost"
            || h.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    })
}

/// The interaction ids that have a directory under `raw_dir`.
fn list_calls(raw_dir: &Path) -> Vec<InteractionId> {
    let Ok(entries) = std::fs::read_dir(raw_dir) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
        .collect()
}

/// The directory's lock, taken exclusively; `None` while a gateway holds it.
fn lock_exclusive(dir: &Path) -> std::io::Result<Option<File>> {
    let f =
        OpenOptions::new().read(true).write(true).create(true).truncate(false).open(dir.join(LOCK_FILE))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Time since the directory last changed.
fn age(dir: &Path) -> Duration {
    std::fs::metadata(dir)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .unwrap_or_default()
}

async fn remove_dir(dir: &Path) {
    if let Err(e) = tokio::fs::remove_dir_all(dir).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(dir = %dir.display(), error = %e, "raw recording not removed");
    }
}

/// Size and hex SHA-256 of a file, read in chunks.
async fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut f = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

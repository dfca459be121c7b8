//! The cleanup: deletes (or, in a dry run, lists) every file older than
//! its storage class's policy, and logs what it did; and the scheduler
//! that runs it at the times of the cron schedule.
//!
//! Only recorded files are ever candidates: the cleanup starts from the
//! metadata and never lists the disk. An upload under way is a temporary
//! file under `tmp/` without metadata, and a finished upload is recorded
//! with `created_at` = the moment it was stored, at least a day younger
//! than any policy allows; so no upload in progress is ever touched. Quota
//! is given back file by file (`$inc`), never recounted, so the space
//! that uploads under way have reserved stays reserved.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use vc_protocol::CleanupId;
use vc_protocol::storage::{CleanupItem, CleanupReport, StorageClass};
use vc_runtime::ApiError;

use super::policy::kinds_of;
use super::tombstones::Tombstone;
use crate::state::FilesState;
use crate::store::{FileDoc, to_chrono};

/// Files read from the metadata at a time.
const PAGE: i64 = 500;
/// A report lists at most this many files (its counts cover all).
pub const MAX_ITEMS: usize = 1_000;
/// The scheduler looks at the settings at least this often, so a change
/// made through another instance takes effect within it.
const RECHECK: Duration = Duration::from_secs(60);

/// What started a run (`CleanupReport.trigger`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `POST /api/storage/cleanup`.
    Manual,
    /// The cron schedule.
    Schedule,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Manual => "manual",
            Trigger::Schedule => "schedule",
        }
    }
}

/// Runs the cleanup now with the settings in force, logs the report and
/// returns it. A run that fails half-way is logged with what it did.
pub async fn run(state: &FilesState, trigger: Trigger, dry_run: bool) -> Result<CleanupReport, ApiError> {
    let _one_at_a_time = state.retention.running.lock().await;
    let policy = state.retention.store.policy().await?;
    let started_at = Utc::now();
    let mut report = CleanupReport {
        id: CleanupId::new(),
        dry_run,
        trigger: trigger.as_str().to_owned(),
        started_at,
        finished_at: started_at,
        files: 0,
        bytes: 0,
        items: Vec::new(),
    };
    let mut outcome = Ok(());
    for class in StorageClass::ALL {
        let Some(cutoff) = policy.cutoff(class, started_at) else { continue };
        outcome = sweep_class(state, class, cutoff, dry_run, &mut report).await;
        if outcome.is_err() {
            break;
        }
    }
    report.finished_at = Utc::now();
    if let Err(e) = state.retention.store.log(&report).await {
        tracing::error!(cleanup_id = %report.id, error = %e, files = report.files, "cleanup run not logged");
    }
    tracing::info!(
        cleanup_id = %report.id,
        trigger = trigger.as_str(),
        dry_run,
        files = report.files,
        bytes = report.bytes,
        ms = (report.finished_at - started_at).num_milliseconds(),
        complete = outcome.is_ok(),
        "cleanup run"
    );
    outcome.map(|()| report)
}

/// Deletes (lists) the files of `class` stored before `cutoff`.
async fn sweep_class(
    state: &FilesState,
    class: StorageClass,
    cutoff: DateTime<Utc>,
    dry_run: bool,
    report: &mut CleanupReport,
) -> Result<(), ApiError> {
    let mut after = None;
    let mut tell = true;
    loop {
        let page = state.files.stored_before(kinds_of(class), cutoff, after, PAGE).await?;
        let Some(last) = page.last() else { return Ok(()) };
        after = Some(last.id);
        for doc in &page {
            if dry_run || delete(state, doc, class, cutoff, &mut tell).await? {
                let size = doc.size.max(0) as u64;
                report.files += 1;
                report.bytes += size;
                if report.items.len() < MAX_ITEMS {
                    report.items.push(CleanupItem {
                        file_id: doc.id,
                        interaction_id: doc.interaction_id,
                        class,
                        name: doc.name.clone(),
                        size,
                        created_at: to_chrono(doc.created_at),
                    });
                }
            }
        }
        if (page.len() as i64) < PAGE {
            return Ok(());
        }
    }
}

/// Deletes one file; `false` if another run got there first.
///
/// A tombstone is written first (see `tombstones`), then the metadata
/// goes, then the file and its thumbnails; then vc-server is told. Once the
/// document is gone the file is unreachable (not listed, downloads 410,
/// `v1/files/get` says `file_not_found`); if the process dies before the
/// file is removed, the file is an orphan on disk without metadata, which
/// the orphan sweep removes (its age is long past `orphan_grace_secs`).
/// The other order could leave, after a crash, metadata naming a file that
/// is gone: listed, counted, and failing every download for good.
///
/// The delete is conditional (`created_at` still before the cutoff), so of
/// two runs at once (a manual one here, a scheduled one on another
/// instance) exactly one deletes each file and gives its bytes back.
async fn delete(
    state: &FilesState,
    doc: &FileDoc,
    class: StorageClass,
    cutoff: DateTime<Utc>,
    tell: &mut bool,
) -> Result<bool, ApiError> {
    let tombstone = Tombstone::of(doc, class, Utc::now());
    state.retention.tombstones.record(&tombstone).await?;
    if !state.files.remove_stored_before(doc.id, cutoff).await? {
        return Ok(false);
    }
    let size = doc.size.max(0) as u64;
    state.discard(doc.id).await;
    if let Err(e) = state.usage.release(size).await {
        tracing::warn!(file_id = %doc.id, bytes = size, error = %e, "quota not given back; fixed at the next start");
    }
    state.metrics.stored_bytes.sub(doc.size.max(0));
    state.metrics.deleted.with_label_values(&[class.as_str()]).inc();
    tracing::info!(
        file_id = %doc.id,
        interaction_id = %doc.interaction_id,
        class = class.as_str(),
        kind = doc.kind.as_str(),
        size,
        created_at = %to_chrono(doc.created_at),
        "file deleted: past its retention"
    );
    // Once vc-server failed to answer, the rest of the run leaves it to the
    // sweep rather than wait for it file by file.
    if *tell {
        *tell = super::tombstones::notify(state, &tombstone).await;
    }
    Ok(true)
}

/// Runs the cleanup at the schedule's times (trigger `schedule`), reading
/// the settings afresh each time (at least every minute, at once after a
/// change through this instance). With several instances, each slot is run
/// by the one that claims it first in MongoDB. A slot missed while the
/// process was down or busy is not made up; the next one cleans up anyway;
/// a slot from before the settings were last saved is never run.
pub async fn scheduler(state: Arc<FilesState>) {
    // Slots after this moment are still to come.
    let mut checked = Utc::now();
    loop {
        let policy = match state.retention.store.current().await {
            Ok((p, saved)) => {
                // Slots before the settings were saved are not theirs.
                checked = checked.max(saved.unwrap_or(checked));
                p
            }
            Err(e) => {
                tracing::warn!(error = %e, "cleanup schedule not read; trying again");
                wait(&state, RECHECK).await;
                continue;
            }
        };
        let now = Utc::now();
        match policy.schedule.next_after(checked) {
            Some(slot) if slot <= now => {
                if policy.keeps_everything() {
                    tracing::debug!(%slot, "scheduled cleanup skipped: every class is kept for ever");
                } else {
                    run_slot(&state, slot).await;
                }
                checked = Utc::now().max(slot);
            }
            next => {
                checked = now;
                let until = next.and_then(|n| (n - now).to_std().ok()).unwrap_or(RECHECK);
                wait(&state, until.min(RECHECK)).await;
            }
        }
    }
}

/// Claims `slot` and, if this instance got it, runs the cleanup.
async fn run_slot(state: &FilesState, slot: DateTime<Utc>) {
    match state.retention.store.claim(slot, &state.retention.instance).await {
        Ok(true) => {
            tracing::info!(%slot, instance = %state.retention.instance, "scheduled cleanup claimed");
            if let Err(e) = run(state, Trigger::Schedule, false).await {
                tracing::warn!(%slot, error = %e, "scheduled cleanup failed");
            }
        }
        Ok(false) => tracing::info!(%slot, "scheduled cleanup run by another instance"),
        Err(e) => tracing::warn!(%slot, error = %e, "scheduled cleanup not claimed: database unavailable"),
    }
}

/// Sleeps `d`, or less if the settings change here.
async fn wait(state: &FilesState, d: Duration) {
    tokio::select! {
        () = tokio::time::sleep(d) => {}
        () = state.retention.changed.notified() => {}
    }
}

//! vc-fileserver: the files of interactions (chat files, screenshots,
//! recordings) on disk, their metadata in MongoDB, a storage quota,
//! thumbnails of images, and retention (a scheduled cleanup). Uploads and
//! downloads stream: no file is ever held in memory. See `docs/files.md`.

pub mod access;
pub mod config;
pub mod geotag;
mod handlers;
pub mod names;
pub mod quota;
pub mod retention;
pub mod sniff;
mod state;
pub mod storage;
pub mod store;
pub mod thumbnail;
mod upload;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use futures_util::future::BoxFuture;
use tokio::sync::Semaphore;
use utoipa_actix_web::service_config::ServiceConfig;
use vc_protocol::files::FileInfo;
use vc_protocol::topics;
use vc_runtime::{RemoteError, Runtime, Service, StartError};

pub use config::FileserverSettings;
use state::{FilesMetrics, FilesState};

vc_runtime::service_config! {
    /// The vc-fileserver binary's configuration file.
    pub struct Config {
        /// Files go to `<data_dir>/files` unless `fileserver.root` is set.
        pub data_dir: Option<PathBuf>,
        pub fileserver: FileserverSettings,
    }
}

/// The bus group instances of vc-fileserver share requests in.
const GROUP: &str = "vc-fileserver";

/// The running file service.
pub struct Fileserver {
    state: web::Data<FilesState>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Fileserver {
    /// Checks the settings, prepares the storage root (removing what a
    /// crash left half-written), counts the stored bytes for the quota, and
    /// starts answering `v1/files/get`. `cfg.root` must be set (the binaries
    /// default it from their data directory).
    pub async fn start(rt: &Runtime, cfg: &FileserverSettings) -> Result<Arc<Self>, StartError> {
        let other = |e: &dyn std::fmt::Display| StartError::Other(format!("vc-fileserver: {e}"));
        cfg.validate().map_err(|e| other(&e))?;
        let root = cfg.root.clone().ok_or_else(|| other(&"fileserver.root is not set"))?;
        let storage =
            storage::Storage::open(&root).map_err(|e| other(&format!("root {}: {e}", root.display())))?;
        let swept = storage.sweep_temp().map_err(|e| other(&format!("cleaning {}: {e}", root.display())))?;
        let files = store::Files::open(&rt.db).await?;
        let usage = quota::Usage::open(&rt.db, cfg.quota_bytes).await?;
        let retention = retention::RetentionStore::open(&rt.db).await?;
        let tombstones = retention::Tombstones::open(&rt.db).await?;
        // No upload of ours is under way: the count is exactly the stored files.
        let stored = files.total_size().await?;
        usage.reset(stored).await?;
        let metrics = FilesMetrics::register(&rt.metrics).map_err(|e| other(&e))?;
        metrics.stored_bytes.set(i64::try_from(stored).unwrap_or(i64::MAX));
        let state = web::Data::new(FilesState {
            storage,
            files,
            usage: Arc::new(usage),
            access: access::AccessCache::new(Duration::from_secs(cfg.access_cache_secs)),
            bus: rt.bus.clone(),
            metrics,
            max_file_bytes: cfg.max_file_bytes,
            max_capture_bytes: cfg.max_capture_bytes,
            max_recording_bytes: cfg.max_recording_bytes,
            idle_timeout: Duration::from_secs(cfg.upload_idle_timeout_secs),
            thumb_limits: thumbnail::ThumbLimits {
                max_side: cfg.thumbnail_max_side,
                max_pixels: cfg.thumbnail_max_pixels,
            },
            thumbs: Semaphore::new(1),
            retention: retention::Retention::new(retention, tombstones),
        });

        let s = state.clone();
        let serve = rt
            .bus
            .serve(GROUP, &topics::files::get_file(), move |req| {
                let s = s.clone();
                async move { get_file(&s, req.body.file_id).await }
            })
            .await?;
        let sweeper = tokio::spawn(sweep_orphans(
            state.clone().into_inner(),
            Duration::from_secs(cfg.orphan_grace_secs),
        ));
        tracing::info!(
            root = %state.storage.root().display(),
            stored_bytes = stored,
            quota_bytes = cfg.quota_bytes,
            max_file_bytes = cfg.max_file_bytes,
            temporary_files_removed = swept,
            "file storage ready"
        );
        let cleanup = tokio::spawn(retention::job::scheduler(state.clone().into_inner()));
        Ok(Arc::new(Self { state, tasks: vec![serve, sweeper, cleanup] }))
    }
}

/// `v1/files/get`.
async fn get_file(state: &FilesState, id: vc_protocol::FileId) -> Result<FileInfo, RemoteError> {
    match state.files.get(id).await {
        Ok(Some(doc)) => Ok(doc.info()),
        Ok(None) => Err(RemoteError::new("file_not_found", "no such file")),
        Err(e) => Err(RemoteError::new("service_unavailable", e.to_string())),
    }
}

/// Removes stored files that have no metadata (a crash between the rename
/// and the insert), once they are older than `grace`, and tells vc-server
/// of deleted files it was not told of; at start and then every `grace`.
async fn sweep_orphans(state: Arc<FilesState>, grace: Duration) {
    let every = grace.max(Duration::from_secs(60));
    loop {
        if let Err(e) = retention::tombstones::sweep(&state, Duration::from_secs(60)).await {
            tracing::warn!(error = %e, "deleted files not told: database unavailable");
        }
        let storage = state.storage.clone();
        match tokio::task::spawn_blocking(move || storage.stored_before(grace)).await {
            Ok(Ok(ids)) if !ids.is_empty() => match state.files.existing(&ids).await {
                Ok(known) => {
                    for id in ids.into_iter().filter(|id| !known.contains(id)) {
                        tracing::warn!(file_id = %id, "removing a stored file that has no metadata");
                        state.discard(id).await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "orphan check skipped: database unavailable"),
            },
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "orphan check skipped: cannot list the storage"),
            Err(e) => tracing::warn!(error = %e, "orphan check failed"),
        }
        tokio::time::sleep(every).await;
    }
}

impl Service for Fileserver {
    fn configure(&self, cfg: &mut ServiceConfig) {
        cfg.app_data(self.state.clone())
            .service(handlers::upload::upload_file)
            .service(handlers::recording::store_recording)
            .service(handlers::list::list_files)
            .service(handlers::download::download_file)
            .service(handlers::download::head_file)
            .service(handlers::thumbnail::thumbnail)
            .service(handlers::storage_usage::storage_usage)
            .service(handlers::storage_retention_get::get_retention)
            .service(handlers::storage_retention_put::put_retention)
            .service(handlers::storage_cleanup::cleanup)
            .service(handlers::storage_cleanup_log::cleanup_log);
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}

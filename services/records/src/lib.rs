//! vc-records: after a call, merges its raw tracks (written by the media
//! gateway) with ffmpeg into one recording — the client on the left audio
//! channel, the agent on the right, the client's video — stores it in
//! vc-fileserver and tells vc-server, which puts it on the interaction.
//! See `docs/recording.md`.
//!
//! When: on the interaction's `ended` event, and for any raw recording a
//! sweep finds (at start and every `sweep_interval_secs`) whose interaction
//! is over: a missed event, a gateway or vc-records that was killed. A call
//! directory is merged only while vc-records holds its lock exclusively, so
//! never while a gateway is still writing it.

pub mod config;
pub mod jobs;
pub mod merge;
pub mod synth;
mod worker;

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use utoipa_actix_web::service_config::ServiceConfig;
use vc_protocol::interaction::EventKind;
use vc_protocol::topics;
use vc_runtime::{Runtime, Service, StartError};

pub use config::RecordsSettings;
use worker::Worker;

vc_runtime::service_config! {
    /// The vc-records binary's configuration file.
    pub struct Config {
        /// Raw recordings are read from `<data_dir>/recordings/raw` unless
        /// `records.raw_dir` is set.
        pub data_dir: Option<std::path::PathBuf>,
        pub records: RecordsSettings,
    }
}

/// The bus group vc-records instances share `ended` events in.
const GROUP: &str = "vc-records";

/// The running recording service.
pub struct Records {
    worker: Arc<Worker>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Records {
    /// Checks the settings and ffmpeg, then follows ended interactions and
    /// sweeps the raw directory. `cfg.raw_dir` and `cfg.work_dir` must be
    /// set (the binaries default them from their data directory).
    pub async fn start(rt: &Runtime, cfg: &RecordsSettings) -> Result<Arc<Self>, StartError> {
        let other = |e: &dyn std::fmt::Display| StartError::Other(format!("vc-records: {e}"));
        cfg.validate().map_err(|e| other(&e))?;
        let version = merge::ffmpeg::version(&cfg.ffmpeg).map_err(|e| {
            other(&format!(
                "cannot run {} ({e}); install ffmpeg (the Debian package; scripts/setup.sh does)",
                cfg.ffmpeg.display()
            ))
        })?;
        let worker = Worker::new(rt, cfg).map_err(|e| other(&e))?;
        tracing::info!(
            raw_dir = %worker.raw_dir().display(),
            format = cfg.format.extension(),
            ffmpeg = %version,
            "recording service ready"
        );

        // One instance handles each interaction's end.
        let mut ended = rt.bus.subscribe_shared(GROUP, topics::server::all_interaction_events()).await?;
        let w = worker.clone();
        let follow = tokio::spawn(async move {
            while let Some(d) = ended.next().await {
                let msg = d.body();
                if msg.events.iter().any(|e| matches!(e.event, EventKind::Ended { .. })) {
                    w.clone().after_end(msg.interaction_id);
                }
            }
        });
        let w = worker.clone();
        let every = Duration::from_secs(cfg.sweep_interval_secs);
        let sweeper = tokio::spawn(async move {
            loop {
                w.clone().sweep().await;
                tokio::time::sleep(every).await;
            }
        });
        Ok(Arc::new(Self { worker, tasks: vec![follow, sweeper] }))
    }

    /// Where recordings are uploaded, once known (the all-in-one learns its
    /// own address only after it is listening).
    pub fn set_fileserver_url(&self, url: &str) {
        self.worker.set_fileserver_url(url);
    }
}

impl Service for Records {
    fn configure(&self, _cfg: &mut ServiceConfig) {}

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}

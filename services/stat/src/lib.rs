//! vc-stat: per-call metrics. It stores the media gateway's 5-second
//! `stats` samples of every call, and when vc-server reports a call's end
//! it computes the call's timing, media quality per direction, round
//! trips, the client's device and a quality verdict; keeps them with the
//! time series (`call_metrics`), hands the summary to vc-server (which
//! keeps it on the interaction) and serves
//! `GET /api/interactions/{id}/metrics`. See `docs/stats.md`.

pub mod compute;
pub mod config;
#[cfg(test)]
mod db_tests;
mod handlers;
mod metrics;
mod samples;
mod store;
mod worker;

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use futures_util::future::BoxFuture;
use utoipa_actix_web::service_config::ServiceConfig;
use vc_protocol::topics;
use vc_runtime::{Runtime, Service, StartError};

pub use config::StatSettings;
pub use samples::COLLECTION as SAMPLES_COLLECTION;
pub use store::{JOBS as JOBS_COLLECTION, METRICS as METRICS_COLLECTION};
use worker::Worker;

vc_runtime::service_config! {
    /// The vc-stat binary's configuration file.
    pub struct Config {
        pub stat: StatSettings,
    }
}

/// The bus group vc-stat instances share samples and end events in.
const GROUP: &str = "vc-stat";

/// The running metrics service.
pub struct Stat {
    worker: web::Data<Worker>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Stat {
    /// Opens the collections, follows the gateway's samples and the calls'
    /// ends, and sweeps at start and every `sweep_interval_secs`.
    pub async fn start(rt: &Runtime, cfg: &StatSettings) -> Result<Arc<Self>, StartError> {
        let other = |e: &dyn std::fmt::Display| StartError::Other(format!("vc-stat: {e}"));
        cfg.validate().map_err(|e| other(&e))?;
        let worker = Worker::new(rt, cfg).await.map_err(|e| other(&e))?;
        let samples = rt.bus.subscribe_shared(GROUP, topics::media::all_room_events()).await?;
        let ends = rt.bus.subscribe_shared(GROUP, topics::server::all_interaction_events()).await?;
        let follow_samples = tokio::spawn(worker.clone().follow_samples(samples));
        let follow_ends = tokio::spawn(worker.clone().follow_ends(ends));
        let w = worker.clone();
        let every = Duration::from_secs(cfg.sweep_interval_secs);
        let sweeper = tokio::spawn(async move {
            // Let the bus connect and vc-server start first.
            tokio::time::sleep(Duration::from_secs(2)).await;
            loop {
                w.sweep().await;
                tokio::time::sleep(every).await;
            }
        });
        tracing::info!(
            settle_secs = cfg.settle_secs,
            sweep_interval_secs = cfg.sweep_interval_secs,
            "call metrics ready"
        );
        Ok(Arc::new(Self {
            worker: web::Data::from(worker),
            tasks: vec![follow_samples, follow_ends, sweeper],
        }))
    }
}

impl Service for Stat {
    fn configure(&self, cfg: &mut ServiceConfig) {
        cfg.app_data(self.worker.clone()).service(handlers::get_metrics::get_metrics);
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}

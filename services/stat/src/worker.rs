//! What vc-stat does with the bus: stores the gateway's samples, turns a
//! call's end into a job, computes, stores and hands the summary to
//! vc-server, and sweeps up whatever a restart or an outage left undone.
//!
//! Acknowledgements: a sample is acknowledged once stored; an end event
//! once its job is stored in `stat_jobs` (not after the computation: the
//! bus acknowledges in arrival order, so holding one message for the
//! settle time would hold every later one). The job is then run after
//! `settle_secs` by a task, or by the sweep if the process stopped first.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use vc_protocol::InteractionId;
use vc_protocol::interaction::EventKind;
use vc_protocol::media::{MediaEvent, MediaEventKind};
use vc_protocol::stat::{GetStatInput, MetricsComputed, StatInput};
use vc_protocol::topics::InteractionEventMsg;
use vc_protocol::{ErrorCode, topics};
use vc_runtime::db::DbError;
use vc_runtime::{Bus, BusError, Delivery, Runtime, Subscription};

use crate::compute;
use crate::config::StatSettings;
use crate::metrics::StatMetrics;
use crate::samples::Samples;
use crate::store::{MetricsDoc, Store};

/// A job that failed this often is dropped (and logged).
const MAX_ATTEMPTS: u32 = 10;
/// Items handled per sweep step.
const SWEEP_BATCH: i64 = 200;

#[derive(Debug, thiserror::Error)]
pub enum StatError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Bus(#[from] BusError),
    #[error("the call is not over yet")]
    NotFinal,
}

pub struct Worker {
    bus: Bus,
    samples: Samples,
    store: Store,
    settings: StatSettings,
    metrics: StatMetrics,
    /// Jobs waiting out their settle time in this process.
    settling: Mutex<HashSet<InteractionId>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Retries a database write until it succeeds: the message it stores is
/// acknowledged only afterwards.
async fn until_stored<T, F, Fut>(what: &str, mut op: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, DbError>>,
{
    let mut backoff = Duration::from_millis(250);
    loop {
        match op().await {
            Ok(v) => return v,
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = backoff.as_millis() as u64, "could not store {what}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Whether the events end the call.
fn ends_call(msg: &InteractionEventMsg) -> bool {
    msg.events.iter().any(|e| match &e.event {
        EventKind::Ended { .. } => true,
        EventKind::Status { status, .. } => status.is_final(),
        _ => false,
    })
}

impl Worker {
    pub async fn new(rt: &Runtime, settings: &StatSettings) -> Result<Arc<Self>, StatError> {
        let metrics = StatMetrics::register(&rt.metrics).map_err(|e| DbError::Encode(e.to_string()))?;
        Ok(Arc::new(Self {
            bus: rt.bus.clone(),
            samples: Samples::open(&rt.db).await?,
            store: Store::open(&rt.db).await?,
            settings: settings.clone(),
            metrics,
            settling: Mutex::new(HashSet::new()),
        }))
    }

    /// Stores every `stats` event; the rest of the room events are not ours.
    pub async fn follow_samples(self: Arc<Self>, mut sub: Subscription<MediaEvent>) {
        while let Some(d) = sub.next().await {
            self.on_media_event(&d).await;
            drop(d);
        }
    }

    async fn on_media_event(&self, d: &Delivery<MediaEvent>) {
        let ev = d.body();
        let MediaEventKind::Stats { role, stats } = &ev.event else { return };
        let new =
            until_stored("a sample", || self.samples.insert(d.id(), ev.room_id, ev.at, *role, stats)).await;
        if new {
            self.metrics.samples.inc();
        }
    }

    /// Turns each call's end into a job.
    pub async fn follow_ends(self: Arc<Self>, mut sub: Subscription<InteractionEventMsg>) {
        while let Some(d) = sub.next().await {
            if ends_call(d.body()) {
                self.clone().on_end(d.body().interaction_id).await;
            }
            drop(d);
        }
    }

    /// Stores the job, then runs it after the settle time.
    async fn on_end(self: Arc<Self>, id: InteractionId) {
        let settle = Duration::from_secs(self.settings.settle_secs);
        let due = Utc::now() + settle;
        until_stored("a job", || self.store.schedule(id, due)).await;
        if !lock(&self.settling).insert(id) {
            return;
        }
        tokio::spawn(async move {
            tokio::time::sleep(settle).await;
            self.run_job(id).await;
            lock(&self.settling).remove(&id);
        });
    }

    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    async fn stat_input(&self, id: InteractionId) -> Result<StatInput, BusError> {
        self.bus.request(&topics::server::stat_input(), &GetStatInput { interaction_id: id }).await
    }

    /// Computes one call's metrics (unless done), stores them and hands
    /// them to vc-server. A failure leaves the job for the sweep.
    pub async fn run_job(&self, id: InteractionId) {
        let outcome = match self.stat_input(id).await {
            Ok(input) => self.ensure(&input).await,
            Err(e) => Err(e.into()),
        };
        let done = match outcome {
            Ok(doc) => {
                if !doc.delivered {
                    self.deliver(id, &doc).await;
                }
                true
            }
            Err(StatError::Bus(BusError::Remote { code, .. }))
                if code == ErrorCode::InteractionNotFound.as_str() =>
            {
                tracing::warn!(interaction_id = %id, "vc-server does not know this call; its samples are dropped");
                self.samples.delete(id).await.is_ok()
            }
            Err(StatError::NotFinal) => {
                tracing::info!(interaction_id = %id, "the call is not over; metrics later");
                true
            }
            Err(e) => {
                let due = Utc::now() + Duration::from_secs(self.settings.sweep_interval_secs);
                let attempts = self.store.retry_later(id, due).await.unwrap_or(0);
                if attempts < MAX_ATTEMPTS {
                    tracing::warn!(interaction_id = %id, error = %e, attempts, "metrics not computed; retrying");
                    return;
                }
                tracing::error!(interaction_id = %id, error = %e, attempts, "metrics not computed; giving up");
                true
            }
        };
        if done && let Err(e) = self.store.finish_job(id).await {
            tracing::warn!(interaction_id = %id, error = %e, "job not removed; the sweep runs it again");
        }
    }

    /// The call's metrics: stored ones, else computed now from the samples
    /// (stored, samples deleted). Computed only once: samples arriving
    /// after that are dropped.
    pub async fn ensure(&self, input: &StatInput) -> Result<MetricsDoc, StatError> {
        let id = input.interaction.id;
        if !input.interaction.status.is_final() {
            return Err(StatError::NotFinal);
        }
        // Samples first: whoever deleted them stored the metrics before.
        let samples = self.samples.load(id).await?;
        if let Some(doc) = self.store.get(id).await? {
            if !samples.is_empty() {
                self.samples.delete(id).await?;
            }
            return Ok(doc);
        }
        // Milliseconds, as MongoDB keeps dates (vc-server's copy must equal ours).
        let now = Utc::now();
        let now = chrono::DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
        let (summary, series) = compute::compute(input, &samples, now);
        let doc = MetricsDoc {
            id,
            status: input.interaction.status,
            summary,
            series,
            delivered: false,
            computed_at: mongodb::bson::DateTime::from_millis(now.timestamp_millis()),
        };
        let doc = if self.store.insert(&doc).await? {
            let rating = doc.summary.quality.rating;
            self.metrics.computed.with_label_values(&[rating.as_str()]).inc();
            tracing::info!(
                interaction_id = %id,
                rating = rating.as_str(),
                samples = doc.summary.samples,
                "call metrics computed"
            );
            doc
        } else {
            // Another computation got there first.
            self.store.get(id).await?.unwrap_or(doc)
        };
        self.samples.delete(id).await?;
        Ok(doc)
    }

    /// Hands the summary to vc-server; on failure the sweep tries again.
    pub async fn deliver(&self, id: InteractionId, doc: &MetricsDoc) {
        let msg = MetricsComputed { interaction_id: id, summary: doc.summary.clone() };
        match self.bus.request(&topics::server::metrics_computed(), &msg).await {
            Ok(_) => {
                if let Err(e) = self.store.mark_delivered(id).await {
                    tracing::warn!(interaction_id = %id, error = %e, "delivery not recorded; it is repeated");
                }
            }
            Err(e) => {
                tracing::warn!(interaction_id = %id, error = %e, "vc-server did not take the metrics yet")
            }
        }
    }

    /// Runs due jobs, re-sends summaries vc-server has not taken, and
    /// looks at samples nobody computed.
    pub async fn sweep(&self) {
        if let Err(e) = self.sweep_once().await {
            tracing::warn!(error = %e, "stat sweep incomplete");
        }
    }

    async fn sweep_once(&self) -> Result<(), StatError> {
        for id in self.store.due_jobs(Utc::now(), SWEEP_BATCH).await? {
            if !lock(&self.settling).contains(&id) {
                self.run_job(id).await;
            }
        }
        for (id, summary) in self.store.undelivered(SWEEP_BATCH).await? {
            let msg = MetricsComputed { interaction_id: id, summary };
            match self.bus.request(&topics::server::metrics_computed(), &msg).await {
                Ok(_) => self.store.mark_delivered(id).await?,
                Err(e) => {
                    tracing::warn!(interaction_id = %id, error = %e, "vc-server did not take the metrics yet");
                    break;
                }
            }
        }
        let cutoff = Utc::now() - Duration::from_secs(self.settings.orphan_after_secs);
        for id in self.samples.rooms_with_samples_before(cutoff).await? {
            let quiet = self.samples.newest(id).await?.is_none_or(|t| t < cutoff);
            if !quiet || self.store.has_job(id).await? || lock(&self.settling).contains(&id) {
                continue;
            }
            if self.store.get(id).await?.is_some() {
                self.samples.delete(id).await?;
                continue;
            }
            // Its end was missed (or it is a long quiet call: then nothing happens).
            self.store.schedule(id, Utc::now()).await?;
            self.run_job(id).await;
        }
        Ok(())
    }
}

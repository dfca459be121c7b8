//! vc-geo: the street address of a point the client's browser measured
//! (reverse geocoding with a Nominatim server), cached in MongoDB and asked
//! of the provider at most once a second; and the map tile around it.
//! Answers `v1/geo/reverse` on the bus. See `docs/geolocation.md`.

mod cache;
pub mod config;
pub mod limiter;
pub mod nominatim;
mod reverse;
pub mod tile;

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use utoipa_actix_web::service_config::ServiceConfig;
use vc_protocol::topics;
use vc_runtime::{Runtime, Service, StartError};

pub use cache::COLLECTION as CACHE_COLLECTION;
pub use config::GeoSettings;
use reverse::{GeoMetrics, GeoState};

vc_runtime::service_config! {
    /// The vc-geo binary's configuration file.
    pub struct Config {
        pub geo: GeoSettings,
    }
}

/// The bus group instances of vc-geo share requests in. (The rate limit
/// is per instance: run one, or divide `min_interval_ms` among them.)
const GROUP: &str = "vc-geo";

/// Requests handled at once (cache hits must not wait behind the provider).
const CONCURRENCY: usize = 32;

/// The running geocoding service.
pub struct Geo {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Geo {
    /// Checks the settings, opens the cache and starts answering
    /// `v1/geo/reverse`.
    pub async fn start(rt: &Runtime, cfg: &GeoSettings) -> Result<Arc<Self>, StartError> {
        let other = |e: &dyn std::fmt::Display| StartError::Other(format!("vc-geo: {e}"));
        cfg.validate().map_err(|e| other(&e))?;
        let user_agent = cfg.effective_user_agent();
        let provider = nominatim::Nominatim::new(
            cfg.base(),
            &user_agent,
            Duration::from_millis(cfg.timeout_ms),
            cfg.email.clone().filter(|e| !e.trim().is_empty()),
        )
        .map_err(|e| other(&e))?;
        let state = Arc::new(GeoState {
            provider,
            limiter: limiter::Limiter::new(
                Duration::from_millis(cfg.min_interval_ms),
                Duration::from_millis(cfg.max_wait_ms),
            ),
            cache: cache::GeoCache::open(&rt.db).await?,
            cache_ttl: Duration::from_secs(u64::from(cfg.cache_ttl_days) * 86_400),
            negative_ttl: Duration::from_secs(cfg.negative_ttl_secs),
            tile_url: cfg.tile_url.clone().filter(|t| !t.trim().is_empty()),
            tile_zoom: cfg.tile_zoom,
            metrics: GeoMetrics::register(&rt.metrics).map_err(|e| other(&e))?,
        });
        let s = state.clone();
        let serve = rt
            .bus
            .serve_concurrent(GROUP, &topics::geo::reverse(), CONCURRENCY, move |req| {
                let s = s.clone();
                async move { reverse::reverse(&s, req).await }
            })
            .await?;
        tracing::info!(
            provider = %cfg.base(),
            user_agent = %user_agent,
            min_interval_ms = cfg.min_interval_ms,
            tiles = cfg.tile_url.is_some(),
            "reverse geocoding ready"
        );
        Ok(Arc::new(Self { tasks: vec![serve] }))
    }
}

impl Service for Geo {
    fn configure(&self, _cfg: &mut ServiceConfig) {}

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}

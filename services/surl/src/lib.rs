//! vc-surl: short links for client links. `GET /s/{code}` redirects to the
//! client link while its interaction is open; every open is logged and
//! announced on the bus (vc-server moves the interaction to `waiting`).
//! See `docs/short-links.md`.

pub mod code;
pub mod config;
mod create;
mod handlers;
pub mod ip_hash;
mod lifecycle;
pub mod page;
pub mod preview;
mod state;
pub mod store;

use std::sync::Arc;

use actix_web::web;
use futures_util::future::BoxFuture;
use utoipa_actix_web::service_config::ServiceConfig;
use vc_protocol::topics;
use vc_runtime::{Runtime, Service, StartError};

pub use config::SurlSettings;
use state::{SurlMetrics, SurlState};

vc_runtime::service_config! {
    /// The vc-surl binary's configuration file.
    pub struct Config {
        pub surl: SurlSettings,
    }
}

/// The bus group instances of vc-surl share requests and events in.
const GROUP: &str = "vc-surl";

/// The running short-link service.
pub struct Surl {
    state: web::Data<SurlState>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Surl {
    /// Checks the settings, opens the collections, loads (or creates) the
    /// address-hashing key, and starts answering `create_link` and following
    /// interaction events on the bus.
    pub async fn start(rt: &Runtime, cfg: &SurlSettings) -> Result<Arc<Self>, StartError> {
        let other = |e: &dyn std::fmt::Display| StartError::Other(format!("vc-surl: {e}"));
        cfg.validate().map_err(|e| other(&e))?;
        let key = store::secrets::ip_hash_key(&rt.db).await.map_err(|e| other(&e))?;
        let state = web::Data::new(SurlState {
            links: store::links::Links::open(&rt.db).await?,
            opens: store::opens::Opens::open(&rt.db).await?,
            hasher: ip_hash::IpHasher::new(key),
            base_url: cfg.base_url(),
            code_length: cfg.code_length,
            metrics: SurlMetrics::register(&rt.metrics).map_err(|e| other(&e))?,
            bus: rt.bus.clone(),
            trusted_proxies: rt.http.trusted_proxies.clone(),
        });

        let events = rt.bus.subscribe_shared(GROUP, topics::server::all_interaction_events()).await?;
        let follow = tokio::spawn(lifecycle::follow(state.clone().into_inner(), events));
        let s = state.clone();
        let serve = rt
            .bus
            .serve(GROUP, &topics::surl::create_link(), move |req| {
                let s = s.clone();
                async move { create::create_link(&s, req).await }
            })
            .await?;
        tracing::info!(
            code_length = cfg.code_length,
            bits = code::entropy_bits(cfg.code_length).round(),
            base = state.base_url.as_deref().unwrap_or("(the origin of each request)"),
            "short links ready"
        );
        Ok(Arc::new(Self { state, tasks: vec![follow, serve] }))
    }
}

impl Service for Surl {
    fn configure(&self, cfg: &mut ServiceConfig) {
        // HEAD first: it must never reach the GET handler, which logs opens.
        cfg.app_data(self.state.clone())
            .service(handlers::open_link::check_link)
            .service(handlers::open_link::open_link)
            .service(handlers::link_opens::link_opens);
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}

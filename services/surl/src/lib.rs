//! vc-surl: short links for client links. `GET /s/{code}` redirects to the
//! client link while its interaction is open; every open is logged and
//! announced on the bus (vc-server moves the interaction to `waiting`).

pub mod config;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use utoipa_actix_web::service_config::ServiceConfig;
use vc_runtime::{Runtime, Service, StartError};

pub use config::SurlSettings;

vc_runtime::service_config! {
    /// The vc-surl binary's configuration file.
    pub struct Config {
        pub surl: SurlSettings,
    }
}

/// The running short-link service.
pub struct Surl {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Surl {
    pub async fn start(_rt: &Runtime, _cfg: &SurlSettings) -> Result<Arc<Self>, StartError> {
        Ok(Arc::new(Self { tasks: Vec::new() }))
    }
}

impl Service for Surl {
    fn configure(&self, _cfg: &mut ServiceConfig) {}

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}

//! vc-server: interactions and their lifecycle, the agent and client control
//! channels, chat history, scheduling, settings and the client's join by link.
//!
//! So far it runs on the shared runtime (health, metrics, token verification);
//! its routes arrive with the interactions.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;
use vc_runtime::{Runtime, Service, StartError};

/// `[server]`: vc-server's settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {}

vc_runtime::service_config! {
    /// The vc-server binary's configuration file.
    pub struct Config {
        pub server: ServerSettings,
    }
}

/// The running vc-server service.
pub struct VcServer {
    _settings: ServerSettings,
}

impl VcServer {
    pub async fn start(_rt: &Runtime, settings: &ServerSettings) -> Result<Arc<Self>, StartError> {
        Ok(Arc::new(Self { _settings: settings.clone() }))
    }
}

impl Service for VcServer {
    fn configure(&self, _cfg: &mut ServiceConfig) {}

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

//! vc-msg: delivers client links by SMS (SMSC.ru), Telegram, e-mail and a
//! webhook to the customer's own systems. Commanded over the bus by
//! vc-server; every delivery and every attempt is stored, a worker resumes
//! unfinished deliveries after a restart, and each status change is
//! published on the bus.

pub mod config;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use utoipa_actix_web::service_config::ServiceConfig;
use vc_runtime::{Runtime, Service, StartError};

pub use config::MsgSettings;

vc_runtime::service_config! {
    /// The vc-msg binary's configuration file.
    pub struct Config {
        pub msg: MsgSettings,
    }
}

/// The running delivery service.
pub struct Msg {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Msg {
    pub async fn start(_rt: &Runtime, _cfg: &MsgSettings) -> Result<Arc<Self>, StartError> {
        Ok(Arc::new(Self { tasks: Vec::new() }))
    }
}

impl Service for Msg {
    fn configure(&self, _cfg: &mut ServiceConfig) {}

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}

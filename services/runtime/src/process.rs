//! The body of every single-service binary: load the config, set up tracing,
//! start the runtime and the service, serve until a signal.

use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::config::{self, LogConfig};
use crate::service::{Runtime, RuntimeConfig, Server, Service, StartError};

/// A service binary's configuration file.
pub trait ServiceConfigFile: DeserializeOwned {
    fn log(&self) -> &LogConfig;
    fn runtime(&self) -> RuntimeConfig<'_>;
}

/// Runs one service as its own process. `start` builds the service once the
/// runtime is up; the process exits 2 on a configuration error, 1 on a
/// start-up failure.
pub async fn run_service<C, F, Fut>(name: &'static str, start: F) -> ExitCode
where
    C: ServiceConfigFile,
    F: FnOnce(Runtime, C) -> Fut,
    Fut: Future<Output = Result<Arc<dyn Service>, StartError>>,
{
    let path = config::config_path_from_args();
    let cfg: C = match config::load(path.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{name}: {e}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(cfg.log());
    let result = async {
        let rt = Runtime::start(name, cfg.runtime()).await?;
        let service = start(rt.clone(), cfg).await?;
        rt.bus.ready();
        let server = Server::start(rt, vec![service], None)?;
        if let Some(addr) = server.local_addr() {
            tracing::info!(%addr, "{name} listening");
        }
        server.run_until_signal().await
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "{name} failed");
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Declares a service binary's configuration file: the common sections
/// (`http`, `mongo`, `mqtt`, `log`, `tokens`) plus the service's own, with
/// [`ServiceConfigFile`] implemented.
///
/// ```ignore
/// vc_runtime::service_config! {
///     /// The vc-auth binary's configuration file.
///     pub struct Config { pub auth: AuthSettings }
/// }
/// ```
#[macro_export]
macro_rules! service_config {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        pub struct $name {
            pub http: $crate::config::HttpConfig,
            pub mongo: $crate::config::MongoConfig,
            pub mqtt: $crate::config::MqttConfig,
            pub log: $crate::config::LogConfig,
            pub tokens: $crate::config::TokenConfig,
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl $crate::process::ServiceConfigFile for $name {
            fn log(&self) -> &$crate::config::LogConfig {
                &self.log
            }
            fn runtime(&self) -> $crate::service::RuntimeConfig<'_> {
                $crate::service::RuntimeConfig {
                    http: &self.http,
                    mongo: &self.mongo,
                    mqtt: &self.mqtt,
                    tokens: &self.tokens,
                }
            }
        }
    };
}

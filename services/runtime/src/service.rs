//! What a running service is made of, and how it is served over HTTP with a
//! graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use futures_util::future::BoxFuture;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::TokenVerifier;
use crate::bus::{Bus, BusError};
use crate::config::{HttpConfig, MongoConfig, MqttConfig, TokenConfig};
use crate::db::{Db, DbError};
use crate::http;
use crate::metrics::{Metrics, MetricsError};

/// Everything a service needs from the platform. Cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    /// The process name (`vc-auth`, `videoassist`, ...).
    pub name: String,
    pub db: Db,
    pub bus: Bus,
    pub metrics: Metrics,
    pub verifier: Arc<TokenVerifier>,
    pub http: HttpConfig,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Bus(#[from] BusError),
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    #[error("HTTP: {0}")]
    Http(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

/// The sections `Runtime::start` reads.
pub struct RuntimeConfig<'a> {
    pub http: &'a HttpConfig,
    pub mongo: &'a MongoConfig,
    pub mqtt: &'a MqttConfig,
    pub tokens: &'a TokenConfig,
}

impl Runtime {
    /// Connects to MongoDB (waiting for it up to the server-selection
    /// timeout) and the broker, and starts following vc-auth's keys.
    pub async fn start(name: &str, cfg: RuntimeConfig<'_>) -> Result<Self, StartError> {
        let metrics = Metrics::new()?;
        let db = Db::connect(cfg.mongo, name).await?;
        db.wait_ready(Duration::from_millis(cfg.mongo.server_selection_timeout_ms.max(1000) * 3)).await?;
        let client_id = cfg.mqtt.client_id.clone().unwrap_or_else(|| default_client_id(name, cfg.http.port));
        let bus = Bus::connect(cfg.mqtt, &client_id, &metrics)?;
        let verifier = TokenVerifier::start(&bus, cfg.tokens).await?;
        Ok(Self { name: name.to_owned(), db, bus, metrics, verifier, http: cfg.http.clone() })
    }
}

/// `<name>-<hostname>-<http port>`: stable across restarts (so the broker
/// keeps our session) and distinct for two instances on one host.
pub fn default_client_id(name: &str, port: u16) -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    format!("{name}-{host}-{port}")
}

/// A service mounted into an HTTP server.
pub trait Service: Send + Sync + 'static {
    /// Mounts the service's routes (each a `#[utoipa::path]` handler, so it
    /// appears in `/api/openapi.json`).
    fn configure(&self, cfg: &mut ServiceConfig);
    /// Stops background work; called after the HTTP server has drained.
    fn shutdown(&self) -> BoxFuture<'_, ()>;
}

/// Routes outside the API (static frontends), not part of the OpenAPI document.
pub type ExtraRoutes = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

/// An HTTP server that is bound and running.
pub struct Server {
    addrs: Vec<SocketAddr>,
    handle: ServerHandle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    runtime: Runtime,
    services: Vec<Arc<dyn Service>>,
    shutdown_timeout: Duration,
}

/// The OpenAPI document's frame; paths are added by the services.
fn base_openapi(title: &str) -> OpenApi {
    let mut api = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title(title)
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "VideoAssist REST API. Errors are `{\"code\",\"message\"}` with a stable `code`.",
                ))
                .build(),
        )
        .build();
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    api
}

/// Builds the app for one worker: common routes, every service, extras.
fn app(
    runtime: Runtime,
    services: Vec<Arc<dyn Service>>,
    extra: Option<ExtraRoutes>,
    title: String,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (json, query, path) = http::extractor_config(runtime.http.max_json_bytes);
    let metrics = runtime.metrics.clone();
    App::new()
        .into_utoipa_app()
        .openapi(base_openapi(&title))
        .app_data(web::Data::new(runtime))
        .app_data(json)
        .app_data(query)
        .app_data(path)
        .service(http::health::healthz)
        .service(http::health::metrics)
        .configure(|cfg| {
            for s in &services {
                s.configure(cfg);
            }
        })
        .openapi_service(|api| {
            web::resource("/api/openapi.json").route(web::get().to(move || {
                let api = api.clone();
                async move { HttpResponse::Ok().json(api) }
            }))
        })
        .into_app()
        .configure(|cfg| {
            if let Some(extra) = &extra {
                extra(cfg);
            }
        })
        .default_service(web::to(http::not_found))
        .wrap_fn(move |req, srv| {
            let metrics = metrics.clone();
            http::observe(req, srv, metrics)
        })
}

impl Server {
    /// Binds `http.host:http.port` and starts serving `services`.
    pub fn start(
        runtime: Runtime,
        services: Vec<Arc<dyn Service>>,
        extra: Option<ExtraRoutes>,
    ) -> Result<Self, StartError> {
        let cfg = runtime.http.clone();
        let title = format!("VideoAssist ({})", runtime.name);
        let rt = runtime.clone();
        let svcs = services.clone();
        let tls = crate::tls::server_config(&cfg).map_err(|e| StartError::Other(e.to_string()))?;
        let server = HttpServer::new(move || app(rt.clone(), svcs.clone(), extra.clone(), title.clone()))
            .disable_signals()
            .shutdown_timeout(cfg.shutdown_timeout_secs);
        let mut server = match tls {
            Some(tls) => server.bind_rustls_0_23((cfg.host, cfg.port), tls)?,
            None => server.bind((cfg.host, cfg.port))?,
        };
        if let Some(workers) = cfg.workers {
            server = server.workers(workers.max(1));
        }
        let addrs = server.addrs();
        let server = server.run();
        let handle = server.handle();
        let task = tokio::spawn(server);
        Ok(Self {
            addrs,
            handle,
            task,
            runtime,
            services,
            shutdown_timeout: Duration::from_secs(cfg.shutdown_timeout_secs),
        })
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.addrs.first().copied()
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    pub async fn run_until_signal(self) -> Result<(), StartError> {
        crate::shutdown::signal().await;
        tracing::info!("shutting down");
        self.stop().await
    }

    /// Graceful shutdown: stop accepting, let in-flight requests finish
    /// (bounded by `http.shutdown_timeout_secs`), stop the services, drain the
    /// bus, close the database connections.
    pub async fn stop(self) -> Result<(), StartError> {
        self.handle.stop(true).await;
        let served = tokio::time::timeout(self.shutdown_timeout + Duration::from_secs(1), self.task).await;
        for s in &self.services {
            if tokio::time::timeout(Duration::from_secs(2), s.shutdown()).await.is_err() {
                tracing::warn!("a service did not stop in time");
            }
        }
        self.runtime.bus.shutdown(Duration::from_secs(2)).await;
        self.runtime.db.shutdown().await;
        match served {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(e.into()),
            Ok(Err(join)) => Err(StartError::Other(format!("HTTP server task failed: {join}"))),
            Err(_) => Err(StartError::Other("HTTP server did not stop in time".into())),
        }
    }
}

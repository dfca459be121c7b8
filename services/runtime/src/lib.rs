//! The shared runtime of every VideoAssist service: configuration, the MQTT
//! bus, the MongoDB handle, local token verification, health and metrics,
//! tracing, and serving with a graceful shutdown.

pub mod auth;
pub mod bus;
pub mod config;
pub mod db;
pub mod http;
pub mod metrics;
pub mod process;
pub mod service;
pub mod shutdown;
pub mod telemetry;
pub mod tls;

pub use auth::{Caller, Staff, TokenVerifier};
pub use bus::{Bus, BusError, Delivery, RemoteError, Subscription};
pub use db::Db;
pub use http::ApiError;
pub use metrics::Metrics;
pub use service::{Runtime, RuntimeConfig, Server, Service, StartError};

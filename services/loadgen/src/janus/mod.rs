//! Janus (the Debian package `janus`) as the other server of a side-by-side
//! benchmark: [`JanusServer`] runs one with a generated configuration, and
//! [`JanusPeer`] is a party's session on its videocall plugin over the HTTP
//! transport, which becomes the party's [`crate::signal::SignalLink`].

pub mod api;
mod client;
mod server;

pub use client::JanusPeer;
pub use server::{JanusServer, JanusSettings, Modules, config_files, find_lib_dir, own_ip};

#[derive(Debug, thiserror::Error)]
pub enum JanusError {
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    #[error(transparent)]
    Api(#[from] api::JanusApiError),
    #[error("unexpected answer: {0}")]
    Shape(&'static str),
    #[error("no answer in time: {0}")]
    Timeout(&'static str),
    #[error("Janus is not installed ({0} missing): `scripts/setup.sh bench` installs it")]
    NotInstalled(String),
    #[error("Janus stopped: {0}")]
    Exited(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

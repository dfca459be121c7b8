//! The vc-geo process (production: one systemd unit per service).

use std::process::ExitCode;

use vc_geo::{Config, Geo};
use vc_runtime::process::run_service;

#[tokio::main]
async fn main() -> ExitCode {
    run_service("vc-geo", |rt, cfg: Config| async move { Ok(Geo::start(&rt, &cfg.geo).await? as _) }).await
}

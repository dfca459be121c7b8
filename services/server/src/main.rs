//! The vc-server process (production: one systemd unit per service).

use std::process::ExitCode;

use vc_runtime::process::run_service;
use vc_server::{Config, VcServer};

#[tokio::main]
async fn main() -> ExitCode {
    run_service(
        "vc-server",
        |rt, cfg: Config| async move { Ok(VcServer::start(&rt, &cfg.server).await? as _) },
    )
    .await
}

//! The vc-surl process (production: one systemd unit per service).

use std::process::ExitCode;

use vc_runtime::process::run_service;
use vc_surl::{Config, Surl};

#[tokio::main]
async fn main() -> ExitCode {
    run_service("vc-surl", |rt, cfg: Config| async move { Ok(Surl::start(&rt, &cfg.surl).await? as _) }).await
}

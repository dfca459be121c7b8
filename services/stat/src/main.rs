//! The vc-stat process (production: one systemd unit per service).

use std::process::ExitCode;

use vc_runtime::process::run_service;
use vc_stat::{Config, Stat};

#[tokio::main]
async fn main() -> ExitCode {
    run_service("vc-stat", |rt, cfg: Config| async move { Ok(Stat::start(&rt, &cfg.stat).await? as _) }).await
}

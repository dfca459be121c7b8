//! The vc-msg process (production: one systemd unit per service).

use std::process::ExitCode;

use vc_msg::{Config, Msg};
use vc_runtime::process::run_service;

#[tokio::main]
async fn main() -> ExitCode {
    run_service("vc-msg", |rt, cfg: Config| async move { Ok(Msg::start(&rt, &cfg.msg).await? as _) }).await
}

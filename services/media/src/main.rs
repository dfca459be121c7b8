//! The vc-media process (production: one systemd unit per gateway).

use std::process::ExitCode;

use vc_media::{Config, Media};
use vc_runtime::process::run_service;

#[tokio::main]
async fn main() -> ExitCode {
    run_service("vc-media", |rt, cfg: Config| async move { Ok(Media::start(&rt, &cfg.media).await? as _) })
        .await
}

//! The vc-media process (production: one systemd unit per gateway).

use std::process::ExitCode;

use vc_media::{Config, Media};
use vc_runtime::process::run_service;

/// See the workspace manifest: glibc kept freed packet buffers.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    run_service("vc-media", |rt, cfg: Config| async move {
        let data_dir = cfg.data_dir.clone().unwrap_or_else(|| "data".into());
        let mut settings = cfg.media.clone();
        settings.raw_recordings_dir = Some(settings.raw_dir_in(&data_dir));
        Ok(Media::start(&rt, &settings).await? as _)
    })
    .await
}

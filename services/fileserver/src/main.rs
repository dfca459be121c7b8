//! The vc-fileserver process (production: one systemd unit per service).

use std::path::Path;
use std::process::ExitCode;

use vc_fileserver::{Config, Fileserver};
use vc_runtime::process::run_service;

#[tokio::main]
async fn main() -> ExitCode {
    run_service("vc-fileserver", |rt, cfg: Config| async move {
        let data_dir = cfg.data_dir.clone().unwrap_or_else(|| "data".into());
        let mut settings = cfg.fileserver.clone();
        settings.root = Some(settings.root_in(Path::new(&data_dir)));
        Ok(Fileserver::start(&rt, &settings).await? as _)
    })
    .await
}

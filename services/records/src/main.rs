//! The vc-records process (production: one systemd unit on each gateway's
//! machine, since it reads the gateway's raw files).

use std::path::Path;
use std::process::ExitCode;

use vc_records::{Config, Records};
use vc_runtime::process::run_service;

#[tokio::main]
async fn main() -> ExitCode {
    run_service("vc-records", |rt, cfg: Config| async move {
        let data_dir = cfg.data_dir.clone().unwrap_or_else(|| "data".into());
        let settings = cfg.records.clone().with_data_dir(Path::new(&data_dir));
        Ok(Records::start(&rt, &settings).await? as _)
    })
    .await
}

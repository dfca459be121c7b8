//! The vc-auth process (production: one systemd unit per service).

use std::process::ExitCode;

use vc_auth::{Auth, Config};
use vc_runtime::process::run_service;

#[tokio::main]
async fn main() -> ExitCode {
    run_service("vc-auth", |rt, cfg: Config| async move {
        let (auth, first_admin) = Auth::start(&rt, &cfg.auth).await?;
        if let Some(admin) = first_admin {
            println!("{}", admin.announcement());
        }
        Ok(auth as _)
    })
    .await
}

//! `videoassist [--config FILE]` runs the platform;
//! `videoassist broker [--port N] [--username U --password P]` runs only the
//! embedded broker (for development and tests).

use std::process::ExitCode;

use videoassist::{Config, run, run_broker};

/// See the workspace manifest: glibc kept freed packet buffers.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("broker") {
        return run_broker(&args[1..]).await;
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!(
            "usage: videoassist [--config FILE] | videoassist broker [--port N] [--username U --password P]"
        );
        return ExitCode::SUCCESS;
    }
    let path = vc_runtime::config::config_path_from_args();
    let cfg: Config = match vc_runtime::config::load(path.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("videoassist: {e}");
            return ExitCode::from(2);
        }
    };
    // Every section is checked before anything starts.
    if let Err(e) = cfg.validate() {
        eprintln!("videoassist: configuration: {e}");
        return ExitCode::from(2);
    }
    vc_runtime::telemetry::init(&cfg.log);
    match run(cfg).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "videoassist failed");
            eprintln!("videoassist: {e}");
            ExitCode::FAILURE
        }
    }
}

//! Tracing set-up: structured fields everywhere, JSON lines when stdout is not
//! a terminal (journald, files, log shippers), human-readable otherwise.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::config::{LogConfig, LogFormat};

/// Installs the global subscriber. Safe to call more than once (later calls
/// are ignored), so tests that start several services in one process work.
pub fn init(cfg: &LogConfig) {
    let filter =
        std::env::var("RUST_LOG").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| cfg.filter.clone());
    // The embedded broker is chatty at info level.
    // The embedded broker logs ordinary disconnects as errors; we watch its
    // health ourselves. `RUST_LOG=rumqttd=warn` brings its logs back.
    let filter = format!("rumqttd=off,{filter}");
    let env_filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match cfg.format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => !std::io::stdout().is_terminal(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_target(true)
        .with_span_events(FmtSpan::NONE);
    let result = if json {
        builder.json().flatten_event(true).with_current_span(true).try_init()
    } else {
        builder.compact().try_init()
    };
    // Already installed (several services in one test process): keep the first.
    let _ = result;
}

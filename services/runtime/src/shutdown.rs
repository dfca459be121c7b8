//! Waiting for the signals that end a service.

use tokio::signal::unix::{Signal, SignalKind};

/// SIGINT (Ctrl-C) and SIGTERM (systemd, `kill`), as one stream. Create it
/// once: each delivered signal is seen once.
pub struct Signals {
    int: Option<Signal>,
    term: Option<Signal>,
}

impl Signals {
    pub fn new() -> Self {
        let listen = |kind, name: &str| match tokio::signal::unix::signal(kind) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for {name}");
                None
            }
        };
        Self {
            int: listen(SignalKind::interrupt(), "SIGINT"),
            term: listen(SignalKind::terminate(), "SIGTERM"),
        }
    }

    /// The next SIGINT or SIGTERM.
    pub async fn next(&mut self) {
        async fn recv(s: &mut Option<Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            _ = recv(&mut self.int) => tracing::info!("SIGINT received"),
            _ = recv(&mut self.term) => tracing::info!("SIGTERM received"),
        }
    }
}

impl Default for Signals {
    fn default() -> Self {
        Self::new()
    }
}

/// Resolves on the first SIGINT or SIGTERM.
pub async fn signal() {
    Signals::new().next().await;
}

//! Calls between two parties of this process through a server, ready for
//! a load run: through our gateway (a real interaction, both parties in
//! its room), through Janus's videocall plugin, or directly peer to peer
//! (the baseline). Open them, let them run, close them into reports.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use vc_protocol::InteractionId;

use crate::desk::{Desk, DeskError};
use crate::janus::{JanusError, JanusPeer};
use crate::media::LoadedMedia;
use crate::party::{Party, PartyConfig, PartyError};
use crate::report::CallReport;
use crate::signal;

/// Where calls go.
#[derive(Clone)]
pub enum Target {
    /// Our platform: the desk signs in an agent; each call is a new
    /// interaction with its client joined.
    Gateway(Desk),
    /// Janus's HTTP API (`http://127.0.0.1:<port>/janus`).
    Janus { base: String },
    /// No server: the parties signal to each other in-process.
    Direct,
}

impl Target {
    pub fn name(&self) -> &'static str {
        match self {
            Target::Gateway(_) => "gateway",
            Target::Janus { .. } => "janus",
            Target::Direct => "direct",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("platform: {0}")]
    Desk(#[from] DeskError),
    #[error("party: {0}")]
    Party(#[from] PartyError),
    #[error("Janus: {0}")]
    Janus(#[from] JanusError),
}

/// What every party of a run does.
#[derive(Debug, Clone)]
pub struct CallSpec {
    /// The parties' address (the machine's own for Janus; loopback is fine
    /// for our gateway and direct calls).
    pub bind: IpAddr,
    pub media: Option<Arc<LoadedMedia>>,
    /// Send time-stamps (`PartyConfig::stamp`).
    pub stamp: bool,
    /// Both parties open the `collab` data channel and the first sends
    /// this many pointer moves a second (0: no data channel).
    pub pointer_hz: u32,
}

/// A call in progress.
pub struct Call {
    pub label: String,
    t0: Instant,
    a: Party,
    b: Party,
    interaction: Option<InteractionId>,
}

/// Makes Janus usernames unique within the process.
static NEXT: AtomicU64 = AtomicU64::new(0);

impl Call {
    /// Opens a call; its setup time counts from here, after the platform's
    /// REST calls (creating the interaction) for our gateway, and including
    /// the session and registration for Janus.
    pub async fn open(target: &Target, spec: &CallSpec, label: impl Into<String>) -> Result<Call, RunError> {
        let label = label.into();
        let cfg = PartyConfig {
            bind: spec.bind,
            media: spec.media.clone(),
            stamp: spec.stamp,
            collab: spec.pointer_hz > 0,
            ..PartyConfig::default()
        };
        let first = PartyConfig { pointer_hz: spec.pointer_hz, ..cfg.clone() };
        match target {
            Target::Gateway(desk) => {
                let t = desk.new_call("two_way").await?;
                let t0 = Instant::now();
                let party = |access: &vc_protocol::media::MediaAccess| PartyConfig {
                    signaling_url: desk.ws_url(access),
                    room_token: access.room_token.clone(),
                    ..cfg.clone()
                };
                let a = Party::join(PartyConfig { pointer_hz: spec.pointer_hz, ..party(&t.agent) }).await?;
                let b = Party::join(party(&t.client)).await?;
                Ok(Call { label, t0, a, b, interaction: Some(t.interaction_id) })
            }
            Target::Janus { base } => {
                let t0 = Instant::now();
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                let callee_name = format!("vc-{}-{n}-callee", std::process::id());
                let callee = JanusPeer::register(base, &callee_name).await?;
                let caller =
                    JanusPeer::register(base, &format!("vc-{}-{n}-caller", std::process::id())).await?;
                let b = Party::join_with(cfg, callee.answer());
                let a = Party::join_with(first, caller.call(&callee_name));
                Ok(Call { label, t0, a, b, interaction: None })
            }
            Target::Direct => {
                let t0 = Instant::now();
                let (la, lb) = signal::direct::pair();
                let b = Party::join_with(cfg, lb);
                let a = Party::join_with(first, la);
                Ok(Call { label, t0, a, b, interaction: None })
            }
        }
    }

    /// Waits until both parties are connected, at most `timeout`.
    pub async fn connected(&mut self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        let a = self.a.connected(timeout).await;
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        a && self.b.connected(left).await
    }

    /// Media packets both parties received so far.
    pub fn received(&self) -> u64 {
        [self.a.stats(), self.b.stats()].iter().map(|s| s.audio.packets + s.video.packets).sum()
    }

    /// Both parties leave (and the interaction is ended); the call's report.
    pub async fn close(self, target: &Target) -> CallReport {
        let (a, b) = tokio::join!(self.a.leave(), self.b.leave());
        if let (Target::Gateway(desk), Some(id)) = (target, self.interaction) {
            let _ = desk.end(id).await;
        }
        CallReport::new(self.label, self.t0, &[&a, &b])
    }
}

/// Opens `n` calls at once (labelled `<prefix>-1`, ...) and waits until
/// they are connected (at most `timeout` each). Calls that fail to open
/// are returned as errors; those that open but do not connect are kept
/// (their reports show no setup time).
pub async fn open_calls(
    target: &Target,
    spec: &CallSpec,
    n: usize,
    prefix: &str,
    timeout: Duration,
) -> (Vec<Call>, Vec<RunError>) {
    let opened = futures_util::future::join_all((1..=n).map(|i| async move {
        let mut call = Call::open(target, spec, format!("{prefix}-{i}")).await?;
        call.connected(timeout).await;
        Ok::<_, RunError>(call)
    }))
    .await;
    let (mut calls, mut errors) = (Vec::new(), Vec::new());
    for c in opened {
        match c {
            Ok(c) => calls.push(c),
            Err(e) => errors.push(e),
        }
    }
    (calls, errors)
}

/// Closes calls at once; their reports in order.
pub async fn close_calls(target: &Target, calls: Vec<Call>) -> Vec<CallReport> {
    futures_util::future::join_all(calls.into_iter().map(|c| c.close(target))).await
}

/// Media packets all the calls' parties received so far.
pub fn received(calls: &[Call]) -> u64 {
    calls.iter().map(Call::received).sum()
}

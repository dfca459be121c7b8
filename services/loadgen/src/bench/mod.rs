//! The pieces of `vc-sfu-bench`: a measured run of N calls through one
//! server (its CPU time and memory from the kernel's accounting, what the
//! parties received, lost and how late), the number of calls one pinned
//! core sustains, and a soak of many short calls.

pub mod platform;

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::procstat;
use crate::report::{CallReport, Summary};
use crate::run::{self, CallSpec, Target};

/// Calls a measured run opens at once.
const OPEN_BATCH: usize = 10;

/// A server under test: where calls go and, for servers (not the direct
/// baseline), the process whose CPU and memory are measured.
#[derive(Clone)]
pub struct Server {
    pub name: String,
    pub target: Target,
    pub pid: Option<u32>,
    pub spec: CallSpec,
    /// CPU seconds per second the server uses with no call ([`idle_cpu_rate`]),
    /// for figures net of it.
    pub idle_cpu_per_s: Option<f64>,
}

/// CPU seconds per second a process uses over `over` (call it with no
/// calls running for its idle cost).
pub async fn idle_cpu_rate(pid: u32, over: Duration) -> Option<f64> {
    let (c0, t0) = (procstat::cpu_seconds(pid).ok()?, Instant::now());
    tokio::time::sleep(over).await;
    let c1 = procstat::cpu_seconds(pid).ok()?;
    Some((c1 - c0) / t0.elapsed().as_secs_f64())
}

/// One measured run.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    pub server: String,
    pub calls: usize,
    pub failed_to_open: usize,
    /// The measured window, after every call was up and a warm-up.
    pub window_s: f64,
    /// Media packets the parties received in the window (each one a packet
    /// the server forwarded).
    pub forwarded: u64,
    /// The server's CPU time (user + system) in the window.
    pub server_cpu_s: Option<f64>,
    /// What the server would have used in the window with no call.
    pub server_idle_cpu_s: Option<f64>,
    /// The load tool's own, for telling when it, not the server, is the limit.
    pub loadgen_cpu_s: f64,
    pub idle_rss_kib: Option<u64>,
    pub busy_rss_kib: Option<u64>,
    pub summary: Summary,
}

impl RunResult {
    pub fn cpu_us_per_packet(&self) -> Option<f64> {
        let cpu = self.server_cpu_s?;
        (self.forwarded > 0).then(|| cpu * 1e6 / self.forwarded as f64)
    }

    pub fn cpu_s_per_call_minute(&self) -> Option<f64> {
        let cpu = self.server_cpu_s?;
        (self.calls > 0 && self.window_s > 0.0).then(|| cpu / (self.calls as f64 * self.window_s / 60.0))
    }

    /// The server's CPU in the window less its idle cost.
    pub fn net_cpu_s(&self) -> Option<f64> {
        Some(self.server_cpu_s? - self.server_idle_cpu_s.unwrap_or(0.0))
    }

    /// Memory growth per call, in KiB (may be negative: the allocator
    /// returns memory at its own pace).
    pub fn rss_per_call_kib(&self) -> Option<f64> {
        let (idle, busy) = (self.idle_rss_kib?, self.busy_rss_kib?);
        (self.calls > 0).then(|| (busy as f64 - idle as f64) / self.calls as f64)
    }

    pub fn packets_per_s(&self) -> f64 {
        if self.window_s > 0.0 { self.forwarded as f64 / self.window_s } else { 0.0 }
    }

    /// Share of one core the load tool used.
    pub fn loadgen_cores(&self) -> f64 {
        if self.window_s > 0.0 { self.loadgen_cpu_s / self.window_s } else { 0.0 }
    }
}

fn self_cpu_s() -> f64 {
    procstat::cpu_seconds(std::process::id()).unwrap_or(0.0)
}

/// Opens `n` calls through `server`, waits `warmup`, measures for `window`,
/// closes them.
pub async fn measure(
    server: &Server,
    n: usize,
    warmup: Duration,
    window: Duration,
) -> (RunResult, Vec<CallReport>) {
    let rss = |pid: Option<u32>| pid.and_then(|p| procstat::rss_kib(p).ok());
    let cpu = |pid: Option<u32>| pid.and_then(|p| procstat::cpu_seconds(p).ok());
    let idle_rss = rss(server.pid);
    // Opened 10 at a time, as calls arrive in life: what is measured is
    // forwarding, not a burst of 100 sign-ups on one core.
    let (mut calls, mut errors) = (Vec::new(), Vec::new());
    while calls.len() + errors.len() < n {
        let k = OPEN_BATCH.min(n - calls.len() - errors.len());
        let prefix = format!("{}-{}", server.name, calls.len() + errors.len());
        let (c, e) = run::open_calls(&server.target, &server.spec, k, &prefix, Duration::from_secs(20)).await;
        calls.extend(c);
        errors.extend(e);
    }
    tokio::time::sleep(warmup).await;
    let (cpu0, me0, recv0, t0) = (cpu(server.pid), self_cpu_s(), run::received(&calls), Instant::now());
    tokio::time::sleep(window).await;
    let (cpu1, me1, recv1, t1) = (cpu(server.pid), self_cpu_s(), run::received(&calls), Instant::now());
    let busy_rss = rss(server.pid);
    let reports = run::close_calls(&server.target, calls).await;
    let result = RunResult {
        server: server.name.clone(),
        calls: n,
        failed_to_open: errors.len(),
        window_s: (t1 - t0).as_secs_f64(),
        forwarded: recv1.saturating_sub(recv0),
        server_cpu_s: cpu0.zip(cpu1).map(|(a, b)| b - a),
        server_idle_cpu_s: server.idle_cpu_per_s.map(|r| r * (t1 - t0).as_secs_f64()),
        loadgen_cpu_s: me1 - me0,
        idle_rss_kib: idle_rss,
        busy_rss_kib: busy_rss,
        summary: Summary::of(&reports),
    };
    (result, reports)
}

/// What one pinned core sustains.
#[derive(Debug, Clone, Serialize)]
pub struct Capacity {
    pub server: String,
    /// The most calls that passed (loss < `max_loss_pct`, p99 < `max_p99_ms`).
    pub sustained: usize,
    /// The first step that failed, and why; `None` if every step passed.
    pub failed_at: Option<(usize, String)>,
    /// The load tool used most of its own cores at the last step: the
    /// result is then a lower bound.
    pub loadgen_bound: bool,
    pub steps: Vec<RunResult>,
}

/// Limits a step must stay within.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_loss_pct: f64,
    pub max_p99_ms: f64,
}

/// Why a run fails the limits, if it does.
pub fn verdict(r: &RunResult, limits: Limits) -> Option<String> {
    let s = &r.summary;
    if r.failed_to_open > 0 || s.connected < r.calls {
        return Some(format!("{} of {} calls connected", s.connected, r.calls));
    }
    if s.loss_pct >= limits.max_loss_pct {
        return Some(format!("loss {:.2}%", s.loss_pct));
    }
    match s.latency_p99_ms {
        Some(p99) if p99 < limits.max_p99_ms => None,
        Some(p99) => Some(format!("p99 {p99:.1} ms")),
        None => Some("no latency samples".into()),
    }
}

/// Pins the server to `server_cpu` and this process to `loadgen_cpus`, then
/// runs `steps` (growing numbers of calls) until one fails; unpins after.
pub async fn capacity(
    server: &Server,
    steps: &[usize],
    server_cpu: &str,
    loadgen_cpus: &str,
    all_cpus: &str,
    window: Duration,
    limits: Limits,
) -> Result<Capacity, String> {
    let pid = server.pid.ok_or("no server process to pin")?;
    procstat::pin(pid, server_cpu).map_err(|e| e.to_string())?;
    procstat::pin(std::process::id(), loadgen_cpus).map_err(|e| e.to_string())?;
    let loadgen_cores = loadgen_cpus.split(',').count() as f64;
    let mut cap = Capacity {
        server: server.name.clone(),
        sustained: 0,
        failed_at: None,
        loadgen_bound: false,
        steps: Vec::new(),
    };
    for &n in steps {
        let (r, _) = measure(server, n, Duration::from_secs(2), window).await;
        let failed = verdict(&r, limits);
        cap.loadgen_bound = r.loadgen_cores() > 0.9 * loadgen_cores;
        eprintln!(
            "  capacity {} {n} calls: {}; server {:.0}% of its core, load tool {:.0}%",
            server.name,
            failed.as_deref().unwrap_or("ok"),
            r.server_cpu_s.unwrap_or(0.0) / r.window_s * 100.0,
            r.loadgen_cores() * 100.0
        );
        cap.steps.push(r);
        match failed {
            None => cap.sustained = n,
            Some(why) => {
                cap.failed_at = Some((n, why));
                break;
            }
        }
        if cap.loadgen_bound {
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let _ = procstat::pin(pid, all_cpus);
    let _ = procstat::pin(std::process::id(), all_cpus);
    Ok(cap)
}

/// Many short calls in sequence.
#[derive(Debug, Clone, Serialize)]
pub struct Soak {
    pub server: String,
    pub calls: usize,
    pub connected: usize,
    pub failed: usize,
    pub rss_before_kib: u64,
    pub rss_peak_kib: u64,
    pub rss_after_kib: u64,
    pub seconds: f64,
    /// Why calls failed: the first few reasons.
    pub failures: Vec<String>,
}

/// Failure reasons a soak keeps.
const KEEP_FAILURES: usize = 5;

/// Opens and closes `total` calls, `parallel` at a time, each held `hold`;
/// the server's RSS before, at its highest, and after `settle`.
pub async fn soak(
    server: &Server,
    total: usize,
    parallel: usize,
    hold: Duration,
    settle: Duration,
) -> Result<Soak, String> {
    let pid = server.pid.ok_or("no server process to watch")?;
    let rss = || procstat::rss_kib(pid).unwrap_or(0);
    let started = Instant::now();
    let rss_before = rss();
    let (mut done, mut connected, mut failed, mut peak) = (0, 0, 0, rss_before);
    let mut failures = Vec::new();
    while done < total {
        let n = parallel.min(total - done);
        let (calls, errors) = run::open_calls(
            &server.target,
            &server.spec,
            n,
            &format!("soak-{done}"),
            Duration::from_secs(10),
        )
        .await;
        failed += errors.len();
        failures.extend(errors.iter().map(|e| format!("open: {e}")));
        tokio::time::sleep(hold).await;
        peak = peak.max(rss());
        let reports = run::close_calls(&server.target, calls).await;
        connected += reports.iter().filter(|r| r.setup_ms.is_some()).count();
        for r in reports.iter().filter(|r| r.setup_ms.is_none()) {
            failed += 1;
            failures.push(format!("not connected in time: {r}"));
        }
        failures.truncate(KEEP_FAILURES);
        done += n;
        if done % 100 < parallel {
            eprintln!("  soak {}: {done}/{total} calls, RSS {:.1} MiB", server.name, rss() as f64 / 1024.0);
        }
    }
    tokio::time::sleep(settle).await;
    Ok(Soak {
        server: server.name.clone(),
        calls: total,
        connected,
        failed,
        rss_before_kib: rss_before,
        rss_peak_kib: peak,
        rss_after_kib: rss(),
        seconds: started.elapsed().as_secs_f64(),
        failures,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;

    fn result(calls: usize, loss_pct: f64, p99: Option<f64>) -> RunResult {
        RunResult {
            server: "x".into(),
            calls,
            failed_to_open: 0,
            window_s: 20.0,
            forwarded: 100_000,
            server_cpu_s: Some(2.0),
            server_idle_cpu_s: Some(0.5),
            loadgen_cpu_s: 10.0,
            idle_rss_kib: Some(50_000),
            busy_rss_kib: Some(60_240),
            summary: Summary { calls, connected: calls, loss_pct, latency_p99_ms: p99, ..Summary::default() },
        }
    }

    #[test]
    fn derived_figures() {
        let r = result(10, 0.0, Some(3.0));
        assert_eq!(r.cpu_us_per_packet(), Some(20.0));
        assert_eq!(r.cpu_s_per_call_minute(), Some(0.6));
        assert_eq!(r.rss_per_call_kib(), Some(1024.0));
        assert_eq!(r.packets_per_s(), 5000.0);
        assert_eq!(r.loadgen_cores(), 0.5);
        assert_eq!(r.net_cpu_s(), Some(1.5));
    }

    #[test]
    fn limits_decide_a_step() {
        let limits = Limits { max_loss_pct: 0.5, max_p99_ms: 20.0 };
        assert_eq!(verdict(&result(10, 0.1, Some(19.9)), limits), None);
        assert_eq!(verdict(&result(10, 0.5, Some(1.0)), limits), Some("loss 0.50%".into()));
        assert_eq!(verdict(&result(10, 0.0, Some(20.0)), limits), Some("p99 20.0 ms".into()));
        assert_eq!(verdict(&result(10, 0.0, None), limits), Some("no latency samples".into()));
        let mut r = result(10, 0.0, Some(1.0));
        r.summary.connected = 9;
        assert_eq!(verdict(&r, limits), Some("9 of 10 calls connected".into()));
    }
}

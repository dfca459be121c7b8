//! `vc-sfu-bench [--quick]`: our media gateway and Janus side by side, on
//! the same media and the same numbers of calls, in the same run.
//!
//! Builds nothing itself: it starts the release all-in-one next to it
//! (`$CARGO_TARGET_DIR/release/videoassist`) on a SecantusDB of its own,
//! and Janus (`/usr/bin/janus`, generated config, videocall plugin). For
//! each number of calls in the sweep it runs, alternating, a direct
//! peer-to-peer baseline, our gateway and Janus (twice over: D A B D A B),
//! every party sending stamped real Opus and VP8; then finds how many calls
//! one pinned core sustains, and soaks our gateway with many short calls.
//! `make bench-sfu` installs Janus, builds and runs it; see
//! docs/benchmarks.md.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::json;
use vc_loadgen::bench::platform::Platform;
use vc_loadgen::bench::{self, Capacity, Limits, RunResult, Server, Soak};
use vc_loadgen::janus::{JanusServer, JanusSettings};
use vc_loadgen::media::{self, LoadedMedia, MediaSpec};
use vc_loadgen::run::{CallSpec, Target};
use vc_loadgen::{Desk, report};

const USAGE: &str = "\
usage: vc-sfu-bench [options]

Our media gateway (the release all-in-one) and Janus (videocall plugin), side by
side: CPU per forwarded packet and per call-minute, memory per call, loss, added
one-way latency over a direct peer-to-peer baseline; the calls one pinned core
sustains; a soak of many short calls. See docs/benchmarks.md.

  --quick               a short run: calls 1,5 for 5 s, one round, small capacity and soak
  --sweep LIST          numbers of calls at once (default 1,2,5,10,20)
  --seconds S           measured seconds per run (default 20)
  --rounds R            rounds of direct/ours/Janus per number of calls (default 2)
  --capacity LIST       calls to try on one pinned core, in order (default 5,10,20,30,40,60,80,100,130,160)
  --capacity-seconds S  measured seconds per capacity step (default 10)
  --server-cpu C        the core servers are pinned to (default: the last); the load
                        tool runs on the others
  --soak N              calls opened and closed in sequence (default 1000; 0: none)
  --soak-parallel P     of which this many at a time (default 10), each held 1 s
  --soak-ours-only      soak our gateway only (default: both)
  --no-janus            our gateway only
  --no-capacity         skip the capacity search
  --json FILE           also write every result as JSON
  --videoassist PATH    the all-in-one (default: next to this program)
  --secantusd PATH      SecantusDB (default: <repo>/.venv/bin/secantusd-py)
  --media-dir DIR       where the media is made once (default: <tmp>/vc-loadgen-media)
  -h, --help            this text
";

struct Args {
    sweep: Vec<usize>,
    seconds: u64,
    rounds: usize,
    capacity: Vec<usize>,
    capacity_seconds: u64,
    server_cpu: Option<usize>,
    soak: usize,
    soak_parallel: usize,
    soak_ours_only: bool,
    janus: bool,
    json: Option<PathBuf>,
    videoassist: PathBuf,
    secantusd: PathBuf,
    media_dir: PathBuf,
}

fn list(v: &str) -> Result<Vec<usize>, String> {
    v.split(',').map(|n| n.trim().parse().map_err(|_| format!("not a list of numbers: {v}"))).collect()
}

fn args() -> Result<Args, String> {
    let here =
        std::env::current_exe().ok().and_then(|e| e.parent().map(|p| p.to_path_buf())).unwrap_or_default();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut a = Args {
        sweep: vec![1, 2, 5, 10, 20],
        seconds: 20,
        rounds: 2,
        capacity: vec![5, 10, 20, 30, 40, 60, 80, 100, 130, 160],
        capacity_seconds: 10,
        server_cpu: None,
        soak: 1000,
        soak_parallel: 10,
        soak_ours_only: false,
        janus: true,
        json: None,
        videoassist: here.join("videoassist"),
        secantusd: repo.join(".venv/bin/secantusd-py"),
        media_dir: std::env::temp_dir().join("vc-loadgen-media"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        match k.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--quick" => {
                (a.sweep, a.seconds, a.rounds) = (vec![1, 5], 5, 1);
                (a.capacity, a.capacity_seconds) = (vec![5, 10, 20], 5);
                a.soak = 100;
                continue;
            }
            "--soak-ours-only" => {
                a.soak_ours_only = true;
                continue;
            }
            "--no-janus" => {
                a.janus = false;
                continue;
            }
            "--no-capacity" => {
                a.capacity.clear();
                continue;
            }
            _ => {}
        }
        let v = it.next().ok_or_else(|| format!("{k} needs a value"))?;
        let num = |v: &str| v.parse::<usize>().map_err(|_| format!("{k} needs a number"));
        match k.as_str() {
            "--sweep" => a.sweep = list(&v)?,
            "--seconds" => a.seconds = num(&v)? as u64,
            "--rounds" => a.rounds = num(&v)?.max(1),
            "--capacity" => a.capacity = list(&v)?,
            "--capacity-seconds" => a.capacity_seconds = num(&v)? as u64,
            "--server-cpu" => a.server_cpu = Some(num(&v)?),
            "--soak" => a.soak = num(&v)?,
            "--soak-parallel" => a.soak_parallel = num(&v)?.max(1),
            "--json" => a.json = Some(v.into()),
            "--videoassist" => a.videoassist = v.into(),
            "--secantusd" => a.secantusd = v.into(),
            "--media-dir" => a.media_dir = v.into(),
            _ => return Err(format!("unknown option {k}")),
        }
    }
    Ok(a)
}

#[tokio::main]
async fn main() -> ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprint!("vc-sfu-bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match bench_all(a).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vc-sfu-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Results of one (server, number of calls) over its rounds.
#[derive(Default)]
struct Pooled {
    runs: Vec<RunResult>,
}

impl Pooled {
    fn sum(&self, f: impl Fn(&RunResult) -> f64) -> f64 {
        self.runs.iter().map(f).sum()
    }

    fn mean(&self, f: impl Fn(&RunResult) -> Option<f64>) -> Option<f64> {
        let v: Vec<f64> = self.runs.iter().filter_map(f).collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    }

    /// Server CPU over the rounds, all of it or (`net`) less its idle cost.
    fn cpu_s(&self, net: bool) -> Option<f64> {
        self.runs.iter().map(|r| if net { r.net_cpu_s() } else { r.server_cpu_s }).sum::<Option<f64>>()
    }

    fn cpu_us_per_packet(&self, net: bool) -> Option<f64> {
        let fwd = self.sum(|r| r.forwarded as f64);
        let cpu = self.cpu_s(net)?;
        (fwd > 0.0).then(|| cpu * 1e6 / fwd)
    }

    fn cpu_s_per_call_minute(&self, net: bool) -> Option<f64> {
        let cpu = self.cpu_s(net)?;
        let call_minutes = self.sum(|r| r.calls as f64 * r.window_s / 60.0);
        (call_minutes > 0.0).then(|| cpu / call_minutes)
    }

    fn loss_pct(&self) -> f64 {
        let received = self.runs.iter().map(|r| r.summary.received).sum();
        report::loss_pct(received, self.runs.iter().map(|r| r.summary.lost).sum())
    }
}

fn f(v: Option<f64>, digits: usize) -> String {
    v.map(|v| format!("{v:.digits$}")).unwrap_or_else(|| "-".into())
}

fn run_line(r: &RunResult) -> String {
    format!(
        "  {:<7} {:>3} calls: {:>6.0} pkt/s, server {} s CPU ({} us/pkt, net of idle {}), RSS {} -> {} MiB, loss {:.3}%, p50 {} p99 {} ms, load tool {:.0}% of a core{}",
        r.server,
        r.calls,
        r.packets_per_s(),
        f(r.server_cpu_s, 2),
        f(r.cpu_us_per_packet(), 1),
        f(r.net_cpu_s().filter(|_| r.forwarded > 0).map(|c| c * 1e6 / r.forwarded as f64), 1),
        f(r.idle_rss_kib.map(|k| k as f64 / 1024.0), 1),
        f(r.busy_rss_kib.map(|k| k as f64 / 1024.0), 1),
        r.summary.loss_pct,
        f(r.summary.latency_p50_ms, 2),
        f(r.summary.latency_p99_ms, 2),
        r.loadgen_cores() * 100.0,
        if r.failed_to_open > 0 {
            format!(", {} calls failed to open", r.failed_to_open)
        } else {
            String::new()
        }
    )
}

fn cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

async fn bench_all(a: Args) -> Result<(), String> {
    let media = media::prepare("ffmpeg".as_ref(), &a.media_dir, &MediaSpec::default())
        .and_then(|files| LoadedMedia::load(&files))
        .map_err(|e| format!("media: {e}"))?;
    if !a.videoassist.is_file() {
        return Err(format!(
            "{} is not built: cargo build --release -p videoassist (make bench-sfu does)",
            a.videoassist.display()
        ));
    }
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let own_ip = vc_loadgen::janus::own_ip().ok_or("this machine has no address of its own for Janus")?;
    let env = [
        ("VC_MEDIA__UDP_HOST", "127.0.0.1"),
        ("VC_MEDIA__ADVERTISED_IPS", "127.0.0.1"),
        ("VC_MEDIA__RECORDING", "false"),
        ("VC_SERVER__RECORD_CALLS", "false"),
    ];
    let platform = Platform::start(&a.videoassist, &a.secantusd, &env).await?;
    platform.create_agent("bench-agent", "bench-agent-pass-1").await?;
    let desk = Desk::sign_in(&platform.base, "bench-agent", "bench-agent-pass-1")
        .await
        .map_err(|e| e.to_string())?;
    let spec = |bind| CallSpec { bind, media: Some(media.clone()), stamp: true, pointer_hz: 0 };
    let ours = Server {
        name: "ours".into(),
        target: Target::Gateway(desk),
        pid: Some(platform.pid()),
        spec: spec(loopback),
        idle_cpu_per_s: None,
    };
    let direct = Server {
        name: "direct".into(),
        target: Target::Direct,
        pid: None,
        spec: spec(loopback),
        idle_cpu_per_s: None,
    };
    let janus_server = if a.janus {
        Some(JanusServer::start(&JanusSettings::new(own_ip)).await.map_err(|e| e.to_string())?)
    } else {
        None
    };
    let janus = janus_server.as_ref().map(|j| Server {
        name: "janus".into(),
        target: Target::Janus { base: j.base_url() },
        pid: Some(j.pid()),
        spec: spec(own_ip),
        idle_cpu_per_s: None,
    });
    let mut servers = vec![direct.clone(), ours.clone()];
    servers.extend(janus.clone());
    // What each server costs with no call at all (our all-in-one runs every
    // service): measured at once, so the figures can be given net of it.
    let mut idle = BTreeMap::new();
    for s in &mut servers {
        if let Some(pid) = s.pid {
            s.idle_cpu_per_s = bench::idle_cpu_rate(pid, Duration::from_secs(10)).await;
            idle.insert(s.name.clone(), s.idle_cpu_per_s.unwrap_or(0.0));
        }
    }
    let (ours, janus) = (
        servers.iter().find(|s| s.name == "ours").cloned().ok_or("no gateway")?,
        servers.iter().find(|s| s.name == "janus").cloned(),
    );
    println!(
        "vc-sfu-bench: our gateway (all-in-one pid {}, loopback, {}) vs Janus ({}), {} cores, media 640x480 VP8 ~700 kbit/s 30 fps + Opus 32 kbit/s, stamped",
        platform.pid(),
        if platform.external_broker() { "Mosquitto" } else { "embedded broker" },
        janus_server
            .as_ref()
            .map(|j| format!("pid {}, {own_ip}", j.pid()))
            .unwrap_or_else(|| "skipped".into()),
        cpus()
    );
    for (name, rate) in &idle {
        println!("  {name} idle: {:.2}% of a core", rate * 100.0);
    }
    // Warm-up: one short call through each, not measured.
    for s in &servers {
        let _ = bench::measure(s, 1, Duration::from_millis(500), Duration::from_secs(2)).await;
    }

    let mut pooled: BTreeMap<(usize, String), Pooled> = BTreeMap::new();
    for &n in &a.sweep {
        for round in 0..a.rounds {
            for s in &servers {
                let (r, _) =
                    bench::measure(s, n, Duration::from_secs(2), Duration::from_secs(a.seconds)).await;
                println!("{}", run_line(&r).replacen("  ", &format!("  [{}] ", round + 1), 1));
                pooled.entry((n, s.name.clone())).or_default().runs.push(r);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }

    let last = a.server_cpu.unwrap_or(cpus().saturating_sub(1));
    let others: Vec<String> = (0..cpus()).filter(|c| *c != last).map(|c| c.to_string()).collect();
    let loadgen_cpus = if others.is_empty() { last.to_string() } else { others.join(",") };
    let all_cpus = format!("0-{}", cpus().saturating_sub(1));
    let limits = Limits { max_loss_pct: 0.5, max_p99_ms: 20.0 };
    let mut capacities: Vec<Capacity> = Vec::new();
    if !a.capacity.is_empty() {
        for s in [Some(&ours), janus.as_ref()].into_iter().flatten() {
            let window = Duration::from_secs(a.capacity_seconds);
            let steps = &a.capacity;
            capacities.push(
                bench::capacity(s, steps, &last.to_string(), &loadgen_cpus, &all_cpus, window, limits)
                    .await?,
            );
        }
    }
    let mut soaks: Vec<Soak> = Vec::new();
    if a.soak > 0 {
        let mut soaked = vec![&ours];
        if !a.soak_ours_only {
            soaked.extend(janus.as_ref());
        }
        for s in soaked {
            soaks.push(
                bench::soak(s, a.soak, a.soak_parallel, Duration::from_secs(1), Duration::from_secs(5))
                    .await?,
            );
        }
    }

    if soaks.iter().any(|s| s.server == "ours" && s.failed > 0) {
        eprintln!("our platform's last log lines:\n{}", platform.log_tail());
    }
    print_tables(&a, &pooled, &capacities, &soaks, limits, &last.to_string());
    if let Some(path) = &a.json {
        let runs: Vec<&RunResult> = pooled.values().flat_map(|p| &p.runs).collect();
        let doc = json!({"runs": runs, "capacity": capacities, "soak": soaks});
        std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap_or_default())
            .map_err(|e| e.to_string())?;
    }
    drop(janus_server);
    drop(platform);
    Ok(())
}

fn print_tables(
    a: &Args,
    pooled: &BTreeMap<(usize, String), Pooled>,
    capacities: &[Capacity],
    soaks: &[Soak],
    limits: Limits,
    server_cpu: &str,
) {
    println!(
        "\n{} s per run, {} round(s) each of direct / ours / Janus; latency added = server's minus the direct baseline's at the same N\n",
        a.seconds, a.rounds
    );
    println!(
        "| calls | server | forwarded pkt/s | CPU us/pkt (net of idle) | CPU-s per call-min (net of idle) | RSS per call MiB | loss % | latency p50 / p99 ms | added p50 / p99 ms |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for &n in &a.sweep {
        let base = pooled.get(&(n, "direct".to_owned()));
        for name in ["direct", "ours", "janus"] {
            let Some(p) = pooled.get(&(n, name.to_owned())) else { continue };
            let p50 = p.mean(|r| r.summary.latency_p50_ms);
            let p99 = p.mean(|r| r.summary.latency_p99_ms);
            let added = |v: Option<f64>, b: Option<f64>| v.zip(b).map(|(v, b)| v - b);
            let (b50, b99) = base
                .map(|b| (b.mean(|r| r.summary.latency_p50_ms), b.mean(|r| r.summary.latency_p99_ms)))
                .unwrap_or((None, None));
            let server = name == "direct";
            println!(
                "| {n} | {name} | {:.0} | {} | {} | {} | {:.3} | {} / {} | {} |",
                p.sum(|r| r.packets_per_s()) / p.runs.len().max(1) as f64,
                if server {
                    "-".into()
                } else {
                    format!("{} ({})", f(p.cpu_us_per_packet(false), 1), f(p.cpu_us_per_packet(true), 1))
                },
                if server {
                    "-".into()
                } else {
                    format!(
                        "{} ({})",
                        f(p.cpu_s_per_call_minute(false), 3),
                        f(p.cpu_s_per_call_minute(true), 3)
                    )
                },
                if server { "-".into() } else { f(p.mean(|r| r.rss_per_call_kib()).map(|k| k / 1024.0), 2) },
                p.loss_pct(),
                f(p50, 2),
                f(p99, 2),
                if server {
                    "(baseline)".into()
                } else {
                    format!("{} / {}", f(added(p50, b50), 2), f(added(p99, b99), 2))
                }
            );
        }
    }
    if !capacities.is_empty() {
        println!(
            "\nCalls one core sustains (server pinned to CPU {server_cpu}, load tool on the others; loss < {}%, p99 < {} ms):\n",
            limits.max_loss_pct, limits.max_p99_ms
        );
        println!(
            "| server | sustained calls | first failing step | server CPU at the last passing step | calls per core at that rate | load tool bound |"
        );
        println!("|---|---:|---|---:|---:|---|");
        for c in capacities {
            let passing = c.steps.iter().rev().find(|r| r.calls == c.sustained);
            let core_share =
                passing.and_then(|r| r.server_cpu_s.map(|s| s / r.window_s)).filter(|s| *s > 0.0);
            println!(
                "| {} | {}{} | {} | {} | {} | {} |",
                c.server,
                if c.failed_at.is_none() || c.loadgen_bound { ">= " } else { "" },
                c.sustained,
                c.failed_at
                    .as_ref()
                    .map(|(n, why)| format!("{n} calls: {why}"))
                    .unwrap_or_else(|| "none".into()),
                core_share.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_else(|| "-".into()),
                core_share.map(|s| format!("~{:.0}", c.sustained as f64 / s)).unwrap_or_else(|| "-".into()),
                if c.loadgen_bound { "yes: a lower bound" } else { "no" }
            );
        }
    }
    for s in soaks {
        println!(
            "\nSoak {}: {} calls ({} connected, {} failed) in {:.0} s; RSS before {:.1} MiB, peak {:.1} MiB, after {:.1} MiB ({:+.1} MiB)",
            s.server,
            s.calls,
            s.connected,
            s.failed,
            s.seconds,
            s.rss_before_kib as f64 / 1024.0,
            s.rss_peak_kib as f64 / 1024.0,
            s.rss_after_kib as f64 / 1024.0,
            (s.rss_after_kib as f64 - s.rss_before_kib as f64) / 1024.0
        );
        for why in &s.failures {
            println!("  failed: {why}");
        }
    }
}

//! Upload and download throughput of a 100 MB file on loopback, and how
//! much the serving process's memory grows meanwhile (target: under 32 MB).
//!
//! Starts the release all-in-one (`videoassist`, so the process measured
//! runs every service; its baseline includes them) on a local SecantusDB,
//! then for each run uploads 100 MB generated on the fly (raw body with
//! `Content-Length`), downloads it, and checks the SHA-256 both ways. The
//! server's resident memory (`VmRSS` in `/proc/<pid>/status`) is sampled
//! every 2 ms throughout.
//!
//! ```sh
//! make bench    # or, after `cargo build --release -p videoassist`:
//! cargo bench -p vc-fileserver --bench transfer     # VC_BENCH_RUNS=3 by default
//! ```
//! Needs what `make run` installs (`.venv/bin/secantusd-py`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark program: a panic is a failed run

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vc_testkit::Platform;

const SIZE: u64 = 100_000_000;
const CHUNK: usize = 256 * 1024;

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is accepted and ignored.
    let runs: usize = std::env::var("VC_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(bench(runs.max(1)));
}

/// Resident memory of `pid` in KiB: (`VmRSS`, `VmHWM`).
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Samples the process's RSS until dropped; keeps the peak.
struct Sampler {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sampler {
    fn start(pid: u32) -> Self {
        let peak = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (peak.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                p.fetch_max(memory_kib(pid).0, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        Self { peak, stop, thread: Some(thread) }
    }

    fn peak_kib(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Pseudo-random content made on the fly (xorshift64*), with its SHA-256.
struct Noise {
    state: u64,
    left: u64,
}

impl Noise {
    fn new(seed: u64, len: u64) -> Self {
        Self { state: seed | 1, left: len }
    }

    fn next_chunk(&mut self, buf: &mut Vec<u8>) -> bool {
        buf.clear();
        let n = self.left.min(CHUNK as u64) as usize;
        if n == 0 {
            return false;
        }
        while buf.len() < n {
            self.state ^= self.state >> 12;
            self.state ^= self.state << 25;
            self.state ^= self.state >> 27;
            buf.extend_from_slice(&self.state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
        }
        buf.truncate(n);
        self.left -= n as u64;
        true
    }

    fn sha256(seed: u64, len: u64) -> String {
        let (mut n, mut buf, mut h) = (Noise::new(seed, len), Vec::with_capacity(CHUNK + 8), Sha256::new());
        while n.next_chunk(&mut buf) {
            h.update(&buf);
        }
        hex(&h.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Uploads `SIZE` bytes of noise as a raw body; returns (seconds, FileInfo).
async fn upload(port: u16, interaction: &str, token: &str, seed: u64) -> (f64, Value) {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let started = Instant::now();
    let head = format!(
        "POST /api/interactions/{interaction}/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nX-File-Name: bench.bin\r\nContent-Type: application/octet-stream\r\nContent-Length: {SIZE}\r\n\r\n"
    );
    let writer = tokio::spawn(async move {
        wr.write_all(head.as_bytes()).await.unwrap();
        let (mut noise, mut buf) = (Noise::new(seed, SIZE), Vec::with_capacity(CHUNK + 8));
        while noise.next_chunk(&mut buf) {
            wr.write_all(&buf).await.unwrap();
        }
        wr.flush().await.unwrap();
        wr
    });
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let body = loop {
        let n = rd.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed: {}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            assert!(head.starts_with("http/1.1 201"), "{}", String::from_utf8_lossy(&buf));
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap();
            if buf.len() >= end + 4 + len {
                break serde_json::from_slice::<Value>(&buf[end + 4..end + 4 + len]).unwrap();
            }
        }
    };
    let secs = started.elapsed().as_secs_f64();
    let _wr = writer.await.unwrap();
    (secs, body)
}

/// Downloads a file; returns (seconds, bytes, SHA-256).
async fn download(client: &reqwest::Client, base: &str, file: &str, token: &str) -> (f64, u64, String) {
    let started = Instant::now();
    let mut res = client.get(format!("{base}/api/files/{file}")).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let (mut len, mut h) = (0u64, Sha256::new());
    while let Some(chunk) = res.chunk().await.unwrap() {
        len += chunk.len() as u64;
        h.update(&chunk);
    }
    (started.elapsed().as_secs_f64(), len, hex(&h.finalize()))
}

fn mb_per_s(secs: f64) -> f64 {
    SIZE as f64 / 1e6 / secs
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn bench(runs: usize) {
    let p = Platform::start(&[("VC_LOG__FILTER", "warn")]).await;
    let pid = p.svc.pid();
    let api = p.api();
    let admin = p.admin_token().await;
    p.create_user(&admin, "bench-agent", "bench-pass-1", "agent").await;
    let agent = api.tokens("bench-agent", "bench-pass-1").await.0;
    let created =
        api.post("/api/interactions", Some(&agent), &json!({"video_mode": "two_way"})).await.unwrap();
    let interaction = created.body["id"].as_str().unwrap().to_owned();
    let link = created.body["client_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let joined = api.post(&format!("/api/join/{link}"), None, &json!({"consent": true})).await.unwrap();
    let client_token = joined.body["client_token"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();

    // Warm up every path once with a small file, then let the process settle.
    let small = http
        .post(format!("{}/api/interactions/{interaction}/files", api.base))
        .bearer_auth(&client_token)
        .body(vec![7u8; 1 << 20])
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 201);
    let small: Value = small.json().await.unwrap();
    download(&http, &api.base, small["id"].as_str().unwrap(), &agent).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (baseline, hwm_before) = memory_kib(pid);
    let sampler = Sampler::start(pid);

    println!(
        "vc-fileserver transfer: {runs} run(s) of {SIZE} bytes over loopback, release all-in-one (pid {pid})"
    );
    let (mut ups, mut downs) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let seed = 1000 + run as u64;
        let expected = Noise::sha256(seed, SIZE);
        let (up, info) = upload(p.svc.port, &interaction, &client_token, seed).await;
        assert_eq!(info["size"], SIZE);
        assert_eq!(info["sha256"], expected.as_str(), "the server hashed what was sent");
        let (down, len, sha) = download(&http, &api.base, info["id"].as_str().unwrap(), &agent).await;
        assert_eq!((len, sha.as_str()), (SIZE, expected.as_str()), "downloaded what was uploaded");
        println!(
            "  run {}: upload {:.0} MB/s ({:.2} s), download {:.0} MB/s ({:.2} s), RSS now {:.1} MiB",
            run + 1,
            mb_per_s(up),
            up,
            mb_per_s(down),
            down,
            memory_kib(pid).0 as f64 / 1024.0
        );
        ups.push(mb_per_s(up));
        downs.push(mb_per_s(down));
    }
    let peak = sampler.peak_kib();
    drop(sampler);
    let (_, hwm_after) = memory_kib(pid);
    let growth = peak.saturating_sub(baseline) as f64 / 1024.0;
    println!("  upload   median {:.0} MB/s", median(ups));
    println!("  download median {:.0} MB/s", median(downs));
    println!(
        "  server RSS: baseline {:.1} MiB, peak {:.1} MiB, peak growth {:.1} MiB (target < 32 MB); VmHWM {:.1} -> {:.1} MiB",
        baseline as f64 / 1024.0,
        peak as f64 / 1024.0,
        growth,
        hwm_before as f64 / 1024.0,
        hwm_after as f64 / 1024.0
    );
    if growth * 1024.0 * 1024.0 >= 32e6 {
        println!("  OVER TARGET: peak RSS growth {growth:.1} MiB >= 32 MB");
        std::process::exit(1);
    }
}

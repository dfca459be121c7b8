//! Excel export benchmark: 10k and 100k generated interactions (metrics,
//! survey, recording, custom fields on most, as `report::sample` makes
//! them) through the same writer the endpoint uses
//! (`vc_server::report::write_report`), fed one document at a time as the
//! MongoDB cursor feeds it.
//!
//! Each size runs in a fresh child process so its peak RSS (`VmHWM`) is its
//! own. Targets: 100k rows in < 10 s and < 150 MB peak RSS.
//!
//! `cargo bench -p vc-server --bench export`

use std::error::Error;
use std::process::Command;
use std::time::Instant;

use chrono::Utc;
use vc_protocol::msg::Language;
use vc_server::report::{sample, write_report};

/// Set in the child process that measures one size.
const MEASURE: &str = "VC_EXPORT_BENCH_ROWS";
const SIZES: [u64; 2] = [10_000, 100_000];

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    if let Some(n) = std::env::var_os(MEASURE) {
        let n: u64 = n.to_string_lossy().parse()?;
        return measure(n);
    }
    println!("Excel export: rows through vc_server::report::write_report, one child process per size");
    for n in SIZES {
        let status = Command::new(std::env::current_exe()?).env(MEASURE, n.to_string()).status()?;
        if !status.success() {
            return Err(format!("the {n}-row export failed: {status}").into());
        }
    }
    Ok(())
}

/// One size, in the child process; prints one line.
fn measure(n: u64) -> Result<()> {
    let spec = sample::spec(Language::Ru);
    let agents = sample::agents();
    let now = Utc::now();
    // What making the documents costs alone (the endpoint pays BSON decoding instead).
    let started = Instant::now();
    let mut sink = 0usize;
    for i in 0..n {
        sink += sample::doc(i, now, &spec, &agents).agent_name.len();
    }
    let generate = started.elapsed().as_secs_f64();
    let hwm_before = vm_hwm_kib()?;

    let dir = std::env::temp_dir().join(format!("vc-export-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("interactions.xlsx");
    let started = Instant::now();
    let docs = (0..n).map(|i| Ok::<_, String>(sample::doc(i, now, &spec, &agents)));
    let stats = write_report(&spec, docs, &path, &dir)?;
    let total = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&path)?.len();
    std::fs::remove_dir_all(&dir)?;
    let hwm = vm_hwm_kib()?;
    let ok = |b: bool| if b { "met" } else { "NOT MET" };
    println!(
        "{:>7} rows: {:.2} s total ({:.2} s without generating the documents: {:.0} rows/s), file {:.1} MB, \
         peak RSS {:.1} MiB (before writing {:.1} MiB){}",
        stats.rows,
        total,
        total - generate,
        f64::from(stats.rows) / (total - generate).max(1e-9),
        size as f64 / 1e6,
        hwm as f64 / 1024.0,
        hwm_before as f64 / 1024.0,
        if n >= 100_000 {
            format!("; targets: < 10 s {}, < 150 MB {}", ok(total < 10.0), ok(hwm as f64 * 1024.0 < 150e6))
        } else {
            String::new()
        }
    );
    if sink == 0 {
        println!("(nothing generated)");
    }
    Ok(())
}

/// The process's peak resident set (`VmHWM`), KiB.
fn vm_hwm_kib() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).ok_or("no VmHWM in /proc/self/status")?;
    Ok(line.split_whitespace().nth(1).ok_or("VmHWM without a value")?.parse()?)
}

//! Merge benchmark: a 10-minute call (client 440 Hz + agent 1000 Hz Opus
//! at ~32 kbit/s, client VP8 640x480 30 fps ~700 kbit/s, with network
//! jitter), merged to WebM and to MP4.
//!
//! The raw call is generated once and cached (under `$CARGO_TARGET_DIR`,
//! else the system temp directory) keyed by its parameters. Each merge runs
//! in a fresh child process, so the peak RSS figures are those of the merge
//! alone: ours (`getrusage(RUSAGE_SELF)`) and ffmpeg's
//! (`getrusage(RUSAGE_CHILDREN)`: the largest child).
//!
//! `cargo bench -p vc-records --bench merge`

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use vc_protocol::interaction::Party;
use vc_protocol::recording::RecordingFormat;
use vc_records::merge::{MergeSettings, merge};
use vc_records::synth::{self, SynthTrack};

const SECS: u32 = 600;
const WIDTH: u32 = 640;
const HEIGHT: u32 = 480;
const FPS: u32 = 30;
const VIDEO_KBPS: u32 = 700;
const T0: i64 = 1_700_000_000_000_000;
/// Set in the child process that measures one merge.
const MEASURE: &str = "VC_RECORDS_BENCH_MEASURE";

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    let ffmpeg = PathBuf::from(std::env::var_os("VC_FFMPEG").unwrap_or_else(|| "ffmpeg".into()));
    let call = cache_dir().join(format!("call-{SECS}s-{WIDTH}x{HEIGHT}-{FPS}fps-{VIDEO_KBPS}k-v1"));
    if let Some(format) = std::env::var_os(MEASURE) {
        let format = if format == "mp4" { RecordingFormat::Mp4 } else { RecordingFormat::Webm };
        return measure(&ffmpeg, &call, format);
    }
    if !call.join("complete").exists() {
        let started = Instant::now();
        generate(&ffmpeg, &call)?;
        println!("generated the raw call in {:.1} s: {}", started.elapsed().as_secs_f64(), call.display());
    }
    let raw_bytes: u64 =
        std::fs::read_dir(call.join("raw"))?.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    println!(
        "merge of a {}:{:02} call: client 440 Hz + agent 1000 Hz Opus ~32 kbit/s, client VP8 {WIDTH}x{HEIGHT} \
         {FPS} fps ~{VIDEO_KBPS} kbit/s; raw tracks {:.1} MB",
        SECS / 60,
        SECS % 60,
        raw_bytes as f64 / 1e6
    );
    for format in ["webm", "mp4"] {
        let status = Command::new(std::env::current_exe()?).env(MEASURE, format).status()?;
        if !status.success() {
            return Err(format!("the {format} merge failed: {status}").into());
        }
    }
    Ok(())
}

fn cache_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(std::env::temp_dir, PathBuf::from)
        .join("vc-records-bench")
}

/// Writes the raw call (three `.vrec` files) into `call/raw`.
fn generate(ffmpeg: &Path, call: &Path) -> Result<()> {
    let (media, raw) = (call.join("media"), call.join("raw"));
    let _ = std::fs::remove_dir_all(call);
    std::fs::create_dir_all(&media)?;
    std::fs::create_dir_all(&raw)?;
    let secs = f64::from(SECS);
    for (party, freq, ssrc, name) in
        [(Party::Client, 440.0, 1111, "client"), (Party::Agent, 1000.0, 2222, "agent")]
    {
        let ogg = media.join(format!("{name}.ogg"));
        synth::tone_opus_ogg(ffmpeg, &ogg, freq, secs)?;
        let mut track = SynthTrack::new(party, T0 + i64::from(ssrc) * 10, ssrc);
        track.jitter_us = 20_000;
        synth::opus_ogg_to_vrec(&ogg, &raw.join(format!("{name}-audio.vrec")), &track)?;
    }
    let ivf = media.join("client.ivf");
    synth::test_vp8_ivf(ffmpeg, &ivf, secs, WIDTH, HEIGHT, FPS, VIDEO_KBPS)?;
    let mut track = SynthTrack::new(Party::Client, T0 + 50_000, 5151);
    track.jitter_us = 10_000;
    synth::vp8_ivf_to_vrec(&ivf, &raw.join("client-video.vrec"), &track)?;
    std::fs::remove_dir_all(&media)?;
    std::fs::write(call.join("complete"), b"")?;
    Ok(())
}

/// One merge, in the child process; prints one line.
fn measure(ffmpeg: &Path, call: &Path, format: RecordingFormat) -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let (work, out) = (tmp.path().join("work"), tmp.path().join(format!("out.{}", format.extension())));
    std::fs::create_dir(&work)?;
    let settings = MergeSettings {
        ffmpeg: ffmpeg.to_path_buf(),
        format,
        timeout: Duration::from_secs(3600),
        ..MergeSettings::default()
    };
    let started = Instant::now();
    let merged = merge(&call.join("raw"), &work, &out, &settings)?;
    let wall = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&out)?.len();
    println!(
        "{:>4}: wall {wall:.1} s ({:.1}x real time), vc-records peak RSS {:.1} MB, ffmpeg peak RSS {:.1} MB, \
         output {:.1} MB ({:.0} kbit/s), duration {:.2} s, {} packets",
        format.extension(),
        merged.duration_s / wall,
        peak_rss_kb(libc::RUSAGE_SELF) as f64 / 1024.0,
        peak_rss_kb(libc::RUSAGE_CHILDREN) as f64 / 1024.0,
        size as f64 / 1e6,
        size as f64 * 8.0 / merged.duration_s / 1000.0,
        merged.duration_s,
        merged.packets,
    );
    Ok(())
}

/// Peak resident set size in KiB (`ru_maxrss`).
#[allow(unsafe_code)]
fn peak_rss_kb(who: libc::c_int) -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage only writes the struct it is given, which is valid
    // and zero-initialised; on failure it is left zeroed.
    unsafe {
        libc::getrusage(who, usage.as_mut_ptr());
        usage.assume_init().ru_maxrss
    }
}

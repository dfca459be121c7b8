//! Making the media files with ffmpeg, once per spec: the files are named
//! by the parameters that shape them, and written under a temporary name
//! then renamed, so concurrent runs (tests in parallel) never read half a
//! file and a later run finds them ready.

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};

use super::{MediaFiles, MediaSpec};

/// Bumped when the encoding arguments change, so older files are not reused.
const VERSION: u32 = 1;

impl MediaSpec {
    fn check(&self) -> io::Result<()> {
        let bad =
            |what: &str| Err(io::Error::new(io::ErrorKind::InvalidInput, format!("media spec: {what}")));
        if !(self.tone_hz.is_finite() && self.tone_hz > 0.0 && self.tone_hz < 24_000.0) {
            return bad("tone_hz must be within 0..24000");
        }
        if !(1..=16_383).contains(&self.width) || !(1..=16_383).contains(&self.height) {
            return bad("width and height must be within 1..=16383 (VP8)");
        }
        for (name, v) in [
            ("secs", self.secs),
            ("fps", self.fps),
            ("video_kbps", self.video_kbps),
            ("audio_kbps", self.audio_kbps),
            ("keyframe_secs", self.keyframe_secs),
        ] {
            if v == 0 {
                return bad(&format!("{name} must be positive"));
            }
        }
        Ok(())
    }

    /// The Opus file's name: what shapes it, so another spec gets another file.
    fn audio_name(&self) -> String {
        format!("vc-load-v{VERSION}-tone{}hz-{}s-{}k.opus.ogg", self.tone_hz, self.secs, self.audio_kbps)
    }

    fn video_name(&self) -> String {
        format!(
            "vc-load-v{VERSION}-testsrc2-{}x{}-{}fps-{}s-{}k-key{}s.vp8.ivf",
            self.width, self.height, self.fps, self.secs, self.video_kbps, self.keyframe_secs
        )
    }

    fn audio_args(&self) -> Vec<String> {
        let source = format!("sine=frequency={}:sample_rate=48000:duration={}", self.tone_hz, self.secs);
        let bitrate = format!("{}k", self.audio_kbps);
        let args = ["-f", "lavfi", "-i", &source, "-ac", "1", "-c:a", "libopus", "-b:a", &bitrate];
        args.into_iter().chain(["-frame_duration", "20", "-f", "ogg"]).map(String::from).collect()
    }

    fn video_args(&self) -> Vec<String> {
        let (w, h, fps, secs) = (self.width, self.height, self.fps, self.secs);
        let source = format!("testsrc2=size={w}x{h}:rate={fps}:duration={secs}");
        let bitrate = format!("{}k", self.video_kbps);
        let gop = fps.saturating_mul(self.keyframe_secs).to_string();
        let args = ["-f", "lavfi", "-i", &source, "-pix_fmt", "yuv420p", "-c:v", "libvpx", "-b:v", &bitrate];
        // As a browser encodes: real time, no look-ahead, no hidden
        // (alt-ref) frames, a keyframe every `gop` frames exactly.
        let realtime =
            ["-deadline", "realtime", "-cpu-used", "8", "-lag-in-frames", "0", "-auto-alt-ref", "0"];
        let keyframes = ["-g", &gop, "-keyint_min", &gop, "-f", "ivf"];
        args.into_iter().chain(realtime).chain(keyframes).map(String::from).collect()
    }
}

/// Makes (or finds, if made before with the same spec) the Opus tone and
/// the VP8 test pattern in `dir` (created if missing), with the `ffmpeg`
/// binary given (a path, or a name looked up on `PATH`). Blocks while
/// ffmpeg runs: a few seconds for the default spec's video.
pub fn prepare(ffmpeg: &Path, dir: &Path, spec: &MediaSpec) -> io::Result<MediaFiles> {
    spec.check()?;
    std::fs::create_dir_all(dir)?;
    let files = MediaFiles { opus_ogg: dir.join(spec.audio_name()), vp8_ivf: dir.join(spec.video_name()) };
    if !files.opus_ogg.is_file() {
        encode(ffmpeg, &spec.audio_args(), &files.opus_ogg)?;
    }
    if !files.vp8_ivf.is_file() {
        encode(ffmpeg, &spec.video_args(), &files.vp8_ivf)?;
    }
    Ok(files)
}

/// Runs ffmpeg into a temporary file beside `out`, then renames it.
fn encode(ffmpeg: &Path, args: &[String], out: &Path) -> io::Result<()> {
    let mut tmp = out.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}-{:08x}", std::process::id(), rand::random::<u32>()));
    let tmp = Path::new(&tmp);
    tracing::info!(out = %out.display(), "encoding media with ffmpeg");
    let done = Command::new(ffmpeg)
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-y"])
        .args(args)
        .arg(tmp)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| io::Error::new(e.kind(), format!("running {}: {e}", ffmpeg.display())));
    let result = match done {
        Ok(o) if o.status.success() => std::fs::rename(tmp, out),
        Ok(o) => {
            let stderr = String::from_utf8_lossy(&o.stderr);
            Err(io::Error::other(format!(
                "{} {}: {}: {}",
                ffmpeg.display(),
                args.join(" "),
                o.status,
                stderr.trim()
            )))
        }
        Err(e) => Err(e),
    };
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

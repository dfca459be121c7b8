//! Running ffmpeg and ffprobe: the merge command, a time limit, the tail
//! of stderr for errors.
//!
//! Verified with ffmpeg 5.1 (tests in `merge::tests`):
//! - the two mono Ogg Opus inputs become one stereo stream with
//!   `join=inputs=2:channel_layout=stereo:map=0.0-FL|1.0-FR` (client left);
//! - `-copyts` keeps the IVF's timestamps, so video that starts 3 s after
//!   T0 starts at 3 s in the output (audio starts at 0 in both inputs);
//! - `-fps_mode passthrough` keeps the variable frame timing of the
//!   re-encoded video (no duplicated or dropped frames).

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vc_protocol::recording::RecordingFormat;

use super::MergeError;

/// Bytes of stderr kept for an error.
const STDERR_TAIL: usize = 2000;

/// The intermediate files handed to ffmpeg.
pub struct Inputs<'a> {
    pub client_audio: &'a Path,
    pub agent_audio: &'a Path,
    pub video: Option<Video<'a>>,
}

/// The client's video as an IVF file.
pub struct Video<'a> {
    pub path: &'a Path,
    /// VP8 (else H.264).
    pub vp8: bool,
    /// Size of its first keyframe, if known: re-encoded video is scaled
    /// (letterboxed) to it when the resolution changes mid-call.
    pub size: Option<(u16, u16)>,
}

/// The ffmpeg arguments of a merge.
pub fn merge_args(inputs: &Inputs, out: &Path, format: RecordingFormat, audio_kbps: u32) -> Vec<OsString> {
    let s = |v: &str| OsString::from(v);
    let mut args: Vec<OsString> = ["-nostdin", "-y", "-loglevel", "error", "-copyts"].map(s).into();
    for input in [inputs.client_audio, inputs.agent_audio] {
        args.push("-i".into());
        args.push(input.into());
    }
    if let Some(video) = &inputs.video {
        args.push("-i".into());
        args.push(video.path.into());
    }
    args.extend([
        s("-filter_complex"),
        s("[0:a][1:a]join=inputs=2:channel_layout=stereo:map=0.0-FL|1.0-FR[a]"),
        s("-map"),
        s("[a]"),
    ]);
    let bitrate = format!("{}k", audio_kbps.clamp(16, 512));
    match format {
        RecordingFormat::Webm => args.extend([s("-c:a"), s("libopus"), s("-b:a"), s(&bitrate)]),
        RecordingFormat::Mp4 => args.extend([s("-c:a"), s("aac"), s("-b:a"), s(&bitrate)]),
    }
    if let Some(video) = &inputs.video {
        args.extend([s("-map"), s("2:v")]);
        let copy = match format {
            RecordingFormat::Webm => video.vp8,
            RecordingFormat::Mp4 => !video.vp8,
        };
        if copy {
            args.extend([s("-c:v"), s("copy")]);
        } else {
            if let Some((w, h)) = video.size.filter(|(w, h)| *w > 0 && *h > 0) {
                // Even sizes for 4:2:0; a later resolution is letterboxed.
                let (w, h) = (w + w % 2, h + h % 2);
                args.extend([
                    s("-vf"),
                    s(&format!(
                        "scale={w}:{h}:force_original_aspect_ratio=decrease,\
                         pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1"
                    )),
                ]);
            }
            args.extend([s("-fps_mode"), s("passthrough"), s("-pix_fmt"), s("yuv420p")]);
            match format {
                RecordingFormat::Mp4 => {
                    args.extend([s("-c:v"), s("libx264"), s("-preset"), s("veryfast"), s("-crf"), s("23")])
                }
                RecordingFormat::Webm => args.extend([
                    s("-c:v"),
                    s("libvpx"),
                    s("-deadline"),
                    s("realtime"),
                    s("-cpu-used"),
                    s("8"),
                    s("-b:v"),
                    s("1M"),
                ]),
            }
        }
    }
    match format {
        RecordingFormat::Webm => args.extend([s("-f"), s("webm")]),
        RecordingFormat::Mp4 => args.extend([s("-movflags"), s("+faststart"), s("-f"), s("mp4")]),
    }
    args.push(out.into());
    args
}

/// The first line of `ffmpeg -version` (checks that ffmpeg runs).
pub fn version(ffmpeg: &Path) -> Result<String, MergeError> {
    let out = Command::new(ffmpeg)
        .arg("-version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|source| MergeError::Spawn { program: ffmpeg.display().to_string(), source })?;
    if !out.status.success() {
        return Err(MergeError::Ffmpeg { status: out.status.to_string(), stderr: String::new() });
    }
    Ok(String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or_default().trim().to_string())
}

/// ffprobe beside `ffmpeg` (same directory, same suffix), else `ffprobe`
/// from the PATH.
pub fn ffprobe_for(ffmpeg: &Path) -> PathBuf {
    let name = ffmpeg.file_name().and_then(|n| n.to_str()).unwrap_or("ffmpeg");
    let Some(suffix) = name.strip_prefix("ffmpeg") else { return PathBuf::from("ffprobe") };
    let probe = format!("ffprobe{suffix}");
    match ffmpeg.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => dir.join(probe),
        None => PathBuf::from(probe),
    }
}

/// Runs `program` with `args`, killing it after `timeout`. stdout and
/// stderr go to files in `work_dir` (no pipe to fill up); returns stdout.
pub fn run(
    program: &Path,
    args: &[OsString],
    work_dir: &Path,
    name: &str,
    timeout: Duration,
) -> Result<String, MergeError> {
    let out_path = work_dir.join(format!("{name}.stdout"));
    let err_path = work_dir.join(format!("{name}.stderr"));
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(File::create(&out_path)?)
        .stderr(File::create(&err_path)?)
        .spawn()
        .map_err(|source| MergeError::Spawn { program: program.display().to_string(), source })?;
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            tracing::warn!(program = %program.display(), ?timeout, "killed after its time limit");
            return Err(MergeError::Timeout);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if !status.success() {
        return Err(MergeError::Ffmpeg { status: status.to_string(), stderr: tail(&err_path) });
    }
    let mut stdout = String::new();
    File::open(&out_path)?.read_to_string(&mut stdout)?;
    Ok(stdout)
}

/// The last bytes of a file, lossily as text.
fn tail(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_default();
    let from = bytes.len().saturating_sub(STDERR_TAIL);
    String::from_utf8_lossy(&bytes[from..]).trim().to_string()
}

/// The duration of a media file, seconds (ffprobe's format duration).
pub fn probe_duration(
    ffprobe: &Path,
    file: &Path,
    work_dir: &Path,
    timeout: Duration,
) -> Result<f64, MergeError> {
    let args: Vec<OsString> = ["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1"]
        .iter()
        .map(OsString::from)
        .chain([file.as_os_str().to_owned()])
        .collect();
    let out = run(ffprobe, &args, work_dir, "ffprobe", timeout)?;
    out.trim().parse::<f64>().map_err(|_| MergeError::Probe(format!("duration {:?}", out.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffprobe_is_found_beside_ffmpeg() {
        assert_eq!(ffprobe_for(Path::new("ffmpeg")), PathBuf::from("ffprobe"));
        assert_eq!(ffprobe_for(Path::new("/opt/ff/bin/ffmpeg")), PathBuf::from("/opt/ff/bin/ffprobe"));
        assert_eq!(ffprobe_for(Path::new("/usr/bin/ffmpeg-5")), PathBuf::from("/usr/bin/ffprobe-5"));
        assert_eq!(ffprobe_for(Path::new("/x/avconv")), PathBuf::from("ffprobe"));
    }
}

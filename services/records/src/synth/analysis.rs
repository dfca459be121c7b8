//! Decoding merged recordings back for assertions: one channel as PCM,
//! tone power (Goertzel), RMS, where a tone starts, and ffprobe facts.

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};

/// Sample rate of decoded channels.
pub const RATE: u32 = 48_000;

/// Decodes one channel (0 = left) of a file's first audio stream to f32
/// samples at 48 kHz, from the stream's start.
pub fn decode_channel(ffmpeg: &Path, file: &Path, channel: usize) -> io::Result<Vec<f32>> {
    let pan = format!("pan=mono|c0=c{channel}");
    let out = Command::new(ffmpeg)
        .args(["-nostdin", "-loglevel", "error", "-i"])
        .arg(file)
        .args(["-map", "0:a:0", "-af", &pan, "-ar", "48000", "-f", "f32le", "-"])
        .stdin(Stdio::null())
        .output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!("ffmpeg decode: {}", String::from_utf8_lossy(&out.stderr))));
    }
    Ok(out.stdout.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

fn window(samples: &[f32], from_s: f64, to_s: f64) -> &[f32] {
    let at = |s: f64| ((s.max(0.0) * f64::from(RATE)) as usize).min(samples.len());
    let (from, to) = (at(from_s), at(to_s));
    &samples[from..to.max(from)]
}

fn db(power: f64) -> f64 {
    10.0 * power.max(1e-20).log10()
}

/// Power of `freq_hz` in `from_s..to_s`, dB relative to a full-scale sine
/// (mean square of that frequency's component; a full-scale sine gives
/// about -3 dB, silence about -200).
pub fn tone_db(samples: &[f32], freq_hz: f64, from_s: f64, to_s: f64) -> f64 {
    let x = window(samples, from_s, to_s);
    if x.is_empty() {
        return db(0.0);
    }
    let w = 2.0 * std::f64::consts::PI * freq_hz / f64::from(RATE);
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &v in x {
        let s0 = f64::from(v) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let magnitude2 = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    let n = x.len() as f64;
    db(2.0 * magnitude2 / (n * n))
}

/// RMS level in `from_s..to_s`, dBFS (silence about -200).
pub fn rms_db(samples: &[f32], from_s: f64, to_s: f64) -> f64 {
    let x = window(samples, from_s, to_s);
    if x.is_empty() {
        return db(0.0);
    }
    db(x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len() as f64)
}

/// Power of `freq_hz` on one channel of a file between two times, dB (see
/// [`tone_db`]).
pub fn channel_tone_db(
    ffmpeg: &Path,
    file: &Path,
    channel: usize,
    freq_hz: f64,
    from_s: f64,
    to_s: f64,
) -> io::Result<f64> {
    Ok(tone_db(&decode_channel(ffmpeg, file, channel)?, freq_hz, from_s, to_s))
}

/// The first time at or after `after_s` where `freq_hz` is louder than
/// `threshold_db` over a 10 ms window (5 ms steps).
pub fn tone_onset_s(samples: &[f32], freq_hz: f64, threshold_db: f64, after_s: f64) -> Option<f64> {
    let end = samples.len() as f64 / f64::from(RATE);
    let mut t = after_s;
    while t + 0.01 <= end {
        if tone_db(samples, freq_hz, t, t + 0.01) > threshold_db {
            return Some(t);
        }
        t += 0.005;
    }
    None
}

/// What ffprobe says about a media file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Probe {
    pub format: String,
    pub duration_s: f64,
    pub audio_codec: Option<String>,
    pub audio_channels: Option<u32>,
    pub video_codec: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Presentation time of the first video packet, seconds.
    pub video_start_s: Option<f64>,
}

fn ffprobe(ffprobe: &Path, args: &[&str], file: &Path) -> io::Result<String> {
    let out =
        Command::new(ffprobe).args(["-v", "error"]).args(args).arg(file).stdin(Stdio::null()).output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!("ffprobe: {}", String::from_utf8_lossy(&out.stderr))));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Probes streams, format and the first video packet.
pub fn probe(ffprobe_bin: &Path, file: &Path) -> io::Result<Probe> {
    let json = ffprobe(ffprobe_bin, &["-show_streams", "-show_format", "-of", "json"], file)?;
    let v: serde_json::Value = serde_json::from_str(&json).map_err(io::Error::other)?;
    let mut p = Probe {
        format: v["format"]["format_name"].as_str().unwrap_or_default().to_string(),
        duration_s: v["format"]["duration"].as_str().and_then(|d| d.parse().ok()).unwrap_or(0.0),
        ..Probe::default()
    };
    for s in v["streams"].as_array().into_iter().flatten() {
        let codec = s["codec_name"].as_str().map(str::to_string);
        match s["codec_type"].as_str() {
            Some("audio") if p.audio_codec.is_none() => {
                p.audio_codec = codec;
                p.audio_channels = s["channels"].as_u64().map(|c| c as u32);
            }
            Some("video") if p.video_codec.is_none() => {
                p.video_codec = codec;
                p.width = s["width"].as_u64().map(|w| w as u32);
                p.height = s["height"].as_u64().map(|h| h as u32);
            }
            _ => {}
        }
    }
    if p.video_codec.is_some() {
        let args = ["-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0"];
        let pts = ffprobe(ffprobe_bin, &[&args[..], &["-read_intervals", "%+#1"]].concat(), file)?;
        p.video_start_s = pts.lines().next().and_then(|l| l.trim().trim_end_matches(',').parse().ok());
    }
    Ok(p)
}

/// Video frames a decoder reads from the file's first video stream.
pub fn count_video_frames(ffprobe_bin: &Path, file: &Path) -> io::Result<u64> {
    let args = ["-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames"];
    let out = ffprobe(ffprobe_bin, &[&args[..], &["-of", "csv=p=0"]].concat(), file)?;
    out.trim().trim_end_matches(',').parse().map_err(|_| io::Error::other(format!("frame count {out:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goertzel_and_rms() {
        let sine: Vec<f32> = (0..48_000)
            .map(|i| (0.5 * (2.0 * std::f64::consts::PI * 440.0 * f64::from(i) / 48_000.0).sin()) as f32)
            .collect();
        // A sine of amplitude 0.5: mean square 0.125, -9 dB.
        assert!((tone_db(&sine, 440.0, 0.0, 1.0) + 9.03).abs() < 0.1);
        assert!(tone_db(&sine, 1000.0, 0.0, 1.0) < -60.0);
        assert!((rms_db(&sine, 0.0, 1.0) + 9.03).abs() < 0.1);
        assert!(rms_db(&vec![0.0; 100], 0.0, 1.0) < -150.0);
        let mut later = vec![0.0f32; 24_000];
        later.extend_from_slice(&sine);
        let onset = tone_onset_s(&later, 440.0, -20.0, 0.0).unwrap();
        assert!((onset - 0.5).abs() < 0.011, "{onset}");
    }
}

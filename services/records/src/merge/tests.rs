//! Merges of synthetic calls made from real media with ffmpeg (see
//! `crate::synth`), checked by decoding the output again.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use vc_protocol::interaction::Party;
use vc_protocol::recording::RecordingFormat;

use super::opus::{OpusTrackWriter, SILENCE_FRAMES};
use super::*;
use crate::synth::analysis::{count_video_frames, decode_channel, probe, rms_db, tone_db, tone_onset_s};
use crate::synth::{self, SynthTrack};

/// T0 of the synthetic calls, µs since the epoch.
const BASE: i64 = 1_700_000_000_000_000;
const LEFT: usize = 0;
const RIGHT: usize = 1;
/// ffmpeg's sine is at 1/8 of full scale: about -24 dB; silence is below
/// this.
const SILENT_DB: f64 = -70.0;

fn ffmpeg() -> PathBuf {
    std::env::var_os("VC_FFMPEG").map_or_else(|| PathBuf::from("ffmpeg"), PathBuf::from)
}

/// A call being built: raw tracks in `raw/`, media in `media/`.
struct Call {
    dir: tempfile::TempDir,
    files: usize,
}

impl Call {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["raw", "media", "work"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        Self { dir, files: 0 }
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    fn next_vrec(&mut self) -> PathBuf {
        self.files += 1;
        self.path("raw").join(format!("track-{}.vrec", self.files))
    }

    /// A tone of `secs` as an audio track arriving from `start_s` after T0.
    fn tone(
        &mut self,
        party: Party,
        freq: f64,
        secs: f64,
        start_s: f64,
        ssrc: u32,
        edit: impl FnOnce(&mut SynthTrack),
    ) {
        let ogg = self.path("media").join(format!("tone-{}.ogg", self.files));
        synth::tone_opus_ogg(&ffmpeg(), &ogg, freq, secs).unwrap();
        let mut track = SynthTrack::new(party, BASE + (start_s * 1e6) as i64, ssrc);
        edit(&mut track);
        let vrec = self.next_vrec();
        synth::opus_ogg_to_vrec(&ogg, &vrec, &track).unwrap();
    }

    /// A VP8 test pattern arriving from `start_s` after T0.
    fn vp8(&mut self, secs: f64, start_s: f64, edit: impl FnOnce(&mut SynthTrack)) {
        self.vp8_sized(secs, start_s, (320, 240), edit);
    }

    fn vp8_sized(&mut self, secs: f64, start_s: f64, (w, h): (u32, u32), edit: impl FnOnce(&mut SynthTrack)) {
        let ivf = self.path("media").join(format!("video-{}.ivf", self.files));
        synth::test_vp8_ivf(&ffmpeg(), &ivf, secs, w, h, 15, 300).unwrap();
        let mut track = SynthTrack::new(Party::Client, BASE + (start_s * 1e6) as i64, 0x5151);
        edit(&mut track);
        let vrec = self.next_vrec();
        synth::vp8_ivf_to_vrec(&ivf, &vrec, &track).unwrap();
    }

    fn merge(&self, format: RecordingFormat) -> (Merged, PathBuf) {
        let out = self.path(&format!("out.{}", format.extension()));
        let settings = MergeSettings { ffmpeg: ffmpeg(), format, ..MergeSettings::default() };
        let merged = merge(&self.path("raw"), &self.path("work"), &out, &settings).unwrap();
        (merged, out)
    }
}

fn channels(out: &Path) -> (Vec<f32>, Vec<f32>) {
    (decode_channel(&ffmpeg(), out, LEFT).unwrap(), decode_channel(&ffmpeg(), out, RIGHT).unwrap())
}

#[test]
fn client_left_agent_right_with_video() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 6.0, 0.0, 1111, |t| t.jitter_us = 40_000);
    call.tone(Party::Agent, 1000.0, 6.0, 0.0, 2222, |_| {});
    call.vp8(6.0, 0.0, |t| t.jitter_us = 15_000);
    let (merged, out) = call.merge(RecordingFormat::Webm);
    assert!(merged.has_video && !merged.partial);
    assert_eq!(merged.started_at.timestamp_micros(), BASE);
    assert!((merged.duration_s - 6.0).abs() < 0.2, "{merged:?}");
    let p = probe(&synth_ffprobe(), &out).unwrap();
    assert_eq!(p.audio_channels, Some(2), "{p:?}");
    assert_eq!((p.audio_codec.as_deref(), p.video_codec.as_deref()), (Some("opus"), Some("vp8")));
    assert_eq!((p.width, p.height), (Some(320), Some(240)));
    let (left, right) = channels(&out);
    let (l440, l1000) = (tone_db(&left, 440.0, 0.5, 5.5), tone_db(&left, 1000.0, 0.5, 5.5));
    let (r440, r1000) = (tone_db(&right, 440.0, 0.5, 5.5), tone_db(&right, 1000.0, 0.5, 5.5));
    assert!(l440 > -30.0 && l440 - l1000 >= 30.0, "left: 440 {l440:.1} dB, 1000 {l1000:.1} dB");
    assert!(r1000 > -30.0 && r1000 - r440 >= 30.0, "right: 440 {r440:.1} dB, 1000 {r1000:.1} dB");
}

fn synth_ffprobe() -> PathBuf {
    ffprobe_for(&ffmpeg())
}

#[test]
fn a_late_party_is_silent_until_it_joins() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 6.0, 0.0, 1111, |_| {});
    call.tone(Party::Agent, 1000.0, 4.0, 5.0, 2222, |_| {});
    let (merged, out) = call.merge(RecordingFormat::Webm);
    assert!(!merged.has_video);
    assert!((merged.duration_s - 9.0).abs() < 0.2, "{merged:?}");
    let (left, right) = channels(&out);
    let quiet = rms_db(&right, 0.0, 4.9);
    assert!(quiet < SILENT_DB, "agent before joining: {quiet:.1} dB");
    let tone = tone_db(&right, 1000.0, 5.1, 8.9);
    assert!(tone > -30.0, "agent after joining: {tone:.1} dB");
    let onset = tone_onset_s(&right, 1000.0, -40.0, 0.0).unwrap();
    assert!((onset - 5.0).abs() < 0.05, "agent starts at {onset:.3} s");
    // The client left after 6 s.
    assert!(rms_db(&left, 6.1, 8.9) < SILENT_DB);
    assert!(tone_db(&left, 440.0, 0.5, 5.5) > -30.0);
}

#[test]
fn a_gap_is_silent_and_later_audio_stays_aligned() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 8.0, 0.0, 1111, |t| t.gaps = vec![(3.0, 5.0)]);
    call.tone(Party::Agent, 1000.0, 8.0, 0.0, 2222, |_| {});
    let (merged, out) = call.merge(RecordingFormat::Webm);
    assert!((merged.duration_s - 8.0).abs() < 0.2, "{merged:?}");
    let (left, right) = channels(&out);
    assert!(tone_db(&left, 440.0, 0.5, 2.9) > -30.0);
    let gap = rms_db(&left, 3.05, 4.95);
    assert!(gap < SILENT_DB, "gap: {gap:.1} dB");
    let onset = tone_onset_s(&left, 440.0, -40.0, 4.0).unwrap();
    assert!((onset - 5.0).abs() < 0.05, "client resumes at {onset:.3} s");
    assert!(tone_db(&right, 1000.0, 0.5, 7.5) > -30.0);
}

#[test]
fn a_restart_continues_in_a_second_file() {
    let mut call = Call::new();
    // Gateway restart: the client's first file ends at 4 s, the second
    // (new SSRC, new timestamps) starts at 5 s with another tone.
    call.tone(Party::Client, 440.0, 6.0, 0.0, 1111, |t| t.until_s = Some(4.0));
    call.tone(Party::Client, 660.0, 3.0, 5.0, 3333, |_| {});
    call.tone(Party::Agent, 1000.0, 8.0, 0.0, 2222, |_| {});
    let (merged, out) = call.merge(RecordingFormat::Webm);
    assert!((merged.duration_s - 8.0).abs() < 0.2, "{merged:?}");
    let (left, _) = channels(&out);
    let first = (tone_db(&left, 440.0, 0.5, 3.5), tone_db(&left, 660.0, 0.5, 3.5));
    let second = (tone_db(&left, 440.0, 5.5, 7.5), tone_db(&left, 660.0, 5.5, 7.5));
    assert!(first.0 > -30.0 && first.0 - first.1 > 30.0, "{first:?}");
    assert!(second.1 > -30.0 && second.1 - second.0 > 30.0, "{second:?}");
    assert!(rms_db(&left, 4.1, 4.9) < SILENT_DB);
    let onset = tone_onset_s(&left, 660.0, -40.0, 4.0).unwrap();
    assert!((onset - 5.0).abs() < 0.05, "second part at {onset:.3} s");
}

#[test]
fn a_cut_last_record_still_merges_as_partial() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 3.0, 0.0, 1111, |t| t.cut_tail = true);
    call.tone(Party::Agent, 1000.0, 3.0, 0.0, 2222, |_| {});
    let (merged, out) = call.merge(RecordingFormat::Webm);
    assert!(merged.partial);
    assert!((merged.duration_s - 3.0).abs() < 0.2, "{merged:?}");
    assert!(merged.packets >= 2 * 149, "{merged:?}");
    assert!(tone_db(&decode_channel(&ffmpeg(), &out, LEFT).unwrap(), 440.0, 0.5, 2.5) > -30.0);
}

#[test]
fn video_keeps_its_offset_from_t0() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 6.0, 0.0, 1111, |_| {});
    call.tone(Party::Agent, 1000.0, 6.0, 0.0, 2222, |_| {});
    call.vp8(3.0, 3.0, |_| {});
    for format in [RecordingFormat::Webm, RecordingFormat::Mp4] {
        let (merged, out) = call.merge(format);
        assert!(merged.has_video);
        let p = probe(&synth_ffprobe(), &out).unwrap();
        let start = p.video_start_s.unwrap();
        assert!((start - 3.0).abs() < 0.1, "{format:?}: video starts at {start} s");
        assert!((merged.duration_s - 6.0).abs() < 0.2, "{format:?}: {merged:?}");
        // Audio still starts at T0.
        let left = decode_channel(&ffmpeg(), &out, LEFT).unwrap();
        let onset = tone_onset_s(&left, 440.0, -40.0, 0.0).unwrap();
        assert!(onset < 0.05, "{format:?}: audio starts at {onset}");
    }
}

#[test]
fn mp4_has_h264_and_aac() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 2.0, 0.0, 1111, |_| {});
    call.tone(Party::Agent, 1000.0, 2.0, 0.0, 2222, |_| {});
    call.vp8(2.0, 0.0, |_| {});
    let (merged, out) = call.merge(RecordingFormat::Mp4);
    assert!((merged.duration_s - 2.0).abs() < 0.2, "{merged:?}");
    let p = probe(&synth_ffprobe(), &out).unwrap();
    assert_eq!((p.audio_codec.as_deref(), p.audio_channels), (Some("aac"), Some(2)), "{p:?}");
    assert_eq!((p.video_codec.as_deref(), p.width, p.height), (Some("h264"), Some(320), Some(240)));
    let (left, right) = channels(&out);
    assert!(tone_db(&left, 440.0, 0.5, 1.5) - tone_db(&left, 1000.0, 0.5, 1.5) >= 30.0);
    assert!(tone_db(&right, 1000.0, 0.5, 1.5) - tone_db(&right, 440.0, 0.5, 1.5) >= 30.0);
}

#[test]
fn h264_from_safari_is_copied_to_mp4_and_reencoded_for_webm() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 3.0, 0.0, 1111, |_| {});
    let h264 = call.path("media").join("video.h264");
    synth::test_h264_annexb(&ffmpeg(), &h264, 3.0, 320, 240, 15).unwrap();
    let track = SynthTrack::new(Party::Client, BASE + 1_000_000, 0x6464);
    synth::h264_annexb_to_vrec(&h264, 15, &call.next_vrec(), &track).unwrap();
    for (format, codec) in [(RecordingFormat::Mp4, "h264"), (RecordingFormat::Webm, "vp8")] {
        let (merged, out) = call.merge(format);
        assert!(merged.has_video, "{format:?}");
        let p = probe(&synth_ffprobe(), &out).unwrap();
        assert_eq!(
            (p.video_codec.as_deref(), p.width, p.height),
            (Some(codec), Some(320), Some(240)),
            "{p:?}"
        );
        let start = p.video_start_s.unwrap();
        assert!((start - 1.0).abs() < 0.1, "{format:?}: video starts at {start} s");
        assert!((merged.duration_s - 4.0).abs() < 0.2, "{format:?}: {merged:?}");
    }
}

#[test]
fn a_resolution_change_is_kept() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 5.0, 0.0, 1111, |_| {});
    // The camera restarts at another size (a new file and SSRC).
    call.vp8_sized(2.0, 0.0, (320, 240), |t| t.ssrc = 1);
    call.vp8_sized(2.0, 2.5, (480, 360), |t| t.ssrc = 2);
    for format in [RecordingFormat::Webm, RecordingFormat::Mp4] {
        let (merged, out) = call.merge(format);
        assert!(merged.has_video);
        let p = probe(&synth_ffprobe(), &out).unwrap();
        // WebM keeps both sizes (its header has the first); MP4 is scaled
        // to the first.
        assert_eq!((p.width, p.height), (Some(320), Some(240)), "{format:?}");
        let frames = count_video_frames(&synth_ffprobe(), &out).unwrap();
        assert!((58..=60).contains(&frames), "{format:?}: {frames} frames");
    }
}

#[test]
fn an_overlapping_connection_resumes_at_its_next_keyframe() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 5.0, 0.0, 1111, |_| {});
    // A second connection's video overlaps the first's last second.
    // Keyframes every 2 s: the second file's keyframe at 2 s (media 0 s)
    // is before the first's last frame, its next one is at 4 s.
    call.vp8(3.0, 0.0, |t| t.ssrc = 1);
    call.vp8(3.0, 2.0, |t| t.ssrc = 2);
    let (merged, out) = call.merge(RecordingFormat::Webm);
    assert!(merged.has_video);
    // 45 frames of the first file, then the second's from its keyframe at
    // media time 2 s (4 s in the call): 15 frames.
    let frames = count_video_frames(&synth_ffprobe(), &out).unwrap();
    assert_eq!(frames, 60);
}

#[test]
fn ffmpeg_failures_and_time_limits_are_errors() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 2.0, 0.0, 1111, |_| {});
    let (raw, work, out) = (call.path("raw"), call.path("work"), call.path("out.webm"));
    let settings =
        MergeSettings { ffmpeg: ffmpeg(), timeout: Duration::from_millis(1), ..Default::default() };
    assert!(matches!(merge(&raw, &work, &out, &settings), Err(MergeError::Timeout)));
    let settings = MergeSettings { ffmpeg: "/nonexistent/ffmpeg".into(), ..Default::default() };
    assert!(matches!(merge(&raw, &work, &out, &settings), Err(MergeError::Spawn { .. })));
    // A directory as the output: ffmpeg fails, with its message.
    let settings = MergeSettings { ffmpeg: ffmpeg(), ..Default::default() };
    match merge(&raw, &work, &work, &settings) {
        Err(MergeError::Ffmpeg { status, stderr }) => assert!(!status.is_empty() && !stderr.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn only_other_files_is_no_media() {
    let call = Call::new();
    std::fs::write(call.path("raw").join("junk.vrec"), b"not a track").unwrap();
    std::fs::write(call.path("raw").join("notes.txt"), b"hello").unwrap();
    let settings = MergeSettings { ffmpeg: ffmpeg(), ..MergeSettings::default() };
    let err = merge(&call.path("raw"), &call.path("work"), &call.path("out.webm"), &settings).unwrap_err();
    assert!(matches!(err, MergeError::NoMedia), "{err}");
}

#[test]
fn agent_video_and_junk_files_are_ignored() {
    let mut call = Call::new();
    call.tone(Party::Client, 440.0, 2.0, 0.0, 1111, |_| {});
    call.vp8(2.0, 0.0, |t| t.party = Party::Agent);
    std::fs::write(call.path("raw").join("junk.vrec"), b"not a track").unwrap();
    let (merged, _) = call.merge(RecordingFormat::Webm);
    assert!(!merged.has_video);
    assert!((merged.duration_s - 2.0).abs() < 0.2, "{merged:?}");
}

#[test]
fn silence_frames_decode_to_digital_silence() {
    let dir = tempfile::tempdir().unwrap();
    for (samples, frame) in SILENCE_FRAMES {
        let path = dir.path().join(format!("silence-{samples}.ogg"));
        let mut w = OpusTrackWriter::new(std::fs::File::create(&path).unwrap(), 7).unwrap();
        for i in 0..100 {
            assert!(w.push(i * samples as i64, frame.to_vec()).unwrap());
        }
        assert_eq!(w.stats.silence_frames, 0);
        w.finish(100 * samples).unwrap();
        let pcm = decode_channel(&ffmpeg(), &path, 0).unwrap();
        let expected = 100 * samples as usize;
        assert_eq!(pcm.len(), expected, "{samples}-sample frames");
        let peak = pcm.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert_eq!(peak, 0.0, "{samples}-sample frames decode to a peak of {peak}");
    }
}

#[test]
fn the_ffmpeg_version_is_read() {
    let v = ffmpeg::version(&ffmpeg()).unwrap();
    assert!(v.starts_with("ffmpeg version"), "{v}");
    assert!(ffmpeg::version(Path::new("/nonexistent/ffmpeg")).is_err());
}

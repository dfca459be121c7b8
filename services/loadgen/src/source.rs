//! What a party sends: synthetic media (Opus-sized audio, VP8 or H.264
//! frames with a keyframe every 2 s) or, with [`LoadedMedia`], the real
//! Opus and VP8 from the files, looped.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};

use crate::media::LoadedMedia;
use crate::media::vp8::{MAX_PAYLOAD, Packetizer};
use crate::party::VideoCodec;

/// The audio payloads, one every 20 ms (RTP timestamp + 960).
pub(crate) struct AudioSource {
    media: Option<Arc<LoadedMedia>>,
    next: usize,
}

impl AudioSource {
    pub(crate) fn new(media: Option<Arc<LoadedMedia>>) -> Self {
        Self { media, next: 0 }
    }

    /// The next 20 ms: the file's next Opus packet (from the start again
    /// after the last), or 80 bytes of 0x55.
    pub(crate) fn next_payload(&mut self) -> Bytes {
        let packet = self.media.as_ref().and_then(|m| {
            let p = m.opus.get(self.next % m.opus.len().max(1)).cloned();
            self.next = (self.next + 1) % m.opus.len().max(1);
            p
        });
        packet.unwrap_or_else(|| Bytes::from(vec![0x55u8; 80]))
    }
}

/// One video frame's RTP payloads (the marker goes on the last) and the
/// RTP timestamp step (90 kHz) to the frame after it.
pub(crate) struct Frame {
    pub payloads: Vec<Bytes>,
    pub ticks_to_next: u32,
}

pub(crate) enum VideoSource {
    /// Three 1000-byte packets every 33 ms; a keyframe every 60 frames or
    /// when asked.
    Synthetic { codec: VideoCodec, frame: u64 },
    /// The file's frames at its frame rate, looped.
    File { media: Arc<LoadedMedia>, next: usize, packetizer: Packetizer },
}

impl VideoSource {
    /// The file's VP8 when there is media and the codec is VP8 (with H.264
    /// the video stays synthetic).
    pub(crate) fn new(codec: VideoCodec, media: Option<Arc<LoadedMedia>>) -> Self {
        match media {
            Some(media) if codec == VideoCodec::Vp8 => {
                VideoSource::File { media, next: 0, packetizer: Packetizer::new(rand::random(), MAX_PAYLOAD) }
            }
            _ => VideoSource::Synthetic { codec, frame: 0 },
        }
    }

    /// Time between frames.
    pub(crate) fn interval(&self) -> Duration {
        match self {
            VideoSource::Synthetic { .. } => Duration::from_millis(33),
            VideoSource::File { media, .. } => media.video.frame_interval(),
        }
    }

    /// The next frame. `keyframe` (a PLI/FIR came): the synthetic source
    /// makes this frame a keyframe; the file source jumps ahead to the
    /// file's next keyframe (from the start again past the last), so a
    /// receiver can decode at once rather than after up to a keyframe
    /// interval.
    pub(crate) fn next_frame(&mut self, keyframe: bool) -> Frame {
        match self {
            VideoSource::Synthetic { codec, frame } => {
                let key = *frame % 60 == 0 || keyframe;
                *frame += 1;
                let payloads = (0..3u8)
                    .map(|i| match codec {
                        VideoCodec::Vp8 => vp8_payload(i == 0, key, 1000),
                        VideoCodec::H264 => h264_payload(i, key, 1000),
                    })
                    .collect();
                Frame { payloads, ticks_to_next: 3000 }
            }
            VideoSource::File { media, next, packetizer } => {
                let frames = &media.video.frames;
                let mut at = *next % frames.len().max(1);
                if keyframe {
                    let key = |i: &usize| frames.get(*i).is_some_and(|f| f.is_keyframe());
                    at = (at..frames.len()).find(key).or_else(|| (0..at).find(key)).unwrap_or(at);
                }
                let Some(frame) = frames.get(at) else {
                    return Frame { payloads: Vec::new(), ticks_to_next: 3000 };
                };
                *next = (at + 1) % frames.len();
                // The file's own step; across the loop (or a step that is
                // not forward) the mean one.
                let step = match frames.get(at + 1) {
                    Some(after) if after.pts > frame.pts => media.video.rtp_ticks(after.pts - frame.pts),
                    _ => mean_ticks(media.video.frame_interval()),
                };
                Frame { payloads: packetizer.packetize(&frame.data), ticks_to_next: step }
            }
        }
    }
}

fn mean_ticks(interval: Duration) -> u32 {
    (interval.as_secs_f64() * 90_000.0).round() as u32
}

/// A synthetic VP8 RTP payload: descriptor plus, at a frame start, the
/// frame header (a keyframe of 640x480 when `key`).
fn vp8_payload(start: bool, key: bool, len: usize) -> Bytes {
    let mut p = BytesMut::with_capacity(len);
    p.extend_from_slice(&[if start { 0x10 } else { 0x00 }]);
    if start {
        let tag = if key { 0x50 } else { 0x51 };
        p.extend_from_slice(&[tag, 0x2a, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]);
    }
    while p.len() < len {
        p.extend_from_slice(&[0xAA]);
    }
    p.freeze()
}

/// A synthetic H.264 RTP payload (RFC 6184): an IDR or non-IDR slice split
/// in FU-A fragments, `part` 0..=2.
fn h264_payload(part: u8, key: bool, len: usize) -> Bytes {
    let nal_type = if key { 5 } else { 1 };
    let mut p = BytesMut::with_capacity(len);
    p.extend_from_slice(&[0x7C]); // FU indicator: NRI 3, type 28 (FU-A)
    let fu_header = match part {
        0 => 0x80 | nal_type,
        2 => 0x40 | nal_type,
        _ => nal_type,
    };
    p.extend_from_slice(&[fu_header]);
    while p.len() < len {
        p.extend_from_slice(&[0xAA]);
    }
    p.freeze()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;
    use crate::media::{Ivf, IvfFrame};

    /// Six frames at 1/30 s, keyframes at 0 and 3, and three Opus packets.
    fn media() -> Arc<LoadedMedia> {
        let frames = (0..6u64)
            .map(|i| {
                let tag = if i % 3 == 0 { 0x50 } else { 0x51 };
                IvfFrame { pts: i, data: Bytes::from(vec![tag, i as u8]) }
            })
            .collect();
        let video = Ivf { width: 640, height: 480, timebase_num: 1, timebase_den: 30, frames };
        let opus = (0..3u8).map(|i| Bytes::from(vec![0xF8, i])).collect();
        Arc::new(LoadedMedia { opus, video })
    }

    fn frame_byte(f: &Frame) -> u8 {
        assert_eq!(f.payloads.len(), 1);
        f.payloads[0][5]
    }

    #[test]
    fn audio_loops_over_the_packets() {
        let mut a = AudioSource::new(Some(media()));
        let got: Vec<u8> = (0..7).map(|_| a.next_payload()[1]).collect();
        assert_eq!(got, vec![0, 1, 2, 0, 1, 2, 0]);
        assert_eq!(AudioSource::new(None).next_payload(), Bytes::from(vec![0x55; 80]));
    }

    #[test]
    fn video_loops_at_the_files_rate_and_jumps_to_a_keyframe_when_asked() {
        let mut v = VideoSource::new(VideoCodec::Vp8, Some(media()));
        assert_eq!(v.interval().as_micros(), 33_333);
        let mut got = Vec::new();
        for i in 0..8 {
            let f = v.next_frame(false);
            got.push(frame_byte(&f));
            assert_eq!(f.ticks_to_next, 3000, "frame {i}: the step from the pts, also across the loop");
        }
        assert_eq!(got, vec![0, 1, 2, 3, 4, 5, 0, 1]);
        // Asked with frame 2 next: frame 3 is the next keyframe.
        assert_eq!(frame_byte(&v.next_frame(true)), 3);
        assert_eq!(frame_byte(&v.next_frame(false)), 4);
        // Asked with frame 5 next: past the last keyframe, so the first.
        assert_eq!(frame_byte(&v.next_frame(true)), 0);
        // Asked with frame 1 next, and with a keyframe next: that one.
        assert_eq!(frame_byte(&v.next_frame(true)), 3);
        assert_eq!(frame_byte(&v.next_frame(false)), 4);
        assert_eq!(frame_byte(&v.next_frame(false)), 5);
        assert_eq!(frame_byte(&v.next_frame(true)), 0);
        assert_eq!(frame_byte(&v.next_frame(false)), 1);
    }

    #[test]
    fn without_media_or_with_h264_the_video_is_synthetic() {
        let mut v = VideoSource::new(VideoCodec::H264, Some(media()));
        assert_eq!(v.interval(), Duration::from_millis(33));
        let f = v.next_frame(false);
        assert_eq!((f.payloads.len(), f.ticks_to_next), (3, 3000));
        assert_eq!(f.payloads[0][1], 0x85, "an IDR first");
        let mut v = VideoSource::new(VideoCodec::Vp8, None);
        assert_eq!(v.next_frame(false).payloads[0][1], 0x50);
        assert_eq!(v.next_frame(false).payloads[0][1], 0x51);
        assert_eq!(v.next_frame(true).payloads[0][1], 0x50);
    }
}

//! Whole video frames from RTP packets, for any codec behind [`Codec`].
//!
//! A frame is the packets of one RTP timestamp, from a packet that starts
//! a frame to the one with the marker bit, with no sequence gap. After any
//! loss (a gap, a frame without its start or its marker, a malformed
//! payload) frames are dropped until the next keyframe, so a decoder never
//! sees a frame whose references are missing; the first frame given out is
//! a keyframe.
//!
//! Orientation: our gateway does not negotiate the video-orientation RTP
//! header extension (urn:3gpp:video-orientation), so browsers rotate frames
//! before encoding them; frames are upright as recorded and no rotation
//! metadata is needed.

use vc_protocol::recording::RawPacket;

use super::timeline::SeqExtender;

/// A frame larger than this is treated as corrupt (bounded memory).
const MAX_FRAME: usize = 8 * 1024 * 1024;

/// What the depacketizer learnt from one payload.
#[derive(Debug, Clone, Copy)]
pub struct Payload {
    /// The packet may be the first of a frame (VP8: S=1 and PID=0;
    /// H.264: anything but the continuation of a fragmented NAL unit).
    pub starts_frame: bool,
}

/// A video codec's RTP payload format.
pub trait Codec {
    /// Appends the codec data carried by `payload` to `frame`; `None` if
    /// the payload is malformed.
    fn depacketize(&mut self, payload: &[u8], frame: &mut Vec<u8>) -> Option<Payload>;
    /// `Some((width, height))` if `frame` is a keyframe (the size may be
    /// (0, 0) when the codec does not say).
    fn keyframe_size(&self, frame: &[u8]) -> Option<(u16, u16)>;
    /// IVF fourcc.
    fn fourcc(&self) -> [u8; 4];
}

/// One complete frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub ssrc: u32,
    pub timestamp: u32,
    /// Arrival of its first packet.
    pub arrival_us: i64,
    pub data: Vec<u8>,
    /// The keyframe's size, for keyframes.
    pub keyframe: Option<(u16, u16)>,
}

/// Counters of an [`Assembler`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AssemblerStats {
    pub frames: u64,
    /// Frames incomplete or malformed.
    pub broken: u64,
    /// Complete frames dropped while waiting for a keyframe.
    pub skipped: u64,
}

struct Partial {
    timestamp: u32,
    arrival_us: i64,
    data: Vec<u8>,
}

/// Assembles frames from packets in sequence order (see the module doc).
pub struct Assembler<C> {
    pub codec: C,
    ssrc: Option<u32>,
    seq: SeqExtender,
    last_seq: Option<i64>,
    current: Option<Partial>,
    need_keyframe: bool,
    pub stats: AssemblerStats,
}

impl<C: Codec> Assembler<C> {
    pub fn new(codec: C) -> Self {
        Self {
            codec,
            ssrc: None,
            seq: SeqExtender::default(),
            last_seq: None,
            current: None,
            need_keyframe: true,
            stats: AssemblerStats::default(),
        }
    }

    /// Packets from another file follow: wait for a keyframe again.
    pub fn reset(&mut self) {
        self.ssrc = None;
        self.seq = SeqExtender::default();
        self.last_seq = None;
        self.broken();
    }

    /// The last frame given out could not be used (the caller dropped it):
    /// wait for a keyframe again.
    pub fn wait_for_keyframe(&mut self) {
        self.need_keyframe = true;
    }

    fn broken(&mut self) {
        if self.current.take().is_some() {
            self.stats.broken += 1;
        }
        self.need_keyframe = true;
    }

    /// Takes the next packet (in sequence order); returns a frame when
    /// this packet completes one.
    pub fn push(&mut self, packet: &RawPacket) -> Option<Frame> {
        if self.ssrc != Some(packet.ssrc) {
            self.reset();
            self.ssrc = Some(packet.ssrc);
        }
        let ext = self.seq.extend(packet.seq);
        if let Some(last) = self.last_seq {
            if ext <= last {
                return None; // duplicate or late
            }
            if ext != last + 1 {
                self.broken(); // loss
            }
        }
        self.last_seq = Some(ext);
        if self.current.as_ref().is_some_and(|c| c.timestamp != packet.timestamp) {
            self.broken(); // the previous frame never got its marker
        }
        let mut current = match self.current.take() {
            Some(current) => current,
            None => Partial { timestamp: packet.timestamp, arrival_us: packet.arrival_us, data: Vec::new() },
        };
        let fresh = current.data.is_empty();
        match self.codec.depacketize(&packet.payload, &mut current.data) {
            Some(p) if (p.starts_frame || !fresh) && current.data.len() <= MAX_FRAME => {}
            // A frame without its start, malformed, too big.
            _ => {
                self.current = Some(current);
                self.broken();
                return None;
            }
        }
        if !packet.marker {
            self.current = Some(current);
            return None;
        }
        let keyframe = self.codec.keyframe_size(&current.data);
        if self.need_keyframe && keyframe.is_none() {
            self.stats.skipped += 1;
            return None;
        }
        self.need_keyframe = false;
        self.stats.frames += 1;
        Some(Frame {
            ssrc: packet.ssrc,
            timestamp: current.timestamp,
            arrival_us: current.arrival_us,
            data: current.data,
            keyframe,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::vp8::Vp8;
    use super::*;

    fn keyframe_data() -> Vec<u8> {
        let mut key = vec![0x50, 0x2B, 0x01, 0x9D, 0x01, 0x2A];
        key.extend_from_slice(&320u16.to_le_bytes());
        key.extend_from_slice(&240u16.to_le_bytes());
        key.extend_from_slice(&[7; 20]);
        key
    }

    /// Packetizes a VP8 frame in `parts` packets.
    fn packets(seq: u16, ts: u32, frame: &[u8], parts: usize) -> Vec<RawPacket> {
        let chunk = frame.len().div_ceil(parts);
        frame
            .chunks(chunk)
            .enumerate()
            .map(|(i, data)| {
                let mut payload = vec![if i == 0 { 0x90 } else { 0x80 }, 0x80, 0x11];
                payload.extend_from_slice(data);
                RawPacket {
                    arrival_us: i64::from(ts),
                    ssrc: 5,
                    seq: seq.wrapping_add(i as u16),
                    timestamp: ts,
                    marker: i + 1 == frame.len().div_ceil(chunk),
                    payload_type: 96,
                    payload,
                }
            })
            .collect()
    }

    fn run(a: &mut Assembler<Vp8>, packets: &[RawPacket]) -> Vec<Frame> {
        packets.iter().filter_map(|p| a.push(p)).collect()
    }

    #[test]
    fn frames_are_assembled() {
        let key = keyframe_data();
        let inter = vec![0x51, 1, 2, 3, 4, 5];
        let mut a = Assembler::new(Vp8);
        let frames = run(&mut a, &packets(65534, 0, &key, 3));
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].data, key);
        assert_eq!(frames[0].keyframe, Some((320, 240)));
        let frames = run(&mut a, &packets(1, 3000, &inter, 2));
        assert_eq!(frames.len(), 1);
        assert_eq!((frames[0].data.clone(), frames[0].keyframe, frames[0].timestamp), (inter, None, 3000));
    }

    #[test]
    fn a_stream_starts_at_a_keyframe() {
        let inter = vec![0x51, 1, 2, 3, 4, 5];
        let mut a = Assembler::new(Vp8);
        assert!(run(&mut a, &packets(10, 0, &inter, 1)).is_empty());
        assert_eq!(run(&mut a, &packets(11, 3000, &keyframe_data(), 2)).len(), 1);
        assert_eq!(a.stats.skipped, 1);
    }

    #[test]
    fn loss_waits_for_a_keyframe() {
        let key = keyframe_data();
        let inter = vec![0x51, 1, 2, 3, 4, 5];
        let mut a = Assembler::new(Vp8);
        assert_eq!(run(&mut a, &packets(0, 0, &key, 2)).len(), 1);
        // Second packet of frame 2 lost: frame 2 is incomplete.
        let mut lost = packets(2, 3000, &inter, 3);
        lost.remove(1);
        assert!(run(&mut a, &lost).is_empty());
        // Frame 3 is complete but refers to frame 2: dropped.
        assert!(run(&mut a, &packets(5, 6000, &inter, 2)).is_empty());
        // A keyframe resumes the stream, and the frame after it.
        assert_eq!(run(&mut a, &packets(7, 9000, &key, 2)).len(), 1);
        assert_eq!(run(&mut a, &packets(9, 12000, &inter, 2)).len(), 1);
        // A lost marker packet: the frame is dropped when the next begins.
        let mut no_marker = packets(11, 15000, &inter, 2);
        no_marker.pop();
        assert!(run(&mut a, &no_marker).is_empty());
        assert!(run(&mut a, &packets(12, 18000, &inter, 1)).is_empty());
        assert_eq!(a.stats.frames, 3);
        assert!(a.stats.broken >= 2);
    }

    #[test]
    fn a_missing_start_is_not_a_frame() {
        let mut a = Assembler::new(Vp8);
        let mut p = packets(0, 0, &keyframe_data(), 2);
        p[0].payload[0] = 0x80; // S=0
        assert!(run(&mut a, &p).is_empty());
    }
}

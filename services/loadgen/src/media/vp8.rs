//! VP8 in RTP (RFC 7741 §4), as a browser sends it: each frame split into
//! payloads of at most `max_payload` bytes, each behind a 4-byte payload
//! descriptor
//!
//! ```text
//! |X|R|N|S|R| PID |   0x90 on a frame's first packet, 0x80 after
//! |I|L|T|K| RSV   |   0x80: a PictureID follows
//! |M| PictureID   |   15 bits, M = 1, the same for a frame's packets,
//! |   PictureID   |   one more each frame
//! ```
//!
//! The whole frame is partition 0 (PID 0); the caller sets the RTP marker
//! on the last payload.

use bytes::{BufMut, Bytes, BytesMut};

/// The payload limit browsers keep to (an RTP packet fits a 1280-byte MTU
/// with SRTP and header extensions).
pub const MAX_PAYLOAD: usize = 1200;

/// The descriptor's length: X, the I byte and a 15-bit PictureID.
pub const DESCRIPTOR_LEN: usize = 4;

/// Bit 0 of the frame tag (RFC 6386 §9.1): 0 for a keyframe.
pub fn is_keyframe(frame: &[u8]) -> bool {
    frame.first().is_some_and(|b| b & 0x01 == 0)
}

/// Splits frames into RTP payloads, numbering them with PictureIDs.
#[derive(Debug, Clone)]
pub struct Packetizer {
    picture_id: u16,
    max_payload: usize,
}

impl Packetizer {
    /// `picture_id` (15 bits) for the first frame; payloads of at most
    /// `max_payload` bytes (at least the descriptor and one byte).
    pub fn new(picture_id: u16, max_payload: usize) -> Self {
        Self { picture_id: picture_id & 0x7FFF, max_payload: max_payload.max(DESCRIPTOR_LEN + 1) }
    }

    /// The PictureID the next frame gets.
    pub fn picture_id(&self) -> u16 {
        self.picture_id
    }

    /// One frame's payloads, in order, of as even a size as can be (as
    /// libwebrtc splits them): one if the frame fits, never an empty one
    /// unless the frame is.
    pub fn packetize(&mut self, frame: &[u8]) -> Vec<Bytes> {
        let room = self.max_payload - DESCRIPTOR_LEN;
        let count = frame.len().div_ceil(room).max(1);
        let (base, longer) = (frame.len() / count, frame.len() % count);
        let [hi, lo] = self.picture_id.to_be_bytes();
        let mut payloads = Vec::with_capacity(count);
        let mut rest = frame;
        for i in 0..count {
            let (chunk, after) = rest.split_at(base + usize::from(i < longer));
            let mut p = BytesMut::with_capacity(DESCRIPTOR_LEN + chunk.len());
            p.put_slice(&[if i == 0 { 0x90 } else { 0x80 }, 0x80, 0x80 | hi, lo]);
            p.put_slice(chunk);
            payloads.push(p.freeze());
            rest = after;
        }
        self.picture_id = (self.picture_id + 1) & 0x7FFF;
        payloads
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;

    /// A 640x480 keyframe of `len` bytes.
    fn keyframe(len: usize) -> Vec<u8> {
        let mut f = vec![0x50, 0x2a, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
        f.extend((0..len - f.len()).map(|i| i as u8));
        f
    }

    #[test]
    fn a_small_frame_is_one_packet_with_the_descriptor() {
        let mut p = Packetizer::new(0x1234, MAX_PAYLOAD);
        let frame = keyframe(100);
        let out = p.packetize(&frame);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0][..4], [0x90, 0x80, 0x80 | 0x12, 0x34], "X, S, PID 0; I; M and the PictureID");
        assert_eq!(out[0][4..], frame[..]);
        // What the gateway reads from it (its own parser of the same RFC).
        assert_eq!(vc_media::forward::vp8::keyframe_size(&out[0]), Some((640, 480)));
        assert_eq!(p.picture_id(), 0x1235);
    }

    #[test]
    fn a_large_frame_is_split_evenly_and_reassembles() {
        let mut p = Packetizer::new(7, MAX_PAYLOAD);
        let frame = keyframe(5000);
        let out = p.packetize(&frame);
        // 5000 bytes in 1196-byte rooms: 5 payloads of 1000 bytes.
        assert_eq!(out.iter().map(|b| b.len()).collect::<Vec<_>>(), vec![1004; 5]);
        assert!(out.iter().all(|b| b.len() <= MAX_PAYLOAD));
        assert_eq!(out[0][0], 0x90, "S on the first packet");
        assert!(out[1..].iter().all(|b| b[0] == 0x80), "not on the others");
        assert!(out.iter().all(|b| b[1..4] == [0x80, 0x80, 7]), "one PictureID for the frame");
        let again: Vec<u8> = out.iter().flat_map(|b| b[4..].to_vec()).collect();
        assert_eq!(again, frame);
        assert_eq!(vc_media::forward::vp8::keyframe_size(&out[0]), Some((640, 480)));
        assert_eq!(vc_media::forward::vp8::keyframe_size(&out[1]), None, "a continuation");

        // Uneven: the first payloads take the remainder.
        let out = p.packetize(&keyframe(2 * 1196 + 1));
        assert_eq!(out.iter().map(|b| b.len()).collect::<Vec<_>>(), vec![802, 802, 801]);
        // Exactly full.
        assert_eq!(p.packetize(&keyframe(1196)).iter().map(|b| b.len()).collect::<Vec<_>>(), vec![1200]);
        assert_eq!(p.picture_id(), 10);
    }

    #[test]
    fn the_picture_id_wraps_at_15_bits() {
        let mut p = Packetizer::new(0xFFFF, MAX_PAYLOAD);
        assert_eq!(p.picture_id(), 0x7FFF);
        assert_eq!(p.packetize(&[0x51])[0][..], [0x90, 0x80, 0xFF, 0xFF, 0x51]);
        assert_eq!(p.packetize(&[0x51])[0][..4], [0x90, 0x80, 0x80, 0x00]);
    }

    #[test]
    fn tiny_limits_and_empty_frames() {
        let mut p = Packetizer::new(0, 1);
        let out = p.packetize(&[0x51, 1, 2]);
        assert_eq!(out.len(), 3, "one byte each at the smallest limit");
        assert!(out.iter().all(|b| b.len() == DESCRIPTOR_LEN + 1));
        assert_eq!(p.packetize(&[]).iter().map(|b| b.len()).collect::<Vec<_>>(), vec![DESCRIPTOR_LEN]);
    }

    #[test]
    fn keyframes_are_told_by_bit_0() {
        assert!(is_keyframe(&[0x50]));
        assert!(is_keyframe(&[0x10]));
        assert!(!is_keyframe(&[0x51]));
        assert!(!is_keyframe(&[]));
    }
}

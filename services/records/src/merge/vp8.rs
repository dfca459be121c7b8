//! VP8 over RTP (RFC 7741): the payload descriptor and the keyframe header.

use super::video::{Codec, Payload};

/// The VP8 payload descriptor at the start of each RTP payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Descriptor {
    /// S bit: the packet starts a partition.
    pub start: bool,
    /// N bit: the frame is not a reference for others.
    pub non_reference: bool,
    /// PID: the partition index.
    pub partition: u8,
    /// 7- or 15-bit PictureID, when present (I bit).
    pub picture_id: Option<u16>,
    /// Bytes of descriptor before the VP8 data.
    pub len: usize,
}

/// Parses the descriptor; `None` when the payload is too short for it.
pub fn parse_descriptor(payload: &[u8]) -> Option<Descriptor> {
    let b0 = *payload.first()?;
    let mut len = 1;
    let mut picture_id = None;
    if b0 & 0x80 != 0 {
        // X: the extension byte with I, L, T, K follows.
        let ext = *payload.get(len)?;
        len += 1;
        if ext & 0x80 != 0 {
            let first = *payload.get(len)?;
            if first & 0x80 != 0 {
                // M: 15-bit PictureID.
                let second = *payload.get(len + 1)?;
                picture_id = Some((u16::from(first & 0x7F) << 8) | u16::from(second));
                len += 2;
            } else {
                picture_id = Some(u16::from(first));
                len += 1;
            }
        }
        if ext & 0x40 != 0 {
            len += 1; // L: TL0PICIDX
        }
        if ext & 0x30 != 0 {
            len += 1; // T or K: TID / Y / KEYIDX
        }
    }
    (len <= payload.len()).then_some(Descriptor {
        start: b0 & 0x10 != 0,
        non_reference: b0 & 0x20 != 0,
        partition: b0 & 0x07,
        picture_id,
        len,
    })
}

/// The width and height of a VP8 keyframe, or `None` if the frame is not
/// a keyframe (P bit of the frame tag set) or its header is malformed.
pub fn keyframe_size(frame: &[u8]) -> Option<(u16, u16)> {
    if frame.len() < 10 || frame[0] & 1 != 0 || frame[3..6] != [0x9D, 0x01, 0x2A] {
        return None;
    }
    let width = u16::from_le_bytes([frame[6], frame[7]]) & 0x3FFF;
    let height = u16::from_le_bytes([frame[8], frame[9]]) & 0x3FFF;
    Some((width, height))
}

/// VP8 for the generic frame assembler.
#[derive(Debug, Default)]
pub struct Vp8;

impl Codec for Vp8 {
    fn depacketize(&mut self, payload: &[u8], frame: &mut Vec<u8>) -> Option<Payload> {
        let d = parse_descriptor(payload)?;
        frame.extend_from_slice(&payload[d.len..]);
        Some(Payload { starts_frame: d.start && d.partition == 0 })
    }

    fn keyframe_size(&self, frame: &[u8]) -> Option<(u16, u16)> {
        keyframe_size(frame)
    }

    fn fourcc(&self) -> [u8; 4] {
        *b"VP80"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors() {
        // Minimal: S=1, PID=0, no extension.
        let d = parse_descriptor(&[0x10, 0xAA]).unwrap();
        assert_eq!((d.start, d.partition, d.picture_id, d.len), (true, 0, None, 1));
        // X, I with a 7-bit PictureID.
        let d = parse_descriptor(&[0x90, 0x80, 0x25, 0xAA]).unwrap();
        assert_eq!((d.start, d.picture_id, d.len), (true, Some(0x25), 3));
        // X, I with a 15-bit PictureID, L and T/K: continuation, partition 1.
        let d = parse_descriptor(&[0x81, 0xF0, 0x81, 0x23, 0x05, 0x40, 0xAA]).unwrap();
        assert_eq!((d.start, d.partition, d.picture_id, d.len), (false, 1, Some(0x0123), 6));
        // N bit.
        assert!(parse_descriptor(&[0x30]).unwrap().non_reference);
        // Cut short.
        assert!(parse_descriptor(&[]).is_none());
        assert!(parse_descriptor(&[0x90]).is_none());
        assert!(parse_descriptor(&[0x90, 0x80, 0x81]).is_none());
    }

    #[test]
    fn keyframe_header() {
        let mut key = vec![0x50, 0x2B, 0x01, 0x9D, 0x01, 0x2A];
        key.extend_from_slice(&640u16.to_le_bytes());
        key.extend_from_slice(&(480u16 | 0x4000).to_le_bytes()); // scale bits ignored
        assert_eq!(keyframe_size(&key), Some((640, 480)));
        let mut inter = key.clone();
        inter[0] |= 1;
        assert_eq!(keyframe_size(&inter), None);
        assert_eq!(keyframe_size(&key[..9]), None);
    }
}

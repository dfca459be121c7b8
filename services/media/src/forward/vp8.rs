//! The frame size of VP8 keyframes, read from the RTP payload (RFC 7741
//! payload descriptor, then the VP8 frame header, RFC 6386 §9.1).

/// `(width, height)` when `payload` starts a VP8 keyframe.
pub fn keyframe_size(payload: &[u8]) -> Option<(u32, u32)> {
    let first = *payload.first()?;
    let extended = first & 0x80 != 0;
    let start_of_partition = first & 0x10 != 0;
    let partition_id = first & 0x0F;
    if !start_of_partition || partition_id != 0 {
        return None;
    }
    let mut at = 1;
    if extended {
        let x = *payload.get(at)?;
        at += 1;
        if x & 0x80 != 0 {
            // PictureID: 7 or 15 bits.
            let m = *payload.get(at)? & 0x80 != 0;
            at += if m { 2 } else { 1 };
        }
        if x & 0x40 != 0 {
            at += 1; // TL0PICIDX
        }
        if x & 0x30 != 0 {
            at += 1; // TID / KEYIDX
        }
    }
    let frame = payload.get(at..)?;
    if frame.len() < 10 {
        return None;
    }
    // Bit 0 of the frame tag: 0 = keyframe.
    if frame[0] & 0x01 != 0 {
        return None;
    }
    if frame[3..6] != [0x9d, 0x01, 0x2a] {
        return None;
    }
    let width = u32::from(u16::from_le_bytes([frame[6], frame[7]]) & 0x3FFF);
    let height = u32::from(u16::from_le_bytes([frame[8], frame[9]]) & 0x3FFF);
    Some((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_size_of_a_keyframe() {
        // Descriptor with X bit and a 15-bit picture id, then a keyframe header.
        let payload =
            [0x90, 0x80, 0x80 | 0x12, 0x34, 0x50, 0x2a, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, 0, 0];
        assert_eq!(keyframe_size(&payload), Some((640, 480)));
    }

    #[test]
    fn interframes_and_continuations_have_none() {
        let inter = [0x10, 0x51, 0x2a, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
        assert_eq!(keyframe_size(&inter), None);
        let continuation = [0x00, 0x50, 0x2a, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
        assert_eq!(keyframe_size(&continuation), None);
        assert_eq!(keyframe_size(&[]), None);
    }
}

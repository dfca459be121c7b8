//! H.264 over RTP (RFC 6184, packetization mode 0 and 1, as Safari sends
//! it): single NAL units, STAP-A and FU-A, written out as an Annex B
//! byte stream (start codes), one access unit per frame.

use super::video::{Codec, Payload};

const START_CODE: [u8; 4] = [0, 0, 0, 1];
const NAL_IDR: u8 = 5;
const NAL_SPS: u8 = 7;
const STAP_A: u8 = 24;
const FU_A: u8 = 28;

/// H.264 for the generic frame assembler.
#[derive(Debug, Default)]
pub struct H264;

impl Codec for H264 {
    fn depacketize(&mut self, payload: &[u8], frame: &mut Vec<u8>) -> Option<Payload> {
        let header = *payload.first()?;
        if header & 0x80 != 0 {
            return None; // forbidden_zero_bit
        }
        match header & 0x1F {
            1..=23 => {
                frame.extend_from_slice(&START_CODE);
                frame.extend_from_slice(payload);
                Some(Payload { starts_frame: true })
            }
            STAP_A => {
                let mut rest = &payload[1..];
                while !rest.is_empty() {
                    let size = usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?]));
                    let nal = rest.get(2..2 + size)?;
                    if nal.is_empty() {
                        return None;
                    }
                    frame.extend_from_slice(&START_CODE);
                    frame.extend_from_slice(nal);
                    rest = &rest[2 + size..];
                }
                Some(Payload { starts_frame: true })
            }
            FU_A => {
                let fu = *payload.get(1)?;
                let start = fu & 0x80 != 0;
                if start {
                    frame.extend_from_slice(&START_CODE);
                    frame.push((header & 0xE0) | (fu & 0x1F));
                } else if frame.is_empty() {
                    return Some(Payload { starts_frame: false });
                }
                frame.extend_from_slice(&payload[2..]);
                // A packet that starts a fragmented NAL may still be the
                // first of its access unit.
                Some(Payload { starts_frame: start })
            }
            // STAP-B, MTAP, FU-B (interleaved mode) and reserved types.
            _ => None,
        }
    }

    /// An access unit holding an IDR slice; its size from the SPS when the
    /// unit has one, else (0, 0).
    fn keyframe_size(&self, frame: &[u8]) -> Option<(u16, u16)> {
        let mut idr = false;
        let mut size = None;
        for nal in nal_units(frame) {
            match nal.first().map(|h| h & 0x1F) {
                Some(NAL_IDR) => idr = true,
                Some(NAL_SPS) if size.is_none() => size = sps_size(nal),
                _ => {}
            }
        }
        idr.then_some(size.unwrap_or((0, 0)))
    }

    fn fourcc(&self) -> [u8; 4] {
        *b"H264"
    }
}

/// The NAL units of an Annex B access unit (as written by [`H264`]).
fn nal_units(frame: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 4 <= frame.len() {
        if frame[i..i + 4] == START_CODE {
            starts.push(i + 4);
            i += 4;
        } else {
            i += 1;
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| &frame[s..starts.get(k + 1).map_or(frame.len(), |&next| next - 4)])
        .collect()
}

/// Reads Exp-Golomb coded fields from an RBSP (emulation prevention
/// bytes removed).
struct Bits {
    data: Vec<u8>,
    pos: usize,
}

impl Bits {
    fn new(nal: &[u8]) -> Self {
        let mut data = Vec::with_capacity(nal.len());
        let mut zeros = 0;
        for &b in nal {
            if zeros >= 2 && b == 3 {
                zeros = 0;
                continue;
            }
            zeros = if b == 0 { zeros + 1 } else { 0 };
            data.push(b);
        }
        Self { data, pos: 0 }
    }

    fn bit(&mut self) -> Option<u32> {
        let byte = self.data.get(self.pos / 8)?;
        let bit = (byte >> (7 - self.pos % 8)) & 1;
        self.pos += 1;
        Some(u32::from(bit))
    }

    fn bits(&mut self, n: u32) -> Option<u32> {
        (0..n).try_fold(0, |acc, _| Some((acc << 1) | self.bit()?))
    }

    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        Some(((1u64 << zeros) - 1 + u64::from(self.bits(zeros)?)) as u32)
    }

    fn se(&mut self) -> Option<i64> {
        let v = i64::from(self.ue()?);
        Some(if v % 2 == 1 { (v + 1) / 2 } else { -v / 2 })
    }
}

/// Width and height from a sequence parameter set NAL unit (with header).
pub fn sps_size(nal: &[u8]) -> Option<(u16, u16)> {
    let mut b = Bits::new(nal.get(1..)?);
    let profile = b.bits(8)?;
    b.bits(16)?; // constraint flags, level
    b.ue()?; // seq_parameter_set_id
    let mut chroma_format = 1;
    if [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].contains(&profile) {
        chroma_format = b.ue()?;
        if chroma_format == 3 {
            b.bit()?; // separate_colour_plane_flag
        }
        b.ue()?; // bit_depth_luma_minus8
        b.ue()?; // bit_depth_chroma_minus8
        b.bit()?; // qpprime_y_zero_transform_bypass_flag
        if b.bit()? == 1 {
            let lists = if chroma_format == 3 { 12 } else { 8 };
            for i in 0..lists {
                if b.bit()? == 1 {
                    let size = if i < 6 { 16 } else { 64 };
                    let (mut last, mut next) = (8i64, 8i64);
                    for _ in 0..size {
                        if next != 0 {
                            next = (last + b.se()? + 256) % 256;
                        }
                        if next != 0 {
                            last = next;
                        }
                    }
                }
            }
        }
    }
    b.ue()?; // log2_max_frame_num_minus4
    match b.ue()? {
        0 => {
            b.ue()?; // log2_max_pic_order_cnt_lsb_minus4
        }
        1 => {
            b.bit()?;
            b.se()?;
            b.se()?;
            for _ in 0..b.ue()?.min(255) {
                b.se()?;
            }
        }
        _ => {}
    }
    b.ue()?; // max_num_ref_frames
    b.bit()?; // gaps_in_frame_num_value_allowed_flag
    let width_mbs = i64::from(b.ue()?) + 1;
    let height_units = i64::from(b.ue()?) + 1;
    let frame_mbs_only = i64::from(b.bit()?);
    if frame_mbs_only == 0 {
        b.bit()?; // mb_adaptive_frame_field_flag
    }
    b.bit()?; // direct_8x8_inference_flag
    let (mut crop_x, mut crop_y) = (0, 0);
    if b.bit()? == 1 {
        let (left, right, top, bottom) = (b.ue()?, b.ue()?, b.ue()?, b.ue()?);
        let (unit_x, unit_y) = match chroma_format {
            0 => (1, 2 - frame_mbs_only),
            1 => (2, 2 * (2 - frame_mbs_only)),
            2 => (2, 2 - frame_mbs_only),
            _ => (1, 2 - frame_mbs_only),
        };
        crop_x = unit_x * (i64::from(left) + i64::from(right));
        crop_y = unit_y * (i64::from(top) + i64::from(bottom));
    }
    let width = width_mbs * 16 - crop_x;
    let height = (2 - frame_mbs_only) * height_units * 16 - crop_y;
    Some((u16::try_from(width).ok()?, u16::try_from(height).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    // SPSs written by x264 (through ffmpeg): High 320x240, High 4:4:4
    // 320x240, Constrained Baseline 642x362 (cropped).
    const SPS_320X240: &str = "6764000cacd94141fb0110000003001000000301e0f1429960";
    const SPS_444: &str = "67f4000c919b28283f60220000030002000003003c1e28532c";
    const SPS_642X362: &str = "6742c016d900a42fe224c044000003000400000300783c58b920";

    #[test]
    fn sps_gives_the_size() {
        assert_eq!(sps_size(&hex(SPS_320X240)), Some((320, 240)));
        assert_eq!(sps_size(&hex(SPS_444)), Some((320, 240)));
        assert_eq!(sps_size(&hex(SPS_642X362)), Some((642, 362)));
        assert_eq!(sps_size(&hex(SPS_320X240)[..3]), None);
    }

    #[test]
    fn nal_units_are_depacketized() {
        let mut h = H264;
        let mut frame = Vec::new();
        // STAP-A with the SPS and a PPS.
        let sps = hex(SPS_320X240);
        let mut stap = vec![STAP_A | 0x60];
        stap.extend_from_slice(&(sps.len() as u16).to_be_bytes());
        stap.extend_from_slice(&sps);
        stap.extend_from_slice(&[0, 2, 0x68, 0xEE]);
        assert!(h.depacketize(&stap, &mut frame).unwrap().starts_frame);
        // An IDR slice in two FU-A fragments.
        assert!(h.depacketize(&[FU_A | 0x60, 0x80 | NAL_IDR, 1, 2], &mut frame).unwrap().starts_frame);
        assert!(!h.depacketize(&[FU_A | 0x60, 0x40 | NAL_IDR, 3], &mut frame).unwrap().starts_frame);
        assert_eq!(nal_units(&frame), vec![&sps[..], &[0x68, 0xEE][..], &[0x65, 1, 2, 3][..]]);
        assert_eq!(h.keyframe_size(&frame), Some((320, 240)));
        // A non-IDR slice is not a keyframe.
        let mut p = Vec::new();
        h.depacketize(&[0x41, 9, 9], &mut p).unwrap();
        assert_eq!(h.keyframe_size(&p), None);
        // Malformed: truncated STAP-A, interleaved types.
        assert!(h.depacketize(&[STAP_A, 0, 9, 1], &mut Vec::new()).is_none());
        assert!(h.depacketize(&[25, 0, 0], &mut Vec::new()).is_none());
    }
}

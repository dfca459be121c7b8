//! One party's audio as one continuous Ogg Opus stream (RFC 7845), gaps
//! filled with Opus silence frames, so ffmpeg sees a gapless track that
//! starts at T0.
//!
//! Opus is never decoded here: packets are copied as received, and their
//! durations come from the TOC byte (RFC 6716 §3.1).

use std::io::{self, Write};

use ogg::writing::{PacketWriteEndInfo, PacketWriter};

/// Opus always runs at 48 kHz on the wire (RTP clock rate and granules).
pub const OPUS_RATE: u32 = 48_000;
/// The smallest Opus frame, 2.5 ms: the granularity of silence filling.
pub const MIN_FRAME: u64 = 120;
/// End an Ogg page after this many packets (~1 s of 20 ms packets).
const PACKETS_PER_PAGE: u32 = 50;

/// CELT-only, fullband, mono, one frame, and the two bytes of a frame with
/// its "silence" flag set: decodes to digital silence. The TOC selects the
/// frame size; the tests check each decodes to zeros with ffmpeg.
pub const SILENCE_FRAMES: [(u64, [u8; 3]); 4] = [
    (960, [0xF8, 0xFF, 0xFE]), // 20 ms
    (480, [0xF0, 0xFF, 0xFE]), // 10 ms
    (240, [0xE8, 0xFF, 0xFE]), // 5 ms
    (120, [0xE0, 0xFF, 0xFE]), // 2.5 ms
];

/// Samples (48 kHz) of one frame for a TOC byte's configuration.
fn frame_samples(toc: u8) -> u64 {
    let config = toc >> 3;
    match config {
        // SILK: 10, 20, 40, 60 ms.
        0..=11 => [480, 960, 1920, 2880][usize::from(config % 4)],
        // Hybrid: 10, 20 ms.
        12..=15 => [480, 960][usize::from(config % 2)],
        // CELT: 2.5, 5, 10, 20 ms.
        _ => [120, 240, 480, 960][usize::from(config % 4)],
    }
}

/// Duration of an Opus packet in 48 kHz samples, from its TOC byte and
/// (code 3) frame count byte; `None` for a packet that is not valid Opus
/// (empty, a code 3 packet without a count, no frames, or over 120 ms).
pub fn packet_samples(packet: &[u8]) -> Option<u64> {
    let toc = *packet.first()?;
    let frames = match toc & 3 {
        0 => 1,
        1 | 2 => 2,
        _ => u64::from(*packet.get(1)? & 0x3F),
    };
    let total = frames * frame_samples(toc);
    (frames > 0 && total <= 5760).then_some(total)
}

/// What happened to the packets given to an [`OpusTrackWriter`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OpusStats {
    pub written: u64,
    /// Already covered by earlier audio (duplicates, overlaps).
    pub covered: u64,
    /// Not valid Opus.
    pub invalid: u64,
    pub silence_frames: u64,
}

/// Writes a mono Ogg Opus stream (pre-skip 0, granules from 0) whose
/// timeline is the recording's: sample 0 is T0.
pub struct OpusTrackWriter<W: Write> {
    ogg: PacketWriter<'static, W>,
    serial: u32,
    /// Samples written so far: the position where the next packet goes.
    written: u64,
    /// The last packet is held back so it can carry the end-of-stream flag.
    pending: Option<Vec<u8>>,
    on_page: u32,
    pub stats: OpusStats,
}

impl<W: Write> OpusTrackWriter<W> {
    /// Writes the OpusHead and OpusTags headers.
    pub fn new(out: W, serial: u32) -> io::Result<Self> {
        let mut ogg = PacketWriter::new(out);
        let mut head = Vec::with_capacity(19);
        head.extend_from_slice(b"OpusHead");
        head.push(1); // version
        head.push(1); // channels
        head.extend_from_slice(&0u16.to_le_bytes()); // pre-skip
        head.extend_from_slice(&OPUS_RATE.to_le_bytes()); // input sample rate
        head.extend_from_slice(&0i16.to_le_bytes()); // output gain
        head.push(0); // channel mapping family
        ogg.write_packet(head, serial, PacketWriteEndInfo::EndPage, 0)?;
        let vendor = b"vc-records";
        let mut tags = Vec::with_capacity(8 + 4 + vendor.len() + 4);
        tags.extend_from_slice(b"OpusTags");
        tags.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
        tags.extend_from_slice(vendor);
        tags.extend_from_slice(&0u32.to_le_bytes()); // no comments
        ogg.write_packet(tags, serial, PacketWriteEndInfo::EndPage, 0)?;
        Ok(Self { ogg, serial, written: 0, pending: None, on_page: 0, stats: OpusStats::default() })
    }

    /// Samples written so far (silence included).
    pub fn position(&self) -> u64 {
        self.written
    }

    /// Places a packet at `pos` (samples since T0): silence fills the gap
    /// before it (to within 2.5 ms); a packet whose first half is already
    /// covered is dropped. Returns whether the packet was written.
    pub fn push(&mut self, pos: i64, packet: Vec<u8>) -> io::Result<bool> {
        let Some(samples) = packet_samples(&packet) else {
            self.stats.invalid += 1;
            return Ok(false);
        };
        let written = i64::try_from(self.written).unwrap_or(i64::MAX);
        if pos.saturating_add(i64::try_from(samples / 2).unwrap_or(0)) < written {
            self.stats.covered += 1;
            return Ok(false);
        }
        self.fill_silence(u64::try_from(pos).unwrap_or(0))?;
        self.append(packet, samples)?;
        self.stats.written += 1;
        Ok(true)
    }

    /// Fills silence up to `target` samples, in steps of 2.5 ms (a
    /// remainder under 2.5 ms is left out).
    pub fn fill_silence(&mut self, target: u64) -> io::Result<()> {
        while target >= self.written + MIN_FRAME {
            let gap = target - self.written;
            let (samples, frame) =
                SILENCE_FRAMES.iter().find(|(n, _)| *n <= gap).copied().unwrap_or(SILENCE_FRAMES[3]);
            self.append(frame.to_vec(), samples)?;
            self.stats.silence_frames += 1;
        }
        Ok(())
    }

    fn append(&mut self, packet: Vec<u8>, samples: u64) -> io::Result<()> {
        self.flush_pending(PacketWriteEndInfo::NormalPacket)?;
        self.written += samples;
        self.pending = Some(packet);
        Ok(())
    }

    fn flush_pending(&mut self, end: PacketWriteEndInfo) -> io::Result<()> {
        let Some(packet) = self.pending.take() else { return Ok(()) };
        self.on_page += 1;
        let end = if end == PacketWriteEndInfo::NormalPacket && self.on_page >= PACKETS_PER_PAGE {
            PacketWriteEndInfo::EndPage
        } else {
            end
        };
        if end != PacketWriteEndInfo::NormalPacket {
            self.on_page = 0;
        }
        // The granule of a page is the end of its last complete packet,
        // which is where this packet ends.
        self.ogg.write_packet(packet, self.serial, end, self.written)
    }

    /// Pads with silence to `end` samples and closes the stream.
    pub fn finish(mut self, end: u64) -> io::Result<W> {
        self.fill_silence(end)?;
        if self.pending.is_none() {
            // An empty stream still needs one packet to end on.
            self.append(SILENCE_FRAMES[3].1.to_vec(), SILENCE_FRAMES[3].0)?;
        }
        self.flush_pending(PacketWriteEndInfo::EndStream)?;
        let mut out = self.ogg.into_inner();
        out.flush()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toc_durations() {
        // SILK NB 10/20/40/60 ms, one frame.
        assert_eq!(packet_samples(&[0x00]), Some(480));
        assert_eq!(packet_samples(&[0x08]), Some(960));
        assert_eq!(packet_samples(&[0x10]), Some(1920));
        assert_eq!(packet_samples(&[0x18]), Some(2880));
        // SILK WB 20 ms (config 9), what browsers send for speech.
        assert_eq!(packet_samples(&[9 << 3, 1, 2]), Some(960));
        // Hybrid FB 10 / 20 ms (configs 14, 15).
        assert_eq!(packet_samples(&[14 << 3]), Some(480));
        assert_eq!(packet_samples(&[15 << 3]), Some(960));
        // CELT 2.5 / 5 / 10 / 20 ms; stereo flag does not matter.
        assert_eq!(packet_samples(&[28 << 3]), Some(120));
        assert_eq!(packet_samples(&[(29 << 3) | 4]), Some(240));
        assert_eq!(packet_samples(&[30 << 3]), Some(480));
        assert_eq!(packet_samples(&[31 << 3]), Some(960));
        // Code 1 and 2: two frames.
        assert_eq!(packet_samples(&[(31 << 3) | 1, 0, 0]), Some(1920));
        assert_eq!(packet_samples(&[(1 << 3) | 2, 1, 0, 0]), Some(1920));
        // Code 3: M frames from the second byte (VBR/padding bits ignored).
        assert_eq!(packet_samples(&[(31 << 3) | 3, 0x03]), Some(2880));
        assert_eq!(packet_samples(&[(28 << 3) | 3, 0xC0 | 48]), Some(5760));
        // Invalid: empty, code 3 without count, zero frames, over 120 ms.
        assert_eq!(packet_samples(&[]), None);
        assert_eq!(packet_samples(&[(31 << 3) | 3]), None);
        assert_eq!(packet_samples(&[(31 << 3) | 3, 0]), None);
        assert_eq!(packet_samples(&[(31 << 3) | 3, 7]), None);
        for (samples, frame) in SILENCE_FRAMES {
            assert_eq!(packet_samples(&frame), Some(samples));
        }
    }

    #[test]
    fn gaps_are_filled_and_covered_packets_dropped() {
        let mut w = OpusTrackWriter::new(Vec::new(), 1).unwrap();
        let p20 = vec![31 << 3, 1, 2, 3];
        assert!(w.push(0, p20.clone()).unwrap());
        assert_eq!(w.position(), 960);
        // 37.5 ms later (1800 samples), the gap is filled in 2.5 ms steps.
        assert!(w.push(960 + 1800 + 50, p20.clone()).unwrap());
        assert_eq!(w.position(), 960 + 1800 + 960);
        assert_eq!(w.stats.silence_frames, 4); // 20 + 10 + 5 + 2.5 = 37.5 ms
        // A duplicate, and an overlap of more than half, are dropped.
        assert!(!w.push(960 + 1800 + 50, p20.clone()).unwrap());
        assert!(!w.push(3720 - 500, p20.clone()).unwrap());
        // Less than half overlapping: written right after.
        assert!(w.push(3720 - 400, p20.clone()).unwrap());
        assert_eq!(w.position(), 3720 + 960);
        assert!(!w.push(10_000, vec![]).unwrap());
        let out = w.finish(48_000).unwrap();
        assert_eq!(&out[..4], b"OggS");
    }
}

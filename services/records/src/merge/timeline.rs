//! Where each packet of a track goes on the recording's timeline.
//!
//! # Timing model
//! - **T0** is the earliest arrival time over every packet of every track
//!   that goes into the output (both parties' audio, the client's video).
//!   The recording ends at the latest arrival (plus the duration of that
//!   last packet for audio). Both audio channels span T0..end exactly.
//! - Within a **segment** (one SSRC whose RTP timestamps continue), a
//!   packet's position is `anchor + (ts - ts0)`, with 32-bit timestamps
//!   extended across wraparound. A segment is **anchored** at the arrival
//!   time of its first packet (relative to T0, in clock units: 48 kHz for
//!   Opus, 90 kHz for video). So the sender's clock places packets within a
//!   segment (network jitter does not move them), and arrival times place
//!   segments against each other and against the other tracks.
//! - A new segment starts (re-anchoring on arrival) on a new SSRC, a new
//!   file (reconnect, gateway restart), or when the timestamp-derived
//!   position and the arrival position disagree by more than 500 ms
//!   (a sender restarting its timestamps, a long stall, clock drift).
//! - Packets are first put back in sequence order within a small bounded
//!   window ([`Reorder`]: at most 200 packets or 300 ms of arrivals), so
//!   memory stays bounded whatever the length of the call.

use std::collections::BTreeMap;

use vc_protocol::recording::RawPacket;

/// Extends 16-bit RTP sequence numbers to i64 across wraparound.
#[derive(Debug, Default, Clone)]
pub struct SeqExtender {
    highest: Option<i64>,
}

impl SeqExtender {
    pub fn extend(&mut self, seq: u16) -> i64 {
        let Some(highest) = self.highest else {
            self.highest = Some(i64::from(seq));
            return i64::from(seq);
        };
        // The wrapping difference from the highest seen, as a signed value.
        let delta = i64::from(seq.wrapping_sub(highest as u16) as i16);
        let value = highest + delta;
        if value > highest {
            self.highest = Some(value);
        }
        value
    }
}

/// Extends 32-bit RTP timestamps to i64 across wraparound.
#[derive(Debug, Default, Clone)]
pub struct TsExtender {
    highest: Option<i64>,
}

impl TsExtender {
    pub fn extend(&mut self, ts: u32) -> i64 {
        let Some(highest) = self.highest else {
            self.highest = Some(i64::from(ts));
            return i64::from(ts);
        };
        let delta = i64::from(ts.wrapping_sub(highest as u32) as i32);
        let value = highest + delta;
        if value > highest {
            self.highest = Some(value);
        }
        value
    }
}

/// Puts packets of one file back in sequence order within a bounded window.
/// Late packets (behind what was already released) and duplicates are
/// dropped. A new SSRC releases everything buffered first.
pub struct Reorder {
    buffer: BTreeMap<i64, RawPacket>,
    seq: SeqExtender,
    ssrc: Option<u32>,
    released: Option<i64>,
    newest_arrival: i64,
    max_packets: usize,
    max_wait_us: i64,
    pub dropped: u64,
}

impl Default for Reorder {
    fn default() -> Self {
        Self::new(200, 300_000)
    }
}

impl Reorder {
    pub fn new(max_packets: usize, max_wait_us: i64) -> Self {
        Self {
            buffer: BTreeMap::new(),
            seq: SeqExtender::default(),
            ssrc: None,
            released: None,
            newest_arrival: i64::MIN,
            max_packets: max_packets.max(1),
            max_wait_us,
            dropped: 0,
        }
    }

    /// Takes a packet; appends to `out` the packets now due, in order.
    pub fn push(&mut self, packet: RawPacket, out: &mut Vec<RawPacket>) {
        if self.ssrc != Some(packet.ssrc) {
            self.flush(out);
            self.ssrc = Some(packet.ssrc);
            self.seq = SeqExtender::default();
            self.released = None;
        }
        let ext = self.seq.extend(packet.seq);
        if self.released.is_some_and(|r| ext <= r) || self.buffer.contains_key(&ext) {
            self.dropped += 1;
            return;
        }
        self.newest_arrival = self.newest_arrival.max(packet.arrival_us);
        self.buffer.insert(ext, packet);
        loop {
            let full = self.buffer.len() > self.max_packets;
            let Some(entry) = self.buffer.first_entry() else { break };
            let next_in_line = self.released.is_some_and(|r| *entry.key() == r + 1);
            let waited = self.newest_arrival.saturating_sub(entry.get().arrival_us) > self.max_wait_us;
            if !(next_in_line || waited || full) {
                break;
            }
            self.released = Some(*entry.key());
            out.push(entry.remove());
        }
    }

    /// Releases everything buffered, in order.
    pub fn flush(&mut self, out: &mut Vec<RawPacket>) {
        while let Some((ext, packet)) = self.buffer.pop_first() {
            self.released = Some(ext);
            out.push(packet);
        }
    }
}

struct Segment {
    ssrc: u32,
    ts: TsExtender,
    ts0: i64,
    anchor: i64,
}

/// Positions packets of one track (see the module's timing model).
pub struct Timeline {
    rate: i64,
    t0_us: i64,
    max_skew: i64,
    segment: Option<Segment>,
    /// Segments started (re-anchorings included).
    pub segments: u64,
}

impl Timeline {
    /// `rate`: the RTP clock rate; `t0_us`: T0; positions are in clock
    /// units since T0.
    pub fn new(rate: u32, t0_us: i64) -> Self {
        let rate = i64::from(rate.max(1));
        Self { rate, t0_us, max_skew: rate / 2, segment: None, segments: 0 }
    }

    /// The next packets come from another file: start a new segment.
    pub fn new_file(&mut self) {
        self.segment = None;
    }

    /// Arrival time as a position, in clock units since T0.
    pub fn arrival_position(&self, arrival_us: i64) -> i64 {
        let micros = i128::from(arrival_us.saturating_sub(self.t0_us));
        i64::try_from(micros * i128::from(self.rate) / 1_000_000).unwrap_or(i64::MAX)
    }

    /// The position of a packet (or frame) with RTP timestamp `ts`.
    pub fn position(&mut self, ssrc: u32, ts: u32, arrival_us: i64) -> i64 {
        let arrival = self.arrival_position(arrival_us);
        if let Some(seg) = self.segment.as_mut().filter(|s| s.ssrc == ssrc) {
            let pos = seg.anchor.saturating_add(seg.ts.extend(ts) - seg.ts0);
            if pos.saturating_sub(arrival).saturating_abs() <= self.max_skew {
                return pos;
            }
        }
        let mut ext = TsExtender::default();
        let ts0 = ext.extend(ts);
        self.segment = Some(Segment { ssrc, ts: ext, ts0, anchor: arrival });
        self.segments += 1;
        arrival
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(seq: u16, arrival_us: i64) -> RawPacket {
        RawPacket {
            arrival_us,
            ssrc: 1,
            seq,
            timestamp: 0,
            marker: false,
            payload_type: 111,
            payload: vec![],
        }
    }

    #[test]
    fn extenders_wrap() {
        let mut s = SeqExtender::default();
        let got: Vec<i64> = [65534u16, 65535, 0, 65535, 1].iter().map(|&q| s.extend(q)).collect();
        assert_eq!(got, vec![65534, 65535, 65536, 65535, 65537]);
        let mut t = TsExtender::default();
        assert_eq!(t.extend(u32::MAX - 959), i64::from(u32::MAX - 959));
        assert_eq!(t.extend(0), i64::from(u32::MAX) + 1);
        assert_eq!(t.extend(960), i64::from(u32::MAX) + 961);
    }

    #[test]
    fn reorder_restores_order_and_drops_late_and_duplicates() {
        let mut r = Reorder::new(3, 1_000_000);
        let mut out = Vec::new();
        for (seq, at) in [(10, 0), (12, 1), (11, 2), (11, 3), (13, 4), (9, 5)] {
            r.push(packet(seq, at), &mut out);
        }
        // 10 waits (nothing released yet) until the window holds more than 3.
        r.flush(&mut out);
        let seqs: Vec<u16> = out.iter().map(|p| p.seq).collect();
        assert_eq!(seqs, vec![10, 11, 12, 13]);
        assert_eq!(r.dropped, 2); // the duplicate 11 and the late 9
    }

    #[test]
    fn reorder_releases_after_waiting() {
        let mut r = Reorder::new(200, 300_000);
        let mut out = Vec::new();
        r.push(packet(1, 0), &mut out);
        r.push(packet(3, 100_000), &mut out); // 2 is lost
        assert!(out.is_empty());
        r.push(packet(4, 350_000), &mut out);
        let seqs: Vec<u16> = out.iter().map(|p| p.seq).collect();
        assert_eq!(seqs, vec![1]);
        r.push(packet(5, 500_000), &mut out);
        let seqs: Vec<u16> = out.iter().map(|p| p.seq).collect();
        assert_eq!(seqs, vec![1, 3, 4, 5]);
    }

    #[test]
    fn timeline_anchors_and_reanchors() {
        let t0 = 1_000_000_000;
        let mut t = Timeline::new(48_000, t0);
        // First packet arrives 1 s after T0 with an arbitrary timestamp.
        assert_eq!(t.position(7, 4_000_000_000, t0 + 1_000_000), 48_000);
        // Jitter on arrival does not move packets within a segment.
        assert_eq!(t.position(7, 4_000_000_960, t0 + 1_080_000), 48_960);
        // Across the 32-bit wrap.
        let wrapped = 4_000_000_000u32.wrapping_add(400_000_000);
        let at = t0 + 1_000_000 + 400_000_000 * 1_000 / 48;
        assert_eq!(t.position(7, wrapped, at), 48_000 + 400_000_000);
        // Timestamps restarting: re-anchored on arrival.
        assert_eq!(t.position(7, 5, t0 + 10_000_000), 480_000);
        // A new SSRC: re-anchored on arrival.
        assert_eq!(t.position(8, 5, t0 + 11_000_000), 528_000);
        assert_eq!(t.segments, 3);
    }
}

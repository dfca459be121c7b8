//! Keeps a forwarded stream continuous for its receiver. The receiver sees
//! one SSRC per gateway track; when the source behind it changes (the other
//! party rejoined with a new peer connection) sequence numbers and
//! timestamps continue from where they were instead of jumping.

use std::time::Instant;

#[derive(Debug, Clone)]
pub struct StreamRewriter {
    clock_rate: u32,
    source: Option<u32>,
    seq_offset: u16,
    ts_offset: u32,
    /// Highest sequence number sent (after rewriting) and its timestamp.
    last_seq: u16,
    last_ts: u32,
    last_at: Option<Instant>,
}

/// `a` is newer than `b` in 16-bit sequence space.
fn seq_newer(a: u16, b: u16) -> bool {
    a != b && a.wrapping_sub(b) < 0x8000
}

impl StreamRewriter {
    pub fn new(clock_rate: u32) -> Self {
        Self { clock_rate, source: None, seq_offset: 0, ts_offset: 0, last_seq: 0, last_ts: 0, last_at: None }
    }

    /// The sequence number and timestamp to send for a packet of `source`.
    pub fn rewrite(&mut self, source: u32, seq: u16, ts: u32, now: Instant) -> (u16, u32) {
        if self.source != Some(source) {
            if let Some(last_at) = self.last_at {
                // Continue right after the last packet, advanced by the wall
                // time that passed (at least one tick).
                let elapsed = now.saturating_duration_since(last_at);
                let ticks = (elapsed.as_secs_f64() * f64::from(self.clock_rate)) as u32;
                let next_ts = self.last_ts.wrapping_add(ticks.max(1));
                self.seq_offset = self.last_seq.wrapping_add(1).wrapping_sub(seq);
                self.ts_offset = next_ts.wrapping_sub(ts);
            }
            self.source = Some(source);
        }
        let out_seq = seq.wrapping_add(self.seq_offset);
        let out_ts = ts.wrapping_add(self.ts_offset);
        if self.last_at.is_none() || seq_newer(out_seq, self.last_seq) {
            self.last_seq = out_seq;
            self.last_ts = out_ts;
            self.last_at = Some(now);
        }
        (out_seq, out_ts)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn first_source_passes_through() {
        let mut r = StreamRewriter::new(90_000);
        let now = Instant::now();
        assert_eq!(r.rewrite(1, 100, 5_000, now), (100, 5_000));
        assert_eq!(r.rewrite(1, 101, 8_000, now), (101, 8_000));
        // A retransmission of an older packet maps the same way.
        assert_eq!(r.rewrite(1, 100, 5_000, now), (100, 5_000));
    }

    #[test]
    fn a_new_source_continues_the_numbering() {
        let mut r = StreamRewriter::new(90_000);
        let t0 = Instant::now();
        r.rewrite(1, 65_534, 4_000_000_000, t0);
        r.rewrite(1, 65_535, 4_000_003_000, t0);
        // The other party rejoined: new SSRC, random numbering, 100 ms later.
        let t1 = t0 + Duration::from_millis(100);
        let (seq, ts) = r.rewrite(2, 1_234, 77, t1);
        assert_eq!(seq, 0, "wraps to the next sequence number");
        assert_eq!(ts, 4_000_003_000u32.wrapping_add(9_000), "advanced by 100 ms of 90 kHz");
        assert_eq!(r.rewrite(2, 1_235, 3_077, t1), (1, ts.wrapping_add(3_000)));
    }

    #[test]
    fn sequence_comparison_wraps() {
        assert!(seq_newer(1, 65_535));
        assert!(!seq_newer(65_535, 1));
        assert!(!seq_newer(5, 5));
    }
}

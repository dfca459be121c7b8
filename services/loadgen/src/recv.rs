//! What a party counts about the media it receives, per kind: packets,
//! losses from the sequence numbers of each SSRC (across the 16-bit wrap),
//! and the one-way latencies of stamped packets ([`crate::stamp`]).

use std::collections::HashMap;
use std::time::Instant;

/// Latency samples kept per kind and party; beyond this they are dropped
/// (a 20-minute run at 100 packets a second stays under it).
const MAX_SAMPLES: usize = 200_000;

/// Sequence numbers seen on one SSRC, extended past the 16-bit wrap.
#[derive(Debug, Clone, Copy)]
struct Stream {
    /// Lowest and highest extended sequence numbers seen.
    first: i64,
    highest: i64,
    received: u64,
}

/// Loss from sequence numbers, per SSRC: a stream expects every number
/// from the lowest to the highest it saw, so packets still in flight at the
/// end, or sent before the receiver was there, are not counted lost.
/// Duplicates (a retransmission of a packet that did arrive) count as
/// received, so they can hide as many losses.
#[derive(Debug, Clone, Default)]
pub struct SeqCounter {
    streams: HashMap<u32, Stream>,
}

impl SeqCounter {
    pub fn record(&mut self, ssrc: u32, seq: u16) {
        match self.streams.get_mut(&ssrc) {
            None => {
                let s = i64::from(seq);
                self.streams.insert(ssrc, Stream { first: s, highest: s, received: 1 });
            }
            Some(st) => {
                // The extended number nearest the highest so far: a step of
                // less than half the range either way, across the wrap.
                let delta = i64::from(seq.wrapping_sub(st.highest as u16) as i16);
                let ext = st.highest + delta;
                st.highest = st.highest.max(ext);
                st.first = st.first.min(ext);
                st.received += 1;
            }
        }
    }

    pub fn received(&self) -> u64 {
        self.streams.values().map(|s| s.received).sum()
    }

    /// Packets the sequence numbers say were sent (within what was seen).
    pub fn expected(&self) -> u64 {
        self.streams.values().map(|s| (s.highest - s.first + 1) as u64).sum()
    }

    pub fn lost(&self) -> u64 {
        self.streams.values().map(|s| ((s.highest - s.first + 1) as u64).saturating_sub(s.received)).sum()
    }

    pub fn ssrcs(&self) -> usize {
        self.streams.len()
    }
}

/// What arrived of one kind (audio or video).
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub packets: u64,
    pub seqs: SeqCounter,
    /// One-way latency of each stamped packet, in microseconds (at most
    /// 200,000 kept).
    pub latency_us: Vec<u32>,
    pub first_at: Option<Instant>,
}

impl Received {
    /// Counts a packet that arrived at `now` (`latency_us` if stamped).
    pub fn record(&mut self, now: Instant, ssrc: u32, seq: u16, latency_us: Option<u64>) {
        self.packets += 1;
        self.first_at.get_or_insert(now);
        self.seqs.record(ssrc, seq);
        if let Some(l) = latency_us
            && self.latency_us.len() < MAX_SAMPLES
        {
            self.latency_us.push(u32::try_from(l).unwrap_or(u32::MAX));
        }
    }
}

/// The `p`-th percentile (0..=100, nearest rank) of sorted samples.
pub fn percentile(sorted: &[u32], p: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p.clamp(0.0, 100.0) / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.saturating_sub(1).min(sorted.len() - 1)).copied()
}

/// p50 and p99 of unsorted samples, in microseconds.
pub fn p50_p99(samples: &[u32]) -> (Option<u32>, Option<u32>) {
    let mut s = samples.to_vec();
    s.sort_unstable();
    (percentile(&s, 50.0), percentile(&s, 99.0))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;

    fn counter(seqs: &[(u32, u16)]) -> SeqCounter {
        let mut c = SeqCounter::default();
        for &(ssrc, seq) in seqs {
            c.record(ssrc, seq);
        }
        c
    }

    #[test]
    fn no_loss_in_order() {
        let c = counter(&[(1, 10), (1, 11), (1, 12), (2, 500), (2, 501)]);
        assert_eq!((c.received(), c.expected(), c.lost(), c.ssrcs()), (5, 5, 0, 2));
    }

    #[test]
    fn gaps_are_lost_across_the_wrap() {
        // 65533, 65534, [65535 lost], 0, [1, 2 lost], 3
        let c = counter(&[(7, 65533), (7, 65534), (7, 0), (7, 3)]);
        assert_eq!((c.received(), c.expected(), c.lost()), (4, 7, 3));
        // Many wraps: every 1000th packet over 200,000 numbers.
        let mut c = SeqCounter::default();
        for i in (0..200_000u32).step_by(1000) {
            c.record(9, (i % 65536) as u16);
        }
        assert_eq!(c.expected(), 199_001);
        assert_eq!(c.lost(), 199_001 - 200);
    }

    #[test]
    fn late_and_reordered_packets_are_not_lost() {
        // 5 arrives after 6; 3 arrives after everything (before the first).
        let c = counter(&[(1, 4), (1, 6), (1, 5), (1, 7), (1, 3)]);
        assert_eq!((c.received(), c.expected(), c.lost()), (5, 5, 0));
        // Reordered across the wrap.
        let c = counter(&[(1, 65535), (1, 1), (1, 0), (1, 2)]);
        assert_eq!((c.expected(), c.lost()), (4, 0));
    }

    #[test]
    fn duplicates_never_make_loss_negative() {
        let c = counter(&[(1, 1), (1, 1), (1, 2)]);
        assert_eq!((c.received(), c.expected(), c.lost()), (3, 2, 0));
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let s: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&s, 50.0), Some(50));
        assert_eq!(percentile(&s, 99.0), Some(99));
        assert_eq!(percentile(&s, 100.0), Some(100));
        assert_eq!(percentile(&s, 0.0), Some(1));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[42], 99.0), Some(42));
        assert_eq!(p50_p99(&[5, 1, 3, 2, 4]), (Some(3), Some(5)));
    }

    #[test]
    fn received_counts_and_keeps_latencies() {
        let mut r = Received::default();
        let t = Instant::now();
        r.record(t, 1, 1, Some(1500));
        r.record(t, 1, 3, None);
        assert_eq!((r.packets, r.seqs.lost(), r.latency_us.clone(), r.first_at), (2, 1, vec![1500], Some(t)));
    }
}

//! Per-stream counters the forwarder keeps (and per-leg counters of the
//! data-channel relay), turned into the `stats` event every few seconds.

use std::time::Instant;

use vc_protocol::media::TrackStats;

/// Packets, bytes and frames of one stream, with the values at the last
/// report to compute rates.
#[derive(Debug, Clone, Default)]
pub struct StreamCounters {
    pub packets: u64,
    pub bytes: u64,
    pub frames: u64,
    /// Highest extended sequence number seen, and the first one.
    highest_seq: Option<u64>,
    first_seq: Option<u64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    last: Option<Snapshot>,
    /// What [`StreamCounters::unexported`] handed out so far.
    exported: Exported,
}

/// Packets, payload bytes and lost packets of one stream not yet added to
/// the Prometheus counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exported {
    pub packets: u64,
    pub bytes: u64,
    pub lost: u64,
}

#[derive(Debug, Clone, Copy)]
struct Snapshot {
    at: Instant,
    packets: u64,
    bytes: u64,
    frames: u64,
    expected: u64,
}

impl StreamCounters {
    /// One packet of `bytes` payload with sequence number `seq`; `marker`
    /// ends a video frame.
    pub fn on_packet(&mut self, seq: u16, bytes: usize, marker: bool) {
        self.packets += 1;
        self.bytes += bytes as u64;
        if marker {
            self.frames += 1;
        }
        let ext = match self.highest_seq {
            None => u64::from(seq),
            Some(high) => {
                // Extend to 64 bits around the highest seen so far.
                let cycles = high & !0xFFFF;
                let candidates = [cycles.wrapping_sub(0x10000), cycles, cycles + 0x10000];
                candidates
                    .into_iter()
                    .map(|c| c | u64::from(seq))
                    .min_by_key(|v| v.abs_diff(high))
                    .unwrap_or(u64::from(seq))
            }
        };
        if self.first_seq.is_none() {
            self.first_seq = Some(ext);
        }
        if self.highest_seq.is_none_or(|h| ext > h) {
            self.highest_seq = Some(ext);
        }
    }

    /// Packets the sender sent so far, judging by sequence numbers.
    pub fn expected(&self) -> u64 {
        match (self.first_seq, self.highest_seq) {
            (Some(first), Some(high)) => high - first + 1,
            _ => 0,
        }
    }

    pub fn lost(&self) -> u64 {
        self.expected().saturating_sub(self.packets)
    }

    /// The counts since the last call, for counters that only grow: `lost`
    /// shrinks when a late packet arrives, so only a new high is exported.
    pub fn unexported(&mut self) -> Exported {
        let (lost, prev) = (self.lost(), self.exported);
        let delta = Exported {
            packets: self.packets - prev.packets,
            bytes: self.bytes - prev.bytes,
            lost: lost.saturating_sub(prev.lost),
        };
        self.exported = Exported { packets: self.packets, bytes: self.bytes, lost: lost.max(prev.lost) };
        delta
    }

    /// The stats since the last call (the first call reports since start).
    pub fn report(&mut self, kind: &str, now: Instant, with_fps: bool) -> TrackStats {
        let prev = self.last.unwrap_or(Snapshot { at: now, packets: 0, bytes: 0, frames: 0, expected: 0 });
        let secs = now.duration_since(prev.at).as_secs_f64();
        let expected = self.expected();
        let interval_expected = expected.saturating_sub(prev.expected);
        let interval_received = self.packets.saturating_sub(prev.packets);
        let loss = if interval_expected == 0 {
            0.0
        } else {
            (interval_expected.saturating_sub(interval_received) as f64 / interval_expected as f64)
                .clamp(0.0, 1.0)
        };
        let rate = |delta: u64| if secs > 0.0 { delta as f64 / secs } else { 0.0 };
        let stats = TrackStats {
            kind: kind.into(),
            bitrate_kbps: rate(self.bytes.saturating_sub(prev.bytes)) * 8.0 / 1000.0,
            packets: self.packets,
            packets_lost: self.lost(),
            loss,
            jitter_ms: None,
            width: self.width,
            height: self.height,
            fps: with_fps.then(|| rate(self.frames.saturating_sub(prev.frames))),
        };
        self.last = Some(Snapshot {
            at: now,
            packets: self.packets,
            bytes: self.bytes,
            frames: self.frames,
            expected,
        });
        stats
    }
}

/// Data-channel messages on one leg: those a party sent (and how many of
/// them the relay dropped), or those the relay delivered to it. Reported as
/// a `TrackStats` of kind `data`: `packets` are messages, `packets_lost`
/// the dropped ones, `loss` their share over the interval.
#[derive(Debug, Clone, Default)]
pub struct MessageCounters {
    pub messages: u64,
    pub bytes: u64,
    pub dropped: u64,
    last: Option<MessageSnapshot>,
}

#[derive(Debug, Clone, Copy)]
struct MessageSnapshot {
    at: Instant,
    messages: u64,
    bytes: u64,
    dropped: u64,
}

impl MessageCounters {
    pub fn on_message(&mut self, bytes: usize, dropped: bool) {
        self.messages += 1;
        self.bytes += bytes as u64;
        if dropped {
            self.dropped += 1;
        }
    }

    /// Whether there is anything to report.
    pub fn is_empty(&self) -> bool {
        self.messages == 0
    }

    /// The stats since the last call (the first call reports since start).
    pub fn report(&mut self, now: Instant) -> TrackStats {
        let prev = self.last.unwrap_or(MessageSnapshot { at: now, messages: 0, bytes: 0, dropped: 0 });
        let secs = now.duration_since(prev.at).as_secs_f64();
        let messages = self.messages.saturating_sub(prev.messages);
        let dropped = self.dropped.saturating_sub(prev.dropped);
        let bytes = self.bytes.saturating_sub(prev.bytes);
        let stats = TrackStats {
            kind: "data".into(),
            bitrate_kbps: if secs > 0.0 { bytes as f64 * 8.0 / 1000.0 / secs } else { 0.0 },
            packets: self.messages,
            packets_lost: self.dropped,
            loss: if messages == 0 { 0.0 } else { (dropped as f64 / messages as f64).clamp(0.0, 1.0) },
            ..Default::default()
        };
        self.last = Some(MessageSnapshot {
            at: now,
            messages: self.messages,
            bytes: self.bytes,
            dropped: self.dropped,
        });
        stats
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn loss_is_counted_from_sequence_gaps_across_wrap() {
        let mut c = StreamCounters::default();
        for seq in [65_533u16, 65_534, 0, 1, 3] {
            c.on_packet(seq, 100, false);
        }
        // 65533..=3 is 7 packets, 5 arrived.
        assert_eq!(c.expected(), 7);
        assert_eq!(c.lost(), 2);
    }

    #[test]
    fn rates_cover_the_interval() {
        let mut c = StreamCounters::default();
        let t0 = Instant::now();
        c.report("video", t0, true);
        for seq in 0..30u16 {
            c.on_packet(seq, 1_000, seq % 3 == 2);
        }
        let s = c.report("video", t0 + Duration::from_secs(1), true);
        assert_eq!(s.packets, 30);
        assert!((s.bitrate_kbps - 240.0).abs() < 1e-6);
        assert_eq!(s.fps, Some(10.0));
        assert_eq!(s.loss, 0.0);
    }

    #[test]
    fn exports_are_deltas_that_never_go_back() {
        let mut c = StreamCounters::default();
        for seq in [0u16, 1, 4] {
            c.on_packet(seq, 10, false);
        }
        assert_eq!(c.unexported(), Exported { packets: 3, bytes: 30, lost: 2 });
        // 2 arrives late: fewer lost now, but a counter does not shrink.
        c.on_packet(2, 10, false);
        assert_eq!(c.unexported(), Exported { packets: 1, bytes: 10, lost: 0 });
        c.on_packet(7, 10, false);
        assert_eq!(c.unexported(), Exported { packets: 1, bytes: 10, lost: 1 });
        assert_eq!(c.unexported(), Exported::default());
    }

    #[test]
    fn data_messages_report_drops_per_interval() {
        let mut c = MessageCounters::default();
        let t0 = Instant::now();
        c.report(t0);
        for i in 0..10 {
            c.on_message(100, i < 2);
        }
        let s = c.report(t0 + Duration::from_secs(1));
        assert_eq!((s.kind.as_str(), s.packets, s.packets_lost), ("data", 10, 2));
        assert!((s.loss - 0.2).abs() < 1e-9);
        assert!((s.bitrate_kbps - 8.0).abs() < 1e-9);
        let s = c.report(t0 + Duration::from_secs(2));
        assert_eq!((s.packets, s.packets_lost, s.loss), (10, 2, 0.0), "totals stay, the interval is quiet");
    }
}

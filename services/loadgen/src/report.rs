//! Per-call reports (setup time, packets sent, received and lost, one-way
//! latency) from the parties' stats, and totals over a run; as JSON or one
//! line of text each.

use std::fmt;
use std::time::Instant;

use serde::Serialize;

use crate::party::PartyStats;
use crate::recv::{Received, p50_p99};

/// One kind of media over both directions of a call.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KindReport {
    pub sent: u64,
    pub received: u64,
    pub lost: u64,
    pub latency_p50_ms: Option<f64>,
    pub latency_p99_ms: Option<f64>,
}

/// One call: both parties' sending and receiving.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CallReport {
    pub call: String,
    /// From the start of the call's signaling until both connections were
    /// up (ICE + DTLS); `None` if one never was.
    pub setup_ms: Option<f64>,
    /// Until both parties had received media.
    pub first_media_ms: Option<f64>,
    pub sent: u64,
    pub received: u64,
    /// From sequence-number gaps of what was received.
    pub lost: u64,
    /// `lost / (received + lost)`, in percent.
    pub loss_pct: f64,
    pub latency_p50_ms: Option<f64>,
    pub latency_p99_ms: Option<f64>,
    pub audio: KindReport,
    pub video: KindReport,
    /// `collab` messages sent and received (with `CallSpec::pointer_hz`).
    pub collab_sent: u64,
    pub collab_received: u64,
    /// Why a party's call ended early, if one did.
    pub closed: Vec<String>,
    /// Every latency sample (µs) of the call, for totals over calls.
    #[serde(skip)]
    pub latency_us: Vec<u32>,
}

fn ms(us: Option<u32>) -> Option<f64> {
    us.map(|u| f64::from(u) / 1000.0)
}

fn since_ms(t0: Instant, at: Option<Instant>) -> Option<f64> {
    at.map(|t| t.saturating_duration_since(t0).as_secs_f64() * 1000.0)
}

/// The later of the parties' times; `None` if any party lacks one.
fn all_by(t0: Instant, parties: &[&PartyStats], at: impl Fn(&PartyStats) -> Option<Instant>) -> Option<f64> {
    parties.iter().map(|p| since_ms(t0, at(p))).try_fold(0.0f64, |m, t| t.map(|t| m.max(t)))
}

pub fn loss_pct(received: u64, lost: u64) -> f64 {
    let expected = received + lost;
    if expected == 0 { 0.0 } else { lost as f64 * 100.0 / expected as f64 }
}

fn kind(sent: u64, received: &[&Received]) -> KindReport {
    let samples: Vec<u32> = received.iter().flat_map(|r| r.latency_us.iter().copied()).collect();
    let (p50, p99) = p50_p99(&samples);
    KindReport {
        sent,
        received: received.iter().map(|r| r.packets).sum(),
        lost: received.iter().map(|r| r.seqs.lost()).sum(),
        latency_p50_ms: ms(p50),
        latency_p99_ms: ms(p99),
    }
}

impl CallReport {
    /// The report of a call that started (its signaling) at `t0`.
    pub fn new(call: impl Into<String>, t0: Instant, parties: &[&PartyStats]) -> Self {
        let audio = kind(
            parties.iter().map(|p| p.sent_audio).sum(),
            &parties.iter().map(|p| &p.audio).collect::<Vec<_>>(),
        );
        let video = kind(
            parties.iter().map(|p| p.sent_video).sum(),
            &parties.iter().map(|p| &p.video).collect::<Vec<_>>(),
        );
        let latency_us: Vec<u32> = parties
            .iter()
            .flat_map(|p| p.audio.latency_us.iter().chain(&p.video.latency_us).copied())
            .collect();
        let (p50, p99) = p50_p99(&latency_us);
        let (received, lost) = (audio.received + video.received, audio.lost + video.lost);
        CallReport {
            call: call.into(),
            setup_ms: all_by(t0, parties, |p| p.connected_at),
            first_media_ms: all_by(t0, parties, |p| p.first_media_at),
            sent: audio.sent + video.sent,
            received,
            lost,
            loss_pct: loss_pct(received, lost),
            latency_p50_ms: ms(p50),
            latency_p99_ms: ms(p99),
            audio,
            video,
            collab_sent: parties.iter().map(|p| p.collab_sent).sum(),
            collab_received: parties.iter().map(|p| p.collab_received).sum(),
            closed: parties.iter().filter_map(|p| p.closed_reason.clone()).collect(),
            latency_us,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

struct Ms(Option<f64>);

impl fmt::Display for Ms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(v) => write!(f, "{v:.2} ms"),
            None => f.write_str("-"),
        }
    }
}

impl fmt::Display for CallReport {
    /// One line: `call-1: setup 80.10 ms, media 95.30 ms; sent 2400, received 2398, lost 0 (0.00%); latency p50 0.61 ms p99 1.90 ms`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: setup {}, media {}; sent {}, received {}, lost {} ({:.2}%); latency p50 {} p99 {}",
            self.call,
            Ms(self.setup_ms),
            Ms(self.first_media_ms),
            self.sent,
            self.received,
            self.lost,
            self.loss_pct,
            Ms(self.latency_p50_ms),
            Ms(self.latency_p99_ms)
        )?;
        if self.collab_sent > 0 {
            write!(f, "; pointer moves sent {}, received {}", self.collab_sent, self.collab_received)?;
        }
        if !self.closed.is_empty() {
            write!(f, "; closed: {}", self.closed.join(", "))?;
        }
        Ok(())
    }
}

/// Totals over the calls of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub calls: usize,
    /// Calls whose both parties connected.
    pub connected: usize,
    pub sent: u64,
    pub received: u64,
    pub lost: u64,
    pub loss_pct: f64,
    /// Over every sample of every call.
    pub latency_p50_ms: Option<f64>,
    pub latency_p99_ms: Option<f64>,
    /// Median and worst setup of the connected calls.
    pub setup_p50_ms: Option<f64>,
    pub setup_max_ms: Option<f64>,
}

impl Summary {
    pub fn of(calls: &[CallReport]) -> Self {
        let samples: Vec<u32> = calls.iter().flat_map(|c| c.latency_us.iter().copied()).collect();
        let (p50, p99) = p50_p99(&samples);
        let mut setups: Vec<f64> = calls.iter().filter_map(|c| c.setup_ms).collect();
        setups.sort_by(f64::total_cmp);
        let (received, lost) = (calls.iter().map(|c| c.received).sum(), calls.iter().map(|c| c.lost).sum());
        Summary {
            calls: calls.len(),
            connected: setups.len(),
            sent: calls.iter().map(|c| c.sent).sum(),
            received,
            lost,
            loss_pct: loss_pct(received, lost),
            latency_p50_ms: ms(p50),
            latency_p99_ms: ms(p99),
            setup_p50_ms: setups.get(setups.len().saturating_sub(1) / 2).copied(),
            setup_max_ms: setups.last().copied(),
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} calls ({} connected): sent {}, received {}, lost {} ({:.3}%); latency p50 {} p99 {}; setup p50 {} max {}",
            self.calls,
            self.connected,
            self.sent,
            self.received,
            self.lost,
            self.loss_pct,
            Ms(self.latency_p50_ms),
            Ms(self.latency_p99_ms),
            Ms(self.setup_p50_ms),
            Ms(self.setup_max_ms)
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use std::time::Duration;

    use super::*;

    fn party(
        t0: Instant,
        connected_ms: Option<u64>,
        seqs: std::ops::Range<u16>,
        skip: u16,
        lat_us: u64,
    ) -> PartyStats {
        let mut p = PartyStats {
            sent_audio: 100,
            sent_video: 200,
            connected_at: connected_ms.map(|m| t0 + Duration::from_millis(m)),
            ..PartyStats::default()
        };
        let at = t0 + Duration::from_millis(500);
        for s in seqs {
            if s != skip {
                p.video.record(at, 5, s, Some(lat_us));
            }
        }
        p.first_media_at = p.video.first_at;
        p
    }

    #[test]
    fn a_call_adds_up_both_parties() {
        let t0 = Instant::now();
        let a = party(t0, Some(80), 0..100, 50, 1000);
        let b = party(t0, Some(120), 0..100, 7, 3000);
        let r = CallReport::new("call-1", t0, &[&a, &b]);
        assert_eq!((r.sent, r.received, r.lost), (600, 198, 2));
        assert_eq!(r.setup_ms, Some(120.0));
        assert_eq!(r.first_media_ms, Some(500.0));
        assert!((r.loss_pct - 1.0).abs() < 1e-9);
        assert_eq!((r.latency_p50_ms, r.latency_p99_ms), (Some(1.0), Some(3.0)));
        assert_eq!((r.video.received, r.audio.received, r.audio.sent), (198, 0, 200));
        assert_eq!(r.latency_us.len(), 198);
        let line = r.to_string();
        assert!(
            line.starts_with(
                "call-1: setup 120.00 ms, media 500.00 ms; sent 600, received 198, lost 2 (1.00%)"
            ),
            "{line}"
        );
        let json = r.to_json();
        assert_eq!(json["lost"], 2);
        assert!(json.get("latency_us").is_none(), "samples stay out of the JSON");

        // A party that never connected: no setup time.
        let c = party(t0, None, 0..0, 0, 0);
        let r2 = CallReport::new("call-2", t0, &[&a, &c]);
        assert_eq!((r2.setup_ms, r2.first_media_ms), (None, None));
        assert_eq!(r2.to_string().split(';').next().unwrap(), "call-2: setup -, media -");

        let s = Summary::of(&[r, r2]);
        assert_eq!((s.calls, s.connected, s.received, s.lost), (2, 1, 297, 3));
        assert_eq!((s.setup_p50_ms, s.setup_max_ms), (Some(120.0), Some(120.0)));
        assert_eq!(s.latency_p99_ms, Some(3.0));
    }

    #[test]
    fn loss_of_nothing_is_zero() {
        assert_eq!(loss_pct(0, 0), 0.0);
        assert_eq!(loss_pct(99, 1), 1.0);
    }
}

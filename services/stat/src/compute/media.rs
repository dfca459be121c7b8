//! The gateway's 5-second samples turned into per-direction aggregates and
//! the time series.
//!
//! A direction has a sender and a receiver. Its bitrate, frame size and
//! frame rate are what the gateway received from the sender (the sender's
//! `inbound` track); its loss combines the sender's leg (the sender's
//! `inbound` loss, measured by the gateway) with the receiver's leg (the
//! receiver's `outbound` loss, as the receiver reports it): `1 - (1-a)(1-b)`;
//! its jitter is the receiver's (`outbound`), else the gateway's on the
//! sender's leg. A receiver's sample is paired with the sender's nearest
//! one within [`PAIR_WINDOW_MS`].

use chrono::{DateTime, Duration, Utc};
use vc_protocol::interaction::Party;
use vc_protocol::media::{PeerStats, TrackStats};
use vc_protocol::stat::{Direction, DirectionMetrics, MediaAggregate, MetricsPoint, MinAvgMax};

use super::acc::{Acc, Mode};

/// The gateway reports every 5 s.
pub const INTERVAL_MS: i64 = 5_000;
/// Samples of the two parties at most this far apart describe the same moment.
pub const PAIR_WINDOW_MS: i64 = 3_000;

/// One `stats` event of the gateway.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub role: Party,
    pub stats: PeerStats,
}

/// Which samples count towards the aggregates: those whose interval ends
/// after the call became active and at most one interval after it ended.
/// A call that never became active has none.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub active: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
}

impl Window {
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.active.is_some_and(|a| at > a)
            && self.ended.is_none_or(|e| at <= e + Duration::milliseconds(INTERVAL_MS))
    }

    /// Which samples the series shows: the window plus the interval before
    /// the start (negative `t`); every sample of a call that never became
    /// active.
    pub fn shows(&self, at: DateTime<Utc>) -> bool {
        let interval = Duration::milliseconds(INTERVAL_MS);
        self.active.is_none_or(|a| at > a - interval) && self.ended.is_none_or(|e| at <= e + interval)
    }
}

/// Everything the samples give.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaMetrics {
    pub client_to_agent: DirectionMetrics,
    pub agent_to_client: DirectionMetrics,
    pub agent_rtt_ms: Option<MinAvgMax>,
    pub client_rtt_ms: Option<MinAvgMax>,
    pub series: Vec<MetricsPoint>,
    /// Samples inside the window (either party).
    pub in_call: u32,
}

/// The track of `kind` (the busiest, should there be several).
fn track<'a>(tracks: &'a [TrackStats], kind: &str) -> Option<&'a TrackStats> {
    tracks.iter().filter(|t| t.kind == kind).max_by(|a, b| a.bitrate_kbps.total_cmp(&b.bitrate_kbps))
}

/// Jitter above this is not a measurement but a unit error (rtc 0.21 keeps
/// jitter in RTP timestamp units, which the gateway reads as seconds) and
/// is ignored.
pub const MAX_PLAUSIBLE_JITTER_MS: f64 = 10_000.0;

fn plausible_jitter(j: Option<f64>) -> Option<f64> {
    j.filter(|j| j.is_finite() && (0.0..=MAX_PLAUSIBLE_JITTER_MS).contains(j))
}

/// Loss over two legs in a row, percent.
pub fn combined_loss_pct(sender_leg: f64, receiver_leg: Option<f64>) -> f64 {
    let a = sender_leg.clamp(0.0, 1.0);
    let b = receiver_leg.unwrap_or(0.0).clamp(0.0, 1.0);
    (1.0 - (1.0 - a) * (1.0 - b)) * 100.0
}

/// The sample of `samples` nearest to `at`, within the pair window.
fn nearest<'a>(samples: &[&'a Sample], at: DateTime<Utc>) -> Option<&'a Sample> {
    samples
        .iter()
        .map(|s| (s, (s.at - at).num_milliseconds().abs()))
        .filter(|(_, d)| *d <= PAIR_WINDOW_MS)
        .min_by_key(|(_, d)| *d)
        .map(|(s, _)| *s)
}

/// One kind of media of one direction at one moment.
#[derive(Debug, Clone, Copy, Default)]
struct KindPoint {
    kbps: Option<f64>,
    /// Only while media flowed (kbps > 0).
    loss_pct: Option<f64>,
    jitter_ms: Option<f64>,
    height: Option<u32>,
    width: Option<u32>,
    fps: Option<f64>,
}

fn kind_point(kind: &str, sender: &Sample, receiver: Option<&Sample>) -> KindPoint {
    let Some(sent) = track(&sender.stats.inbound, kind) else { return KindPoint::default() };
    let relayed = receiver.and_then(|r| track(&r.stats.outbound, kind));
    let flowing = sent.bitrate_kbps > 0.0;
    KindPoint {
        kbps: Some(sent.bitrate_kbps),
        loss_pct: flowing.then(|| combined_loss_pct(sent.loss, relayed.map(|r| r.loss))),
        jitter_ms: flowing
            .then(|| plausible_jitter(relayed.and_then(|r| r.jitter_ms)).or(plausible_jitter(sent.jitter_ms)))
            .flatten(),
        height: sent.height.filter(|_| flowing),
        width: sent.width.filter(|_| flowing),
        fps: sent.fps.filter(|_| flowing),
    }
}

#[derive(Default)]
struct KindAcc {
    kbps: Acc,
    loss: Acc,
    jitter: Acc,
    height: Acc,
    width: Mode,
    fps: Acc,
}

impl KindAcc {
    /// Intervals in which the sender sent nothing of this kind (muted,
    /// camera off, reconnecting) are left out.
    fn push(&mut self, p: &KindPoint) {
        if !p.kbps.is_some_and(|k| k > 0.0) {
            return;
        }
        self.kbps.push_opt(p.kbps);
        self.loss.push_opt(p.loss_pct);
        self.jitter.push_opt(p.jitter_ms);
        self.height.push_opt(p.height.map(f64::from));
        if let Some(w) = p.width {
            self.width.push(w);
        }
        self.fps.push_opt(p.fps);
    }

    fn finish(&self) -> MediaAggregate {
        MediaAggregate {
            bitrate_kbps: self.kbps.finish(),
            loss_pct: self.loss.finish(),
            jitter_ms: self.jitter.finish(),
            height: self.height.finish(),
            width: self.width.finish(),
            fps: self.fps.finish(),
        }
    }
}

fn rtt_sum(sender: &Sample, receiver: Option<&Sample>) -> Option<f64> {
    Some(sender.stats.rtt_ms? + receiver?.stats.rtt_ms?)
}

/// Aggregates and series of both directions. The series' `t` counts from
/// the call's start (else from its first sample); it holds the samples
/// [`Window::shows`], the aggregates those it [`Window::contains`].
pub fn media(samples: &[Sample], window: Window) -> MediaMetrics {
    let mut sorted: Vec<&Sample> = samples.iter().collect();
    sorted.sort_by_key(|s| s.at);
    let of = |party: Party| sorted.iter().copied().filter(|s| s.role == party).collect::<Vec<_>>();
    let (agent, client) = (of(Party::Agent), of(Party::Client));
    let t0 = window.active.or_else(|| sorted.first().map(|s| s.at));
    let mut out = MediaMetrics {
        in_call: u32::try_from(sorted.iter().filter(|s| window.contains(s.at)).count()).unwrap_or(u32::MAX),
        ..Default::default()
    };
    let rtt = |party: &[&Sample]| {
        let mut acc = Acc::default();
        for s in party.iter().filter(|s| window.contains(s.at)) {
            acc.push_opt(s.stats.rtt_ms);
        }
        acc.finish()
    };
    out.agent_rtt_ms = rtt(&agent);
    out.client_rtt_ms = rtt(&client);
    for (direction, sender, receiver) in
        [(Direction::ClientToAgent, &client, &agent), (Direction::AgentToClient, &agent, &client)]
    {
        let (mut audio, mut video) = (KindAcc::default(), KindAcc::default());
        for s in sender.iter() {
            let r = nearest(receiver, s.at);
            let a = kind_point("audio", s, r);
            let v = kind_point("video", s, r);
            if window.contains(s.at) {
                audio.push(&a);
                video.push(&v);
            }
            if (a.kbps.is_none() && v.kbps.is_none()) || !window.shows(s.at) {
                continue;
            }
            out.series.push(MetricsPoint {
                at: s.at,
                t: t0.map(|t0| (s.at - t0).num_milliseconds() as f64 / 1000.0).unwrap_or(0.0),
                direction,
                video_kbps: v.kbps,
                audio_kbps: a.kbps,
                video_loss_pct: v.loss_pct,
                audio_loss_pct: a.loss_pct,
                jitter_ms: a.jitter_ms.or(v.jitter_ms),
                rtt_ms: rtt_sum(s, r),
                height: v.height,
                fps: v.fps,
            });
        }
        let metrics = DirectionMetrics { audio: audio.finish(), video: video.finish() };
        match direction {
            Direction::ClientToAgent => out.client_to_agent = metrics,
            Direction::AgentToClient => out.agent_to_client = metrics,
        }
    }
    out.series.sort_by(|a, b| {
        a.at.cmp(&b.at).then_with(|| direction_order(a.direction).cmp(&direction_order(b.direction)))
    });
    out
}

fn direction_order(d: Direction) -> u8 {
    match d {
        Direction::ClientToAgent => 0,
        Direction::AgentToClient => 1,
    }
}

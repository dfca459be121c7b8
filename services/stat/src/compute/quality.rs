//! The quality verdict: issues found against fixed thresholds, and a
//! rating. The thresholds are documented in `docs/stats.md`; change both
//! together.

use vc_protocol::stat::{DirectionMetrics, Quality, QualityIssue, QualityRating, Reconnects};

/// Video loss, percent: an issue above this average ...
pub const VIDEO_LOSS_AVG_PCT: f64 = 2.0;
/// ... or above this in any sample ...
pub const VIDEO_LOSS_MAX_PCT: f64 = 10.0;
/// ... and severe above this average.
pub const VIDEO_LOSS_SEVERE_PCT: f64 = 5.0;
/// Audio loss, percent: an issue above this average, severe above the next.
pub const AUDIO_LOSS_AVG_PCT: f64 = 3.0;
pub const AUDIO_LOSS_SEVERE_PCT: f64 = 8.0;
/// Video bitrate, kbit/s (while video flowed): an issue below this average,
/// severe below the next.
pub const VIDEO_KBPS_LOW: f64 = 250.0;
pub const VIDEO_KBPS_SEVERE: f64 = 150.0;
/// Average frame height below this, pixels.
pub const HEIGHT_LOW: f64 = 360.0;
/// Average frames per second below this.
pub const FPS_LOW: f64 = 12.0;
/// Round trip sender → gateway → receiver (both parties' averages added),
/// ms: an issue above this, severe above the next.
pub const RTT_HIGH_MS: f64 = 300.0;
pub const RTT_SEVERE_MS: f64 = 500.0;
/// Average jitter at the receiver (audio or video), ms.
pub const JITTER_HIGH_MS: f64 = 30.0;

/// Issues of one direction, and whether one of them is severe.
pub fn direction_issues(d: &DirectionMetrics, rtt_avg_ms: Option<f64>) -> (Vec<QualityIssue>, bool) {
    let mut issues = Vec::new();
    let mut severe = false;
    let mut flag = |issue: QualityIssue, hit: bool, is_severe: bool| {
        if hit {
            issues.push(issue);
            severe |= is_severe;
        }
    };
    if let Some(l) = d.video.loss_pct {
        flag(
            QualityIssue::VideoLoss,
            l.avg > VIDEO_LOSS_AVG_PCT || l.max > VIDEO_LOSS_MAX_PCT,
            l.avg > VIDEO_LOSS_SEVERE_PCT,
        );
    }
    if let Some(l) = d.audio.loss_pct {
        flag(QualityIssue::AudioLoss, l.avg > AUDIO_LOSS_AVG_PCT, l.avg > AUDIO_LOSS_SEVERE_PCT);
    }
    if let Some(b) = d.video.bitrate_kbps {
        flag(QualityIssue::LowBitrate, b.avg < VIDEO_KBPS_LOW, b.avg < VIDEO_KBPS_SEVERE);
    }
    if let Some(h) = d.video.height {
        flag(QualityIssue::LowResolution, h.avg < HEIGHT_LOW, false);
    }
    if let Some(f) = d.video.fps {
        flag(QualityIssue::LowFrameRate, f.avg < FPS_LOW, false);
    }
    if let Some(rtt) = rtt_avg_ms {
        flag(QualityIssue::HighRtt, rtt > RTT_HIGH_MS, rtt > RTT_SEVERE_MS);
    }
    let jitter = [d.audio.jitter_ms, d.video.jitter_ms].into_iter().flatten().any(|j| j.avg > JITTER_HIGH_MS);
    flag(QualityIssue::HighJitter, jitter, false);
    (issues, severe)
}

/// What the verdict is made of.
pub struct Inputs<'a> {
    pub client_to_agent: &'a DirectionMetrics,
    pub agent_to_client: &'a DirectionMetrics,
    pub agent_rtt_avg_ms: Option<f64>,
    pub client_rtt_avg_ms: Option<f64>,
    pub reconnects: Reconnects,
    /// Samples taken while the call was active.
    pub in_call_samples: u32,
}

/// The call's verdict: `unknown` without samples from the active call;
/// `poor` with a severe issue (loss, bitrate or round trip); `fair` with
/// any issue (a reconnect included); `good` otherwise.
pub fn verdict(i: &Inputs<'_>) -> Quality {
    if i.in_call_samples == 0 {
        return Quality { rating: QualityRating::Unknown, issues: Vec::new() };
    }
    let path_rtt = match (i.agent_rtt_avg_ms, i.client_rtt_avg_ms) {
        (Some(a), Some(c)) => Some(a + c),
        (a, c) => a.or(c),
    };
    let (mut issues, s1) = direction_issues(i.client_to_agent, path_rtt);
    let (more, s2) = direction_issues(i.agent_to_client, path_rtt);
    issues.extend(more);
    if i.reconnects.agent + i.reconnects.client > 0 {
        issues.push(QualityIssue::Reconnects);
    }
    issues.sort();
    issues.dedup();
    let rating = if s1 || s2 {
        QualityRating::Poor
    } else if issues.is_empty() {
        QualityRating::Good
    } else {
        QualityRating::Fair
    };
    Quality { rating, issues }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vc_protocol::stat::{MediaAggregate, MinAvgMax};

    fn mam(avg: f64) -> Option<MinAvgMax> {
        Some(MinAvgMax { min: avg, avg, max: avg })
    }

    fn healthy() -> DirectionMetrics {
        DirectionMetrics {
            audio: MediaAggregate {
                bitrate_kbps: mam(32.0),
                loss_pct: mam(0.5),
                jitter_ms: mam(8.0),
                ..Default::default()
            },
            video: MediaAggregate {
                bitrate_kbps: mam(1200.0),
                loss_pct: mam(0.3),
                jitter_ms: mam(10.0),
                height: mam(720.0),
                width: Some(1280),
                fps: mam(29.0),
            },
        }
    }

    fn inputs<'a>(c2a: &'a DirectionMetrics, a2c: &'a DirectionMetrics) -> Inputs<'a> {
        Inputs {
            client_to_agent: c2a,
            agent_to_client: a2c,
            agent_rtt_avg_ms: Some(20.0),
            client_rtt_avg_ms: Some(60.0),
            reconnects: Reconnects::default(),
            in_call_samples: 24,
        }
    }

    #[test]
    fn a_clean_call_is_good_and_one_without_samples_unknown() {
        let (a, b) = (healthy(), healthy());
        assert_eq!(verdict(&inputs(&a, &b)), Quality { rating: QualityRating::Good, issues: vec![] });
        let mut i = inputs(&a, &b);
        i.in_call_samples = 0;
        assert_eq!(verdict(&i).rating, QualityRating::Unknown);
    }

    #[test]
    fn mild_issues_make_it_fair() {
        let (mut a, b) = (healthy(), healthy());
        a.video.loss_pct = Some(MinAvgMax { min: 0.0, avg: 1.0, max: 12.0 });
        a.video.height = mam(240.0);
        a.video.fps = mam(8.0);
        let mut i = inputs(&a, &b);
        i.reconnects.client = 1;
        let q = verdict(&i);
        assert_eq!(q.rating, QualityRating::Fair);
        assert_eq!(
            q.issues,
            vec![
                QualityIssue::VideoLoss,
                QualityIssue::LowResolution,
                QualityIssue::LowFrameRate,
                QualityIssue::Reconnects
            ]
        );
    }

    #[test]
    fn severe_loss_bitrate_or_delay_make_it_poor() {
        let b = healthy();
        let mut a = healthy();
        a.video.loss_pct = mam(6.0);
        assert_eq!(verdict(&inputs(&a, &b)).rating, QualityRating::Poor);
        let mut a = healthy();
        a.video.bitrate_kbps = mam(120.0);
        let q = verdict(&inputs(&b, &a));
        assert_eq!((q.rating, q.issues), (QualityRating::Poor, vec![QualityIssue::LowBitrate]));
        let a = healthy();
        let mut i = inputs(&a, &b);
        i.client_rtt_avg_ms = Some(350.0);
        let q = verdict(&i);
        assert_eq!((q.rating, q.issues), (QualityRating::Fair, vec![QualityIssue::HighRtt]));
        i.agent_rtt_avg_ms = Some(200.0);
        assert_eq!(verdict(&i).rating, QualityRating::Poor);
    }

    #[test]
    fn audio_loss_and_jitter_are_issues_of_their_own() {
        let b = healthy();
        let mut a = healthy();
        a.audio.loss_pct = mam(4.0);
        a.audio.jitter_ms = mam(45.0);
        let q = verdict(&inputs(&a, &b));
        assert_eq!(
            (q.rating, q.issues),
            (QualityRating::Fair, vec![QualityIssue::AudioLoss, QualityIssue::HighJitter])
        );
    }

    #[test]
    fn a_direction_without_video_has_no_video_issues() {
        let mut audio_only = healthy();
        audio_only.video = MediaAggregate::default();
        let a = healthy();
        assert_eq!(verdict(&inputs(&a, &audio_only)).rating, QualityRating::Good);
    }
}

//! The samples and the whole computation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use vc_protocol::interaction::{EventKind, InteractionStatus, Party};
use vc_protocol::stat::{Direction, QualityIssue, QualityRating, StatInput};

use super::media::{Window, combined_loss_pct, media};
use super::testing::{at, audio, event, interaction, sample, video};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn loss_combines_both_legs() {
    assert!(close(combined_loss_pct(0.0, Some(0.0)), 0.0));
    assert!(close(combined_loss_pct(0.1, None), 10.0));
    assert!(close(combined_loss_pct(0.1, Some(0.1)), 19.0));
    assert!(close(combined_loss_pct(0.02, Some(0.05)), 6.9));
    assert!(close(combined_loss_pct(1.5, Some(-1.0)), 100.0), "clamped to 0..1");
}

fn window(active: i64, ended: i64) -> Window {
    Window { active: Some(at(active)), ended: Some(at(ended)) }
}

#[test]
fn a_direction_pairs_the_sender_with_the_receiver_nearest_in_time() {
    let samples = vec![
        // Client sends 800 kbit/s video losing 2 % to the gateway.
        sample(
            5,
            Party::Client,
            vec![audio(30.0, 0.0, Some(4.0)), video(800.0, 0.02, 480, 25.0)],
            vec![],
            40.0,
        ),
        // The agent, 1 s later, reports 5 % of the client's video lost on its leg.
        sample(
            6,
            Party::Agent,
            vec![],
            vec![audio(30.0, 0.0, Some(12.0)), video(800.0, 0.05, 480, 25.0)],
            10.0,
        ),
        sample(
            10,
            Party::Client,
            vec![audio(30.0, 0.0, Some(4.0)), video(1000.0, 0.0, 720, 30.0)],
            vec![],
            60.0,
        ),
        // The agent's next sample is 4 s off: not paired.
        sample(14, Party::Agent, vec![], vec![video(900.0, 0.5, 720, 30.0)], 10.0),
    ];
    let m = media(&samples, window(0, 20));
    let v = &m.client_to_agent.video;
    let loss = v.loss_pct.unwrap();
    assert!(close(loss.max, 6.9) && close(loss.min, 0.0) && close(loss.avg, 3.45), "{loss:?}");
    let kbps = v.bitrate_kbps.unwrap();
    assert!(close(kbps.avg, 900.0) && close(kbps.min, 800.0) && close(kbps.max, 1000.0));
    assert!(close(v.height.unwrap().avg, 600.0));
    assert!(close(v.fps.unwrap().avg, 27.5));
    // Jitter: the receiver's report, else the gateway's on the sender's leg.
    let j = m.client_to_agent.audio.jitter_ms.unwrap();
    assert!(close(j.min, 4.0) && close(j.max, 12.0));
    // The agent sent nothing: no aggregate, no series points.
    assert_eq!(m.agent_to_client.video.bitrate_kbps, None);
    let points: Vec<_> = m.series.iter().filter(|p| p.direction == Direction::ClientToAgent).collect();
    assert_eq!(points.len(), 2);
    assert_eq!((points[0].t, points[0].rtt_ms, points[0].height), (5.0, Some(50.0), Some(480)));
    assert!(close(points[0].video_loss_pct.unwrap(), 6.9));
    assert_eq!(points[1].rtt_ms, None, "no receiver sample near enough");
    assert_eq!(m.series.len(), 2);
    assert_eq!((m.agent_rtt_ms.unwrap().avg, m.client_rtt_ms.unwrap().avg), (10.0, 50.0));
}

#[test]
fn only_samples_of_the_active_call_are_aggregated_and_silent_intervals_are_skipped() {
    let samples = vec![
        // Before the call was active (the agent alone in the room).
        sample(5, Party::Agent, vec![video(100.0, 0.5, 240, 5.0)], vec![], 10.0),
        sample(15, Party::Agent, vec![video(1500.0, 0.0, 720, 30.0)], vec![], 10.0),
        // Camera off: no video packets in the interval.
        sample(20, Party::Agent, vec![video(0.0, 0.0, 720, 0.0)], vec![], 10.0),
        // More than one interval after the end.
        sample(40, Party::Agent, vec![video(50.0, 0.9, 240, 1.0)], vec![], 10.0),
    ];
    let m = media(&samples, window(10, 30));
    let v = &m.agent_to_client.video;
    assert_eq!(v.bitrate_kbps.map(|b| (b.min, b.max)), Some((1500.0, 1500.0)));
    assert_eq!(v.width, Some(1280));
    assert_eq!(m.in_call, 2);
    // The series: the call and one interval around it, `t` relative to the start.
    let ts: Vec<f64> = m.series.iter().map(|p| p.t).collect();
    assert_eq!(ts, vec![5.0, 10.0]);
    assert_eq!(m.series[1].video_kbps, Some(0.0));
    assert_eq!(m.series[1].video_loss_pct, None, "no loss figure without media");
    let early = media(&samples, window(7, 30));
    assert_eq!(early.series.first().map(|p| p.t), Some(-2.0), "the interval before the start");
}

#[test]
fn implausible_jitter_is_ignored() {
    let samples = vec![
        sample(5, Party::Client, vec![audio(30.0, 0.0, Some(81_000.0))], vec![], 10.0),
        sample(5, Party::Agent, vec![], vec![audio(30.0, 0.0, Some(158_000.0))], 10.0),
        sample(10, Party::Client, vec![audio(30.0, 0.0, Some(6.0))], vec![], 10.0),
        sample(10, Party::Agent, vec![], vec![audio(30.0, 0.0, Some(90_000.0))], 10.0),
    ];
    let m = media(&samples, window(0, 20));
    let j = m.client_to_agent.audio.jitter_ms.unwrap();
    assert_eq!((j.min, j.max), (6.0, 6.0), "the receiver's nonsense falls back to the sender's leg");
}

#[test]
fn a_call_that_never_became_active_has_no_aggregates() {
    let samples = vec![sample(5, Party::Agent, vec![audio(30.0, 0.0, None)], vec![], 10.0)];
    let m = media(&samples, Window { active: None, ended: Some(at(60)) });
    assert_eq!(m.in_call, 0);
    assert_eq!(m.agent_to_client.audio.bitrate_kbps, None);
    assert_eq!(m.series.len(), 1);
    assert_eq!(m.series[0].t, 0.0, "counted from the first sample");
}

#[test]
fn the_whole_summary() {
    let mut i = interaction(0);
    i.started_at = Some(at(30));
    i.ended_at = Some(at(60));
    i.events = vec![
        event(1, 20, EventKind::ConsentGiven),
        event(2, 25, EventKind::Media { party: Party::Agent, connected: true }),
        event(3, 30, EventKind::Media { party: Party::Client, connected: true }),
        event(
            4,
            60,
            EventKind::Status { status: InteractionStatus::Ended, reason: Some("agent_ended".into()) },
        ),
    ];
    let input = StatInput {
        interaction: i,
        client_user_agent: Some(
            "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"
                .into(),
        ),
        chat_messages: 3,
        files: 2,
        screenshots: 1,
    };
    let mut samples = Vec::new();
    for s in [35, 40, 45, 50, 55, 60] {
        samples.push(sample(
            s,
            Party::Client,
            vec![audio(32.0, 0.0, None), video(180.0, 0.0, 480, 24.0)],
            vec![audio(32.0, 0.0, Some(5.0)), video(1200.0, 0.0, 720, 30.0)],
            30.0,
        ));
        samples.push(sample(
            s,
            Party::Agent,
            vec![audio(32.0, 0.0, None), video(1200.0, 0.0, 720, 30.0)],
            vec![audio(32.0, 0.0, Some(5.0)), video(180.0, 0.0, 480, 24.0)],
            20.0,
        ));
    }
    let (summary, series) = super::compute(&input, &samples, at(100));
    assert_eq!(summary.computed_at, at(100));
    assert_eq!(summary.timing.talk_s, Some(30.0));
    assert_eq!(summary.timing.waiting_s, Some(10.0));
    assert_eq!(summary.end_reason.as_deref(), Some("agent_ended"));
    assert_eq!(summary.samples, 12);
    assert_eq!((summary.chat_messages, summary.files, summary.screenshots), (3, 2, 1));
    assert!(summary.device.as_ref().unwrap().mobile);
    assert_eq!(summary.quality.rating, QualityRating::Fair);
    assert_eq!(summary.quality.issues, vec![QualityIssue::LowBitrate]);
    assert_eq!(series.len(), 12);
    assert_eq!(series[0].direction, Direction::ClientToAgent);
    assert_eq!(series[0].t, 5.0);
}

//! What a party's RTCP reception reports say about the gateway's streams to
//! it: the share lost, the interarrival jitter and, from the sender report
//! they echo, the round trip. Read from the reports themselves because rtc
//! 0.21's statistics leave them out (the round trip is always 0 there, and
//! jitter is in RTP timestamp units).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rtc::rtcp::receiver_report::ReceiverReport;
use rtc::rtcp::reception_report::ReceptionReport;
use rtc::rtcp::sender_report::SenderReport;

/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

/// A round trip above this is a clock glitch or a stale echo, not a network.
const MAX_RTT: Duration = Duration::from_secs(10);

/// The last report about one of the gateway's streams.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RemoteReport {
    /// Lost / expected since the party's previous report, 0..1.
    pub loss: f64,
    pub jitter_ms: f64,
    pub rtt_ms: Option<f64>,
}

/// Every reception report block in an RTCP compound packet.
pub fn blocks(packets: &[Box<dyn rtc::rtcp::Packet>]) -> Vec<&ReceptionReport> {
    let mut out = Vec::new();
    for p in packets {
        if let Some(rr) = p.as_any().downcast_ref::<ReceiverReport>() {
            out.extend(rr.reports.iter());
        } else if let Some(sr) = p.as_any().downcast_ref::<SenderReport>() {
            out.extend(sr.reports.iter());
        }
    }
    out
}

/// Whether the compound packet carries any reception report block.
pub fn has_blocks(packets: &[Box<dyn rtc::rtcp::Packet>]) -> bool {
    !blocks(packets).is_empty()
}

/// The middle 32 bits of the NTP time of `t` (the unit of LSR and DLSR:
/// 1/65536 s).
pub fn ntp_middle(t: SystemTime) -> u32 {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() + NTP_UNIX_OFFSET;
    let frac = (u64::from(since.subsec_nanos()) << 32) / 1_000_000_000;
    let ntp = (secs << 32) | frac;
    (ntp >> 16) as u32
}

/// One block, for a stream of `clock_rate` Hz, received at `now_ntp`
/// (see [`ntp_middle`]).
pub fn read(block: &ReceptionReport, clock_rate: u32, now_ntp: u32) -> RemoteReport {
    let jitter_ms = f64::from(block.jitter) / f64::from(clock_rate.max(1)) * 1000.0;
    // RFC 3550 6.4.1: A - LSR - DLSR, when the party has had a sender report.
    let rtt_ms = (block.last_sender_report != 0)
        .then(|| now_ntp.wrapping_sub(block.last_sender_report).wrapping_sub(block.delay))
        .map(|units| f64::from(units) / 65_536.0)
        .filter(|secs| *secs < MAX_RTT.as_secs_f64())
        .map(|secs| secs * 1000.0);
    RemoteReport { loss: f64::from(block.fraction_lost) / 256.0, jitter_ms, rtt_ms }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn block(fraction_lost: u8, jitter: u32, lsr: u32, dlsr: u32) -> ReceptionReport {
        ReceptionReport {
            ssrc: 1,
            fraction_lost,
            jitter,
            last_sender_report: lsr,
            delay: dlsr,
            ..Default::default()
        }
    }

    #[test]
    fn loss_and_jitter_in_human_units() {
        let r = read(&block(64, 480, 0, 0), 48_000, 0);
        assert_eq!(r.loss, 0.25);
        assert!((r.jitter_ms - 10.0).abs() < 1e-9, "480 ticks of 48 kHz are 10 ms: {}", r.jitter_ms);
        assert_eq!(r.rtt_ms, None, "no sender report echoed yet");
        let v = read(&block(0, 900, 0, 0), 90_000, 0);
        assert!((v.jitter_ms - 10.0).abs() < 1e-9);
    }

    #[test]
    fn round_trip_from_the_echoed_sender_report() {
        // Our report went out at T, the party held it 50 ms, its report
        // reached us at T + 130 ms: 80 ms on the wire.
        let t = SystemTime::now();
        let sent = ntp_middle(t);
        let dlsr = (0.050 * 65_536.0) as u32;
        let now = ntp_middle(t + Duration::from_millis(130));
        let rtt = read(&block(0, 0, sent, dlsr), 90_000, now).rtt_ms.unwrap();
        assert!((rtt - 80.0).abs() < 0.1, "rtt {rtt}");
        // A report echoing a time in the future (clock step) is no RTT.
        assert_eq!(read(&block(0, 0, now, 0), 90_000, sent).rtt_ms, None);
    }

    #[test]
    fn ntp_middle_bits() {
        let t = UNIX_EPOCH + Duration::from_millis(1_500);
        // 1.5 s after the Unix epoch: seconds NTP_UNIX_OFFSET + 1, fraction 0.5.
        let expected = (((NTP_UNIX_OFFSET + 1) & 0xFFFF) << 16) as u32 | 0x8000;
        assert_eq!(ntp_middle(t), expected);
    }
}

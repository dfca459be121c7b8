//! The data-channel relay's pure pieces: which messages pass (size, a rate
//! cap per sender) and why the others were dropped. The payload is never
//! read: the relay only looks at its length and whether it is text.

use std::time::Instant;

/// Sustained messages per second one sender may relay (pages send ~30).
pub const RATE_PER_SEC: u32 = 100;
/// Messages a sender may send at once on top of the sustained rate (a page
/// whose event loop stalled flushes several pointer moves in one go).
pub const BURST: u32 = 50;
/// Bytes the receiving leg may hold unacknowledged before the relay drops
/// instead of queueing more (a receiver on a bad network must not make the
/// gateway buffer without bound).
pub const MAX_BACKLOG_BYTES: usize = 256 * 1024;

/// Why a message was not relayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dropped {
    /// Larger than `vc_protocol::collab::MAX_MESSAGE_BYTES`.
    TooLarge,
    /// Over the sender's rate cap.
    RateLimited,
    /// The other party is absent or its channel is not open (yet).
    NoReceiver,
    /// The receiving leg has too much unacknowledged data.
    Backlog,
    /// A text message that is not UTF-8.
    NotUtf8,
    /// On a channel the gateway does not relay (another label).
    OtherLabel,
    /// The call's pointer function is off: nothing is relayed.
    SwitchedOff,
}

impl Dropped {
    pub fn as_str(self) -> &'static str {
        match self {
            Dropped::TooLarge => "too_large",
            Dropped::RateLimited => "rate_limited",
            Dropped::NoReceiver => "no_receiver",
            Dropped::Backlog => "backlog",
            Dropped::NotUtf8 => "not_utf8",
            Dropped::OtherLabel => "other_label",
            Dropped::SwitchedOff => "switched_off",
        }
    }
}

/// A token bucket: `per_sec` tokens a second, at most `burst` saved up; a
/// message takes one token.
#[derive(Debug, Clone)]
pub struct RateCap {
    per_sec: f64,
    burst: f64,
    tokens: f64,
    last: Option<Instant>,
}

impl Default for RateCap {
    fn default() -> Self {
        Self::new(RATE_PER_SEC, BURST)
    }
}

impl RateCap {
    pub fn new(per_sec: u32, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Self { per_sec: f64::from(per_sec), burst, tokens: burst, last: None }
    }

    /// Whether one more message may pass at `now` (and takes its token).
    pub fn admit(&mut self, now: Instant) -> bool {
        if let Some(last) = self.last {
            let refill = now.saturating_duration_since(last).as_secs_f64() * self.per_sec;
            self.tokens = (self.tokens + refill).min(self.burst);
        }
        // Time never runs backwards for the bucket.
        self.last = Some(self.last.map_or(now, |l| l.max(now)));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The checks on the sender's side, in order: size, then rate (an oversized
/// message costs no token).
pub fn admit(len: usize, max_len: usize, cap: &mut RateCap, now: Instant) -> Result<(), Dropped> {
    if len > max_len {
        return Err(Dropped::TooLarge);
    }
    if !cap.admit(now) {
        return Err(Dropped::RateLimited);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_burst_passes_then_the_sustained_rate() {
        let mut cap = RateCap::new(100, 50);
        let t0 = Instant::now();
        let passed = (0..80).filter(|_| cap.admit(t0)).count();
        assert_eq!(passed, 50, "the burst, then nothing in the same instant");
        // 100 a second: one token every 10 ms.
        assert!(!cap.admit(t0 + Duration::from_millis(5)));
        assert!(cap.admit(t0 + Duration::from_millis(11)));
        assert!(!cap.admit(t0 + Duration::from_millis(12)));
    }

    #[test]
    fn a_steady_sender_under_the_cap_is_never_dropped() {
        let mut cap = RateCap::new(100, 50);
        let t0 = Instant::now();
        // 30 a second for a minute (the pointer's rate).
        let dropped = (0..1800u64).filter(|i| !cap.admit(t0 + Duration::from_millis(i * 33))).count();
        assert_eq!(dropped, 0);
    }

    #[test]
    fn a_flood_is_held_to_the_rate() {
        let mut cap = RateCap::new(100, 50);
        let t0 = Instant::now();
        // 1000 a second for 10 seconds.
        let passed = (0..10_000u64).filter(|i| cap.admit(t0 + Duration::from_micros(i * 1000))).count();
        assert!((1000..=1051).contains(&passed), "{passed} passed: ~100 a second plus the burst");
    }

    #[test]
    fn savings_are_capped_at_the_burst() {
        let mut cap = RateCap::new(100, 50);
        let t0 = Instant::now();
        assert!(cap.admit(t0));
        let later = t0 + Duration::from_secs(60);
        assert_eq!((0..200).filter(|_| cap.admit(later)).count(), 50);
    }

    #[test]
    fn a_clock_going_backwards_mints_no_tokens() {
        let mut cap = RateCap::new(100, 1);
        let t0 = Instant::now() + Duration::from_secs(1);
        assert!(cap.admit(t0));
        assert!(!cap.admit(t0 - Duration::from_millis(500)));
        assert!(!cap.admit(t0), "no refill for time already counted");
    }

    #[test]
    fn oversized_messages_are_dropped_before_the_rate_is_charged() {
        let mut cap = RateCap::new(100, 1);
        let now = Instant::now();
        assert_eq!(admit(16 * 1024 + 1, 16 * 1024, &mut cap, now), Err(Dropped::TooLarge));
        assert_eq!(admit(16 * 1024, 16 * 1024, &mut cap, now), Ok(()), "exactly the limit passes");
        assert_eq!(admit(10, 16 * 1024, &mut cap, now), Err(Dropped::RateLimited));
    }
}

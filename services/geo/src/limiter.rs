//! One schedule of provider requests for the whole process: each request
//! reserves the next free slot, slots `interval` apart, and waits for it. A
//! request whose slot is too far ahead is refused instead of queueing.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Added to the interval so that jitter between our clock and the request's
/// arrival never brings two requests under the provider's limit.
pub const GUARD: Duration = Duration::from_millis(25);

pub struct Limiter {
    spacing: Duration,
    max_wait: Duration,
    next_free: Mutex<Option<Instant>>,
}

/// The wait for a slot would exceed the limit.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

impl Limiter {
    pub fn new(min_interval: Duration, max_wait: Duration) -> Self {
        let spacing = if min_interval.is_zero() { Duration::ZERO } else { min_interval + GUARD };
        Self { spacing, max_wait, next_free: Mutex::new(None) }
    }

    /// Reserves the next slot, or refuses when it is more than `max_wait` away.
    pub fn reserve(&self) -> Result<Instant, Busy> {
        let mut next = self.next_free.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let slot = next.map_or(now, |n| n.max(now));
        if slot - now > self.max_wait {
            return Err(Busy);
        }
        *next = Some(slot + self.spacing);
        Ok(slot)
    }

    /// Waits for a slot (reserved at once, so concurrent callers line up).
    pub async fn acquire(&self) -> Result<(), Busy> {
        let slot = self.reserve()?;
        tokio::time::sleep_until(slot).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_are_spaced_and_a_long_queue_is_refused() {
        let l = Limiter::new(Duration::from_millis(1000), Duration::from_millis(4200));
        let t0 = Instant::now();
        let slots: Vec<_> = (0..5).map(|_| l.reserve().map(|s| s - t0)).collect();
        let step = Duration::from_millis(1025);
        assert_eq!(slots, (0..5).map(|i| Ok(step * i)).collect::<Vec<_>>());
        assert_eq!(l.reserve(), Err(Busy), "the sixth would wait 5.1 s");
        // Time passes: the queue drains and slots are free again.
        tokio::time::advance(Duration::from_secs(6)).await;
        let now = Instant::now();
        assert_eq!(l.reserve().map(|s| s - now), Ok(Duration::ZERO));
        assert_eq!(l.reserve().map(|s| s - now), Ok(step));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_schedule() {
        let l = std::sync::Arc::new(Limiter::new(Duration::from_millis(1000), Duration::from_secs(10)));
        let t0 = Instant::now();
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let l = l.clone();
                tokio::spawn(async move {
                    l.acquire().await.ok();
                    Instant::now() - t0
                })
            })
            .collect();
        let mut at = Vec::new();
        for t in tasks {
            at.push(t.await.unwrap_or_default());
        }
        at.sort();
        assert_eq!(at, [Duration::ZERO, Duration::from_millis(1025), Duration::from_millis(2050)]);
    }
}

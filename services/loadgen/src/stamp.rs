//! Send time-stamps carried in the media itself, for one-way latency: with
//! `PartyConfig::stamp`, every RTP payload a party sends ends with a 12-byte
//! trailer (a magic word and the send time in microseconds since a
//! process-wide epoch); the receiving party, in the same process and so on
//! the same clock, takes `now - stamp` for every payload that ends with one.
//!
//! A forwarder passes payloads through untouched, so the trailer survives
//! our gateway and Janus alike. It does damage the media: a decoder sees 12
//! bytes of garbage at the end of every Opus packet and VP8 partition. It is
//! for load runs only; a recording or a browser would play it as noise.

use std::sync::OnceLock;
use std::time::Instant;

use bytes::{BufMut, Bytes, BytesMut};

/// Bytes the trailer adds to each payload.
pub const TRAILER_LEN: usize = 12;

/// "vcTS": what tells a stamped payload from one that merely ends in 8
/// bytes of media.
const MAGIC: [u8; 4] = *b"vcTS";

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Microseconds since the process's epoch (the first call).
pub fn now_us() -> u64 {
    micros_since_epoch(Instant::now())
}

/// `at` in microseconds since the process's epoch (0 before it).
pub fn micros_since_epoch(at: Instant) -> u64 {
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(at.saturating_duration_since(epoch).as_micros()).unwrap_or(u64::MAX)
}

/// `payload` with the trailer for `sent_us` appended.
pub fn append(payload: &[u8], sent_us: u64) -> Bytes {
    let mut b = BytesMut::with_capacity(payload.len() + TRAILER_LEN);
    b.put_slice(payload);
    b.put_slice(&MAGIC);
    b.put_u64(sent_us);
    b.freeze()
}

/// The send time in a stamped payload, if it ends with a trailer.
pub fn read(payload: &[u8]) -> Option<u64> {
    let at = payload.len().checked_sub(TRAILER_LEN)?;
    let trailer = payload.get(at..)?;
    let (magic, time) = trailer.split_at(MAGIC.len());
    if magic != MAGIC {
        return None;
    }
    Some(u64::from_be_bytes(time.try_into().ok()?))
}

/// One-way latency in microseconds of a payload received at `now_us`
/// (0 if the clocks disagree, which one process's cannot).
pub fn latency_us(payload: &[u8], now_us: u64) -> Option<u64> {
    read(payload).map(|sent| now_us.saturating_sub(sent))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;

    #[test]
    fn a_stamp_reads_back() {
        let p = append(b"opus-packet", 123_456_789);
        assert_eq!(p.len(), 11 + TRAILER_LEN);
        assert_eq!(&p[..11], b"opus-packet");
        assert_eq!(read(&p), Some(123_456_789));
        assert_eq!(latency_us(&p, 123_457_000), Some(211));
        assert_eq!(latency_us(&p, 5), Some(0), "never negative");
        // An empty payload can carry a stamp too.
        assert_eq!(read(&append(b"", u64::MAX)), Some(u64::MAX));
    }

    #[test]
    fn unstamped_or_short_payloads_have_none() {
        assert_eq!(read(b""), None);
        assert_eq!(read(b"short"), None);
        assert_eq!(read(&[0u8; 40]), None, "no magic");
        let mut p = append(b"frame", 7).to_vec();
        p.push(0);
        assert_eq!(read(&p), None, "a stamp not at the end is not one");
    }

    #[test]
    fn the_clock_is_monotonic() {
        let a = now_us();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = now_us();
        assert!(b >= a + 1_000, "{a} then {b}");
    }
}

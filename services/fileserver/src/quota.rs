//! The storage quota. One document in `file_usage` counts the bytes of
//! stored files plus the space uploads under way have reserved. A
//! reservation is one conditional `$inc` (`used <= quota - n`), so two
//! concurrent uploads can never together pass the quota; a failed or
//! abandoned upload gives its reservation back, and at start-up (when this
//! process has no upload under way) the count is set again from the stored
//! files, so a crash cannot leak space for good.

use std::sync::Arc;

use mongodb::Collection;
use mongodb::bson::{Document, doc};
use mongodb::options::UpdateOptions;
use vc_runtime::Db;
use vc_runtime::db::DbError;

pub const USAGE: &str = "file_usage";
const USAGE_ID: &str = "usage";

/// How much an upload of unknown length reserves at a time.
pub const RESERVE_STEP: u64 = 8 * 1024 * 1024;

#[derive(Clone)]
pub struct Usage {
    coll: Collection<Document>,
    quota: u64,
}

impl Usage {
    pub async fn open(db: &Db, quota: u64) -> Result<Self, DbError> {
        let coll = db.collection::<Document>(USAGE);
        coll.update_one(doc! {"_id": USAGE_ID}, doc! {"$setOnInsert": {"used": 0_i64}})
            .with_options(UpdateOptions::builder().upsert(true).build())
            .await?;
        Ok(Self { coll, quota })
    }

    pub fn quota(&self) -> u64 {
        self.quota
    }

    /// Sets the count to the bytes of the stored files (start-up only:
    /// reservations of uploads under way would be forgotten).
    pub async fn reset(&self, stored: u64) -> Result<(), DbError> {
        self.coll
            .update_one(doc! {"_id": USAGE_ID}, doc! {"$set": {"used": to_i64(stored)}})
            .with_options(UpdateOptions::builder().upsert(true).build())
            .await?;
        Ok(())
    }

    /// Takes `bytes` of the quota if they fit; `false` if they do not.
    pub async fn try_reserve(&self, bytes: u64) -> Result<bool, DbError> {
        let Some(ceiling) = ceiling_for(self.quota, bytes) else { return Ok(false) };
        if bytes == 0 {
            return Ok(true);
        }
        let r = self
            .coll
            .update_one(
                doc! {"_id": USAGE_ID, "used": {"$lte": to_i64(ceiling)}},
                doc! {"$inc": {"used": to_i64(bytes)}},
            )
            .await?;
        Ok(r.modified_count == 1)
    }

    /// Gives `bytes` back.
    pub async fn release(&self, bytes: u64) -> Result<(), DbError> {
        if bytes > 0 {
            self.coll.update_one(doc! {"_id": USAGE_ID}, doc! {"$inc": {"used": -to_i64(bytes)}}).await?;
        }
        Ok(())
    }

    /// Bytes counted now (stored plus reserved).
    pub async fn used(&self) -> Result<u64, DbError> {
        let d = self.coll.find_one(doc! {"_id": USAGE_ID}).await?;
        Ok(d.and_then(|d| d.get_i64("used").ok()).map(|n| n.max(0) as u64).unwrap_or(0))
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The highest count at which `bytes` more still fit in `quota`; `None`
/// when they never fit.
pub fn ceiling_for(quota: u64, bytes: u64) -> Option<u64> {
    quota.checked_sub(bytes)
}

/// One upload's share of the quota, grown as its bytes arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    reserved: u64,
    /// Preferred growth per reservation (0: exactly what is needed).
    step: u64,
    /// A file never needs more than this (the per-file limit).
    cap: u64,
}

impl Reservation {
    pub fn new(step: u64, cap: u64) -> Self {
        Self { reserved: 0, step, cap }
    }

    pub fn reserved(&self) -> u64 {
        self.reserved
    }

    /// To cover `total` bytes: `(preferred, minimum)` more to reserve, or
    /// `None` when they are covered. Reserving ahead (a step at a time)
    /// keeps database round trips few; near a full quota the minimum is
    /// tried before giving up.
    pub fn wanted(&self, total: u64) -> Option<(u64, u64)> {
        let minimum = total.checked_sub(self.reserved).filter(|&n| n > 0)?;
        let room = self.cap.saturating_sub(self.reserved);
        let preferred = self.step.min(room).max(minimum);
        Some((preferred, minimum))
    }

    pub fn add(&mut self, bytes: u64) {
        self.reserved += bytes;
    }

    /// What to give back once the file turned out `size` bytes (and the
    /// reservation now holds exactly `size`).
    pub fn settle(&mut self, size: u64) -> u64 {
        let excess = self.reserved.saturating_sub(size);
        self.reserved -= excess;
        excess
    }

    /// Everything, for giving back after a failure.
    pub fn take_all(&mut self) -> u64 {
        std::mem::take(&mut self.reserved)
    }
}

/// Gives an upload's reservation back if the upload ends any other way
/// than stored (an error, or the client went away and the request was
/// dropped).
pub struct ReservationGuard {
    usage: Arc<Usage>,
    pub reservation: Reservation,
}

impl ReservationGuard {
    pub fn new(usage: Arc<Usage>, reservation: Reservation) -> Self {
        Self { usage, reservation }
    }

    /// Grows the reservation to cover `total` bytes; `false`: over quota.
    pub async fn cover(&mut self, total: u64) -> Result<bool, DbError> {
        let Some((preferred, minimum)) = self.reservation.wanted(total) else { return Ok(true) };
        if self.usage.try_reserve(preferred).await? {
            self.reservation.add(preferred);
            return Ok(true);
        }
        if minimum < preferred && self.usage.try_reserve(minimum).await? {
            // Near the quota: from now on only what is needed, in one try.
            self.reservation.step = 0;
            self.reservation.add(minimum);
            return Ok(true);
        }
        Ok(false)
    }

    /// The file is stored with `size` bytes: the reservation becomes its
    /// share of the count; the excess is given back.
    pub async fn keep(mut self, size: u64) {
        let excess = self.reservation.settle(size);
        self.reservation = Reservation::new(0, 0);
        if let Err(e) = self.usage.release(excess).await {
            tracing::warn!(error = %e, bytes = excess, "could not give back unused quota; fixed at the next start");
        }
    }
}

impl Drop for ReservationGuard {
    fn drop(&mut self) {
        let bytes = self.reservation.take_all();
        if bytes == 0 {
            return;
        }
        let usage = self.usage.clone();
        let release = async move {
            if let Err(e) = usage.release(bytes).await {
                tracing::warn!(error = %e, bytes, "could not give back quota; fixed at the next start");
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(h) => {
                h.spawn(release);
            }
            Err(_) => tracing::warn!(bytes, "quota not given back (no runtime); fixed at the next start"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn the_ceiling_keeps_the_sum_within_the_quota() {
        assert_eq!(ceiling_for(1000, 400), Some(600));
        assert_eq!(ceiling_for(1000, 1000), Some(0));
        assert_eq!(ceiling_for(1000, 1001), None);
        // used <= ceiling  <=>  used + bytes <= quota
        for used in [0, 599, 600, 601] {
            let fits = used <= ceiling_for(1000, 400).unwrap();
            assert_eq!(fits, used + 400 <= 1000, "{used}");
        }
    }

    #[test]
    fn a_known_length_is_reserved_exactly_once() {
        let mut r = Reservation::new(0, 100 * MIB);
        assert_eq!(r.wanted(600_000), Some((600_000, 600_000)));
        r.add(600_000);
        assert_eq!(r.wanted(1), None);
        assert_eq!(r.wanted(600_000), None);
        assert_eq!(r.settle(600_000), 0);
    }

    #[test]
    fn an_unknown_length_grows_a_step_at_a_time_within_the_cap() {
        let mut r = Reservation::new(8 * MIB, 20 * MIB);
        assert_eq!(r.wanted(0), None);
        assert_eq!(r.wanted(10), Some((8 * MIB, 10)));
        r.add(8 * MIB);
        assert_eq!(r.wanted(8 * MIB), None);
        assert_eq!(r.wanted(8 * MIB + 1), Some((8 * MIB, 1)));
        r.add(8 * MIB);
        // Only 4 MiB left under the cap.
        assert_eq!(r.wanted(16 * MIB + 5), Some((4 * MIB, 5)));
        r.add(4 * MIB);
        // Past the cap the upload is refused before asking, but the
        // arithmetic still asks for what is missing.
        assert_eq!(r.wanted(20 * MIB + 3), Some((3, 3)));
        assert_eq!(r.settle(17 * MIB), 3 * MIB);
        assert_eq!(r.reserved(), 17 * MIB);
        assert_eq!(r.take_all(), 17 * MIB);
        assert_eq!(r.reserved(), 0);
    }

    #[test]
    fn a_big_chunk_reserves_at_least_what_it_needs() {
        let r = Reservation::new(MIB, 100 * MIB);
        assert_eq!(r.wanted(5 * MIB), Some((5 * MIB, 5 * MIB)));
    }
}

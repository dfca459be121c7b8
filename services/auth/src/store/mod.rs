//! vc-auth's collections. No other service reads or writes them.

pub mod keys;
pub mod revocations;
pub mod sessions;
pub mod teams;
pub mod throttle;
pub mod users;

use chrono::{DateTime, Utc};
use mongodb::bson;

pub(crate) fn to_bson(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

pub(crate) fn to_chrono(t: bson::DateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(t.timestamp_millis()).unwrap_or_default()
}

//! vc-surl's collections. No other service reads or writes them.

pub mod links;
pub mod opens;
pub mod secrets;

use chrono::{DateTime, Utc};
use mongodb::bson;

pub(crate) fn to_bson(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

pub(crate) fn to_chrono(t: bson::DateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(t.timestamp_millis()).unwrap_or_default()
}

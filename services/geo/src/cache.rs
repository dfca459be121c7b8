//! `geo_cache`: answers of the provider by point (rounded to 4 decimals,
//! about 11 m) and language, so a point is asked for once, also across
//! restarts. Found addresses are kept `cache_ttl_days`, "nothing here"
//! briefly; failures of the provider never. Each document carries its
//! `expires_at`: a TTL index removes it, and reads ignore expired ones (the
//! TTL monitor runs only once a minute).

use chrono::{DateTime, Utc};
use mongodb::bson::{self, doc};
use mongodb::options::{IndexOptions, ReplaceOptions};
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::geo::{Address, GeoLang};
use vc_runtime::Db;
use vc_runtime::db::DbError;

pub const COLLECTION: &str = "geo_cache";

/// A point rounded to the cache's grid (1e-4 degrees).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellKey {
    pub lat: f64,
    pub lon: f64,
    pub lang: GeoLang,
}

impl CellKey {
    pub fn new(lat: f64, lon: f64, lang: GeoLang) -> Self {
        let round = |v: f64| (v * 10_000.0).round() / 10_000.0;
        // -0.0 and 0.0 are one cell.
        Self { lat: round(lat) + 0.0, lon: round(lon) + 0.0, lang }
    }

    pub fn id(&self) -> String {
        format!("{:.4},{:.4},{}", self.lat, self.lon, self.lang.as_str())
    }
}

/// What is remembered for a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cached {
    Found(Address),
    NotFound,
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheDoc {
    #[serde(rename = "_id")]
    id: String,
    /// None: the provider has no address here.
    address: Option<Address>,
    stored_at: bson::DateTime,
    expires_at: bson::DateTime,
}

#[derive(Clone)]
pub struct GeoCache {
    coll: Collection<CacheDoc>,
}

fn to_bson(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

impl GeoCache {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![
                IndexModel::builder()
                    .keys(doc! {"expires_at": 1})
                    .options(IndexOptions::builder().expire_after(std::time::Duration::ZERO).build())
                    .build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION) })
    }

    /// The unexpired answer for the cell, if any.
    pub async fn get(&self, key: &CellKey) -> Result<Option<Cached>, DbError> {
        let found = self.coll.find_one(doc! {"_id": key.id()}).await?;
        Ok(found.filter(|d| d.expires_at.timestamp_millis() > Utc::now().timestamp_millis()).map(|d| match d
            .address
        {
            Some(a) => Cached::Found(a),
            None => Cached::NotFound,
        }))
    }

    /// Remembers an answer until `expires_at`.
    pub async fn put(&self, key: &CellKey, value: &Cached, expires_at: DateTime<Utc>) -> Result<(), DbError> {
        let d = CacheDoc {
            id: key.id(),
            address: match value {
                Cached::Found(a) => Some(a.clone()),
                Cached::NotFound => None,
            },
            stored_at: to_bson(Utc::now()),
            expires_at: to_bson(expires_at),
        };
        self.coll
            .replace_one(doc! {"_id": key.id()}, d)
            .with_options(ReplaceOptions::builder().upsert(true).build())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearby_points_share_a_cell_per_language() {
        let a = CellKey::new(55.751244, 37.618423, GeoLang::Ru);
        let b = CellKey::new(55.75121, 37.61839, GeoLang::Ru);
        assert_eq!(a.id(), "55.7512,37.6184,ru");
        assert_eq!(a.id(), b.id());
        assert_ne!(a.id(), CellKey::new(55.751244, 37.618423, GeoLang::En).id());
        assert_ne!(a.id(), CellKey::new(55.75135, 37.618423, GeoLang::Ru).id());
        assert_eq!(CellKey::new(-0.00001, 0.0, GeoLang::En).id(), "0.0000,0.0000,en");
    }
}

//! `v1/geo/reverse`: the address of a point, from the cache or the
//! provider, and the map tile around it.

use std::time::Duration;

use chrono::Utc;
use prometheus::{IntCounterVec, Opts};
use vc_protocol::ErrorCode;
use vc_protocol::bus::Envelope;
use vc_protocol::geo::{ReverseGeocode, ReverseGeocoded, valid_point};
use vc_runtime::{Metrics, RemoteError};

use crate::cache::{Cached, CellKey, GeoCache};
use crate::limiter::Limiter;
use crate::nominatim::{LookupError, Nominatim};
use crate::tile::tile_for;

/// `vc_geo_lookups_total{outcome}`.
pub struct GeoMetrics {
    pub lookups: IntCounterVec,
}

/// Outcomes as metric labels (`cache`, `found`, and the failures).
const OUTCOMES: &[&str] = &["cache", "found", "not_found", "rate_limited", "unavailable", "busy"];

impl GeoMetrics {
    pub fn register(metrics: &Metrics) -> Result<Self, prometheus::Error> {
        let lookups = IntCounterVec::new(
            Opts::new(
                "geo_lookups_total",
                "Reverse geocoding answers by outcome (cache, found, not_found, rate_limited, unavailable, busy)",
            ),
            &["outcome"],
        )?;
        metrics.registry().register(Box::new(lookups.clone()))?;
        for o in OUTCOMES {
            lookups.with_label_values(&[o]);
        }
        Ok(Self { lookups })
    }
}

pub struct GeoState {
    pub provider: Nominatim,
    pub limiter: Limiter,
    pub cache: GeoCache,
    pub cache_ttl: Duration,
    pub negative_ttl: Duration,
    pub tile_url: Option<String>,
    pub tile_zoom: u8,
    pub metrics: GeoMetrics,
}

impl GeoState {
    fn count(&self, outcome: &str) {
        self.metrics.lookups.with_label_values(&[outcome]).inc();
    }

    fn expires(&self, ttl: Duration) -> chrono::DateTime<Utc> {
        Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::days(30))
    }
}

fn failed(tile: Option<vc_protocol::geo::MapTile>, why: &str) -> ReverseGeocoded {
    ReverseGeocoded { address: None, tile, failure: Some(why.to_owned()) }
}

pub async fn reverse(
    state: &GeoState,
    req: Envelope<ReverseGeocode>,
) -> Result<ReverseGeocoded, RemoteError> {
    let ReverseGeocode { lat, lon, lang } = req.body;
    if !valid_point(lat, lon) {
        return Err(RemoteError::new(
            ErrorCode::ValidationFailed.as_str(),
            "lat, lon: degrees, -90..90 and -180..180",
        ));
    }
    let tile = state.tile_url.as_deref().map(|t| tile_for(t, lat, lon, state.tile_zoom));
    let key = CellKey::new(lat, lon, lang);
    match state.cache.get(&key).await {
        Ok(Some(Cached::Found(address))) => {
            state.count("cache");
            return Ok(ReverseGeocoded { address: Some(address), tile, failure: None });
        }
        Ok(Some(Cached::NotFound)) => {
            state.count("cache");
            return Ok(failed(tile, "not_found"));
        }
        Ok(None) => {}
        // The provider can still answer; the answer is just not kept.
        Err(e) => tracing::warn!(error = %e, "geo cache unreadable"),
    }
    if state.limiter.acquire().await.is_err() {
        state.count("busy");
        tracing::info!("too many addresses asked for at once; answered busy");
        return Ok(failed(tile, "busy"));
    }
    let (value, ttl) = match state.provider.reverse(key.lat, key.lon, lang).await {
        Ok(address) => {
            state.count("found");
            (Cached::Found(address), state.cache_ttl)
        }
        Err(LookupError::NotFound(why)) => {
            state.count("not_found");
            tracing::info!(reason = %why, "the provider has no address for a point");
            (Cached::NotFound, state.negative_ttl)
        }
        Err(e) => {
            state.count(e.failure());
            tracing::warn!(error = %e, "reverse geocoding failed");
            return Ok(failed(tile, e.failure()));
        }
    };
    if let Err(e) = state.cache.put(&key, &value, state.expires(ttl)).await {
        tracing::warn!(error = %e, "could not keep an address in the geo cache");
    }
    Ok(match value {
        Cached::Found(address) => ReverseGeocoded { address: Some(address), tile, failure: None },
        Cached::NotFound => failed(tile, "not_found"),
    })
}

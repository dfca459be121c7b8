//! The client's location: what its browser measured, the street address
//! vc-geo found for it, and links to maps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// Languages addresses are asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum GeoLang {
    #[default]
    Ru,
    En,
}

impl GeoLang {
    pub fn as_str(self) -> &'static str {
        match self {
            GeoLang::Ru => "ru",
            GeoLang::En => "en",
        }
    }
}

/// A street address found for a point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Address {
    /// The whole address in one line, as the provider writes it.
    pub display: String,
    pub lang: GeoLang,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub road: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub house_number: Option<String>,
    /// City, town or village.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub postcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub country: Option<String>,
}

/// Links that open the point in a map, with a marker on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct MapLinks {
    pub yandex: String,
    pub osm: String,
}

impl MapLinks {
    /// Yandex Maps (`pt=lon,lat`) and OpenStreetMap (`mlat`/`mlon`) at street zoom.
    pub fn for_point(lat: f64, lon: f64) -> Self {
        let (lat, lon) = (format!("{lat:.6}"), format!("{lon:.6}"));
        Self {
            yandex: format!("https://yandex.ru/maps/?pt={lon},{lat}&z=17&l=map"),
            osm: format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"),
        }
    }
}

/// One map tile around the point and where the point is on it: the page
/// shows it as the preview when a tile source is configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct MapTile {
    /// The tile image (256 × 256 px).
    pub url: String,
    /// The point on the tile, in px from its top left corner.
    pub x: f64,
    pub y: f64,
}

/// A position the client's browser measured, as stored on the interaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Location {
    /// WGS 84 degrees.
    pub lat: f64,
    pub lon: f64,
    /// Radius of the browser's confidence circle, metres.
    pub accuracy_m: f64,
    /// Metres above the WGS 84 ellipsoid, when the device knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub altitude_m: Option<f64>,
    /// When the device measured it.
    pub measured_at: DateTime<Utc>,
    /// When the server received it.
    pub received_at: DateTime<Utc>,
    /// None when vc-geo could not find one (the coordinates stay usable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub address: Option<Address>,
    pub links: MapLinks,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tile: Option<MapTile>,
}

/// The last position known for an interaction, as a file's EXIF carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationFix {
    pub lat: f64,
    pub lon: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altitude_m: Option<f64>,
    pub measured_at: DateTime<Utc>,
}

impl From<&Location> for LocationFix {
    fn from(l: &Location) -> Self {
        Self { lat: l.lat, lon: l.lon, altitude_m: l.altitude_m, measured_at: l.measured_at }
    }
}

/// Whether (lat, lon) are degrees on Earth.
pub fn valid_point(lat: f64, lon: f64) -> bool {
    lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

/// `v1/geo/reverse`: the address of a point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReverseGeocode {
    pub lat: f64,
    pub lon: f64,
    pub lang: GeoLang,
}

/// vc-geo's answer. A provider failure is an answer too: no address, and
/// `failure` says why (`unavailable`, `rate_limited`, `not_found`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReverseGeocoded {
    pub address: Option<Address>,
    pub tile: Option<MapTile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_links_put_the_marker_on_the_point() {
        let l = MapLinks::for_point(55.751244, 37.618423);
        assert_eq!(l.yandex, "https://yandex.ru/maps/?pt=37.618423,55.751244&z=17&l=map");
        assert_eq!(
            l.osm,
            "https://www.openstreetmap.org/?mlat=55.751244&mlon=37.618423#map=17/55.751244/37.618423"
        );
    }

    #[test]
    fn points_off_the_earth_are_refused() {
        assert!(valid_point(55.7, 37.6));
        assert!(valid_point(-90.0, 180.0));
        assert!(!valid_point(91.0, 0.0));
        assert!(!valid_point(0.0, -180.5));
        assert!(!valid_point(f64::NAN, 0.0));
    }
}

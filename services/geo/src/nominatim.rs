//! Nominatim's reverse API (nominatim.org/release-docs/latest/api/Reverse/):
//! `GET <base>/reverse?format=jsonv2&lat=..&lon=..&zoom=18&addressdetails=1&accept-language=..`.

use std::time::Duration;

use serde::Deserialize;
use vc_protocol::geo::{Address, GeoLang};

/// Why the provider gave no address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The provider has no address for the point (`{"error": ...}`).
    #[error("no address at this point: {0}")]
    NotFound(String),
    /// It answered 429: we asked too often (should not happen with the limiter).
    #[error("the provider says we ask too often")]
    RateLimited,
    /// It could not be reached, failed, timed out or answered nonsense.
    #[error("the provider is unavailable: {0}")]
    Unavailable(String),
}

impl LookupError {
    /// The `failure` word in `ReverseGeocoded`.
    pub fn failure(&self) -> &'static str {
        match self {
            LookupError::NotFound(_) => "not_found",
            LookupError::RateLimited => "rate_limited",
            LookupError::Unavailable(_) => "unavailable",
        }
    }
}

pub struct Nominatim {
    http: reqwest::Client,
    base: String,
    email: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    error: Option<serde_json::Value>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    address: Option<AddressParts>,
}

#[derive(Deserialize, Default)]
struct AddressParts {
    road: Option<String>,
    house_number: Option<String>,
    city: Option<String>,
    town: Option<String>,
    village: Option<String>,
    hamlet: Option<String>,
    postcode: Option<String>,
    country: Option<String>,
}

impl Nominatim {
    pub fn new(
        base: String,
        user_agent: &str,
        timeout: Duration,
        email: Option<String>,
    ) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Self { http, base, email })
    }

    /// The address of (lat, lon) in `lang`.
    pub async fn reverse(&self, lat: f64, lon: f64, lang: GeoLang) -> Result<Address, LookupError> {
        let mut query = vec![
            ("format", "jsonv2".to_owned()),
            ("lat", format!("{lat:.6}")),
            ("lon", format!("{lon:.6}")),
            ("zoom", "18".to_owned()),
            ("addressdetails", "1".to_owned()),
            ("accept-language", lang.as_str().to_owned()),
        ];
        if let Some(email) = &self.email {
            query.push(("email", email.clone()));
        }
        let resp = self
            .http
            .get(format!("{}/reverse", self.base))
            .query(&query)
            .send()
            .await
            .map_err(|e| LookupError::Unavailable(without_url(&e)))?;
        let status = resp.status();
        if status.as_u16() == 429 {
            return Err(LookupError::RateLimited);
        }
        if !status.is_success() {
            return Err(LookupError::Unavailable(format!("HTTP {status}")));
        }
        let body = resp.bytes().await.map_err(|e| LookupError::Unavailable(without_url(&e)))?;
        parse(&body, lang)
    }
}

/// reqwest's errors name the URL, which carries the coordinates: keep them out of logs.
fn without_url(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        "request failed".into()
    }
}

/// Reads a `jsonv2` answer.
pub fn parse(body: &[u8], lang: GeoLang) -> Result<Address, LookupError> {
    let a: Answer = serde_json::from_slice(body)
        .map_err(|e| LookupError::Unavailable(format!("unreadable answer: {e}")))?;
    if let Some(err) = a.error {
        let text = err.as_str().map(str::to_owned).unwrap_or_else(|| err.to_string());
        return Err(LookupError::NotFound(text));
    }
    let display = a
        .display_name
        .filter(|d| !d.trim().is_empty())
        .ok_or_else(|| LookupError::NotFound("no display_name".into()))?;
    let p = a.address.unwrap_or_default();
    Ok(Address {
        display,
        lang,
        road: p.road,
        house_number: p.house_number,
        city: p.city.or(p.town).or(p.village).or(p.hamlet),
        postcode: p.postcode,
        country: p.country,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_address() {
        let body = br#"{"place_id":1,"licence":"Data (c) OpenStreetMap contributors","osm_type":"way",
            "lat":"55.7539","lon":"37.6208","category":"highway","type":"pedestrian","addresstype":"road",
            "display_name":"Red Square, Moscow, Russia",
            "address":{"road":"Red Square","town":"Moscow","postcode":"109012","country":"Russia","country_code":"ru"}}"#;
        let a = parse(body, GeoLang::En).ok();
        assert_eq!(
            a,
            Some(Address {
                display: "Red Square, Moscow, Russia".into(),
                lang: GeoLang::En,
                road: Some("Red Square".into()),
                house_number: None,
                city: Some("Moscow".into()),
                postcode: Some("109012".into()),
                country: Some("Russia".into()),
            })
        );
    }

    #[test]
    fn errors_are_not_found_and_nonsense_is_unavailable() {
        assert_eq!(
            parse(br#"{"error":"Unable to geocode"}"#, GeoLang::Ru),
            Err(LookupError::NotFound("Unable to geocode".into()))
        );
        assert_eq!(parse(b"<html>", GeoLang::Ru).map_err(|e| e.failure()), Err("unavailable"));
    }
}

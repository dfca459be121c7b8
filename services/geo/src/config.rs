//! `[geo]`: vc-geo's settings.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GeoSettings {
    /// The Nominatim server (`<base_url>/reverse`): the public one, or your own.
    pub base_url: String,
    /// The `User-Agent` sent to it. Nominatim's usage policy asks for one
    /// that identifies the application; generic library agents are refused.
    /// Default: `VideoAssist/<version> (self-hosted; +<contact>)`.
    pub user_agent: Option<String>,
    /// A URL or e-mail address that identifies this installation, put in the
    /// default User-Agent. Default: the all-in-one's `public_url`.
    pub contact: Option<String>,
    /// Sent as `email=` with every request (Nominatim's policy suggests it
    /// for heavier use).
    pub email: Option<String>,
    /// How long one provider request may take.
    pub timeout_ms: u64,
    /// The least time between two provider requests, across all requests of
    /// this process (the public server allows one a second).
    pub min_interval_ms: u64,
    /// A request that would wait longer than this for its turn is answered
    /// `busy` at once (vc-server waits 5 s for an answer).
    pub max_wait_ms: u64,
    /// How long a found address is kept (MongoDB `geo_cache`).
    pub cache_ttl_days: u32,
    /// How long "no address here" is kept.
    pub negative_ttl_secs: u64,
    /// A map tile template such as `https://tile.openstreetmap.org/{z}/{x}/{y}.png`;
    /// when set, answers carry the tile around the point and its pixel on it.
    pub tile_url: Option<String>,
    /// The tile's zoom level (0..=19).
    pub tile_zoom: u8,
}

impl Default for GeoSettings {
    fn default() -> Self {
        Self {
            base_url: "https://nominatim.openstreetmap.org".into(),
            user_agent: None,
            contact: None,
            email: None,
            timeout_ms: 3000,
            min_interval_ms: 1000,
            max_wait_ms: 4200,
            cache_ttl_days: 30,
            negative_ttl_secs: 3600,
            tile_url: None,
            tile_zoom: 16,
        }
    }
}

/// Library agents Nominatim's policy does not accept as an identification.
const GENERIC_AGENTS: &[&str] =
    &["reqwest", "python-requests", "curl", "wget", "go-http-client", "java", "okhttp"];

impl GeoSettings {
    /// Checks the settings at start.
    pub fn validate(&self) -> Result<(), String> {
        let base = self.base_url.trim().to_ascii_lowercase();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(format!("geo.base_url = `{}` must start with https:// or http://", self.base_url));
        }
        if let Some(ua) = &self.user_agent {
            let lower = ua.trim().to_ascii_lowercase();
            if lower.is_empty() || GENERIC_AGENTS.iter().any(|g| lower.starts_with(g)) {
                return Err(format!(
                    "geo.user_agent = `{ua}`: Nominatim requires an agent that identifies this application"
                ));
            }
        }
        if self.timeout_ms == 0 {
            return Err("geo.timeout_ms must be above 0".into());
        }
        if self.tile_zoom > 19 {
            return Err(format!("geo.tile_zoom = {} is over 19", self.tile_zoom));
        }
        if let Some(t) = &self.tile_url
            && !(t.contains("{x}") && t.contains("{y}"))
        {
            return Err(format!("geo.tile_url = `{t}` must contain {{x}} and {{y}} (and usually {{z}})"));
        }
        Ok(())
    }

    /// The User-Agent to send.
    pub fn effective_user_agent(&self) -> String {
        if let Some(ua) = self.user_agent.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            return ua.to_owned();
        }
        let version = env!("CARGO_PKG_VERSION");
        match self.contact.as_deref().or(self.email.as_deref()).map(str::trim).filter(|c| !c.is_empty()) {
            Some(contact) => format!("VideoAssist/{version} (self-hosted; +{contact})"),
            None => format!("VideoAssist/{version} (self-hosted)"),
        }
    }

    /// `base_url` without a trailing slash.
    pub fn base(&self) -> String {
        self.base_url.trim().trim_end_matches('/').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agent_identifies_the_installation() {
        let s = GeoSettings::default();
        assert!(s.validate().is_ok());
        assert_eq!(
            s.effective_user_agent(),
            format!("VideoAssist/{} (self-hosted)", env!("CARGO_PKG_VERSION"))
        );
        let s = GeoSettings { contact: Some("https://va.example.com".into()), ..Default::default() };
        assert!(s.effective_user_agent().ends_with("(self-hosted; +https://va.example.com)"));
        let s = GeoSettings {
            user_agent: Some("Acme-Support/2 (ops@acme.example)".into()),
            ..Default::default()
        };
        assert_eq!(s.effective_user_agent(), "Acme-Support/2 (ops@acme.example)");
    }

    #[test]
    fn generic_agents_and_bad_templates_are_refused() {
        for ua in ["reqwest/0.12", "python-requests/2.31", "  ", "curl/8.0"] {
            let s = GeoSettings { user_agent: Some(ua.into()), ..Default::default() };
            assert!(s.validate().is_err(), "{ua}");
        }
        let s = GeoSettings { tile_url: Some("https://tiles.example/{z}.png".into()), ..Default::default() };
        assert!(s.validate().is_err());
        let s = GeoSettings { base_url: "nominatim.example".into(), ..Default::default() };
        assert!(s.validate().is_err());
        let s = GeoSettings { tile_zoom: 20, ..Default::default() };
        assert!(s.validate().is_err());
    }
}

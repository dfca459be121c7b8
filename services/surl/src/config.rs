//! `[surl]`: vc-surl's settings.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SurlSettings {
    /// The origin short links start with (`<base>/s/<code>`), e.g. a short
    /// domain routed to this service. Default: the all-in-one's
    /// `public_url`, else the origin the agent's request came to.
    pub public_base_url: Option<String>,
    /// Characters in a code (at least 8; 12 gives about 70 random bits).
    pub code_length: usize,
}

impl Default for SurlSettings {
    fn default() -> Self {
        Self { public_base_url: None, code_length: 12 }
    }
}

impl SurlSettings {
    /// Checks the settings at start: the code length bounds and the base URL.
    pub fn validate(&self) -> Result<(), String> {
        use crate::code::{MAX_LENGTH, MIN_LENGTH};
        if self.code_length < MIN_LENGTH {
            return Err(format!(
                "surl.code_length = {} is too short to be safe: at least {MIN_LENGTH} (12 recommended)",
                self.code_length
            ));
        }
        if self.code_length > MAX_LENGTH {
            return Err(format!(
                "surl.code_length = {} is over the maximum of {MAX_LENGTH}",
                self.code_length
            ));
        }
        if let Some(base) = &self.public_base_url {
            normalize_base(base).map_err(|e| format!("surl.public_base_url: {e}"))?;
        }
        Ok(())
    }

    /// `public_base_url` without a trailing slash, if set (and valid).
    pub fn base_url(&self) -> Option<String> {
        self.public_base_url.as_deref().and_then(|b| normalize_base(b).ok())
    }
}

/// An `http(s)://host[:port][/path]` base without its trailing slash.
pub fn normalize_base(base: &str) -> Result<String, String> {
    let base = base.trim().trim_end_matches('/');
    let lower = base.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| format!("`{base}` must start with https:// or http://"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("`{base}` has no host"));
    }
    if base.chars().any(|c| c.is_whitespace() || c.is_control()) || base.contains(['?', '#', '@', '\\']) {
        return Err(format!("`{base}` must be a plain origin (no spaces, query, fragment or credentials)"));
    }
    Ok(base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_length_is_bounded() {
        assert!(SurlSettings::default().validate().is_ok());
        let short = SurlSettings { code_length: 7, ..Default::default() };
        assert!(short.validate().unwrap_err().contains("at least 8"));
        assert!(SurlSettings { code_length: 8, ..Default::default() }.validate().is_ok());
        assert!(SurlSettings { code_length: 65, ..Default::default() }.validate().is_err());
    }

    #[test]
    fn bases_are_normalised_or_refused() {
        assert_eq!(normalize_base("https://va.example/").unwrap(), "https://va.example");
        assert_eq!(normalize_base(" http://127.0.0.1:8080 ").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(normalize_base("https://example.com/va//").unwrap(), "https://example.com/va");
        assert_eq!(normalize_base("HTTPS://VA.example").unwrap(), "HTTPS://VA.example");
        for bad in [
            "",
            "va.example",
            "ftp://va.example",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://va.example/?q=1",
            "https://user@va.example",
            "https://va example",
        ] {
            assert!(normalize_base(bad).is_err(), "{bad}");
        }
        let s = SurlSettings { public_base_url: Some("https://va.example/".into()), ..Default::default() };
        assert_eq!(s.base_url().as_deref(), Some("https://va.example"));
        let s = SurlSettings { public_base_url: Some("va.example".into()), ..Default::default() };
        assert!(s.validate().is_err());
    }
}

//! `[auth]`: vc-auth's settings.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// Login of the first admin, created when the store has no user at all.
    pub admin_login: String,
    /// Its password; when unset a random one is generated and printed once.
    pub admin_password: Option<String>,
    /// Lifetime of an access token (seconds).
    pub access_ttl_secs: u64,
    /// Lifetime of a refresh token (seconds); each refresh issues a new one.
    pub refresh_ttl_secs: u64,
    /// Longest a login session can be kept alive by refreshing (seconds).
    pub session_max_secs: u64,
    pub password_min_length: usize,
    pub argon2: Argon2Settings,
    pub throttle: ThrottleSettings,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            admin_login: "admin".into(),
            admin_password: None,
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 12 * 3600,
            session_max_secs: 7 * 24 * 3600,
            password_min_length: 8,
            argon2: Argon2Settings::default(),
            throttle: ThrottleSettings::default(),
        }
    }
}

impl AuthSettings {
    /// Checked before anything starts (the first admin is created at start).
    pub fn validate(&self) -> Result<(), String> {
        crate::validate::normalize_login(&self.admin_login).map_err(|m| format!("auth.admin_login: {m}"))?;
        for (key, v) in [
            ("auth.access_ttl_secs", self.access_ttl_secs),
            ("auth.refresh_ttl_secs", self.refresh_ttl_secs),
            ("auth.session_max_secs", self.session_max_secs),
            ("auth.throttle.window_secs", self.throttle.window_secs),
        ] {
            if v == 0 {
                return Err(format!("{key} must be at least 1"));
            }
        }
        let a = &self.argon2;
        argon2::Params::new(a.memory_kib, a.iterations, a.parallelism, None).map(|_| ()).map_err(|e| {
            format!(
                "auth.argon2 (memory_kib {}, iterations {}, parallelism {}): {e}",
                a.memory_kib, a.iterations, a.parallelism
            )
        })
    }
}

/// argon2id cost. The defaults are OWASP's recommendation for argon2id
/// (19 MiB, 2 passes, 1 lane): see `docs/auth.md` for the measured cost.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for Argon2Settings {
    fn default() -> Self {
        Self { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 }
    }
}

/// Failed-login throttling, counted in MongoDB so it holds across restarts
/// and instances.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleSettings {
    /// The sliding window failures are counted in (seconds).
    pub window_secs: u64,
    /// Failures for one login within the window before it is locked.
    pub max_failures_per_login: u64,
    /// Failures from one IP address within the window before it is locked.
    pub max_failures_per_ip: u64,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self { window_secs: 15 * 60, max_failures_per_login: 5, max_failures_per_ip: 30 }
    }
}

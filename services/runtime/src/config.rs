//! Typed configuration: a TOML file, then environment overrides.
//!
//! `VC_<SECTION>__<KEY>=value` overrides `key` in `[section]` (nested
//! sections add more `__`). A few well-known variables are shortcuts:
//! `VC_HTTP_PORT` (`http.port`), `VC_DATA_DIR` (`data_dir`), `VC_ADMIN_LOGIN` /
//! `VC_ADMIN_PASSWORD` (`auth.admin_login` / `auth.admin_password`),
//! `VC_MONGO_URI` (`mongo.uri`) and `VC_PUBLIC_URL` (`public_url`).
//! Environment values are taken as strings and converted to the field's type, so a numeric password stays a string.
//! Lists can be given in the environment as comma-separated strings.
//!
//! Every section rejects unknown keys, and every error names the offending key.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

/// The environment variable prefix.
pub const ENV_PREFIX: &str = "VC_";

/// Shortcuts for variables named in the README and CONTRACT.
const SHORTCUTS: &[(&str, &str)] = &[
    ("HTTP_PORT", "http.port"),
    ("DATA_DIR", "data_dir"),
    ("ADMIN_LOGIN", "auth.admin_login"),
    ("ADMIN_PASSWORD", "auth.admin_password"),
    ("MONGO_URI", "mongo.uri"),
    ("PUBLIC_URL", "public_url"),
    ("CONFIG", ""),
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("configuration: {0}")]
    Invalid(String),
}

impl From<figment::Error> for ConfigError {
    fn from(e: figment::Error) -> Self {
        // figment's Display names the key path and where the value came from;
        // join every error so a second bad key is not hidden behind the first.
        let messages: Vec<String> = e.into_iter().map(describe).collect();
        ConfigError::Invalid(messages.join("; "))
    }
}

fn describe(e: figment::Error) -> String {
    let key = if e.path.is_empty() { None } else { Some(e.path.join(".")) };
    let source = e
        .metadata
        .as_ref()
        .map(|m| match &m.source {
            Some(src) => format!(" (from {src})"),
            None => format!(" (from {})", m.name),
        })
        .unwrap_or_default();
    match key {
        Some(key) => format!("key `{key}`: {}{source}", e.kind),
        None => format!("{}{source}", e.kind),
    }
}

/// Environment variables with our prefix, as a figment provider whose values
/// are all strings.
#[derive(Debug, Clone)]
pub struct EnvOverrides {
    vars: Vec<(String, String)>,
}

impl EnvOverrides {
    /// Reads the process environment.
    pub fn from_env() -> Self {
        Self::from_vars(std::env::vars())
    }

    /// From an explicit list of `(name, value)` pairs (for tests).
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let vars = vars
            .into_iter()
            .filter_map(|(name, value)| {
                let rest = name.strip_prefix(ENV_PREFIX)?;
                if let Some((_, key)) = SHORTCUTS.iter().find(|(short, _)| *short == rest) {
                    return (!key.is_empty()).then(|| (key.to_string(), value));
                }
                // Only sectioned names (`SECTION__KEY`) are configuration; other
                // `VC_*` variables (e.g. for tests) are left alone.
                rest.contains("__").then(|| (rest.to_ascii_lowercase().replace("__", "."), value))
            })
            .collect();
        Self { vars }
    }
}

impl Provider for EnvOverrides {
    fn metadata(&self) -> Metadata {
        Metadata::named("environment variable(s) `VC_*`")
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut dict = Dict::new();
        for (key, value) in &self.vars {
            let nested = figment::util::nest(key, Value::from(value.clone()));
            if let Some(nested) = nested.into_dict() {
                dict = merge_dicts(dict, nested);
            }
        }
        Ok(Profile::Default.collect(dict))
    }
}

fn merge_dicts(mut a: Dict, b: Dict) -> Dict {
    for (k, v) in b {
        let merged = match (a.remove(&k), v) {
            (Some(Value::Dict(_, x)), Value::Dict(tag, y)) => Value::Dict(tag, merge_dicts(x, y)),
            (_, v) => v,
        };
        a.insert(k, merged);
    }
    a
}

/// Loads `T` from an optional TOML file plus the process environment.
pub fn load<T: DeserializeOwned>(file: Option<&Path>) -> Result<T, ConfigError> {
    load_from(file, EnvOverrides::from_env())
}

/// Loads `T` from an optional TOML file plus the given overrides.
pub fn load_from<T: DeserializeOwned>(file: Option<&Path>, env: EnvOverrides) -> Result<T, ConfigError> {
    let mut figment = Figment::new();
    if let Some(path) = file {
        if !path.is_file() {
            return Err(ConfigError::File { path: path.to_owned(), message: "not found".into() });
        }
        figment = figment.merge(Toml::file_exact(path));
    }
    figment = figment.merge(env);
    Ok(figment.extract_lossy()?)
}

/// Parses `T` from a TOML string alone (for tests of example files).
pub fn parse_toml<T: DeserializeOwned>(toml: &str) -> Result<T, ConfigError> {
    Ok(Figment::from(Toml::string(toml)).extract_lossy()?)
}

/// The config file named by `--config <path>` on the command line, else by
/// `VC_CONFIG`, else none (defaults + environment).
pub fn config_path_from_args() -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(p) = arg.strip_prefix("--config=") {
            return Some(PathBuf::from(p));
        }
    }
    std::env::var_os("VC_CONFIG").filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// Accepts a list either as a sequence or as a comma-separated string (the
/// form environment variables can carry).
pub fn string_or_seq<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr + Deserialize<'de>,
    T::Err: std::fmt::Display,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either<T> {
        Seq(Vec<T>),
        Str(String),
    }
    match Either::<T>::deserialize(d)? {
        Either::Seq(v) => Ok(v),
        Either::Str(s) => s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<T>().map_err(serde::de::Error::custom))
            .collect(),
    }
}

/// `[http]`: the service's HTTP listener.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Address to bind. Loopback by default: in production nginx is the public entry.
    pub host: IpAddr,
    pub port: u16,
    /// Worker threads; default: the number of cores.
    pub workers: Option<usize>,
    /// Peers whose `X-Forwarded-For` is believed (nginx in production).
    #[serde(deserialize_with = "string_or_seq")]
    pub trusted_proxies: Vec<IpAddr>,
    /// Seconds in-flight requests get to finish on shutdown.
    pub shutdown_timeout_secs: u64,
    /// Largest JSON body accepted, in bytes.
    pub max_json_bytes: usize,
    /// When set, `/metrics` from a non-loopback peer needs `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// Serve HTTPS with this certificate chain (PEM) and key (PEM). In
    /// production nginx usually terminates TLS instead.
    pub tls_cert_file: Option<PathBuf>,
    pub tls_key_file: Option<PathBuf>,
    /// Serve HTTPS with a certificate generated at start (for trying calls
    /// from phones on a LAN: browsers allow the camera only on HTTPS).
    pub tls_self_signed: bool,
    /// Names and addresses the generated certificate is for, besides
    /// `localhost`, `127.0.0.1` and `host`.
    #[serde(deserialize_with = "string_or_seq")]
    pub tls_names: Vec<String>,
}

impl HttpConfig {
    /// Whether this listener speaks HTTPS.
    pub fn tls(&self) -> bool {
        self.tls_self_signed || self.tls_cert_file.is_some()
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            workers: None,
            trusted_proxies: Vec::new(),
            shutdown_timeout_secs: 6,
            max_json_bytes: 64 * 1024,
            metrics_token: None,
            tls_cert_file: None,
            tls_key_file: None,
            tls_self_signed: false,
            tls_names: Vec::new(),
        }
    }
}

/// `[mongo]`: the MongoDB connection.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MongoConfig {
    /// `mongodb://...` or `mongodb+srv://...`. The all-in-one starts a local
    /// server when this is empty.
    pub uri: Option<String>,
    pub database: String,
    pub server_selection_timeout_ms: u64,
    pub connect_timeout_ms: u64,
    /// How long `/healthz` waits for a ping.
    pub health_timeout_ms: u64,
}

impl Default for MongoConfig {
    fn default() -> Self {
        Self {
            uri: None,
            database: "videoassist".into(),
            server_selection_timeout_ms: 5_000,
            connect_timeout_ms: 5_000,
            health_timeout_ms: 2_000,
        }
    }
}

/// `[mqtt]`: the broker connection.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MqttConfig {
    pub host: String,
    pub port: u16,
    /// Stable client id for the persistent session; default `<service>-<hostname>-<http port>`.
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Prefix of every topic, so installations can share a broker.
    pub namespace: String,
    pub keep_alive_secs: u64,
    /// How long the broker keeps our session (and queued QoS 1 messages) while we are away.
    pub session_expiry_secs: u32,
    pub request_timeout_ms: u64,
    pub reconnect_min_ms: u64,
    pub reconnect_max_ms: u64,
    /// Instances of a service share requests through MQTT shared
    /// subscriptions (`$share/<group>/...`). The all-in-one turns this off
    /// for its embedded broker: one instance needs no sharing, and rumqttd
    /// 0.20 crashes when the last member of a shared group with a persistent
    /// session disconnects.
    pub shared_subscriptions: bool,
}

impl Default for MqttConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 1883,
            client_id: None,
            username: None,
            password: None,
            namespace: "vc".into(),
            keep_alive_secs: 5,
            session_expiry_secs: 3_600,
            request_timeout_ms: 5_000,
            reconnect_min_ms: 100,
            reconnect_max_ms: 5_000,
            shared_subscriptions: true,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// JSON when stdout is not a terminal, human-readable when it is.
    Auto,
    Json,
    Pretty,
}

/// `[log]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A `tracing` filter, e.g. `info,vc_auth=debug`. `RUST_LOG` wins when set.
    pub filter: String,
    pub format: LogFormat,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { filter: "info".into(), format: LogFormat::Auto }
    }
}

/// `[tokens]`: how this service verifies access tokens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TokenConfig {
    /// Seconds of clock skew between machines tolerated when checking `exp`.
    pub leeway_secs: u64,
    /// How long a revocation is remembered: at least the longest access-token lifetime.
    pub revocation_memory_secs: u64,
}

impl Default for TokenConfig {
    fn default() -> Self {
        Self { leeway_secs: 5, revocation_memory_secs: 24 * 3600 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Default)]
    #[serde(default, deny_unknown_fields)]
    struct Sample {
        data_dir: Option<String>,
        http: HttpConfig,
        mongo: MongoConfig,
        auth: SampleAuth,
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(default, deny_unknown_fields)]
    struct SampleAuth {
        admin_login: Option<String>,
        admin_password: Option<String>,
        access_ttl_secs: u64,
    }

    fn env(pairs: &[(&str, &str)]) -> EnvOverrides {
        EnvOverrides::from_vars(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    fn file(contents: &str) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), contents).unwrap();
        f
    }

    #[test]
    fn env_overrides_file_and_shortcuts_apply() {
        let f = file("[http]\nport = 9000\n[auth]\naccess_ttl_secs = 60\n");
        let cfg: Sample = load_from(
            Some(f.path()),
            env(&[
                ("VC_HTTP_PORT", "9100"),
                ("VC_AUTH__ACCESS_TTL_SECS", "120"),
                ("VC_ADMIN_PASSWORD", "12345678"),
                ("VC_DATA_DIR", "/tmp/x"),
                ("VC_TEST_SOMETHING", "ignored"),
            ]),
        )
        .unwrap();
        assert_eq!(cfg.http.port, 9100);
        assert_eq!(cfg.auth.access_ttl_secs, 120);
        assert_eq!(cfg.auth.admin_password.as_deref(), Some("12345678"));
        assert_eq!(cfg.data_dir.as_deref(), Some("/tmp/x"));
    }

    #[test]
    fn bad_value_names_the_key() {
        let err = load_from::<Sample>(None, env(&[("VC_HTTP__PORT", "eighty")])).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("http.port"), "{msg}");
    }

    #[test]
    fn unknown_key_in_file_is_named() {
        let f = file("[mongo]\ndatabse = \"x\"\n");
        let msg = load_from::<Sample>(Some(f.path()), env(&[])).unwrap_err().to_string();
        assert!(msg.contains("databse"), "{msg}");
    }

    #[test]
    fn list_from_env_is_comma_separated() {
        let cfg: Sample =
            load_from(None, env(&[("VC_HTTP__TRUSTED_PROXIES", "127.0.0.1, 10.0.0.1")])).unwrap();
        assert_eq!(cfg.http.trusted_proxies.len(), 2);
    }

    #[test]
    fn missing_file_is_an_error() {
        let err = load_from::<Sample>(Some(Path::new("/nonexistent/vc.toml")), env(&[]));
        assert!(matches!(err, Err(ConfigError::File { .. })));
    }
}

//! The all-in-one's configuration: every service's sections plus the
//! embedded broker, the local database and the frontends. Unknown keys and
//! sections are errors (a typo must not be silently ignored).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use vc_auth::AuthSettings;
use vc_fileserver::FileserverSettings;
use vc_geo::GeoSettings;
use vc_media::MediaSettings;
use vc_msg::MsgSettings;
use vc_records::RecordsSettings;
use vc_runtime::config::{HttpConfig, LogConfig, MongoConfig, MqttConfig, TokenConfig};
use vc_server::ServerSettings;
use vc_stat::StatSettings;
use vc_surl::SurlSettings;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Everything a local run stores (database, files, recordings). `VC_DATA_DIR`.
    pub data_dir: PathBuf,
    /// The address users reach the platform at (client links use it).
    /// Default: the origin each request came to. Sets `server.public_url`
    /// when that is unset.
    pub public_url: Option<String>,
    pub http: HttpConfig,
    pub mongo: MongoConfig,
    pub local_mongo: LocalMongoConfig,
    pub mqtt: MqttConfig,
    pub broker: BrokerConfig,
    pub log: LogConfig,
    pub tokens: TokenConfig,
    pub auth: AuthSettings,
    pub server: ServerSettings,
    pub media: MediaSettings,
    pub surl: SurlSettings,
    pub msg: MsgSettings,
    /// `contact` defaults to `public_url`.
    pub geo: GeoSettings,
    /// `root` defaults to `<data_dir>/files`.
    pub fileserver: FileserverSettings,
    /// `raw_dir` and `work_dir` default to `<data_dir>/recordings/{raw,work}`;
    /// `fileserver_url` to this process.
    pub records: RecordsSettings,
    /// Per-call metrics (docs/stats.md).
    pub stat: StatSettings,
    pub frontends: FrontendsConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            public_url: None,
            http: HttpConfig::default(),
            mongo: MongoConfig::default(),
            local_mongo: LocalMongoConfig::default(),
            mqtt: MqttConfig::default(),
            broker: BrokerConfig::default(),
            log: LogConfig::default(),
            tokens: TokenConfig::default(),
            auth: AuthSettings::default(),
            server: ServerSettings::default(),
            media: MediaSettings::default(),
            surl: SurlSettings::default(),
            msg: MsgSettings::default(),
            geo: GeoSettings::default(),
            fileserver: FileserverSettings::default(),
            records: RecordsSettings::default(),
            stat: StatSettings::default(),
            frontends: FrontendsConfig::default(),
        }
    }
}

/// The services' settings as they are started: the sections with the
/// all-in-one's defaults filled in (`public_url`, directories under
/// `data_dir`).
pub struct Resolved {
    pub server: ServerSettings,
    pub media: MediaSettings,
    pub surl: SurlSettings,
    pub geo: GeoSettings,
    pub fileserver: FileserverSettings,
    pub records: RecordsSettings,
}

impl Config {
    pub fn resolved(&self) -> Resolved {
        let mut server = self.server.clone();
        if server.public_url.is_none() {
            server.public_url = self.public_url.clone();
        }
        let mut media = self.media.clone();
        media.raw_recordings_dir = Some(media.raw_dir_in(&self.data_dir));
        let mut surl = self.surl.clone();
        if surl.public_base_url.is_none() {
            surl.public_base_url = self.public_url.clone();
        }
        let mut geo = self.geo.clone();
        if geo.contact.is_none() {
            geo.contact = self.public_url.clone();
        }
        let mut fileserver = self.fileserver.clone();
        fileserver.root = Some(fileserver.root_in(&self.data_dir));
        let mut records = self.records.clone().with_data_dir(&self.data_dir);
        // The same directory the gateway writes.
        records.raw_dir = media.raw_recordings_dir.clone();
        Resolved { server, media, surl, geo, fileserver, records }
    }

    /// Every section's checks, before anything starts: a bad setting must
    /// not stop the platform half-way (after the database was started and
    /// the first admin created).
    pub fn validate(&self) -> Result<(), String> {
        let r = self.resolved();
        self.auth.validate()?;
        r.surl.validate()?;
        self.msg.validate()?;
        r.geo.validate()?;
        r.fileserver.validate()?;
        r.records.validate()?;
        self.stat.validate()?;
        Ok(())
    }
}

/// `[local_mongo]`: the SecantusDB server started when `mongo.uri` is empty.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LocalMongoConfig {
    /// The `secantusd-py` executable (the Makefile installs it into `.venv/`).
    pub command: PathBuf,
    /// Loopback port; 0 picks a free one.
    pub port: u16,
    /// Flush every commit to disk, so a crash loses no acknowledged write.
    pub sync_on_commit: bool,
    /// Seconds to wait for it to accept connections.
    pub start_timeout_secs: u64,
}

impl Default for LocalMongoConfig {
    fn default() -> Self {
        Self {
            command: PathBuf::from(".venv/bin/secantusd-py"),
            port: 0,
            sync_on_commit: true,
            start_timeout_secs: 30,
        }
    }
}

/// `[broker]`: the embedded MQTT broker (rumqttd).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct BrokerConfig {
    /// Run the embedded broker; when false, `[mqtt]` points at an external one.
    pub embedded: bool,
    /// Loopback port; 0 picks a free one.
    pub port: u16,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        Self { embedded: true, port: 0 }
    }
}

/// `[frontends]`: the built single-page apps served by the all-in-one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FrontendsConfig {
    pub agent_dir: PathBuf,
    pub client_dir: PathBuf,
    pub admin_dir: PathBuf,
}

impl Default for FrontendsConfig {
    fn default() -> Self {
        Self {
            agent_dir: PathBuf::from("frontend-agent/dist"),
            client_dir: PathBuf::from("frontend-client/dist"),
            admin_dir: PathBuf::from("admin-panel/dist"),
        }
    }
}

//! A Janus of our own for a benchmark: a generated configuration folder
//! with only what a one-to-one call needs (the HTTP transport on a free
//! loopback port, the videocall plugin, ICE on one address, an RTP port
//! range; every other plugin, transport, logger and event handler
//! disabled so it starts fast and lean), `/usr/bin/janus -F <folder>`,
//! ready once `GET /janus/info` answers, killed when dropped.
//!
//! libnice refuses 127.0.0.1 candidates, so Janus's media uses the
//! machine's own address (`JanusSettings::media_ip`), and so must the
//! parties that call through it.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::JanusError;
use crate::procstat;

/// How to run Janus.
#[derive(Debug, Clone)]
pub struct JanusSettings {
    pub binary: PathBuf,
    /// Where its plugins, transports, loggers and event handlers are
    /// (`<dir>/plugins`, ...); `None`: found under `/usr/lib`.
    pub lib_dir: Option<PathBuf>,
    /// The only address ICE gathers on (not loopback).
    pub media_ip: IpAddr,
    pub rtp_ports: (u16, u16),
    /// 0 (none) to 7; 3 is warnings and errors.
    pub debug_level: u8,
}

impl JanusSettings {
    /// `/usr/bin/janus`, ICE on `media_ip`, RTP on 30000-39999, warnings.
    pub fn new(media_ip: IpAddr) -> Self {
        Self {
            binary: "/usr/bin/janus".into(),
            lib_dir: None,
            media_ip,
            rtp_ports: (30000, 39999),
            debug_level: 3,
        }
    }
}

/// The machine's own address (of its default route), where Janus's media
/// and the parties calling through it go.
pub fn own_ip() -> Option<IpAddr> {
    vc_media::config::default_route_ip()
}

/// The folder of Janus's loadable modules on a Debian system
/// (`/usr/lib/<multiarch>/janus`), or a source build's.
pub fn find_lib_dir() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("janus"))
        .collect();
    candidates.extend(["/usr/lib/janus", "/opt/janus/lib/janus", "/usr/local/lib/janus"].map(PathBuf::from));
    candidates.into_iter().find(|d| d.join("plugins/libjanus_videocall.so").is_file())
}

/// The `.so` files of a module folder.
fn modules(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".so"))
        .collect();
    names.sort();
    names
}

/// The configuration files (name, text) for Janus: `keep_plugin` and
/// `keep_transport` loaded, every other module in `all` disabled.
pub fn config_files(
    s: &JanusSettings,
    lib_dir: &Path,
    http_port: u16,
    log_file: &Path,
    all: &Modules,
) -> Vec<(&'static str, String)> {
    let disable = |list: &[String], keep: &str| -> String {
        list.iter().filter(|m| m.as_str() != keep).cloned().collect::<Vec<_>>().join(",")
    };
    let lib = lib_dir.display();
    let janus = format!(
        r#"general: {{
	configs_folder = "{configs}"
	plugins_folder = "{lib}/plugins"
	transports_folder = "{lib}/transports"
	events_folder = "{lib}/events"
	loggers_folder = "{lib}/loggers"
	debug_level = {debug}
	log_to_stdout = false
	log_to_file = "{log}"
	server_name = "vc-sfu-bench"
	session_timeout = 60
}}
certificates: {{
}}
media: {{
	ipv6 = false
	rtp_port_range = "{lo}-{hi}"
}}
nat: {{
	nice_debug = false
	ice_enforce_list = "{ip}"
	ice_ignore_list = ""
}}
plugins: {{
	disable = "{plugins}"
}}
transports: {{
	disable = "{transports}"
}}
loggers: {{
	disable = "{loggers}"
}}
events: {{
	broadcast = false
	disable = "{events}"
}}
"#,
        configs = log_file.parent().map(|p| p.display().to_string()).unwrap_or_default(),
        debug = s.debug_level.min(7),
        log = log_file.display(),
        lo = s.rtp_ports.0,
        hi = s.rtp_ports.1,
        ip = s.media_ip,
        plugins = disable(&all.plugins, "libjanus_videocall.so"),
        transports = disable(&all.transports, "libjanus_http.so"),
        loggers = disable(&all.loggers, ""),
        events = disable(&all.events, ""),
    );
    let http = format!(
        r#"general: {{
	json = "plain"
	base_path = "/janus"
	http = true
	port = {http_port}
	ip = "127.0.0.1"
	https = false
}}
admin: {{
	admin_http = false
	admin_https = false
}}
"#
    );
    let videocall = "general: {\n\tevents = false\n}\n".to_owned();
    vec![
        ("janus.jcfg", janus),
        ("janus.transport.http.jcfg", http),
        ("janus.plugin.videocall.jcfg", videocall),
    ]
}

/// Janus's loadable modules, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Modules {
    pub plugins: Vec<String>,
    pub transports: Vec<String>,
    pub loggers: Vec<String>,
    pub events: Vec<String>,
}

impl Modules {
    pub fn scan(lib_dir: &Path) -> Self {
        Self {
            plugins: modules(&lib_dir.join("plugins")),
            transports: modules(&lib_dir.join("transports")),
            loggers: modules(&lib_dir.join("loggers")),
            events: modules(&lib_dir.join("events")),
        }
    }
}

/// A running Janus, killed when dropped (or when this process dies).
pub struct JanusServer {
    child: Child,
    dir: PathBuf,
    pub http_port: u16,
    pub media_ip: IpAddr,
}

impl JanusServer {
    /// Writes the configuration into a new folder under the temporary
    /// directory, starts Janus and waits (at most 15 s) until it answers.
    pub async fn start(s: &JanusSettings) -> Result<JanusServer, JanusError> {
        if !s.binary.is_file() {
            return Err(JanusError::NotInstalled(s.binary.display().to_string()));
        }
        let lib_dir = s
            .lib_dir
            .clone()
            .or_else(find_lib_dir)
            .ok_or_else(|| JanusError::NotInstalled("libjanus_videocall.so".into()))?;
        let http_port = std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port();
        let dir = std::env::temp_dir().join(format!("vc-janus-{}-{http_port}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let log = dir.join("janus.log");
        for (name, text) in config_files(s, &lib_dir, http_port, &log, &Modules::scan(&lib_dir)) {
            std::fs::write(dir.join(name), text)?;
        }
        let mut cmd = Command::new(&s.binary);
        cmd.arg("-F").arg(&dir).arg("-C").arg(dir.join("janus.jcfg"));
        cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        procstat::die_with_parent(&mut cmd);
        let child = cmd.spawn()?;
        let mut server = JanusServer { child, dir, http_port, media_ip: s.media_ip };
        server.wait_ready(Duration::from_secs(15)).await?;
        Ok(server)
    }

    async fn wait_ready(&mut self, timeout: Duration) -> Result<(), JanusError> {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + timeout;
        let info = format!("{}/info", self.base_url());
        loop {
            if let Ok(r) = http.get(&info).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(JanusError::Exited(format!("{status}; log:\n{}", self.log_tail())));
            }
            if Instant::now() >= deadline {
                return Err(JanusError::Exited(format!(
                    "not ready in {timeout:?}; log:\n{}",
                    self.log_tail()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `http://127.0.0.1:<port>/janus`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/janus", self.http_port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines Janus logged.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("janus.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for JanusServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;

    #[test]
    fn the_config_keeps_only_http_and_videocall() {
        let s = JanusSettings::new("192.0.2.2".parse().unwrap());
        let all = Modules {
            plugins: vec![
                "libjanus_echotest.so".into(),
                "libjanus_videocall.so".into(),
                "libjanus_sip.so".into(),
            ],
            transports: vec!["libjanus_http.so".into(), "libjanus_websockets.so".into()],
            loggers: vec!["libjanus_jsonlog.so".into()],
            events: vec![],
        };
        let files =
            config_files(&s, Path::new("/usr/lib/x/janus"), 18088, Path::new("/tmp/j/janus.log"), &all);
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["janus.jcfg", "janus.transport.http.jcfg", "janus.plugin.videocall.jcfg"]);
        let janus = &files[0].1;
        assert!(janus.contains(r#"disable = "libjanus_echotest.so,libjanus_sip.so""#), "{janus}");
        assert!(janus.contains(r#"disable = "libjanus_websockets.so""#), "{janus}");
        assert!(janus.contains(r#"disable = "libjanus_jsonlog.so""#), "{janus}");
        assert!(janus.contains(r#"ice_enforce_list = "192.0.2.2""#), "{janus}");
        assert!(janus.contains(r#"rtp_port_range = "30000-39999""#), "{janus}");
        assert!(janus.contains(r#"plugins_folder = "/usr/lib/x/janus/plugins""#), "{janus}");
        assert!(janus.contains(r#"configs_folder = "/tmp/j""#), "{janus}");
        let http = &files[1].1;
        assert!(http.contains("port = 18088") && http.contains(r#"ip = "127.0.0.1""#), "{http}");
        // Balanced braces: Janus refuses a malformed file.
        for (name, text) in &files {
            assert_eq!(text.matches('{').count(), text.matches('}').count(), "{name}");
        }
    }
}

//! Test harness shared by the per-service and whole-system tests. Everything
//! here is a real component: a SecantusDB server, a Mosquitto broker, the
//! VideoAssist binaries, each on a free loopback port and stopped when its
//! guard is dropped (or when the test process dies).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
pub mod fakes;
mod process;

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

pub use api::{Api, Reply};
pub use process::{Child, ProcessOptions, Service, alive, child_pids};

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port()
}

/// Waits until something accepts TCP connections on the port.
pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&(Ipv4Addr::LOCALHOST, port).into(), Duration::from_millis(200)).is_ok()
        {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}

/// A database name no other test uses.
pub fn unique_db() -> String {
    format!("t_{}", uuid::Uuid::new_v4().simple())
}

/// A topic namespace no other test uses (for a shared broker).
pub fn unique_namespace() -> String {
    format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}

/// Where the project's binaries are: next to the test executable's `deps/`.
pub fn bin_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap();
    let dir = if dir.ends_with("deps") { dir.parent().unwrap() } else { dir };
    let path = dir.join(name);
    assert!(path.is_file(), "{} is not built; run `cargo build --workspace --bins` first", path.display());
    path
}

/// A server process a test can crash and bring back (same port, same data).
pub trait Restartable {
    /// Where the running process is kept.
    fn slot(&mut self) -> &mut Option<Child>;
    /// Starts the process and waits until it listens.
    fn spawn(&mut self);

    /// Kills it, as a crash would.
    fn kill(&mut self) {
        if let Some(mut c) = self.slot().take() {
            c.kill();
        }
    }

    /// Starts it again on the same port with the same data.
    fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

fn secantusd() -> PathBuf {
    std::env::var_os("VC_TEST_SECANTUSD")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".venv/bin/secantusd-py"))
}

/// A SecantusDB server (MongoDB wire protocol) of its own.
pub struct MongoServer {
    pub port: u16,
    storage: tempfile::TempDir,
    child: Option<Child>,
}

impl MongoServer {
    pub fn start() -> Self {
        let storage = tempfile::tempdir().unwrap();
        let mut server = Self { port: free_port(), storage, child: None };
        server.spawn();
        server
    }

    pub fn uri(&self) -> String {
        format!("mongodb://127.0.0.1:{}/?directConnection=true", self.port)
    }
}

impl Restartable for MongoServer {
    fn slot(&mut self) -> &mut Option<Child> {
        &mut self.child
    }

    fn spawn(&mut self) {
        let bin = secantusd();
        assert!(bin.is_file(), "{} missing: run `make test` (it installs SecantusDB)", bin.display());
        let mut cmd = Command::new(bin);
        cmd.args(["--host", "127.0.0.1", "--port", &self.port.to_string(), "--storage-path"])
            .arg(self.storage.path().join("db"))
            .args(["--log-level", "WARNING", "--sync-on-commit"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        self.child = Some(Child::spawn("secantusd", cmd));
        assert!(wait_for_port(self.port, Duration::from_secs(30)), "SecantusDB did not start");
    }
}

/// A SecantusDB shared by every test of this process (each test uses its
/// own database name), or the one named by `VC_TEST_MONGO_URI`.
pub fn shared_mongo_uri() -> String {
    if let Some(uri) = std::env::var("VC_TEST_MONGO_URI").ok().filter(|u| !u.is_empty()) {
        return uri;
    }
    static URI: OnceLock<String> = OnceLock::new();
    URI.get_or_init(|| {
        // Spawned from a thread that never ends: a child dies with the
        // thread that started it (PR_SET_PDEATHSIG).
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let server = MongoServer::start();
            tx.send(server.uri()).unwrap();
            let _keep = server;
            loop {
                std::thread::park();
            }
        });
        rx.recv().unwrap()
    })
    .clone()
}

/// A Mosquitto broker of its own (MQTT v5), anonymous, on loopback.
pub struct Mosquitto {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Mosquitto {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Self { port: free_port(), dir, child: None };
        m.spawn();
        m
    }
}

impl Restartable for Mosquitto {
    fn slot(&mut self) -> &mut Option<Child> {
        &mut self.child
    }

    fn spawn(&mut self) {
        let conf = self.dir.path().join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!(
                "listener {} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\nmax_queued_messages 10000\n",
                self.port
            ),
        )
        .unwrap();
        let bin = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"]
            .into_iter()
            .find(|p| std::path::Path::new(p).is_file())
            .expect("mosquitto is not installed: run `make test`");
        let mut cmd = Command::new(bin);
        cmd.arg("-c").arg(&conf).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::inherit());
        self.child = Some(Child::spawn("mosquitto", cmd));
        assert!(wait_for_port(self.port, Duration::from_secs(10)), "mosquitto did not start");
    }
}

/// The embedded broker (`videoassist broker`) as a process of its own.
pub struct EmbeddedBroker {
    pub port: u16,
    pub username: String,
    pub password: String,
    child: Option<Child>,
}

impl EmbeddedBroker {
    pub fn start() -> Self {
        let mut b = Self {
            port: free_port(),
            username: "test".into(),
            password: uuid::Uuid::new_v4().simple().to_string(),
            child: None,
        };
        b.spawn();
        b
    }
}

impl Restartable for EmbeddedBroker {
    fn slot(&mut self) -> &mut Option<Child> {
        &mut self.child
    }

    fn spawn(&mut self) {
        let mut cmd = Command::new(bin_path("videoassist"));
        cmd.args([
            "broker",
            "--port",
            &self.port.to_string(),
            "--username",
            &self.username,
            "--password",
            &self.password,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
        self.child = Some(Child::spawn("broker", cmd));
        assert!(wait_for_port(self.port, Duration::from_secs(10)), "embedded broker did not start");
    }
}

/// The all-in-one with a database of its own (on the shared server) and an
/// embedded broker, on a free port, healthy.
pub struct Platform {
    pub svc: Service,
    pub admin_login: String,
    pub admin_password: String,
    pub data_dir: tempfile::TempDir,
}

impl Platform {
    pub const ADMIN_PASSWORD: &'static str = "admin-pass-123";

    pub async fn start(extra_env: &[(&str, &str)]) -> Self {
        Self::start_on(free_port(), extra_env).await
    }

    /// Like [`Platform::start`], on a port chosen beforehand (for settings
    /// that name the platform's own address, e.g. a webhook URL).
    pub async fn start_on(port: u16, extra_env: &[(&str, &str)]) -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        let mut opts = ProcessOptions::new("videoassist")
            .env("VC_MONGO_URI", shared_mongo_uri())
            .env("VC_MONGO__DATABASE", unique_db())
            .env("VC_DATA_DIR", data_dir.path().display().to_string())
            .env("VC_ADMIN_LOGIN", "admin")
            .env("VC_ADMIN_PASSWORD", Self::ADMIN_PASSWORD);
        for (k, v) in extra_env {
            opts = opts.env(k, *v);
        }
        let svc = Service::spawn_on(opts, port);
        svc.wait_healthy(Duration::from_secs(30)).await;
        Self { svc, admin_login: "admin".into(), admin_password: Self::ADMIN_PASSWORD.into(), data_dir }
    }

    pub fn api(&self) -> &Api {
        &self.svc.api
    }

    /// The admin's access token.
    pub async fn admin_token(&self) -> String {
        self.api().tokens(&self.admin_login, &self.admin_password).await.0
    }

    /// Creates a user through the API and returns its id.
    pub async fn create_user(&self, admin: &str, login: &str, password: &str, role: &str) -> String {
        self.api().create_user(admin, login, password, role).await
    }

    /// The agent creates an interaction (`body` of `POST /api/interactions`)
    /// and a client joins it with consent: `(interaction id, client token)`.
    pub async fn joined_call(&self, agent: &str, body: &serde_json::Value) -> (String, String) {
        let api = self.api();
        let r = api.post("/api/interactions", Some(agent), body).await.unwrap();
        assert_eq!(r.status, 201, "{:?}", r.body);
        let id = r.body["id"].as_str().unwrap().to_owned();
        let link = r.body["client_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
        let r = api
            .post(&format!("/api/join/{link}"), None, &serde_json::json!({"consent": true}))
            .await
            .unwrap();
        assert_eq!(r.status, 200, "{:?}", r.body);
        (id, r.body["client_token"].as_str().unwrap().to_owned())
    }
}

/// A WebSocket client speaking JSON text frames (control channel, signaling).
pub struct JsonSocket {
    inner: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl JsonSocket {
    /// Connects to `path` on the platform (`ws://`).
    pub async fn connect(api: &Api, path: &str) -> Self {
        let url = format!("{}{path}", api.base.replacen("http", "ws", 1));
        let (inner, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Self { inner }
    }

    pub async fn send(&mut self, value: serde_json::Value) {
        use futures_util::SinkExt;
        self.inner
            .send(tokio_tungstenite::tungstenite::Message::Text(value.to_string().into()))
            .await
            .unwrap();
    }

    /// The next JSON frame, or `None` when the socket closed (or `timeout`).
    pub async fn next(&mut self, timeout: Duration) -> Option<serde_json::Value> {
        use futures_util::StreamExt;
        loop {
            let msg = tokio::time::timeout(timeout, self.inner.next()).await.ok()??.ok()?;
            match msg {
                tokio_tungstenite::tungstenite::Message::Text(t) => return serde_json::from_str(&t).ok(),
                tokio_tungstenite::tungstenite::Message::Close(_) => return None,
                _ => {}
            }
        }
    }

    /// Frames until one matches `pred` (panics after `timeout`).
    pub async fn until(
        &mut self,
        timeout: Duration,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(v) = self.next(left).await else {
                panic!("socket ended before the frame came; saw {seen:?}")
            };
            let hit = pred(&v);
            seen.push(v);
            if hit {
                return seen;
            }
        }
    }

    /// The close code the server sent, reading frames until it comes.
    pub async fn close_code(&mut self, timeout: Duration) -> Option<u16> {
        use futures_util::StreamExt;
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.inner.next()).await.ok()?? {
                Ok(tokio_tungstenite::tungstenite::Message::Close(frame)) => {
                    return frame.map(|f| u16::from(f.code));
                }
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }
}

/// A coturn TURN server on loopback with time-limited credentials
/// (`use-auth-secret`), relaying to loopback peers.
pub struct Coturn {
    pub port: u16,
    pub secret: String,
    child: Child,
    log: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Coturn {
    pub fn start() -> Self {
        let port = free_port();
        let secret = uuid::Uuid::new_v4().simple().to_string();
        let mut cmd = Command::new("turnserver");
        cmd.args([
            "-n",
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            &format!("--listening-port={port}"),
            "--min-port=40000",
            "--max-port=60000",
            "--use-auth-secret",
            &format!("--static-auth-secret={secret}"),
            "--realm=videoassist",
            "--allow-loopback-peers",
            "--fingerprint",
            "--no-tls",
            "--no-dtls",
            "--no-cli",
            "--log-file=stdout",
            "--simple-log",
            "--verbose",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
        let mut child = Child::spawn("turnserver", cmd);
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        if let Some(out) = child.take_stdout() {
            let sink = log.clone();
            std::thread::spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                    sink.lock().unwrap().push(line);
                }
            });
        }
        // coturn listens on UDP (and TCP on the same port).
        assert!(wait_for_port(port, Duration::from_secs(10)), "coturn did not start");
        Self { port, secret, child, log }
    }

    /// What coturn logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

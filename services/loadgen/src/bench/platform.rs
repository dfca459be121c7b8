//! The release all-in-one on a SecantusDB of its own, for the media
//! gateway benchmark (as `services/fileserver/benches/transfer.rs` runs
//! it): free loopback ports, temporary data, calls not recorded, both
//! processes killed when dropped or when the benchmark dies.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::procstat;

const ADMIN_PASSWORD: &str = "bench-admin-pass-1";
/// Debian's Mosquitto (`scripts/setup.sh bench` installs it).
const MOSQUITTO: &str = "/usr/sbin/mosquitto";

/// A running platform with an agent account.
pub struct Platform {
    db: Child,
    broker: Option<Child>,
    server: Child,
    dir: PathBuf,
    pub base: String,
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&(Ipv4Addr::LOCALHOST, port).into(), Duration::from_millis(200)).is_ok()
        {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn spawn(mut cmd: Command, log: &Path) -> Result<Child, String> {
    let out = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    procstat::die_with_parent(&mut cmd);
    cmd.spawn().map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

impl Platform {
    /// Starts SecantusDB (`secantusd`) and the all-in-one (`videoassist`)
    /// with `env` added to what it needs, and waits until it is healthy.
    pub async fn start(
        videoassist: &Path,
        secantusd: &Path,
        env: &[(&str, &str)],
    ) -> Result<Platform, String> {
        let dir = std::env::temp_dir().join(format!("vc-sfu-bench-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("db")).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(dir.join("data")).map_err(|e| e.to_string())?;
        let db_port = free_port().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(secantusd);
        cmd.args(["--host", "127.0.0.1", "--port", &db_port.to_string(), "--storage-path"])
            .arg(dir.join("db"))
            .args(["--log-level", "WARNING"]);
        let db = spawn(cmd, &dir.join("secantusd.log"))?;
        // As in production, an external Mosquitto when there is one: the
        // embedded broker (rumqttd) grows with every topic ever published
        // (docs/benchmarks.md), which is not the gateway's to answer for.
        let mut broker = None;
        let mut broker_env = Vec::new();
        if Path::new(MOSQUITTO).is_file() {
            let port = free_port().map_err(|e| e.to_string())?;
            let conf = dir.join("mosquitto.conf");
            std::fs::write(
                &conf,
                format!("listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"),
            )
            .map_err(|e| e.to_string())?;
            let mut cmd = Command::new(MOSQUITTO);
            cmd.arg("-c").arg(&conf);
            broker = Some(spawn(cmd, &dir.join("mosquitto.log"))?);
            if !wait_for_port(port, Duration::from_secs(10)) {
                return Err(format!("mosquitto did not start:\n{}", tail(&dir.join("mosquitto.log"))));
            }
            broker_env =
                vec![("VC_BROKER__EMBEDDED", "false".to_owned()), ("VC_MQTT__PORT", port.to_string())];
        }
        let http_port = free_port().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(videoassist);
        cmd.env_remove("VC_CONFIG")
            .env("VC_MONGO_URI", format!("mongodb://127.0.0.1:{db_port}/?directConnection=true"))
            .env("VC_MONGO__DATABASE", "bench")
            .env("VC_DATA_DIR", dir.join("data"))
            .env("VC_HTTP_PORT", http_port.to_string())
            .env("VC_ADMIN_LOGIN", "admin")
            .env("VC_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("VC_LOG__FILTER", "warn")
            .env("VC_LOG__FORMAT", "json");
        for (k, v) in env {
            cmd.env(k, v);
        }
        for (k, v) in &broker_env {
            cmd.env(k, v);
        }
        // Started even if the database is slow: the server waits for it.
        let db_up = wait_for_port(db_port, Duration::from_secs(30));
        let server = spawn(cmd, &dir.join("videoassist.log"))?;
        let mut p = Platform { db, broker, server, dir, base: format!("http://127.0.0.1:{http_port}") };
        if !db_up {
            return Err(format!("SecantusDB did not start:\n{}", tail(&p.dir.join("secantusd.log"))));
        }
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = http.get(format!("{}/healthz", p.base)).send().await
                && r.status().is_success()
            {
                return Ok(p);
            }
            if Instant::now() >= deadline || matches!(p.server.try_wait(), Ok(Some(_))) {
                return Err(format!("videoassist not healthy:\n{}", tail(&p.dir.join("videoassist.log"))));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whether the platform talks through an external Mosquitto.
    pub fn external_broker(&self) -> bool {
        self.broker.is_some()
    }

    pub fn pid(&self) -> u32 {
        self.server.id()
    }

    /// Creates an agent account (as the admin).
    pub async fn create_agent(&self, login: &str, password: &str) -> Result<(), String> {
        let http = reqwest::Client::new();
        let post = |path: &str, token: Option<&str>, body: Value| {
            let mut r = http.post(format!("{}{path}", self.base)).json(&body);
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            r.send()
        };
        let login_res = post("/api/auth/login", None, json!({"login": "admin", "password": ADMIN_PASSWORD}))
            .await
            .map_err(|e| e.to_string())?;
        let v: Value = login_res.json().await.map_err(|e| e.to_string())?;
        let admin = v["access_token"].as_str().ok_or("admin login: no access token")?;
        let r = post(
            "/api/users",
            Some(admin),
            json!({"login": login, "password": password, "role": "agent", "name": login}),
        )
        .await
        .map_err(|e| e.to_string())?;
        if r.status().is_success() { Ok(()) } else { Err(format!("creating the agent: {}", r.status())) }
    }

    /// The server's last log lines.
    pub fn log_tail(&self) -> String {
        tail(&self.dir.join("videoassist.log"))
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        for c in [Some(&mut self.server), self.broker.as_mut(), Some(&mut self.db)].into_iter().flatten() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

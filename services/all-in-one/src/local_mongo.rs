//! The local MongoDB-compatible server (SecantusDB) the all-in-one starts
//! when no `mongo.uri` is configured: on loopback, its data under
//! `<data_dir>/mongo`, stopped after every service has shut down.

use std::fs::OpenOptions;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::broker::free_port;
use crate::config::LocalMongoConfig;

#[derive(Debug, thiserror::Error)]
pub enum LocalMongoError {
    #[error(
        "no mongo.uri is configured and the local server `{0}` is missing: run `make run` (it installs SecantusDB into .venv) or set VC_MONGO_URI"
    )]
    Missing(PathBuf),
    #[error("local MongoDB: {0}")]
    Io(#[from] std::io::Error),
    #[error("local MongoDB exited at start ({status}); see {log}")]
    Exited { status: String, log: String },
    #[error("local MongoDB did not accept connections within {0:?}; see {1}")]
    Timeout(Duration, String),
}

pub struct LocalMongo {
    child: Option<Child>,
    pub uri: String,
}

impl LocalMongo {
    /// Starts it and waits until it accepts connections. An instance that
    /// exits at once is tried again (up to 3 times, on a new free port when
    /// the port is not fixed): a port taken between choosing and binding, or
    /// the storage still held by an instance that is just exiting, passes.
    pub fn start(cfg: &LocalMongoConfig, data_dir: &Path) -> Result<Self, LocalMongoError> {
        let mut attempt = 1;
        loop {
            match Self::start_once(cfg, data_dir) {
                Err(LocalMongoError::Exited { status, log }) if attempt < 3 => {
                    tracing::warn!(%status, log, attempt, "local MongoDB exited at start; trying again");
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(500));
                }
                other => return other,
            }
        }
    }

    fn start_once(cfg: &LocalMongoConfig, data_dir: &Path) -> Result<Self, LocalMongoError> {
        if !cfg.command.is_file() {
            return Err(LocalMongoError::Missing(cfg.command.clone()));
        }
        let storage = data_dir.join("mongo");
        std::fs::create_dir_all(&storage)?;
        let log = data_dir.join("secantusd.log");
        let out = OpenOptions::new().create(true).append(true).open(&log)?;
        let port = if cfg.port == 0 { free_port()? } else { cfg.port };
        let mut cmd = Command::new(&cfg.command);
        cmd.arg("--host")
            .arg("127.0.0.1")
            .arg("--port")
            .arg(port.to_string())
            .arg("--storage-path")
            .arg(&storage)
            .arg("--log-level")
            .arg("WARNING")
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            // Its own process group: a Ctrl-C in the terminal reaches us, and
            // we stop the database only after the services have finished.
            .process_group(0);
        if cfg.sync_on_commit {
            cmd.arg("--sync-on-commit");
        }
        die_with_parent(&mut cmd);
        let mut child = cmd.spawn()?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let timeout = Duration::from_secs(cfg.start_timeout_secs.max(1));
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = child.try_wait()? {
                return Err(LocalMongoError::Exited {
                    status: status.to_string(),
                    log: log.display().to_string(),
                });
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                break;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(LocalMongoError::Timeout(timeout, log.display().to_string()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        tracing::info!(%addr, storage = %storage.display(), "local MongoDB (SecantusDB) started");
        Ok(Self { child: Some(child), uri: format!("mongodb://127.0.0.1:{port}/?directConnection=true") })
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`.
    pub async fn stop(mut self, grace: Duration) {
        let Some(mut child) = self.child.take() else { return };
        send_signal(&child, libc::SIGTERM);
        let deadline = Instant::now() + grace;
        loop {
            match child.try_wait() {
                Ok(Some(_)) => {
                    tracing::info!("local MongoDB stopped");
                    return;
                }
                Ok(None) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
                _ => break,
            }
        }
        tracing::warn!("local MongoDB did not stop in time; killing it");
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for LocalMongo {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[allow(unsafe_code)]
fn send_signal(child: &Child, signal: libc::c_int) {
    let Ok(pid) = libc::pid_t::try_from(child.id()) else { return };
    // SAFETY: kill(2) with a pid we own; no memory is touched.
    unsafe {
        libc::kill(pid, signal);
    }
}

/// The child gets SIGTERM if we die without stopping it (e.g. `kill -9`).
#[allow(unsafe_code)]
fn die_with_parent(cmd: &mut Command) {
    // SAFETY: prctl(2) is async-signal-safe and only changes the child's own
    // attributes between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

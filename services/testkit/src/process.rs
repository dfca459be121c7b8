//! Child processes that never outlive the test: killed when their guard is
//! dropped, and by the kernel if the test process dies first.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::api::Api;
use crate::{bin_path, free_port};

/// A spawned process, killed on drop.
pub struct Child {
    name: String,
    inner: Option<std::process::Child>,
}

impl Child {
    pub fn spawn(name: &str, mut cmd: Command) -> Self {
        // SAFETY: prctl(2) only changes the child's own attributes between
        // fork and exec and is async-signal-safe.
        #[allow(unsafe_code)]
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let inner = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Self { name: name.to_owned(), inner: Some(inner) }
    }

    /// The child's standard output, when it was piped.
    pub fn take_stdout(&mut self) -> Option<std::process::ChildStdout> {
        self.inner.as_mut()?.stdout.take()
    }

    pub fn id(&self) -> u32 {
        self.inner.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    pub fn signal(&self, signal: i32) {
        if let Some(c) = &self.inner {
            #[allow(unsafe_code)]
            // SAFETY: kill(2) on our own child's pid.
            unsafe {
                libc::kill(c.id() as libc::pid_t, signal);
            }
        }
    }

    /// Waits for the process to exit, at most `timeout`.
    pub fn wait_timeout(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        let child = self.inner.as_mut()?;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                self.inner = None;
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL and reap.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.inner.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.kill();
    }
}

/// How to start a VideoAssist process.
#[derive(Clone, Debug)]
pub struct ProcessOptions {
    /// `videoassist`, `vc-auth` or `vc-server`.
    pub binary: String,
    pub args: Vec<String>,
    /// Extra environment (`VC_*`); the HTTP port is added.
    pub env: Vec<(String, String)>,
    /// Where `make run`-style relative paths resolve (default: a temp dir).
    pub cwd: Option<std::path::PathBuf>,
}

impl ProcessOptions {
    pub fn new(binary: &str) -> Self {
        Self { binary: binary.into(), args: Vec::new(), env: Vec::new(), cwd: None }
    }

    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }
}

/// A running VideoAssist process with an HTTP port.
pub struct Service {
    pub port: u16,
    pub api: Api,
    pub options: ProcessOptions,
    child: Child,
    output: Arc<Mutex<Vec<String>>>,
}

impl Service {
    /// Starts the process on a free HTTP port (`VC_HTTP_PORT`).
    pub fn spawn(options: ProcessOptions) -> Self {
        Self::spawn_on(options, free_port())
    }

    /// Starts the process on the given HTTP port.
    pub fn spawn_on(options: ProcessOptions, port: u16) -> Self {
        let mut cmd = Command::new(bin_path(&options.binary));
        cmd.args(&options.args)
            .env("VC_HTTP_PORT", port.to_string())
            .env("VC_LOG__FORMAT", "json")
            .env_remove("VC_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &options.env {
            cmd.env(k, v);
        }
        if let Some(cwd) = &options.cwd {
            cmd.current_dir(cwd);
        }
        let mut child = Child::spawn(&options.binary, cmd);
        let output = Arc::new(Mutex::new(Vec::new()));
        if let Some(inner) = child.inner.as_mut() {
            for stream in [
                inner.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
                inner.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            ]
            .into_iter()
            .flatten()
            {
                let out = output.clone();
                std::thread::spawn(move || {
                    for line in BufReader::new(stream).lines().map_while(Result::ok) {
                        out.lock().unwrap().push(line);
                    }
                });
            }
        }
        let tls = options.env.iter().any(|(k, v)| k == "VC_HTTP__TLS_SELF_SIGNED" && v == "true");
        let api = Api::new(&format!("{}://127.0.0.1:{port}", if tls { "https" } else { "http" }));
        Self { port, api, options, child, output }
    }

    /// Waits until `/healthz` answers 200.
    pub async fn wait_healthy(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(r) = self.api.get("/healthz", None).await
                && r.status == 200
            {
                return;
            }
            if Instant::now() >= deadline {
                panic!("{} not healthy within {timeout:?}; output:\n{}", self.options.binary, self.output());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Everything the process printed so far (stdout and stderr).
    pub fn output(&self) -> String {
        self.output.lock().unwrap().join("\n")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, signal: i32) {
        self.child.signal(signal);
    }

    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        self.child.wait_timeout(timeout)
    }

    pub fn kill(&mut self) {
        self.child.kill();
    }

    /// The same process again (same options, same port).
    pub fn restart(&mut self) -> &mut Self {
        self.kill();
        let fresh = Self::spawn_on(self.options.clone(), self.port);
        *self = fresh;
        self
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- output of {} ---\n{}\n---", self.options.binary, self.output());
        }
    }
}

/// Pids of the direct children of `pid` (from /proc).
pub fn child_pids(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return out };
    for e in entries.flatten() {
        let Some(p) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else { continue };
        // Fields after the parenthesised command: state, ppid, ...
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { continue };
        let mut f = rest.split_whitespace();
        let (_state, ppid) = (f.next(), f.next());
        if ppid.and_then(|s| s.parse::<u32>().ok()) == Some(pid) {
            out.push(p);
        }
    }
    out
}

/// Whether a process with this pid exists (and is not a zombie).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit_once(')').and_then(|(_, r)| r.split_whitespace().next()) != Some("Z"),
        Err(_) => false,
    }
}

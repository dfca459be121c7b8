//! `SmtpSink`: a real SMTP server (`scripts/smtp_sink.py`, aiosmtpd in the
//! project's `.venv`, installed by `scripts/setup.sh test`) that accepts
//! every message and keeps it for the test. Plain, STARTTLS (required
//! before MAIL) or implicit TLS, with a certificate from a CA the test
//! generates ([`SmtpSink::ca_pem`] is what the client must trust); with
//! credentials, AUTH PLAIN and LOGIN are offered and required (over TLS
//! only, in STARTTLS mode).

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::http::{lock, wait_until};
use super::tls::TestCa;
use crate::{Child, repo_root};

/// How the sink takes connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpMode {
    /// No TLS at all.
    Plain,
    /// Plain connection; STARTTLS required before MAIL.
    StartTls,
    /// TLS from the first byte (SMTPS, "port 465" style).
    Tls,
}

impl SmtpMode {
    fn arg(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::StartTls => "starttls",
            Self::Tls => "tls",
        }
    }
}

/// A message as the sink received it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedMail {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent after DATA (headers and body).
    pub raw: Vec<u8>,
    /// The user the client authenticated as.
    pub auth_user: Option<String>,
    /// Whether the message came over TLS (STARTTLS or implicit).
    pub tls: bool,
    /// The name the client gave in EHLO/HELO.
    pub helo: Option<String>,
    /// MAIL FROM parameters (`SIZE=..`, `BODY=8BITMIME`, `SMTPUTF8`).
    pub mail_options: Vec<String>,
}

impl ReceivedMail {
    /// The raw message as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }
}

/// The running sink. Killed when dropped.
pub struct SmtpSink {
    pub port: u16,
    pub mode: SmtpMode,
    ca: TestCa,
    dir: tempfile::TempDir,
    output: Arc<Mutex<Vec<String>>>,
    _child: Child,
}

impl SmtpSink {
    /// Starts the sink on a free loopback port; `auth` is (user, password)
    /// when the server must require AUTH.
    pub async fn start(mode: SmtpMode, auth: Option<(&str, &str)>) -> Self {
        let root = repo_root();
        let python = root.join(".venv/bin/python");
        let script = root.join("scripts/smtp_sink.py");
        assert!(python.is_file(), "{} missing: run `make test` (scripts/setup.sh test)", python.display());
        let dir = tempfile::tempdir().expect("a temporary directory");
        let out = dir.path().join("mail");
        let ca = TestCa::generate();
        let mut cmd = Command::new(&python);
        cmd.arg(&script)
            .args(["--mode", mode.arg(), "--host", "127.0.0.1", "--port", "0", "--out"])
            .arg(&out);
        if mode != SmtpMode::Plain {
            let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
            std::fs::write(&cert, &ca.cert_pem).expect("write the certificate");
            std::fs::write(&key, &ca.key_pem).expect("write the key");
            cmd.arg("--cert").arg(cert).arg("--key").arg(key);
        }
        if let Some((user, password)) = auth {
            cmd.args(["--user", user]).env("SMTP_SINK_PASSWORD", password);
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = Child::spawn("smtp_sink", cmd);

        let output = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<u16>();
        if let Some(stdout) = child.take_stdout() {
            let sink = output.clone();
            std::thread::spawn(move || {
                let mut ready = Some(ready_tx);
                for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some(port) = line.strip_prefix("READY ").and_then(|p| p.trim().parse().ok())
                        && let Some(tx) = ready.take()
                    {
                        let _ = tx.send(port);
                    }
                    lock(&sink).push(line);
                }
            });
        }
        let port = match tokio::time::timeout(Duration::from_secs(30), ready_rx).await {
            Ok(Ok(port)) => port,
            _ => panic!(
                "the SMTP sink did not start (is aiosmtpd in .venv? run `scripts/setup.sh test`); it printed: {:?}",
                lock(&output)
            ),
        };
        Self { port, mode, ca, dir, output, _child: child }
    }

    /// PEM of the CA that signed the sink's certificate (for the client to
    /// trust; the certificate is for `localhost` and `127.0.0.1`).
    pub fn ca_pem(&self) -> &str {
        &self.ca.ca_pem
    }

    /// Every message received so far, in order.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let out = self.dir.path().join("mail");
        let mut mails = Vec::new();
        for n in 1.. {
            // The .json is renamed into place last: once it is there, the
            // message is complete.
            let Ok(meta) = std::fs::read(out.join(format!("{n}.json"))) else { break };
            let Ok(raw) = std::fs::read(out.join(format!("{n}.eml"))) else { break };
            let meta: serde_json::Value = serde_json::from_slice(&meta).unwrap_or_default();
            let strings = |key: &str| -> Vec<String> {
                meta[key]
                    .as_array()
                    .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default()
            };
            mails.push(ReceivedMail {
                mail_from: meta["mail_from"].as_str().unwrap_or_default().to_owned(),
                rcpt_to: strings("rcpt_tos"),
                raw,
                auth_user: meta["auth_user"].as_str().map(str::to_owned),
                tls: meta["tls"].as_bool().unwrap_or(false),
                helo: meta["helo"].as_str().map(str::to_owned),
                mail_options: strings("mail_options"),
            });
        }
        mails
    }

    /// Waits until `n` messages arrived and returns them all; panics after
    /// `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        if !wait_until(timeout, || self.messages().len() >= n).await {
            panic!("SMTP sink: {} messages within {timeout:?}, wanted {n}", self.messages().len());
        }
        self.messages()
    }

    /// What the sink printed on its standard output.
    pub fn output(&self) -> String {
        lock(&self.output).join("\n")
    }
}

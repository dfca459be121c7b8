//! The providers: what one call to each returns, in terms the worker acts on.

pub mod email;
pub mod smsc;
pub mod telegram;
pub mod webhook;

use std::time::Duration;

use vc_protocol::msg::FailureReason;

/// The outcome of handing a message to a provider.
#[derive(Debug, Clone, PartialEq)]
pub enum SendOutcome {
    /// Accepted; delivery is confirmed later (SMS) or never (e-mail).
    Sent { provider_id: Option<String> },
    /// In the recipient's hands as far as the provider can tell (Telegram, webhook).
    Delivered { provider_id: Option<String> },
    /// A failure that may pass. `ambiguous`: the provider may have acted
    /// on the request (no answer after it was sent).
    Retry { error: String, after: Option<Duration>, ambiguous: bool },
    /// Will not work however often it is tried.
    Failed { reason: FailureReason, detail: String },
}

/// Classifies a transport error: `ambiguous` unless the request certainly
/// never reached the provider.
pub fn transport_error(e: &reqwest::Error) -> SendOutcome {
    let ambiguous = !e.is_connect() && !e.is_builder();
    SendOutcome::Retry { error: describe(e), after: None, ambiguous }
}

/// A reqwest error in words, without the URL (it may carry credentials).
pub fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "no answer in time"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_decode() || e.is_body() {
        "unreadable answer"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut cause = String::new();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() { kind.to_owned() } else { format!("{kind}: {cause}") }
}

/// An HTTP client for one provider: a per-request timeout, no redirects
/// (a provider that redirects is misconfigured, and a redirect would
/// resend the body elsewhere).
pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("VideoAssist/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// At most `n` characters of a provider's answer, for logs and `detail`.
pub fn snippet(s: &str, n: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

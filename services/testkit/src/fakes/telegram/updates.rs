//! How updates reach the bot: `getUpdates` (long polling) and
//! `setWebhook`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::api::{Failure, Params, Reply, allowed_updates, fail, flag, flush, int, known};
use super::keyboard::is_local_host;
use super::{Inner, WebhookSetting};
use crate::fakes::http::lock;

pub(super) async fn get_updates(inner: &Arc<Inner>, p: &Params, v: &mut Vec<String>, method: &str) -> Reply {
    known(p, &["offset", "limit", "timeout", "allowed_updates"], v);
    let offset = int(p, "offset", v).unwrap_or(0);
    let mut limit = int(p, "limit", v).unwrap_or(100);
    if !(1..=100).contains(&limit) {
        v.push(format!("limit {limit}; values between 1 and 100 are accepted"));
        limit = limit.clamp(1, 100);
    }
    let mut timeout = int(p, "timeout", v).unwrap_or(0);
    if timeout < 0 {
        v.push(format!("timeout {timeout} is negative"));
        timeout = 0;
    }
    let allowed = allowed_updates(p, v);
    let generation = {
        let mut st = lock(&inner.state);
        if st.webhook.is_some() {
            return Err(webhook_conflict());
        }
        if let Some(a) = allowed {
            st.allowed_updates = Some(a);
        }
        if offset > 0 {
            st.queue.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
        } else if offset < 0 {
            let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
            while st.queue.len() > keep {
                st.queue.pop_front();
            }
        }
        st.poll_generation += 1;
        st.poll_generation
    };
    flush(inner, method, v);
    // A newer getUpdates ends the one waiting before it.
    inner.wake.notify_waiters();
    let deadline = Instant::now() + Duration::from_secs(timeout.unsigned_abs());
    loop {
        let woken = inner.wake.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        {
            let st = lock(&inner.state);
            if st.poll_generation != generation {
                return Err(fail(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                ));
            }
            if st.webhook.is_some() {
                return Err(webhook_conflict());
            }
            let take = usize::try_from(limit).unwrap_or(100);
            let updates: Vec<Value> = st.queue.iter().take(take).cloned().collect();
            if !updates.is_empty() || Instant::now() >= deadline {
                return Ok((Value::Array(updates), None));
            }
        }
        let _ = tokio::time::timeout(deadline.saturating_duration_since(Instant::now()), woken).await;
    }
}

fn webhook_conflict() -> Failure {
    fail(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    )
}

pub(super) fn set_webhook(inner: &Inner, p: &Params, v: &mut Vec<String>) -> Reply {
    known(
        p,
        &[
            "url",
            "certificate",
            "ip_address",
            "max_connections",
            "allowed_updates",
            "drop_pending_updates",
            "secret_token",
        ],
        v,
    );
    if p.contains_key("certificate") {
        v.push("certificate (a multipart upload) is not modelled by the fake".into());
    }
    let url = match p.get("url") {
        Some(Value::String(u)) => u.clone(),
        None => {
            v.push("url is required (an empty string removes the webhook)".into());
            String::new()
        }
        Some(other) => {
            v.push(format!("url must be a String, got {other}"));
            return Err(fail(400, "Bad Request: can't parse URL"));
        }
    };
    let mut st = lock(&inner.state);
    let drop_pending = flag(p, "drop_pending_updates", v);
    if url.is_empty() {
        if drop_pending {
            st.queue.clear();
        }
        let was = st.webhook.take().is_some();
        drop(st);
        inner.wake.notify_waiters();
        return Ok((
            json!(true),
            Some(if was { "Webhook was deleted" } else { "Webhook is already deleted" }),
        ));
    }
    let Ok(parsed) = reqwest::Url::parse(&url) else {
        v.push(format!("url {url:?} does not parse"));
        return Err(fail(400, "Bad Request: can't parse URL"));
    };
    let host = parsed.host_str().unwrap_or("").to_owned();
    let local = is_local_host(&host);
    if local && st.public_urls {
        v.push(format!("webhook url {url:?} points at a loopback or private host"));
        return Err(fail(400, format!("Bad Request: bad webhook: IP address {host} is reserved")));
    }
    if parsed.scheme() != "https" && !local {
        v.push(format!("webhook url {url:?} is not HTTPS"));
        return Err(fail(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook"));
    }
    let port = parsed.port_or_known_default().unwrap_or(0);
    if !local && ![80, 88, 443, 8443].contains(&port) {
        v.push(format!("webhook url {url:?} uses port {port}"));
        return Err(fail(
            400,
            "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
        ));
    }
    let secret = match p.get("secret_token").and_then(Value::as_str).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) if s.len() > 256 => {
            v.push(format!("secret_token has {} characters; 1-256 allowed", s.len()));
            return Err(fail(400, "Bad Request: secret token is too long"));
        }
        Some(s) if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
            v.push("secret_token may hold only A-Z, a-z, 0-9, _ and -".into());
            return Err(fail(400, "Bad Request: secret token contains unallowed characters"));
        }
        Some(s) => Some(s.to_owned()),
    };
    let mut max_connections = int(p, "max_connections", v).unwrap_or(40);
    if !(1..=100).contains(&max_connections) {
        v.push(format!("max_connections {max_connections}; 1-100 allowed"));
        max_connections = max_connections.clamp(1, 100);
    }
    if let Some(a) = allowed_updates(p, v) {
        st.allowed_updates = Some(a);
    }
    if drop_pending {
        st.queue.clear();
    }
    let setting = WebhookSetting {
        url,
        secret_token: secret,
        max_connections: u32::try_from(max_connections).unwrap_or(40),
        allowed_updates: st.allowed_updates.clone(),
    };
    let same = st.webhook.as_ref() == Some(&setting);
    st.webhook = Some(setting);
    st.last_webhook_error = None;
    drop(st);
    inner.wake.notify_waiters();
    Ok((json!(true), Some(if same { "Webhook is already set" } else { "Webhook was set" })))
}

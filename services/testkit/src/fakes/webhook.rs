//! `WebhookReceiver`: a customer's system receiving VideoAssist's signed
//! webhook, behaving as a careful receiver should.
//!
//! The contract the platform implements (and this receiver checks):
//!
//! - `POST <url>` with `Content-Type: application/json` and a JSON body;
//! - `X-VideoAssist-Timestamp: <unix seconds>`, within 5 minutes of the
//!   receiver's clock;
//! - `X-VideoAssist-Signature: sha256=<hex>`, the lower-case hex of
//!   HMAC-SHA256 with the shared secret over `"<timestamp>.<raw body>"`
//!   (see [`sign`]), compared in constant time;
//! - `Idempotency-Key: <delivery id>`: a retry of the same delivery carries
//!   the same key and the same body, with a new timestamp and signature.
//!
//! Answers: 2xx means "received, do not send again". A bad or missing
//! signature or a stale timestamp answers 401, any other malformed request
//! 400; each is also recorded in [`WebhookReceiver::violations`]. A key
//! already accepted is answered 200 again and not accepted twice (the
//! receiver de-duplicates, as receivers are told to).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::http::{HttpFake, headers, json as json_answer, lock, media_type, wait_until};

/// The `X-VideoAssist-Signature` value for `body` sent at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn mac(secret: &str) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length")
}

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct ReceivedWebhook {
    pub method: String,
    pub path: String,
    /// (lower-case name, value) pairs.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub signature_valid: bool,
    /// What the receiver answered.
    pub status: u16,
    pub at: DateTime<Utc>,
}

impl ReceivedWebhook {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The receiving system. Stopped when dropped.
pub struct WebhookReceiver {
    server: HttpFake,
    inner: Arc<Inner>,
}

struct Inner {
    secret: String,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    fail_next: Option<(u32, u16)>,
    delay_next: Option<Duration>,
    requests: Vec<ReceivedWebhook>,
    accepted: Vec<Value>,
    /// Per Idempotency-Key: the first body, the timestamps seen, accepted?
    deliveries: HashMap<String, (Vec<u8>, Vec<i64>, bool)>,
    violations: Vec<String>,
}

/// How far the timestamp may be from the receiver's clock.
const TOLERANCE_SECS: i64 = 300;

impl WebhookReceiver {
    pub async fn start(secret: &str) -> Self {
        let inner = Arc::new(Inner { secret: secret.to_owned(), state: Mutex::new(State::default()) });
        let handler_inner = inner.clone();
        let server = HttpFake::serve(move |req, body| handle(handler_inner.clone(), req, body)).await;
        Self { server, inner }
    }

    /// Where the platform should POST: `http://127.0.0.1:<port>/hook`.
    pub fn url(&self) -> String {
        format!("{}/hook", self.server.url())
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    /// The next `n` requests are answered `status` (e.g. 500) and not
    /// accepted.
    pub fn fail_next(&self, n: u32, status: u16) {
        lock(&self.inner.state).fail_next = Some((n, status));
    }

    /// The next request is accepted at once but answered `delay` later.
    pub fn delay_next(&self, delay: Duration) {
        lock(&self.inner.state).delay_next = Some(delay);
    }

    /// Every request, in order.
    pub fn requests(&self) -> Vec<ReceivedWebhook> {
        lock(&self.inner.state).requests.clone()
    }

    /// The bodies accepted, once per delivery, in order.
    pub fn accepted(&self) -> Vec<Value> {
        lock(&self.inner.state).accepted.clone()
    }

    /// Every way a request departed from the contract.
    pub fn violations(&self) -> Vec<String> {
        lock(&self.inner.state).violations.clone()
    }

    pub fn assert_no_violations(&self) {
        let v = self.violations();
        assert!(v.is_empty(), "webhook requests departed from the contract:\n{}", v.join("\n"));
    }

    /// Waits until `n` deliveries were accepted and returns them; panics
    /// after `timeout` with what the receiver saw.
    pub async fn wait_for_accepted(&self, n: usize, timeout: Duration) -> Vec<Value> {
        if !wait_until(timeout, || lock(&self.inner.state).accepted.len() >= n).await {
            let st = lock(&self.inner.state);
            panic!(
                "webhook receiver: {} accepted within {timeout:?}, wanted {n}; requests: {:#?}; violations: {:#?}",
                st.accepted.len(),
                st.requests,
                st.violations
            );
        }
        self.accepted()
    }
}

async fn handle(inner: Arc<Inner>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let mut v: Vec<String> = Vec::new();
    // The first refusal decides the status: 401 for authentication, 400
    // for the rest.
    let mut refuse: Option<u16> = None;
    let mut refuse_with = |status: u16, v: &mut Vec<String>, why: String| {
        v.push(why);
        refuse.get_or_insert(status);
    };
    if req.method() != actix_web::http::Method::POST {
        refuse_with(405, &mut v, format!("method {} (the contract is POST)", req.method()));
    }
    if media_type(&req).as_deref() != Some("application/json") {
        v.push(format!("Content-Type {:?} (the contract is application/json)", header("content-type")));
    }
    let timestamp = header("x-videoassist-timestamp").and_then(|t| t.parse::<i64>().ok());
    let signature_valid = match (timestamp, header("x-videoassist-signature")) {
        (None, _) => {
            refuse_with(401, &mut v, "X-VideoAssist-Timestamp missing or not unix seconds".into());
            false
        }
        (Some(_), None) => {
            refuse_with(401, &mut v, "X-VideoAssist-Signature missing".into());
            false
        }
        (Some(ts), Some(sig)) => {
            let ok = verify(&inner.secret, ts, &body, sig);
            if !ok {
                refuse_with(401, &mut v, format!("X-VideoAssist-Signature {sig:?} does not verify"));
            }
            let skew = (Utc::now().timestamp() - ts).abs();
            if skew > TOLERANCE_SECS {
                refuse_with(
                    401,
                    &mut v,
                    format!("X-VideoAssist-Timestamp is {skew} s off (at most {TOLERANCE_SECS})"),
                );
            }
            ok
        }
    };
    let key = header("idempotency-key").filter(|k| !k.is_empty()).map(str::to_owned);
    if key.is_none() {
        refuse_with(400, &mut v, "Idempotency-Key missing".into());
    }
    let parsed: Option<Value> = match serde_json::from_slice(&body) {
        Ok(value) => Some(value),
        Err(e) => {
            refuse_with(400, &mut v, format!("the body is not JSON: {e}"));
            None
        }
    };

    let (status, answer, delay) = {
        let mut st = lock(&inner.state);
        let (status, answer) = match (refuse, key, parsed) {
            (None, Some(key), Some(value)) => {
                let ts = timestamp.unwrap_or_default();
                let delivery =
                    st.deliveries.entry(key.clone()).or_insert_with(|| (body.to_vec(), Vec::new(), false));
                if delivery.0 != body.as_ref() {
                    v.push(format!("a retry of delivery {key:?} changed its body"));
                }
                if delivery.1.contains(&ts) {
                    v.push(format!(
                        "a retry of delivery {key:?} reused timestamp {ts} (expected a fresh one)"
                    ));
                }
                delivery.1.push(ts);
                let already = delivery.2;
                if let Some((n, status)) = st.fail_next.take() {
                    if n > 1 {
                        st.fail_next = Some((n - 1, status));
                    }
                    (status, json!({ "ok": false, "error": "scripted failure" }))
                } else if already {
                    (200, json!({ "ok": true, "duplicate": true }))
                } else {
                    if let Some(d) = st.deliveries.get_mut(&key) {
                        d.2 = true;
                    }
                    st.accepted.push(value);
                    (200, json!({ "ok": true }))
                }
            }
            (refused, _, _) => (refused.unwrap_or(400), json!({ "ok": false, "error": v.join("; ") })),
        };
        st.requests.push(ReceivedWebhook {
            method: req.method().to_string(),
            path: req.path().to_owned(),
            headers: headers(&req),
            body: body.to_vec(),
            signature_valid,
            status,
            at: Utc::now(),
        });
        st.violations.extend(v);
        let delay =
            if status == 200 && answer.get("duplicate").is_none() { st.delay_next.take() } else { None };
        (status, answer, delay)
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    json_answer(status, &answer)
}

/// Constant-time check of `sha256=<hex>` against the expected MAC.
fn verify(secret: &str, timestamp: i64, body: &[u8], signature: &str) -> bool {
    let Some(given) = signature.strip_prefix("sha256=").and_then(|h| hex::decode(h).ok()) else {
        return false;
    };
    let mut mac = mac(secret);
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify() {
        let sig = sign("s3cret", 1_700_000_000, b"{\"a\":1}");
        assert!(sig.starts_with("sha256=") && sig.len() == 7 + 64);
        assert!(verify("s3cret", 1_700_000_000, b"{\"a\":1}", &sig));
        assert!(!verify("other", 1_700_000_000, b"{\"a\":1}", &sig));
        assert!(!verify("s3cret", 1_700_000_001, b"{\"a\":1}", &sig));
        assert!(!verify("s3cret", 1_700_000_000, b"{\"a\":1}", "sha256=zz"));
    }
}

//! `WebhookReceiver`: the signed-webhook contract, checked as a careful
//! customer's system checks it.

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use vc_testkit::fakes::WebhookReceiver;
use vc_testkit::fakes::webhook::sign;

const SECRET: &str = "whsec_test_1234";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// POSTs `body` as the platform does; `None` fields are left out.
async fn deliver(
    r: &WebhookReceiver,
    body: &str,
    key: Option<&str>,
    ts: i64,
    signature: Option<String>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(r.url())
        .header("Content-Type", "application/json")
        .header("X-VideoAssist-Timestamp", ts.to_string())
        .body(body.to_owned());
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    if let Some(s) = signature {
        req = req.header("X-VideoAssist-Signature", s);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn signed_deliveries_are_accepted_once() {
    let r = WebhookReceiver::start(SECRET).await;
    let body = json!({"event": "link.sent", "delivery_id": "d-1", "channel": "sms"}).to_string();
    let ts = now();
    let (status, _) = deliver(&r, &body, Some("d-1"), ts, Some(sign(SECRET, ts, body.as_bytes()))).await;
    assert_eq!(status, 200);
    // A retry: same key and body, fresh timestamp and signature.
    let ts2 = ts + 1;
    let (status, answer) =
        deliver(&r, &body, Some("d-1"), ts2, Some(sign(SECRET, ts2, body.as_bytes()))).await;
    assert_eq!((status, answer), (200, json!({"ok": true, "duplicate": true})));
    assert_eq!(r.accepted(), vec![serde_json::from_str::<Value>(&body).unwrap()]);
    assert!(r.requests().iter().all(|q| q.signature_valid));
    assert_eq!(r.requests()[0].header("idempotency-key"), Some("d-1"));
    r.assert_no_violations();

    // A retry that reuses the old signature, or changes the body, breaks
    // the contract.
    deliver(&r, &body, Some("d-1"), ts, Some(sign(SECRET, ts, body.as_bytes()))).await;
    let other = json!({"event": "link.sent", "delivery_id": "d-1", "channel": "email"}).to_string();
    let ts3 = ts + 2;
    deliver(&r, &other, Some("d-1"), ts3, Some(sign(SECRET, ts3, other.as_bytes()))).await;
    let v = r.violations();
    assert!(v.iter().any(|x| x.contains("reused timestamp")), "{v:#?}");
    assert!(v.iter().any(|x| x.contains("changed its body")), "{v:#?}");
    assert_eq!(r.accepted().len(), 1);
}

#[tokio::test]
async fn bad_signatures_and_malformed_requests_are_refused() {
    let r = WebhookReceiver::start(SECRET).await;
    let body = json!({"event": "link.sent"}).to_string();
    let ts = now();
    let (status, _) =
        deliver(&r, &body, Some("k1"), ts, Some(sign("wrong-secret", ts, body.as_bytes()))).await;
    assert_eq!(status, 401);
    assert!(!r.requests()[0].signature_valid);
    // Signed over the body alone, without the timestamp.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let bare = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let (status, _) = deliver(&r, &body, Some("k2"), ts, Some(bare)).await;
    assert_eq!(status, 401);
    let (status, _) = deliver(&r, &body, Some("k3"), ts, None).await;
    assert_eq!(status, 401);
    let stale = ts - 600;
    let (status, _) = deliver(&r, &body, Some("k4"), stale, Some(sign(SECRET, stale, body.as_bytes()))).await;
    assert_eq!(status, 401);
    let (status, _) = deliver(&r, &body, None, ts, Some(sign(SECRET, ts, body.as_bytes()))).await;
    assert_eq!(status, 400);
    let (status, _) = deliver(&r, "not json", Some("k6"), ts, Some(sign(SECRET, ts, b"not json"))).await;
    assert_eq!(status, 400);
    assert!(r.accepted().is_empty());
    assert_eq!(r.violations().len(), 6, "{:#?}", r.violations());
}

#[tokio::test]
async fn scripted_failures_and_slow_answers() {
    let r = WebhookReceiver::start(SECRET).await;
    r.fail_next(2, 503);
    let body = json!({"event": "link.opened", "delivery_id": "d-9"}).to_string();
    let mut statuses = Vec::new();
    for attempt in 0..3 {
        let ts = now() + attempt;
        statuses.push(deliver(&r, &body, Some("d-9"), ts, Some(sign(SECRET, ts, body.as_bytes()))).await.0);
    }
    assert_eq!(statuses, vec![503, 503, 200]);
    assert_eq!(r.accepted().len(), 1);

    r.delay_next(Duration::from_millis(800));
    let body = json!({"event": "link.opened", "delivery_id": "d-10"}).to_string();
    let ts = now();
    let err = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .post(r.url())
        .header("Content-Type", "application/json")
        .header("X-VideoAssist-Timestamp", ts.to_string())
        .header("X-VideoAssist-Signature", sign(SECRET, ts, body.as_bytes()))
        .header("Idempotency-Key", "d-10")
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(
        r.wait_for_accepted(2, Duration::from_secs(1)).await.len(),
        2,
        "accepted though answered late"
    );
    r.assert_no_violations();
}

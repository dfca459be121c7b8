//! The webhook connector: the link and the client's contact POSTed as JSON
//! to the customer's own system, which sends it through its channels.
//!
//! Every request carries `X-VideoAssist-Timestamp` (unix seconds),
//! `X-VideoAssist-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
//! and `Idempotency-Key: <delivery id>`. A retry sends the same body with
//! the same key, so a receiver that remembers keys acts once.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use vc_protocol::InteractionId;
use vc_protocol::msg::{ClientContact, DeliveryId, FailureReason, Language};

use super::{SendOutcome, describe, http_client, snippet};
use crate::config::WebhookSettings;

pub struct Webhook {
    http: reqwest::Client,
    url: String,
    secret: String,
}

/// The JSON body. Field order and values depend only on the delivery, so
/// every retry sends the same bytes.
#[derive(Debug, Serialize)]
pub struct Payload<'a> {
    pub event: &'static str,
    pub delivery_id: DeliveryId,
    pub interaction_id: InteractionId,
    pub link: &'a str,
    pub language: Language,
    /// The message as the SMS template renders it, for channels that want text.
    pub text: &'a str,
    pub company_name: &'a str,
    pub agent_name: &'a str,
    pub client: &'a ClientContact,
    pub created_at: DateTime<Utc>,
    /// A booked call's time (`scheduled_link`, `cancelled`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_at: Option<DateTime<Utc>>,
    /// The client's IANA time zone (`scheduled_link`, `cancelled`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<&'a str>,
    /// Why the call was cancelled, when staff said (`cancelled`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
}

/// `sha256=<hex>` over `"<timestamp>.<body>"`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC takes keys of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl Webhook {
    pub fn new(cfg: &WebhookSettings) -> Option<Self> {
        Some(Self {
            http: http_client(Duration::from_secs(cfg.timeout_secs.max(1))),
            url: cfg.url.clone()?,
            secret: cfg.secret.clone()?,
        })
    }

    /// Where it goes, for the delivery's `to`.
    pub fn target(&self) -> String {
        reqwest::Url::parse(&self.url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default()
    }

    pub async fn post(&self, payload: &Payload<'_>) -> SendOutcome {
        let body = match serde_json::to_vec(payload) {
            Ok(b) => b,
            Err(e) => {
                return SendOutcome::Failed { reason: FailureReason::ProviderError, detail: e.to_string() };
            }
        };
        let ts = Utc::now().timestamp();
        let resp = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-VideoAssist-Timestamp", ts.to_string())
            .header("X-VideoAssist-Signature", signature(&self.secret, ts, &body))
            .header("Idempotency-Key", payload.delivery_id.to_string())
            .body(body)
            .send()
            .await;
        let resp = match resp {
            Ok(r) => r,
            // Unanswered: retried with the same key, which makes it safe.
            Err(e) => {
                return SendOutcome::Retry { error: describe(&e), after: None, ambiguous: !e.is_connect() };
            }
        };
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = resp.text().await.unwrap_or_default();
        let detail = format!("webhook answered HTTP {}: {}", status.as_u16(), snippet(&text, 200));
        match status.as_u16() {
            200..=299 => SendOutcome::Delivered { provider_id: None },
            408 | 425 | 429 | 500..=599 => {
                SendOutcome::Retry { error: detail, after: retry_after, ambiguous: false }
            }
            401 | 403 => SendOutcome::Failed { reason: FailureReason::BadCredentials, detail },
            _ => SendOutcome::Failed { reason: FailureReason::Rejected, detail },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_and_body() {
        // Computed independently:
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'Jefe'
        assert_eq!(
            signature("Jefe", 1_700_000_000, br#"{"a":1}"#),
            "sha256=fa5f6481efc59da48b19c9dc10196c9953e5651f8304b3a318b6b87d70272e0a"
        );
    }
}

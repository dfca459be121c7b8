//! SMSC.ru's HTTP API (<https://smsc.ru/api/http/>): `send.php` with our own
//! message `id` (so an unanswered send can be looked up instead of sent
//! again), UTF-8, JSON answers (`fmt=3`); `status.php` by phone and id.

use std::time::Duration;

use serde::Deserialize;
use vc_protocol::msg::FailureReason;

use super::{SendOutcome, describe, http_client, snippet, transport_error};
use crate::config::SmsSettings;

pub struct Smsc {
    http: reqwest::Client,
    cfg: SmsSettings,
}

/// What status.php says about a message.
#[derive(Debug, Clone, PartialEq)]
pub enum SmsStatus {
    /// SMSC has no message with this id (yet).
    NotFound,
    /// Waiting to be sent or passed to the operator.
    Pending,
    Delivered,
    Failed {
        reason: FailureReason,
        detail: String,
    },
    /// The question could not be answered now.
    Unknown(String),
}

/// An answer of send.php / status.php with `fmt=3`.
#[derive(Debug, Deserialize)]
struct Answer {
    id: Option<serde_json::Value>,
    cnt: Option<u32>,
    status: Option<i64>,
    err: Option<i64>,
    error: Option<String>,
    error_code: Option<i64>,
}

/// The digits of an E.164 number, as SMSC.ru writes international numbers.
fn phone_digits(e164: &str) -> String {
    e164.chars().filter(char::is_ascii_digit).collect()
}

/// send.php's error codes.
fn send_error(code: i64, text: &str) -> SendOutcome {
    let detail = format!("SMSC.ru error {code}: {}", snippet(text, 200));
    let failed = |reason| SendOutcome::Failed { reason, detail: detail.clone() };
    match code {
        2 => failed(FailureReason::BadCredentials),
        3 => failed(FailureReason::NoMoney),
        4 => failed(FailureReason::IpBlocked),
        6 => failed(FailureReason::Forbidden),
        7 => failed(FailureReason::InvalidNumber),
        8 => failed(FailureReason::Undeliverable),
        9 => failed(FailureReason::FloodLimit),
        // 1: bad parameters, 5: bad date format — our side; do not retry.
        _ => failed(FailureReason::ProviderError),
    }
}

/// status.php's status codes.
fn status_of(status: i64, err: Option<i64>) -> SmsStatus {
    let detail = |what: &str| match err {
        Some(e) => format!("SMSC.ru status {status} ({what}), error {e}"),
        None => format!("SMSC.ru status {status} ({what})"),
    };
    let failed = |reason, what: &str| SmsStatus::Failed { reason, detail: detail(what) };
    match status {
        -3 => SmsStatus::NotFound,
        -1 | 0 => SmsStatus::Pending,
        // 1 delivered, 2 read, 4 the link in it was opened.
        1 | 2 | 4 => SmsStatus::Delivered,
        3 => failed(FailureReason::Expired, "expired"),
        20 => failed(FailureReason::Undeliverable, "could not be delivered"),
        22 => failed(FailureReason::InvalidNumber, "invalid number"),
        23 => failed(FailureReason::Forbidden, "forbidden"),
        24 => failed(FailureReason::NoMoney, "not enough money"),
        25 => failed(FailureReason::Undeliverable, "number unavailable"),
        other => SmsStatus::Unknown(format!("SMSC.ru status {other}")),
    }
}

impl Smsc {
    pub fn new(cfg: &SmsSettings) -> Self {
        Self { http: http_client(Duration::from_secs(cfg.timeout_secs.max(1))), cfg: cfg.clone() }
    }

    fn url(&self, script: &str) -> String {
        format!("{}/sys/{script}", self.cfg.api_url.trim_end_matches('/'))
    }

    fn credentials(&self) -> Vec<(&'static str, String)> {
        match (&self.cfg.api_key, &self.cfg.login, &self.cfg.password) {
            (Some(key), _, _) => vec![("apikey", key.clone())],
            (None, Some(login), Some(password)) => vec![("login", login.clone()), ("psw", password.clone())],
            _ => Vec::new(),
        }
    }

    /// Sends `text` to `phone` (E.164) under our message id `id`.
    pub async fn send(&self, phone: &str, text: &str, id: i64) -> SendOutcome {
        let mut form = self.credentials();
        form.push(("phones", phone_digits(phone)));
        form.push(("mes", text.to_owned()));
        form.push(("id", id.to_string()));
        form.push(("charset", "utf-8".into()));
        form.push(("fmt", "3".into()));
        if let Some(sender) = &self.cfg.sender {
            form.push(("sender", sender.clone()));
        }
        let resp = match self.http.post(self.url("send.php")).form(&form).send().await {
            Ok(r) => r,
            Err(e) => return transport_error(&e),
        };
        let status = resp.status();
        let body = match resp.text().await {
            Ok(b) => b,
            Err(e) => return SendOutcome::Retry { error: describe(&e), after: None, ambiguous: true },
        };
        if !status.is_success() {
            // The request reached SMSC.ru: it may have been taken.
            return SendOutcome::Retry {
                error: format!("SMSC.ru answered HTTP {status}: {}", snippet(&body, 200)),
                after: None,
                ambiguous: true,
            };
        }
        match serde_json::from_str::<Answer>(&body) {
            Ok(Answer { error_code: Some(code), error, .. }) => {
                send_error(code, error.as_deref().unwrap_or(""))
            }
            Ok(Answer { id: Some(_), cnt, .. }) => {
                tracing::debug!(parts = cnt.unwrap_or(0), "SMS accepted by SMSC.ru");
                SendOutcome::Sent { provider_id: Some(id.to_string()) }
            }
            _ => SendOutcome::Retry {
                error: format!("unexpected SMSC.ru answer: {}", snippet(&body, 200)),
                after: None,
                ambiguous: true,
            },
        }
    }

    /// The status of our message `id` to `phone`.
    pub async fn status(&self, phone: &str, id: i64) -> SmsStatus {
        let mut query = self.credentials();
        query.push(("phone", phone_digits(phone)));
        query.push(("id", id.to_string()));
        query.push(("fmt", "3".into()));
        let resp = match self.http.get(self.url("status.php")).query(&query).send().await {
            Ok(r) => r,
            Err(e) => return SmsStatus::Unknown(describe(&e)),
        };
        let http_status = resp.status();
        let body = match resp.text().await {
            Ok(b) => b,
            Err(e) => return SmsStatus::Unknown(describe(&e)),
        };
        if !http_status.is_success() {
            return SmsStatus::Unknown(format!("SMSC.ru answered HTTP {http_status}"));
        }
        match serde_json::from_str::<Answer>(&body) {
            Ok(Answer { status: Some(s), err, .. }) => status_of(s, err),
            Ok(Answer { error_code: Some(code), error, .. }) => SmsStatus::Unknown(format!(
                "SMSC.ru error {code}: {}",
                snippet(error.as_deref().unwrap_or(""), 200)
            )),
            _ => SmsStatus::Unknown(format!("unexpected SMSC.ru answer: {}", snippet(&body, 200))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_become_reasons() {
        let reason = |code| match send_error(code, "x") {
            SendOutcome::Failed { reason, .. } => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason(2), FailureReason::BadCredentials);
        assert_eq!(reason(3), FailureReason::NoMoney);
        assert_eq!(reason(7), FailureReason::InvalidNumber);
        assert_eq!(reason(9), FailureReason::FloodLimit);
        assert_eq!(reason(1), FailureReason::ProviderError);
    }

    #[test]
    fn statuses_map_to_the_lifecycle() {
        assert_eq!(status_of(-3, None), SmsStatus::NotFound);
        assert_eq!(status_of(0, None), SmsStatus::Pending);
        assert_eq!(status_of(1, None), SmsStatus::Delivered);
        assert_eq!(status_of(2, None), SmsStatus::Delivered);
        assert!(matches!(status_of(24, None), SmsStatus::Failed { reason: FailureReason::NoMoney, .. }));
        assert!(matches!(
            status_of(20, Some(1)),
            SmsStatus::Failed { reason: FailureReason::Undeliverable, .. }
        ));
        assert!(matches!(status_of(3, None), SmsStatus::Failed { reason: FailureReason::Expired, .. }));
    }

    #[test]
    fn phones_go_out_as_digits() {
        assert_eq!(phone_digits("+79161234567"), "79161234567");
    }
}

//! The Telegram Bot API (<https://core.telegram.org/bots/api>):
//! `sendMessage` with an inline "join" button, `getUpdates` long polling,
//! `setWebhook` / `deleteWebhook`, `getMe`.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use vc_protocol::msg::FailureReason;

use super::{SendOutcome, describe, http_client, snippet, transport_error};
use crate::config::TelegramSettings;

pub struct Telegram {
    http: reqwest::Client,
    /// For `getUpdates`: its own timeout on top of the long-polling wait.
    polling: reqwest::Client,
    cfg: TelegramSettings,
}

/// Every Bot API answer.
#[derive(Debug, Deserialize)]
struct ApiAnswer<T> {
    ok: bool,
    result: Option<T>,
    error_code: Option<i64>,
    description: Option<String>,
    parameters: Option<ResponseParameters>,
}

#[derive(Debug, Deserialize)]
struct ResponseParameters {
    retry_after: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct SentMessage {
    message_id: i64,
}

#[derive(Debug, Deserialize)]
pub struct User {
    pub id: i64,
    pub username: Option<String>,
    /// IETF language tag of the user's Telegram app.
    pub language_code: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Chat {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Deserialize)]
pub struct Message {
    pub chat: Chat,
    pub from: Option<User>,
    pub text: Option<String>,
}

/// The part of an Update the bot reads.
#[derive(Debug, Deserialize)]
pub struct Update {
    pub update_id: i64,
    pub message: Option<Message>,
}

impl Update {
    /// `/start <payload>` in a private chat: (chat id, username, payload).
    pub fn start(&self) -> Option<(i64, Option<String>, String)> {
        let m = self.message.as_ref()?;
        if m.chat.kind != "private" {
            return None;
        }
        let text = m.text.as_deref()?.trim();
        let rest = text.strip_prefix("/start")?;
        // `/start`, `/start payload`, `/start@BotName payload`.
        let rest = match rest.strip_prefix('@') {
            Some(r) => r.split_once(char::is_whitespace).map(|(_, p)| p).unwrap_or(""),
            None if rest.is_empty() || rest.starts_with(char::is_whitespace) => rest,
            None => return None,
        };
        Some((m.chat.id, m.from.as_ref().and_then(|u| u.username.clone()), rest.trim().to_owned()))
    }
}

/// An error answer: `(error_code, description, retry_after)`.
fn failure(code: i64, description: &str, retry_after: Option<u64>) -> SendOutcome {
    let detail = format!("Telegram {code}: {}", snippet(description, 200));
    let lower = description.to_lowercase();
    let failed = |reason| SendOutcome::Failed { reason, detail: detail.clone() };
    match code {
        429 => SendOutcome::Retry {
            error: detail.clone(),
            after: Some(Duration::from_secs(retry_after.unwrap_or(5))),
            ambiguous: false,
        },
        401 | 404 => failed(FailureReason::BadCredentials),
        403 if lower.contains("blocked") || lower.contains("deactivated") => {
            failed(FailureReason::BotBlocked)
        }
        403 => failed(FailureReason::Forbidden),
        400 if lower.contains("chat not found") || lower.contains("user not found") => {
            failed(FailureReason::ChatNotFound)
        }
        c if c >= 500 => SendOutcome::Retry { error: detail.clone(), after: None, ambiguous: false },
        _ => failed(FailureReason::ProviderError),
    }
}

/// Telegram refuses buttons whose URL it does not accept (e.g. a local
/// address); the link is in the text anyway, so the message goes without.
fn button_refused(code: i64, description: &str) -> bool {
    let d = description.to_lowercase();
    code == 400 && (d.contains("button") || d.contains("url") && d.contains("invalid"))
}

impl Telegram {
    pub fn new(cfg: &TelegramSettings) -> Self {
        let timeout = Duration::from_secs(cfg.timeout_secs.max(1));
        Self {
            http: http_client(timeout),
            polling: http_client(timeout + Duration::from_secs(cfg.poll_timeout_secs)),
            cfg: cfg.clone(),
        }
    }

    fn url(&self, method: &str) -> String {
        format!(
            "{}/bot{}/{method}",
            self.cfg.api_url.trim_end_matches('/'),
            self.cfg.bot_token.as_deref().unwrap_or_default()
        )
    }

    async fn call<T: for<'de> Deserialize<'de>>(
        &self,
        client: &reqwest::Client,
        method: &str,
        body: &serde_json::Value,
    ) -> Result<ApiAnswer<T>, reqwest::Error> {
        client.post(self.url(method)).json(body).send().await?.json::<ApiAnswer<T>>().await
    }

    /// Sends `text` with a button (caption, link) that opens the link, or
    /// without one.
    pub async fn send(&self, chat_id: i64, text: &str, button: Option<(&str, &str)>) -> SendOutcome {
        let mut body = json!({
            "chat_id": chat_id,
            "text": text,
            "link_preview_options": {"is_disabled": true},
        });
        if let (Some((caption, link)), Some(o)) = (button, body.as_object_mut()) {
            o.insert("reply_markup".into(), json!({"inline_keyboard": [[{"text": caption, "url": link}]]}));
        }
        let tries: &[bool] = if button.is_some() { &[true, false] } else { &[false] };
        for &with_button in tries {
            if !with_button && let Some(o) = body.as_object_mut() {
                o.remove("reply_markup");
            }
            let answer = match self.call::<SentMessage>(&self.http, "sendMessage", &body).await {
                Ok(a) => a,
                Err(e) if e.is_decode() => {
                    return SendOutcome::Retry { error: describe(&e), after: None, ambiguous: true };
                }
                Err(e) => return transport_error(&e),
            };
            match answer {
                ApiAnswer { ok: true, result: Some(m), .. } => {
                    return SendOutcome::Delivered { provider_id: Some(m.message_id.to_string()) };
                }
                ApiAnswer { error_code: Some(code), description, parameters, .. } => {
                    let description = description.unwrap_or_default();
                    if with_button && button_refused(code, &description) {
                        tracing::warn!(%description, "Telegram refused the join button; sending the link as text");
                        continue;
                    }
                    return failure(code, &description, parameters.and_then(|p| p.retry_after));
                }
                _ => break,
            }
        }
        SendOutcome::Failed {
            reason: FailureReason::ProviderError,
            detail: "unexpected Telegram answer".into(),
        }
    }

    /// A message without a button (the welcome on a bare `/start`).
    pub async fn say(&self, chat_id: i64, text: &str) -> Result<(), String> {
        let body = json!({"chat_id": chat_id, "text": text});
        match self.call::<SentMessage>(&self.http, "sendMessage", &body).await {
            Ok(ApiAnswer { ok: true, .. }) => Ok(()),
            Ok(a) => Err(a.description.unwrap_or_default()),
            Err(e) => Err(describe(&e)),
        }
    }

    /// The bot's @username.
    pub async fn username(&self) -> Result<String, String> {
        match self.call::<User>(&self.http, "getMe", &json!({})).await {
            Ok(ApiAnswer { ok: true, result: Some(User { username: Some(u), .. }), .. }) => Ok(u),
            Ok(a) => Err(format!("getMe: {}", a.description.unwrap_or_else(|| "no username".into()))),
            Err(e) => Err(format!("getMe: {}", describe(&e))),
        }
    }

    /// Long polling: updates from `offset` on, waiting up to the configured time.
    pub async fn updates(&self, offset: i64) -> Result<Vec<serde_json::Value>, UpdatesError> {
        let body = json!({
            "offset": offset,
            "timeout": self.cfg.poll_timeout_secs,
            "allowed_updates": ["message"],
        });
        match self.call::<Vec<serde_json::Value>>(&self.polling, "getUpdates", &body).await {
            Ok(ApiAnswer { ok: true, result: Some(updates), .. }) => Ok(updates),
            Ok(ApiAnswer { error_code: Some(409), .. }) => Err(UpdatesError::WebhookActive),
            Ok(a) => Err(UpdatesError::Other(format!(
                "getUpdates: {} {}",
                a.error_code.unwrap_or_default(),
                a.description.unwrap_or_default()
            ))),
            Err(e) => Err(UpdatesError::Other(format!("getUpdates: {}", describe(&e)))),
        }
    }

    pub async fn set_webhook(&self, url: &str, secret: &str) -> Result<(), String> {
        let body = json!({"url": url, "secret_token": secret, "allowed_updates": ["message"]});
        self.simple("setWebhook", &body).await
    }

    pub async fn delete_webhook(&self) -> Result<(), String> {
        self.simple("deleteWebhook", &json!({})).await
    }

    async fn simple(&self, method: &str, body: &serde_json::Value) -> Result<(), String> {
        match self.call::<serde_json::Value>(&self.http, method, body).await {
            Ok(ApiAnswer { ok: true, .. }) => Ok(()),
            Ok(a) => Err(format!("{method}: {}", a.description.unwrap_or_default())),
            Err(e) => Err(format!("{method}: {}", describe(&e))),
        }
    }
}

#[derive(Debug)]
pub enum UpdatesError {
    /// A webhook is set: `getUpdates` does not work until it is deleted.
    WebhookActive,
    Other(String),
}

/// A `t.me` start link payload: 32 characters of `[A-Za-z0-9_-]` (Telegram allows 64).
pub fn new_start_payload() -> String {
    use base64::Engine;
    let bytes: [u8; 24] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(text: &str, kind: &str) -> Update {
        serde_json::from_value(json!({
            "update_id": 7,
            "message": {"message_id": 1, "date": 0, "text": text,
                "chat": {"id": 42, "type": kind},
                "from": {"id": 42, "is_bot": false, "first_name": "A", "username": "ann"}}
        }))
        .unwrap()
    }

    #[test]
    fn start_commands_are_read() {
        assert_eq!(
            update("/start abc_-9", "private").start(),
            Some((42, Some("ann".into()), "abc_-9".into()))
        );
        assert_eq!(update("/start", "private").start(), Some((42, Some("ann".into()), String::new())));
        assert_eq!(
            update("/start@VaBot xyz", "private").start(),
            Some((42, Some("ann".into()), "xyz".into()))
        );
        assert_eq!(update("/starts", "private").start(), None);
        assert_eq!(update("hello", "private").start(), None);
        assert_eq!(update("/start abc", "group").start(), None);
    }

    #[test]
    fn errors_are_classified() {
        assert!(matches!(
            failure(400, "Bad Request: chat not found", None),
            SendOutcome::Failed { reason: FailureReason::ChatNotFound, .. }
        ));
        assert!(matches!(
            failure(403, "Forbidden: bot was blocked by the user", None),
            SendOutcome::Failed { reason: FailureReason::BotBlocked, .. }
        ));
        assert!(matches!(
            failure(401, "Unauthorized", None),
            SendOutcome::Failed { reason: FailureReason::BadCredentials, .. }
        ));
        assert_eq!(
            failure(429, "Too Many Requests: retry after 3", Some(3)),
            SendOutcome::Retry {
                error: "Telegram 429: Too Many Requests: retry after 3".into(),
                after: Some(Duration::from_secs(3)),
                ambiguous: false
            }
        );
        assert!(button_refused(400, "Bad Request: BUTTON_URL_INVALID"));
        assert!(!button_refused(400, "Bad Request: chat not found"));
    }

    #[test]
    fn start_payloads_fit_telegram() {
        let p = new_start_payload();
        assert_eq!(p.len(), 32);
        assert!(p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        assert_ne!(p, new_start_payload());
    }
}

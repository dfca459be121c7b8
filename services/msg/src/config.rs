//! `[msg]`: vc-msg's settings. A channel is available when its credentials
//! are set; secrets come from the environment (`VC_MSG__SMS__PASSWORD`,
//! `VC_MSG__TELEGRAM__BOT_TOKEN`, `VC_MSG__EMAIL__PASSWORD`,
//! `VC_MSG__WEBHOOK__SECRET`).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use vc_protocol::join::Localized;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MsgSettings {
    /// Tries per delivery before it fails (transient errors only; a
    /// permanent error such as an invalid number fails at once).
    pub max_attempts: u32,
    /// Wait before the first retry (ms); doubles per retry up to `retry_max_ms`.
    pub retry_initial_ms: u64,
    pub retry_max_ms: u64,
    /// A worker holds a delivery this long; a crashed worker's delivery is
    /// taken over after it.
    pub lease_secs: u64,
    pub sms: SmsSettings,
    pub telegram: TelegramSettings,
    pub email: EmailSettings,
    pub webhook: WebhookSettings,
    pub templates: Templates,
}

impl Default for MsgSettings {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            retry_initial_ms: 2_000,
            retry_max_ms: 300_000,
            lease_secs: 60,
            sms: SmsSettings::default(),
            telegram: TelegramSettings::default(),
            email: EmailSettings::default(),
            webhook: WebhookSettings::default(),
            templates: Templates::default(),
        }
    }
}

impl MsgSettings {
    /// Everything about `[msg]` that can be checked without a provider:
    /// the SMTP settings build a transport (addresses, CA file, TLS), and a
    /// Telegram webhook has a usable secret and address. Called before
    /// anything starts, so a bad setting stops the start-up at once.
    pub fn validate(&self) -> Result<(), String> {
        if self.email.configured() {
            crate::providers::email::Mailer::new(&self.email)?;
        }
        let t = &self.telegram;
        if t.configured() && t.updates == TelegramUpdates::Webhook {
            let secret = t.webhook_secret.as_deref().unwrap_or_default();
            if secret.is_empty()
                || secret.len() > 256
                || !secret.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err("msg.telegram.webhook_secret must be 1-256 characters of A-Z a-z 0-9 _ - when updates = \"webhook\"".into());
            }
            if t.set_webhook && t.webhook_url.is_none() {
                return Err("msg.telegram.webhook_url must be set when updates = \"webhook\"".into());
            }
        }
        Ok(())
    }
}

/// `[msg.sms]`: SMSC.ru's HTTP API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SmsSettings {
    /// Where the API is (`/sys/send.php` and `/sys/status.php` under it).
    pub api_url: String,
    pub login: Option<String>,
    /// The account password, or the MD5 of it in lower case. `VC_MSG__SMS__PASSWORD`.
    pub password: Option<String>,
    /// An API key instead of login and password. `VC_MSG__SMS__API_KEY`.
    pub api_key: Option<String>,
    /// The sender name registered with SMSC.ru (default: the account's).
    pub sender: Option<String>,
    /// Per request (s).
    pub timeout_secs: u64,
    /// How often the status of a sent SMS is asked for (s).
    pub status_interval_secs: u64,
    /// Stop asking after this long; the SMS then stays `sent` (s).
    pub status_max_secs: u64,
}

impl Default for SmsSettings {
    fn default() -> Self {
        Self {
            api_url: "https://smsc.ru".into(),
            login: None,
            password: None,
            api_key: None,
            sender: None,
            timeout_secs: 15,
            status_interval_secs: 15,
            status_max_secs: 24 * 3600,
        }
    }
}

impl SmsSettings {
    pub fn configured(&self) -> bool {
        self.api_key.is_some() || (self.login.is_some() && self.password.is_some())
    }
}

/// How the bot hears from Telegram.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TelegramUpdates {
    /// `getUpdates` long polling: works behind NAT, no public URL needed.
    Polling,
    /// Telegram POSTs updates to `webhook_url` (this platform's
    /// `/api/msg/telegram/webhook`), with `webhook_secret` in the
    /// `X-Telegram-Bot-Api-Secret-Token` header.
    Webhook,
}

/// `[msg.telegram]`: the Telegram Bot API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramSettings {
    pub api_url: String,
    /// From @BotFather. `VC_MSG__TELEGRAM__BOT_TOKEN`.
    pub bot_token: Option<String>,
    /// The bot's @username for `t.me/<bot>?start=` links (default: asked with `getMe`).
    pub bot_username: Option<String>,
    pub updates: TelegramUpdates,
    /// The public address Telegram sends updates to (webhook mode), e.g.
    /// `https://va.example.com/api/msg/telegram/webhook`.
    pub webhook_url: Option<String>,
    /// Checked against `X-Telegram-Bot-Api-Secret-Token`. `VC_MSG__TELEGRAM__WEBHOOK_SECRET`.
    pub webhook_secret: Option<String>,
    /// Register `webhook_url` with `setWebhook` at start (webhook mode).
    pub set_webhook: bool,
    /// Long-polling wait per `getUpdates` call (s).
    pub poll_timeout_secs: u64,
    /// Per request, besides the long-polling wait (s).
    pub timeout_secs: u64,
    /// How long a `t.me` start link waits for the client to press Start (s).
    pub start_link_ttl_secs: u64,
}

impl Default for TelegramSettings {
    fn default() -> Self {
        Self {
            api_url: "https://api.telegram.org".into(),
            bot_token: None,
            bot_username: None,
            updates: TelegramUpdates::Polling,
            webhook_url: None,
            webhook_secret: None,
            set_webhook: true,
            poll_timeout_secs: 25,
            timeout_secs: 15,
            start_link_ttl_secs: 24 * 3600,
        }
    }
}

impl TelegramSettings {
    pub fn configured(&self) -> bool {
        self.bot_token.is_some()
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587); refuses servers without it.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same host or in tests.
    None,
}

/// `[msg.email]`: SMTP.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EmailSettings {
    pub host: Option<String>,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    /// `VC_MSG__EMAIL__PASSWORD`.
    pub password: Option<String>,
    /// The sender address, e.g. `support@example.com`.
    pub from: Option<String>,
    /// The sender's display name (default: the company name).
    pub from_name: Option<String>,
    /// An extra CA certificate (PEM) to trust, for a relay with a private CA.
    pub ca_file: Option<PathBuf>,
    pub timeout_secs: u64,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            host: None,
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            password: None,
            from: None,
            from_name: None,
            ca_file: None,
            timeout_secs: 20,
        }
    }
}

impl EmailSettings {
    pub fn configured(&self) -> bool {
        self.host.is_some() && self.from.is_some()
    }
}

/// `[msg.webhook]`: the customer's own channel (CRM, messenger gateway).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    pub url: Option<String>,
    /// Signs each request (HMAC-SHA256). `VC_MSG__WEBHOOK__SECRET`.
    pub secret: Option<String>,
    pub timeout_secs: u64,
    /// The button's caption in the agent console.
    pub label: Localized,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            url: None,
            secret: None,
            timeout_secs: 10,
            label: Localized { ru: "Через CRM".into(), en: "Via CRM".into() },
        }
    }
}

impl WebhookSettings {
    pub fn configured(&self) -> bool {
        self.url.is_some() && self.secret.is_some()
    }
}

/// `[msg.templates]`: the messages, per channel and language. Placeholders:
/// `{company}`, `{link}`, `{agent}`, `{client}` (empty when unknown); in
/// the `*_scheduled` and `*_cancelled` ones also `{time}`, a booked call's
/// time in the client's time zone; in `cancel_reason`, `{reason}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Templates {
    pub sms: Localized,
    pub telegram: Localized,
    /// The caption of the Telegram message's button.
    pub telegram_button: Localized,
    /// Sent when a client presses Start without a pending link.
    pub telegram_welcome: Localized,
    pub email_subject: Localized,
    /// The e-mail's text; the HTML part shows the same text with the
    /// company's branding and a button.
    pub email_text: Localized,
    /// The caption of the e-mail's button.
    pub email_button: Localized,
    /// The link of a call booked for `{time}`.
    pub sms_scheduled: Localized,
    pub telegram_scheduled: Localized,
    pub email_subject_scheduled: Localized,
    pub email_text_scheduled: Localized,
    /// A booked call was cancelled (no link, no button).
    pub sms_cancelled: Localized,
    pub telegram_cancelled: Localized,
    pub email_subject_cancelled: Localized,
    pub email_text_cancelled: Localized,
    /// Added to a cancellation when staff gave a reason.
    pub cancel_reason: Localized,
}

impl Default for Templates {
    fn default() -> Self {
        let l = |ru: &str, en: &str| Localized { ru: ru.into(), en: en.into() };
        Self {
            sms: l(
                "{company}: видеозвонок с оператором {link}",
                "{company}: video call with our agent {link}",
            ),
            telegram: l(
                "Здравствуйте! {company} приглашает вас на видеозвонок с оператором {agent}. Откройте ссылку: {link}",
                "Hello! {company} invites you to a video call with {agent}. Open the link: {link}",
            ),
            telegram_button: l("Присоединиться", "Join the call"),
            telegram_welcome: l(
                "Здравствуйте! Сюда будут приходить ссылки на видеозвонки с нашими операторами.",
                "Hello! Links to video calls with our agents will arrive here.",
            ),
            email_subject: l(
                "{company}: приглашение на видеозвонок",
                "{company}: your video call invitation",
            ),
            email_text: l(
                "Здравствуйте, {client}!\n\nОператор {agent} ({company}) приглашает вас на видеозвонок. Откройте ссылку в браузере телефона или компьютера, устанавливать ничего не нужно:\n\n{link}\n\nЕсли вы не ждали этого письма, просто удалите его.",
                "Hello {client},\n\n{agent} from {company} invites you to a video call. Open the link in your phone's or computer's browser; there is nothing to install:\n\n{link}\n\nIf you did not expect this message, simply delete it.",
            ),
            email_button: l("Присоединиться к звонку", "Join the call"),
            sms_scheduled: l(
                "{company}: видеозвонок с оператором {time}. Ссылка: {link}",
                "{company}: video call with our agent on {time}. Link: {link}",
            ),
            telegram_scheduled: l(
                "Здравствуйте! {company}: ваш видеозвонок с оператором {agent} назначен на {time}. В это время откройте ссылку: {link}",
                "Hello! {company}: your video call with {agent} is booked for {time}. At that time, open the link: {link}",
            ),
            email_subject_scheduled: l(
                "{company}: видеозвонок {time}",
                "{company}: your video call on {time}",
            ),
            email_text_scheduled: l(
                "Здравствуйте, {client}!\n\nОператор {agent} ({company}) ждёт вас на видеозвонке {time}. В это время откройте ссылку в браузере телефона или компьютера, устанавливать ничего не нужно:\n\n{link}\n\nЕсли вы не ждали этого письма, просто удалите его.",
                "Hello {client},\n\n{agent} from {company} will meet you in a video call on {time}. At that time, open the link in your phone's or computer's browser; there is nothing to install:\n\n{link}\n\nIf you did not expect this message, simply delete it.",
            ),
            sms_cancelled: l(
                "{company}: видеозвонок {time} отменён.",
                "{company}: the video call on {time} is cancelled.",
            ),
            telegram_cancelled: l(
                "Здравствуйте! {company}: видеозвонок с оператором {agent} {time} отменён.",
                "Hello! {company}: your video call with {agent} on {time} is cancelled.",
            ),
            email_subject_cancelled: l(
                "{company}: видеозвонок {time} отменён",
                "{company}: your video call on {time} is cancelled",
            ),
            email_text_cancelled: l(
                "Здравствуйте, {client}!\n\nВидеозвонок с оператором {agent} ({company}) {time} отменён. Ссылка на него больше не работает.",
                "Hello {client},\n\nYour video call with {agent} from {company} on {time} is cancelled. Its link no longer works.",
            ),
            cancel_reason: l("Причина: {reason}", "Reason: {reason}"),
        }
    }
}

//! vc-msg: delivering the client link by SMS, Telegram, e-mail or a webhook.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ids::InteractionId;

pub use crate::ids::DeliveryId;

/// How a link is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Telegram,
    Email,
    /// The customer's own system, by an HTTP POST (e.g. its messenger or CRM).
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Telegram => "telegram",
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }
}

/// `queued` → `sent` → `delivered` or `failed`. Telegram deliveries without
/// a chat id wait in `awaiting_start` until the client presses Start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Queued,
    AwaitingStart,
    Sent,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub fn is_final(self) -> bool {
        matches!(self, DeliveryStatus::Delivered | DeliveryStatus::Failed)
    }
}

/// Why a delivery failed, for the agent (the console shows it in words;
/// `detail` carries the provider's own text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// The provider refused our credentials (login, password, token).
    BadCredentials,
    /// The provider account has no money left.
    NoMoney,
    /// The phone number does not exist or has a wrong format.
    InvalidNumber,
    /// The operator could not deliver it (phone off, out of reach, unavailable number).
    Undeliverable,
    /// The provider or operator forbade the message or the sender name.
    Forbidden,
    /// The provider's rate or duplicate limit.
    FloodLimit,
    /// The provider blocked our IP address after too many errors.
    IpBlocked,
    /// The SMS was not delivered within its validity period.
    Expired,
    /// Telegram does not know this chat (the client never pressed Start).
    ChatNotFound,
    /// The client blocked the bot.
    BotBlocked,
    /// The client did not press Start in the bot in time.
    StartLinkExpired,
    /// The mail server refused the recipient or the message.
    Rejected,
    /// The provider answered with an error we cannot recover from.
    ProviderError,
    /// The provider could not be reached or kept failing; retries are used up.
    ProviderUnavailable,
    /// The provider did not answer in time and a retry could deliver twice.
    UnknownOutcome,
    /// The channel's configuration was removed.
    NotConfigured,
}

impl FailureReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::BadCredentials => "bad_credentials",
            FailureReason::NoMoney => "no_money",
            FailureReason::InvalidNumber => "invalid_number",
            FailureReason::Undeliverable => "undeliverable",
            FailureReason::Forbidden => "forbidden",
            FailureReason::FloodLimit => "flood_limit",
            FailureReason::IpBlocked => "ip_blocked",
            FailureReason::Expired => "expired",
            FailureReason::ChatNotFound => "chat_not_found",
            FailureReason::BotBlocked => "bot_blocked",
            FailureReason::StartLinkExpired => "start_link_expired",
            FailureReason::Rejected => "rejected",
            FailureReason::ProviderError => "provider_error",
            FailureReason::ProviderUnavailable => "provider_unavailable",
            FailureReason::UnknownOutcome => "unknown_outcome",
            FailureReason::NotConfigured => "not_configured",
        }
    }
}

/// `POST /api/interactions/{id}/send`
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SendLinkRequest {
    pub channel: Channel,
    /// Language of the message; default: Russian.
    #[serde(default)]
    #[ts(optional)]
    pub language: Option<Language>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Ru,
    En,
}

/// Answer to `POST /api/interactions/{id}/send` (202).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
pub struct SendLinkAccepted {
    pub delivery_id: DeliveryId,
    pub status: DeliveryStatus,
    /// For Telegram without a chat id: the link the client opens to start the bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub telegram_start_url: Option<String>,
}

/// One try to hand the message to the provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct DeliveryAttempt {
    pub n: u32,
    pub at: DateTime<Utc>,
    /// `sent`, `delivered`, `failed`, `retry` (a transient failure, tried
    /// again later) or `checked` (a status check after an unanswered send).
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub provider_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<String>,
}

/// `GET /api/deliveries/{id}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Delivery {
    pub id: DeliveryId,
    pub interaction_id: InteractionId,
    pub channel: Channel,
    /// Where it went: phone (E.164), e-mail, Telegram chat, or the webhook.
    pub to: String,
    pub status: DeliveryStatus,
    pub provider_id: Option<String>,
    /// Why it failed.
    pub reason: Option<FailureReason>,
    /// The provider's own words about the failure.
    pub detail: Option<String>,
    /// Telegram awaiting Start: the `t.me` link the client opens.
    pub start_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub attempts: Vec<DeliveryAttempt>,
}

/// `GET /api/deliveries/channels`: what is configured here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct Channels {
    pub sms: bool,
    pub telegram: bool,
    pub email: bool,
    pub webhook: bool,
    /// The webhook button's caption (the customer's own channel).
    pub webhook_label: crate::join::Localized,
}

/// `v1/msg/deliveries/create`: vc-server asks vc-msg to deliver a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateDelivery {
    pub delivery_id: DeliveryId,
    pub interaction_id: InteractionId,
    pub channel: Channel,
    /// Phone (E.164), e-mail, or Telegram chat id; none for a Telegram deep link or a webhook.
    pub to: Option<String>,
    pub language: Language,
    pub link: String,
    pub company_name: String,
    /// The brand colour for the e-mail (CSS colour).
    pub accent_color: String,
    pub agent_name: String,
    pub client_name: Option<String>,
    /// The client's contacts, for the webhook connector.
    pub contact: ClientContact,
    /// What the message says: the link now (default), the link of a call
    /// booked for later, or that a booked call is cancelled.
    #[serde(default)]
    pub kind: DeliveryKind,
}

/// What a delivery tells the client. Times are written in the client's
/// `time_zone` (IANA, e.g. `Europe/Moscow`) and language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeliveryKind {
    /// The link to a call now.
    #[default]
    Link,
    /// The link to a call booked for `at`.
    ScheduledLink { at: DateTime<Utc>, time_zone: String },
    /// The call booked for `at` is cancelled (`link` is not shown).
    Cancelled {
        at: DateTime<Utc>,
        time_zone: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClientContact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub telegram: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryCreated {
    pub delivery_id: DeliveryId,
    pub status: DeliveryStatus,
    pub telegram_start_url: Option<String>,
}

/// `v1/msg/deliveries/get`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetDelivery {
    pub delivery_id: DeliveryId,
}

/// `v1/msg/channels/get`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetChannels {}

/// `v1/msg/deliveries/status`: every change of a delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryStatusChanged {
    pub delivery_id: DeliveryId,
    pub interaction_id: InteractionId,
    pub channel: Channel,
    pub status: DeliveryStatus,
    pub attempt: u32,
    pub provider_id: Option<String>,
    pub reason: Option<FailureReason>,
    pub detail: Option<String>,
    /// Telegram awaiting Start: the `t.me` link the client opens.
    pub start_url: Option<String>,
    pub at: DateTime<Utc>,
}

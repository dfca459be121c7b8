//! Local stand-ins for the internet services the platform talks to (link
//! delivery in vc-msg, reverse geocoding in vc-geo), for whole-system tests
//! that must not reach the internet:
//!
//! - [`FakeSmsc`]: SMSC.ru's HTTP API (SMS);
//! - [`FakeTelegram`]: the Telegram Bot API;
//! - [`WebhookReceiver`]: a customer's system receiving our signed webhook;
//! - [`SmtpSink`]: a real SMTP server (aiosmtpd) for e-mail;
//! - [`FakeNominatim`]: a Nominatim server's reverse geocoding (vc-geo).
//!
//! Each HTTP fake checks every request field by field against the
//! provider's documented API, recording each departure in `violations()`
//! (a test asserts the list is empty), and answers as the provider does,
//! its error answers included. Each module's documentation lists where the
//! fake rests on an assumption rather than on the provider's documentation.

mod http;
pub mod nominatim;
pub mod smsc;
mod smtp;
pub mod telegram;
mod tls;
pub mod webhook;

pub use nominatim::{FakeNominatim, NominatimRequest};
pub use smsc::{FakeSmsc, SentSms, SmscRequest};
pub use smtp::{ReceivedMail, SmtpMode, SmtpSink};
pub use telegram::{FakeTelegram, SentMessage, TelegramRequest, WebhookSetting};
pub use tls::TestCa;
pub use webhook::{ReceivedWebhook, WebhookReceiver};

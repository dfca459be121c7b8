//! `FakeTelegram`: a local stand-in for the Telegram Bot API
//! (core.telegram.org/bots/api), for a bot that hands out links: a user
//! opens `t.me/<bot>?start=<payload>`, presses Start, the bot gets the
//! update (by `getUpdates` or by webhook) and answers with `sendMessage`.
//!
//! What the fake does, and where it rests on an assumption (*assumed*):
//!
//! - `<url>/bot<token>/<method>`, GET or POST, parameters in the query
//!   string, a JSON body or a form body (documented). Method names match
//!   case-insensitively, as the Bot API does. A wrong token answers 401
//!   `Unauthorized`, an unknown (or unmodelled) method 404 `Not Found`.
//!   Every answer is `{"ok":true,"result":..}` or `{"ok":false,
//!   "error_code":N,"description":".."}` (with `parameters.retry_after` on
//!   429), HTTP status = `error_code`.
//! - Modelled methods: `getMe`, `sendMessage`, `getUpdates`, `setWebhook`,
//!   `deleteWebhook`, `getWebhookInfo`. Unknown parameters, wrong types,
//!   malformed formatting, keyboards and webhook settings are recorded in
//!   [`FakeTelegram::violations`] besides being answered as Telegram does.
//! - Chats: [`FakeTelegram::add_user`] makes a user known to the test;
//!   the bot can write to them only after [`FakeTelegram::press_start`]
//!   (bots cannot start conversations). Before that `sendMessage` answers
//!   400 "Bad Request: chat not found" (the bot has never seen the user).
//!   `@username` chat ids name channels and groups only; there are none,
//!   so they answer "chat not found" as well.
//! - `getUpdates`: long polling really waits up to `timeout` seconds;
//!   `offset` confirms the updates before it (a negative one keeps the
//!   last `-offset`); a newer `getUpdates` ends a pending one with 409
//!   "Conflict: terminated by other getUpdates request; ..." (real
//!   answer); with a webhook set the answer is 409 "Conflict: can't use
//!   getUpdates method while webhook is active; ...". `allowed_updates`
//!   is one setting shared with `setWebhook` and applies to updates made
//!   after it, as documented.
//! - Webhook: updates are POSTed one at a time, in order, with
//!   `X-Telegram-Bot-Api-Secret-Token` when a secret is set; an answer
//!   other than 2xx (or no answer within 10 s, *assumed*) is retried with
//!   a growing pause (0.1 s doubling to 2 s) and the update dropped after
//!   10 attempts (Telegram: "give up after a reasonable amount of
//!   attempts"; the numbers are *assumed*). A 2xx answer carrying a method
//!   call (`{"method":"sendMessage",...}`) is executed, as documented.
//!   Telegram wants an HTTPS URL on port 80, 88, 443 or 8443; the fake
//!   also takes plain HTTP and any port on loopback and private hosts so
//!   tests can run (turn that off with [`FakeTelegram::require_public_urls`]).
//!   Certificates are not verified (Telegram checks them, or the uploaded
//!   self-signed one; *not modelled*).
//! - Button URLs pointing at loopback or private hosts are accepted unless
//!   [`FakeTelegram::require_public_urls`] is on (real Telegram is believed
//!   to refuse them; *assumed*).
//! - Not modelled: other update kinds (the `my_chat_member` update when a
//!   user blocks the bot), groups and channels, files, editing, the
//!   `X-Telegram-Bot-Api-Secret-Token` rules beyond 1-256 of
//!   `A-Za-z0-9_-` (the 400 answer for a bad one is *assumed*).

mod api;
mod delivery;
pub mod keyboard;
pub mod markup;
mod send;
mod updates;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::sync::Notify;

use super::http::{HttpFake, lock, wait_until};

/// A message the bot sent.
#[derive(Clone, Debug, PartialEq)]
pub struct SentMessage {
    pub chat_id: i64,
    pub message_id: i64,
    /// The `text` parameter as sent (with its markup).
    pub text: String,
    pub parse_mode: Option<String>,
    /// The text the user sees (markup parsed away).
    pub rendered: String,
    /// URL buttons of the inline keyboard, as (text, url).
    pub buttons: Vec<(String, String)>,
    /// Whether link previews were switched off.
    pub no_preview: bool,
    pub at: DateTime<Utc>,
}

/// The webhook as the bot set it.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookSetting {
    pub url: String,
    pub secret_token: Option<String>,
    pub max_connections: u32,
    pub allowed_updates: Option<Vec<String>>,
}

/// A call as it arrived (or came back in a webhook answer).
#[derive(Clone, Debug)]
pub struct TelegramRequest {
    pub http_method: String,
    pub method: String,
    pub params: serde_json::Map<String, Value>,
    pub at: DateTime<Utc>,
}

/// The stand-in for the Bot API. Stopped when dropped.
pub struct FakeTelegram {
    server: HttpFake,
    inner: Arc<Inner>,
    delivery: tokio::task::JoinHandle<()>,
}

struct User {
    username: Option<String>,
    first_name: String,
}

struct Inner {
    token: String,
    bot_id: i64,
    bot_username: String,
    state: Mutex<State>,
    /// Woken when an update arrives, the webhook changes or a getUpdates
    /// starts (long polls and the webhook delivery wait on it).
    wake: Notify,
}

struct State {
    users: HashMap<i64, User>,
    started: HashSet<i64>,
    blocked: HashSet<i64>,
    next_update_id: i64,
    queue: VecDeque<Value>,
    allowed_updates: Option<Vec<String>>,
    webhook: Option<WebhookSetting>,
    last_webhook_error: Option<(i64, String)>,
    message_ids: HashMap<i64, i64>,
    messages: Vec<SentMessage>,
    requests: Vec<TelegramRequest>,
    violations: Vec<String>,
    rate_limit_next: Option<u32>,
    delay_next_send: Option<Duration>,
    poll_generation: u64,
    public_urls: bool,
}

impl State {
    fn next_message_id(&mut self, chat: i64) -> i64 {
        let id = self.message_ids.entry(chat).or_insert(0);
        *id += 1;
        *id
    }
}

impl FakeTelegram {
    /// Starts the fake for the bot with this token (`<bot id>:<secret>`)
    /// and username.
    pub async fn start(token: &str, bot_username: &str) -> Self {
        let bot_id = token.split(':').next().and_then(|id| id.parse().ok()).unwrap_or(1_000_000);
        let first_update = 100_000_000 + i64::from(uuid::Uuid::new_v4().as_bytes()[0]) * 1000;
        let inner = Arc::new(Inner {
            token: token.to_owned(),
            bot_id,
            bot_username: bot_username.trim_start_matches('@').to_owned(),
            state: Mutex::new(State {
                users: HashMap::new(),
                started: HashSet::new(),
                blocked: HashSet::new(),
                next_update_id: first_update,
                queue: VecDeque::new(),
                allowed_updates: None,
                webhook: None,
                last_webhook_error: None,
                message_ids: HashMap::new(),
                messages: Vec::new(),
                requests: Vec::new(),
                violations: Vec::new(),
                rate_limit_next: None,
                delay_next_send: None,
                poll_generation: 0,
                public_urls: false,
            }),
            wake: Notify::new(),
        });
        let handler_inner = inner.clone();
        let server = HttpFake::serve(move |req, body| api::handle(handler_inner.clone(), req, body)).await;
        let delivery = tokio::spawn(delivery::run(inner.clone()));
        Self { server, inner, delivery }
    }

    /// The API base: the client calls `<url>/bot<token>/<method>`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    /// A Telegram user the test can act as (their private chat has the
    /// user's id); `username` without `@`, empty when the user has none.
    pub fn add_user(&self, user_id: i64, username: &str, first_name: &str) {
        let username = Some(username.trim_start_matches('@').to_owned()).filter(|u| !u.is_empty());
        lock(&self.inner.state).users.insert(user_id, User { username, first_name: first_name.to_owned() });
    }

    /// The user opens `t.me/<bot>?start=<payload>` and presses Start: the
    /// bot gets a `/start <payload>` message (an empty payload gives a bare
    /// `/start`), and may write to the user from now on. A user who had
    /// blocked the bot unblocks it this way.
    pub fn press_start(&self, user_id: i64, payload: &str) {
        let mut st = lock(&self.inner.state);
        let Some((first_name, username)) =
            st.users.get(&user_id).map(|u| (u.first_name.clone(), u.username.clone()))
        else {
            panic!("press_start: add_user({user_id}, ..) first")
        };
        let bad =
            payload.len() > 64 || !payload.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if bad {
            // Deep-link payloads: A-Z, a-z, 0-9, _ and -, up to 64 characters.
            st.violations.push(format!("deep link payload {payload:?} is not 1-64 of A-Z a-z 0-9 _ -"));
        }
        let from = json!({
            "id": user_id, "is_bot": false, "first_name": first_name,
            "username": username, "language_code": "ru",
        });
        let chat = json!({
            "id": user_id, "first_name": first_name, "username": username, "type": "private",
        });
        let (from, chat) = (strip_nulls(from), strip_nulls(chat));
        let text = if payload.is_empty() { "/start".to_owned() } else { format!("/start {payload}") };
        st.started.insert(user_id);
        st.blocked.remove(&user_id);
        let message_id = st.next_message_id(user_id);
        let message = json!({
            "message_id": message_id, "from": from, "chat": chat, "date": Utc::now().timestamp(),
            "text": text, "entities": [{"offset": 0, "length": 6, "type": "bot_command"}],
        });
        let wanted =
            st.allowed_updates.as_ref().is_none_or(|a| a.is_empty() || a.iter().any(|u| u == "message"));
        if wanted {
            let update_id = st.next_update_id;
            st.next_update_id += 1;
            st.queue.push_back(json!({ "update_id": update_id, "message": message }));
        }
        drop(st);
        self.inner.wake.notify_waiters();
    }

    /// The user blocks the bot: sends answer 403 "Forbidden: bot was
    /// blocked by the user".
    pub fn block_chat(&self, chat_id: i64) {
        lock(&self.inner.state).blocked.insert(chat_id);
    }

    /// The next `sendMessage` answers 429 "Too Many Requests: retry after
    /// <secs>" with `parameters.retry_after`.
    pub fn rate_limit_next(&self, secs: u32) {
        lock(&self.inner.state).rate_limit_next = Some(secs);
    }

    /// The next `sendMessage` is delivered and recorded at once but
    /// answered `delay` later.
    pub fn delay_next_send(&self, delay: Duration) {
        lock(&self.inner.state).delay_next_send = Some(delay);
    }

    /// Refuse loopback and private hosts in webhook and button URLs, and
    /// anything but HTTPS on ports 80, 88, 443, 8443 for the webhook.
    pub fn require_public_urls(&self, on: bool) {
        lock(&self.inner.state).public_urls = on;
    }

    /// Every message the bot sent, in order.
    pub fn messages(&self) -> Vec<SentMessage> {
        lock(&self.inner.state).messages.clone()
    }

    /// Every call, in order.
    pub fn requests(&self) -> Vec<TelegramRequest> {
        lock(&self.inner.state).requests.clone()
    }

    /// Every way a call departed from the documented Bot API.
    pub fn violations(&self) -> Vec<String> {
        lock(&self.inner.state).violations.clone()
    }

    /// Panics with the list when any call departed from the API.
    pub fn assert_no_violations(&self) {
        let v = self.violations();
        assert!(v.is_empty(), "calls to the Telegram fake departed from the Bot API:\n{}", v.join("\n"));
    }

    /// The webhook the bot set, if any.
    pub fn webhook(&self) -> Option<WebhookSetting> {
        lock(&self.inner.state).webhook.clone()
    }

    /// Updates not yet confirmed (getUpdates) or delivered (webhook).
    pub fn pending_updates(&self) -> usize {
        lock(&self.inner.state).queue.len()
    }

    /// Waits until the bot sent at least `n` messages and returns them all;
    /// panics after `timeout` with what the fake saw.
    pub async fn wait_for_messages(&self, n: usize, timeout: Duration) -> Vec<SentMessage> {
        if !wait_until(timeout, || lock(&self.inner.state).messages.len() >= n).await {
            let st = lock(&self.inner.state);
            panic!(
                "Telegram fake: {} messages within {timeout:?}, wanted {n}; calls: {:#?}; violations: {:#?}",
                st.messages.len(),
                st.requests,
                st.violations
            );
        }
        self.messages()
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.delivery.abort();
    }
}

/// Drops `null` members (Telegram leaves absent fields out).
fn strip_nulls(mut v: Value) -> Value {
    if let Some(obj) = v.as_object_mut() {
        obj.retain(|_, x| !x.is_null());
    }
    v
}

//! `FakeSmsc`: a local stand-in for SMSC.ru's HTTP API (`/sys/send.php`,
//! `/sys/status.php`), checked against SMSC's documentation
//! (smsc.ru/api/http/, in English smscentre.com/api/http/).
//!
//! What the fake does, and where it rests on an assumption rather than on
//! the documentation (each marked *assumed*):
//!
//! - GET and POST (`application/x-www-form-urlencoded`) are both accepted,
//!   the query string and the form merged (POST wins), as SMSC documents
//!   ("call the GET or POST address"). Authentication by `login` + `psw`
//!   (the password, or the lower-case hex MD5 of it, as SMSC's client
//!   libraries send it) or by `apikey` (documented; set with
//!   [`FakeSmsc::set_apikey`]). A wrong login answers error 2.
//! - Every request is checked field by field: unknown or repeated
//!   parameters, `fmt` other than 3 (JSON), a missing `charset=utf-8`
//!   (SMSC reads text as windows-1251 by default), bytes that are not UTF-8,
//!   phones that are not digits with an optional `+`, a Russian national
//!   number (`8...`, which SMSC auto-corrects), a malformed `sender` or
//!   `id`, a text over 1000 characters. Each problem is recorded in
//!   [`FakeSmsc::violations`]; a test asserts the list is empty.
//! - Answers are SMSC's: in `fmt=3`, `{"id": <id>, "cnt": <parts>}`
//!   (plus `cost`, `balance` as strings for `cost=2`/`3`, as SMSC sends
//!   them), errors `{"error": "<text>", "error_code": N}` with `"id"` for
//!   errors 3, 6, 7 and 8 (documented). Error texts 1, 2, 3, 6, 7, 8, 9 are
//!   the ones SMSC really sends (seen in client libraries' recorded
//!   answers); 4 and 5 are *assumed*. `fmt` 0, 1 and 2 are answered in
//!   their documented shapes too (the exact wording of the `cost` and
//!   status variants in `fmt=0` is *assumed*).
//! - Answers carry `Content-Type: application/json` in `fmt=3`,
//!   `text/plain; charset=utf-8` otherwise (*assumed*).
//! - `cnt` counts parts for all recipients: GSM 7-bit 160/153, UCS-2 70/67.
//!   `translit` is accepted but not applied to the count (*not modelled*).
//! - Flood protection (error 9 "duplicate request, wait a minute"): a
//!   second send of the same text to the same phones within a minute
//!   (documented: "more than one identical request within a minute"; that
//!   "identical" means same phones and text is *assumed*); more than five
//!   status requests for the same message within a minute (documented).
//!   Only accepted sends count towards the window (*assumed*).
//! - `status.php`: `{"status": N, "last_date": "dd.mm.yyyy hh:mm:ss",
//!   "last_timestamp": <unix>}` in Moscow time, with `"err"` when the
//!   status carries an error code (the documentation lists `flag` and
//!   `err` always; leaving them out when zero follows recorded real
//!   answers, *assumed*). An unknown message answers `{"status": -3}`
//!   (status -3 "message not found" is documented; the single-message
//!   shape is *assumed* from recorded list answers). Lists (`phone` and
//!   `id` with commas) answer an array with `id` and `phone` in each item.
//!   `all=1` adds the documented extra fields. `del=1` is not modelled.
//! - Message lifecycle: the first [`FakeSmsc::deliver_after_polls`] polls
//!   (default 1) say 0 "transferred to the operator", later ones the final
//!   status: 1 "delivered", or the one set with [`FakeSmsc::fail_status_for`].
//! - Not modelled: error 4 (IP blocked after many errors), the limit of
//!   five identical cost requests (`cost=1`) a minute, scheduled sending
//!   (`time`), other message kinds (`viber`, `mail`, `hlr`, ...), the JSON
//!   REST endpoint `/rest/send/`. The account's balance starts at 1000
//!   roubles and a part costs 3.50 (*assumed*, for `cost=2`/`3` answers).

mod api;
mod rules;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::http::{HttpFake, lock, wait_until};

pub use rules::sms_parts;

/// One SMS the fake accepted (one per recipient of a send request).
#[derive(Clone, Debug, PartialEq)]
pub struct SentSms {
    /// The message id: the client's `id`, or one the fake assigned.
    pub id: String,
    /// The recipient's digits, without `+` (as SMSC stores numbers).
    pub phone: String,
    pub text: String,
    pub sender: Option<String>,
    pub at: DateTime<Utc>,
    /// SMS parts this text takes for one recipient.
    pub parts: u32,
}

/// A request as it arrived.
#[derive(Clone, Debug)]
pub struct SmscRequest {
    pub method: String,
    pub path: String,
    /// Query and form parameters, in order, decoded.
    pub params: Vec<(String, String)>,
    pub at: DateTime<Utc>,
}

/// The stand-in for SMSC.ru. Stopped when dropped.
pub struct FakeSmsc {
    server: HttpFake,
    inner: Arc<Inner>,
}

struct Inner {
    login: String,
    password: String,
    state: Mutex<State>,
}

struct Stored {
    sms: SentSms,
    polls: u32,
    deliver_after: u32,
    /// Final (status, err).
    outcome: (i32, i32),
    final_at: Option<DateTime<Utc>>,
    cost_kopecks: i64,
}

struct State {
    apikey: Option<String>,
    no_money: bool,
    rejected: HashMap<String, u32>,
    failing: HashMap<String, (i32, i32)>,
    allowed_senders: Option<Vec<String>>,
    delay_next_send: Option<Duration>,
    deliver_after_polls: u32,
    flood_protection: bool,
    balance_kopecks: i64,
    next_id: u64,
    messages: Vec<Stored>,
    recent_sends: Vec<(Instant, String)>,
    recent_status: Vec<(Instant, String)>,
    requests: Vec<SmscRequest>,
    violations: Vec<String>,
}

/// Price of one SMS part in kopecks (*assumed*: a typical Russian tariff).
const PART_PRICE_KOPECKS: i64 = 350;

impl FakeSmsc {
    /// Starts the fake on a free loopback port; `login`/`password` are the
    /// account's credentials.
    pub async fn start(login: &str, password: &str) -> Self {
        let inner = Arc::new(Inner {
            login: login.to_owned(),
            password: password.to_owned(),
            state: Mutex::new(State {
                apikey: None,
                no_money: false,
                rejected: HashMap::new(),
                failing: HashMap::new(),
                allowed_senders: None,
                delay_next_send: None,
                deliver_after_polls: 1,
                flood_protection: true,
                balance_kopecks: 100_000,
                next_id: 1,
                messages: Vec::new(),
                recent_sends: Vec::new(),
                recent_status: Vec::new(),
                requests: Vec::new(),
                violations: Vec::new(),
            }),
        });
        let handler_inner = inner.clone();
        let server = HttpFake::serve(move |req, body| api::handle(handler_inner.clone(), req, body)).await;
        Self { server, inner }
    }

    /// The API base, `http://127.0.0.1:<port>`: the client calls
    /// `<base>/sys/send.php` and `<base>/sys/status.php`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    /// Also accept `apikey=<key>` instead of login and password.
    pub fn set_apikey(&self, key: &str) {
        lock(&self.inner.state).apikey = Some(key.to_owned());
    }

    /// While set, sends answer error 3 "no money".
    pub fn set_no_money(&self, no_money: bool) {
        lock(&self.inner.state).no_money = no_money;
    }

    /// Sends to `phone` answer SMSC error `code` (e.g. 6 message is denied,
    /// 7 invalid number, 8 can't deliver).
    pub fn reject_phone(&self, phone: &str, code: u32) {
        lock(&self.inner.state).rejected.insert(digits(phone), code);
    }

    /// Messages to `phone` are accepted, but status polling ends in
    /// `status` (20 undeliverable, 22 invalid number, 23 forbidden, 24 no
    /// money, 25 unavailable number) with a typical `err` code from SMSC's
    /// list of status error codes (which code goes with which status is
    /// *assumed*: 20 → 1 "subscriber does not exist", 22 → 249 "invalid
    /// number format", 23 → 252 "number forbidden", 25 → 6 "subscriber
    /// not in the network", others 0).
    pub fn fail_status_for(&self, phone: &str, status: i32) {
        let err = match status {
            20 => 1,   // subscriber does not exist
            22 => 249, // invalid number format
            23 => 252, // number forbidden
            25 => 6,   // subscriber is not in the network
            _ => 0,
        };
        self.fail_status_with_err(phone, status, err);
    }

    /// Like [`Self::fail_status_for`] with an explicit `err` code.
    pub fn fail_status_with_err(&self, phone: &str, status: i32, err: i32) {
        lock(&self.inner.state).failing.insert(digits(phone), (status, err));
    }

    /// The next accepted send is recorded at once but answered `delay`
    /// later (a client timing out must not send it again).
    pub fn delay_next_send(&self, delay: Duration) {
        lock(&self.inner.state).delay_next_send = Some(delay);
    }

    /// How many status polls of a message (sent from now on) say 0
    /// "transferred to the operator" before the final status; default 1,
    /// 0 makes the first poll final.
    pub fn deliver_after_polls(&self, polls: u32) {
        lock(&self.inner.state).deliver_after_polls = polls;
    }

    /// Error 9 for repeated requests within a minute (default on).
    pub fn set_flood_protection(&self, on: bool) {
        lock(&self.inner.state).flood_protection = on;
    }

    /// Only these sender names are registered for the account; others
    /// answer error 6 "message is denied" (as SMSC does for unapproved
    /// names). By default any well-formed name is accepted.
    pub fn allow_senders(&self, senders: &[&str]) {
        lock(&self.inner.state).allowed_senders = Some(senders.iter().map(|s| s.to_string()).collect());
    }

    /// Every accepted SMS, in order.
    pub fn sent(&self) -> Vec<SentSms> {
        lock(&self.inner.state).messages.iter().map(|m| m.sms.clone()).collect()
    }

    /// Every request, in order.
    pub fn requests(&self) -> Vec<SmscRequest> {
        lock(&self.inner.state).requests.clone()
    }

    /// Every way a request departed from SMSC's documented API.
    pub fn violations(&self) -> Vec<String> {
        lock(&self.inner.state).violations.clone()
    }

    /// Panics with the list when any request departed from the API.
    pub fn assert_no_violations(&self) {
        let v = self.violations();
        assert!(v.is_empty(), "requests to the SMSC fake departed from its API:\n{}", v.join("\n"));
    }

    /// Waits until at least `n` SMS were accepted and returns them all;
    /// panics after `timeout` with what the fake saw.
    pub async fn wait_for_sent(&self, n: usize, timeout: Duration) -> Vec<SentSms> {
        if !wait_until(timeout, || lock(&self.inner.state).messages.len() >= n).await {
            let st = lock(&self.inner.state);
            panic!(
                "SMSC fake: {} SMS within {timeout:?}, wanted {n}; requests: {:#?}; violations: {:#?}",
                st.messages.len(),
                st.requests,
                st.violations
            );
        }
        self.sent()
    }
}

fn digits(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit()).collect()
}

//! Link delivery through the real platform (vc-server + vc-msg) to local
//! stand-ins of the providers, which check every request against the
//! provider's documented API: SMSC.ru, the Telegram Bot API, a customer's
//! webhook, and a real SMTP server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vc_testkit::fakes::{FakeSmsc, FakeTelegram, SmtpMode, SmtpSink, WebhookReceiver};
use vc_testkit::{JsonSocket, Platform, free_port};

const SMSC_LOGIN: &str = "acme";
const SMSC_PASSWORD: &str = "smsc-secret-1";
const BOT_TOKEN: &str = "123456:TEST-token_abc";
const BOT_NAME: &str = "va_test_bot";
const HOOK_SECRET: &str = "hook-secret-9";

struct Desk {
    p: Platform,
    agent: String,
    other_agent: String,
}

/// A platform with `env`, an agent and a second agent.
async fn desk(env: &[(&str, &str)]) -> Desk {
    desk_on(free_port(), env).await
}

async fn desk_on(port: u16, env: &[(&str, &str)]) -> Desk {
    let mut all: Vec<(&str, &str)> = vec![
        ("VC_SERVER__COMPANY_NAME", "Acme Bank"),
        ("VC_MSG__RETRY_INITIAL_MS", "200"),
        ("VC_MSG__RETRY_MAX_MS", "1000"),
    ];
    all.extend_from_slice(env);
    let p = Platform::start_on(port, &all).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    p.create_user(&admin, "agent2", "agent-pass-2", "agent").await;
    let agent = p.api().tokens("agent1", "agent-pass-1").await.0;
    let other_agent = p.api().tokens("agent2", "agent-pass-2").await.0;
    Desk { p, agent, other_agent }
}

fn sms_env(smsc: &FakeSmsc) -> Vec<(String, String)> {
    vec![
        ("VC_MSG__SMS__API_URL".into(), smsc.url()),
        ("VC_MSG__SMS__LOGIN".into(), SMSC_LOGIN.into()),
        ("VC_MSG__SMS__PASSWORD".into(), SMSC_PASSWORD.into()),
        ("VC_MSG__SMS__SENDER".into(), "AcmeBank".into()),
        ("VC_MSG__SMS__STATUS_INTERVAL_SECS".into(), "1".into()),
    ]
}

fn refs(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

impl Desk {
    async fn create(&self, body: Value) -> Value {
        let r = self.p.api().post("/api/interactions", Some(&self.agent), &body).await.unwrap();
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body
    }

    async fn send(&self, id: &str, body: Value) -> vc_testkit::Reply {
        self.p.api().post(&format!("/api/interactions/{id}/send"), Some(&self.agent), &body).await.unwrap()
    }

    /// Sends and expects 202; returns the answer.
    async fn send_ok(&self, id: &str, channel: &str) -> Value {
        let r = self.send(id, json!({"channel": channel})).await;
        assert_eq!(r.status, 202, "{:?}", r.body);
        r.body
    }

    async fn delivery(&self, id: &str) -> Value {
        let r = self.p.api().get(&format!("/api/deliveries/{id}"), Some(&self.agent)).await.unwrap();
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }

    /// Polls the delivery until its status is `status` (panics with the
    /// last state after `timeout`).
    async fn wait_status(&self, id: &str, status: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let d = self.delivery(id).await;
            if d["status"] == status {
                return d;
            }
            assert!(
                Instant::now() < deadline,
                "delivery never became {status}: {d:#}\n{}",
                self.p.svc.output()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn interaction(&self, id: &str) -> Value {
        self.p.api().get(&format!("/api/interactions/{id}"), Some(&self.agent)).await.unwrap().body
    }

    /// The statuses the interaction's log shows for a delivery, once the
    /// last one is `last` (vc-server appends them as vc-msg reports them).
    async fn logged_statuses(&self, interaction: &str, delivery: &str, last: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let of: Vec<String> = delivery_events(&self.interaction(interaction).await)
                .into_iter()
                .filter(|(d, _)| d == delivery)
                .map(|(_, s)| s)
                .collect();
            if of.last().map(String::as_str) == Some(last) || Instant::now() > deadline {
                return of;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn delivery_events(interaction: &Value) -> Vec<(String, String)> {
    interaction["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["type"] == "delivery")
        .map(|e| {
            (
                e["event"]["delivery_id"].as_str().unwrap().to_owned(),
                e["event"]["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn outcomes(delivery: &Value) -> Vec<String> {
    delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_sms_goes_out_and_its_delivery_is_reported_live() {
    let smsc = FakeSmsc::start(SMSC_LOGIN, SMSC_PASSWORD).await;
    let d = desk(&refs(&sms_env(&smsc))).await;
    let channels = d.p.api().get("/api/deliveries/channels", Some(&d.agent)).await.unwrap();
    assert_eq!(channels.status, 200);
    assert_eq!(
        (
            channels.body["sms"].as_bool(),
            channels.body["email"].as_bool(),
            channels.body["telegram"].as_bool()
        ),
        (Some(true), Some(false), Some(false))
    );

    // The number is written the way people write it; it is kept in E.164.
    let created = d
        .create(json!({"client_name": "Ivan", "client_phone": "8 (916) 123-45-67", "video_mode": "two_way"}))
        .await;
    assert_eq!(created["client_phone"], "+79161234567");
    let id = created["id"].as_str().unwrap();
    let short_url = created["short_url"].as_str().unwrap().to_owned();
    assert!(short_url.contains("/s/"), "{short_url}");

    // The agent's control channel shows the progress.
    let mut ws = JsonSocket::connect(d.p.api(), &format!("/api/interactions/{id}/ws")).await;
    ws.send(json!({"type": "hello", "token": d.agent})).await;

    let accepted = d.send_ok(id, "sms").await;
    assert_eq!(accepted["status"], "queued");
    let delivery_id = accepted["delivery_id"].as_str().unwrap().to_owned();

    let seen = ws
        .until(Duration::from_secs(20), |v| {
            v["event"]["event"]["type"] == "delivery" && v["event"]["event"]["status"] == "delivered"
        })
        .await;
    let live: Vec<&str> = seen
        .iter()
        .filter(|v| v["event"]["event"]["type"] == "delivery")
        .map(|v| v["event"]["event"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(live, ["queued", "sent", "delivered"], "every status, in order, once");

    let done = d.wait_status(&delivery_id, "delivered", Duration::from_secs(5)).await;
    assert_eq!(done["channel"], "sms");
    assert_eq!(done["to"], "+79161234567");
    assert_eq!(outcomes(&done), ["sent", "delivered"]);
    assert!(done["provider_id"].as_str().is_some_and(|p| !p.is_empty()));

    // Exactly one SMS, with the short link, the company, in Russian, from
    // the registered sender; every request as SMSC.ru documents it.
    let sent = smsc.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].phone, "79161234567");
    assert!(sent[0].text.contains(&short_url), "{}", sent[0].text);
    assert!(sent[0].text.contains("Acme Bank") && sent[0].text.contains("видеозвонок"), "{}", sent[0].text);
    assert_eq!(sent[0].sender.as_deref(), Some("AcmeBank"));
    assert_eq!(done["provider_id"].as_str().unwrap(), sent[0].id.to_string());
    smsc.assert_no_violations();

    // The event log keeps it; another agent cannot read the delivery.
    let events = delivery_events(&d.interaction(id).await);
    assert_eq!(events.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(), ["queued", "sent", "delivered"]);
    assert!(events.iter().all(|(i, _)| *i == delivery_id));
    let r = d.p.api().get(&format!("/api/deliveries/{delivery_id}"), Some(&d.other_agent)).await.unwrap();
    assert_eq!((r.status, r.code()), (404, "delivery_not_found"));
    let r =
        d.p.api().get(&format!("/api/deliveries/{}", uuid::Uuid::now_v7()), Some(&d.agent)).await.unwrap();
    assert_eq!((r.status, r.code()), (404, "delivery_not_found"));

    // In English when the agent asks for it.
    let created = d.create(json!({"client_phone": "+7 916 765-43-21", "video_mode": "one_way"})).await;
    let r = d.send(created["id"].as_str().unwrap(), json!({"channel": "sms", "language": "en"})).await;
    assert_eq!(r.status, 202);
    let sent = smsc.wait_for_sent(2, Duration::from_secs(10)).await;
    assert!(sent[1].text.contains("video call"), "{}", sent[1].text);
}

#[tokio::test]
async fn provider_refusals_reach_the_agent_as_reasons() {
    let smsc = FakeSmsc::start(SMSC_LOGIN, SMSC_PASSWORD).await;
    smsc.reject_phone("79161110001", 3);
    smsc.reject_phone("79161110002", 7);
    smsc.fail_status_for("79161110003", 20);
    let d = desk(&refs(&sms_env(&smsc))).await;

    let mut ids = Vec::new();
    for phone in ["+79161110001", "+79161110002", "+79161110003"] {
        let created = d.create(json!({"client_phone": phone, "video_mode": "two_way"})).await;
        let id = created["id"].as_str().unwrap().to_owned();
        ids.push((id.clone(), d.send_ok(&id, "sms").await["delivery_id"].as_str().unwrap().to_owned()));
    }
    let expect = ["no_money", "invalid_number", "undeliverable"];
    for ((interaction, delivery), reason) in ids.iter().zip(expect) {
        let failed = d.wait_status(delivery, "failed", Duration::from_secs(15)).await;
        assert_eq!(failed["reason"], reason, "{failed:#}");
        assert!(failed["detail"].as_str().is_some_and(|t| t.contains("SMSC")), "{failed:#}");
        // The agent's log carries the reason too.
        let events = d.interaction(interaction).await["events"].clone();
        let last =
            events.as_array().unwrap().iter().rev().find(|e| e["event"]["type"] == "delivery").unwrap();
        assert_eq!(last["event"]["status"], "failed");
        assert_eq!(last["event"]["reason"], reason);
    }
    // A refusal is final at once: no retries for "no money".
    assert_eq!(outcomes(&d.delivery(&ids[0].1).await), ["failed"]);
    smsc.assert_no_violations();

    // Wrong credentials are named as such.
    let wrong = [
        ("VC_MSG__SMS__API_URL", smsc.url()),
        ("VC_MSG__SMS__LOGIN", SMSC_LOGIN.to_owned()),
        ("VC_MSG__SMS__PASSWORD", "not-the-password".to_owned()),
    ];
    let env: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let d2 = desk(&env).await;
    let created = d2.create(json!({"client_phone": "+79161234567", "video_mode": "two_way"})).await;
    let delivery = d2.send_ok(created["id"].as_str().unwrap(), "sms").await;
    let failed =
        d2.wait_status(delivery["delivery_id"].as_str().unwrap(), "failed", Duration::from_secs(15)).await;
    assert_eq!(failed["reason"], "bad_credentials");
}

#[tokio::test]
async fn an_unanswered_sms_is_looked_up_not_sent_twice() {
    let smsc = FakeSmsc::start(SMSC_LOGIN, SMSC_PASSWORD).await;
    let mut env = sms_env(&smsc);
    env.push(("VC_MSG__SMS__TIMEOUT_SECS".into(), "1".into()));
    let d = desk(&refs(&env)).await;
    // SMSC.ru takes the SMS but answers after our timeout. (Its refusal of
    // identical SMS within a minute is off: the lookup alone must prevent
    // a second SMS, as it must when a retry comes later than a minute.)
    smsc.set_flood_protection(false);
    smsc.delay_next_send(Duration::from_secs(3));
    let created = d.create(json!({"client_phone": "+79161234567", "video_mode": "two_way"})).await;
    let delivery = d.send_ok(created["id"].as_str().unwrap(), "sms").await;
    let done =
        d.wait_status(delivery["delivery_id"].as_str().unwrap(), "delivered", Duration::from_secs(20)).await;
    assert_eq!(smsc.sent().len(), 1, "one SMS despite the retry: {:?}", smsc.requests());
    let paths: Vec<String> = smsc.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.iter().filter(|p| p.ends_with("send.php")).count(), 1, "{paths:?}");
    assert!(paths[1].ends_with("status.php"), "looked up by its id before anything else: {paths:?}");
    let o = outcomes(&done);
    assert_eq!(o.first().map(String::as_str), Some("retry"), "{o:?}");
    assert!(o.iter().any(|x| x == "sent"), "{o:?}");
    smsc.assert_no_violations();
}

#[tokio::test]
async fn bad_contacts_are_refused_before_anything_is_sent() {
    let smsc = FakeSmsc::start(SMSC_LOGIN, SMSC_PASSWORD).await;
    let d = desk(&refs(&sms_env(&smsc))).await;
    let api = d.p.api();

    for phone in ["12345", "+7 916 123", "call me"] {
        let r = api
            .post(
                "/api/interactions",
                Some(&d.agent),
                &json!({"client_phone": phone, "video_mode": "two_way"}),
            )
            .await
            .unwrap();
        assert_eq!((r.status, r.code()), (422, "invalid_phone"), "{phone}: {:?}", r.body);
    }
    // A landline is a phone, but not one an SMS reaches.
    let landline = d.create(json!({"client_phone": "+7 495 739-70-00", "video_mode": "two_way"})).await;
    let r = d.send(landline["id"].as_str().unwrap(), json!({"channel": "sms"})).await;
    assert_eq!((r.status, r.code()), (422, "invalid_phone"), "{:?}", r.body);

    let no_contact = d.create(json!({"video_mode": "two_way"})).await;
    let id = no_contact["id"].as_str().unwrap();
    let r = d.send(id, json!({"channel": "sms"})).await;
    assert_eq!((r.status, r.code()), (422, "contact_missing"));
    let r = d.send(id, json!({"channel": "email"})).await;
    assert_eq!((r.status, r.code()), (422, "contact_missing"));
    let with_tg = d.create(json!({"client_telegram": "@client_ann", "video_mode": "two_way"})).await;
    let r = d.send(with_tg["id"].as_str().unwrap(), json!({"channel": "telegram"})).await;
    assert_eq!((r.status, r.code()), (409, "channel_not_configured"));
    let r = d.send(id, json!({"channel": "pigeon"})).await;
    assert_eq!(r.status, 400);

    // Over: nothing more to send.
    let phone = d.create(json!({"client_phone": "+79161234567", "video_mode": "two_way"})).await;
    let pid = phone["id"].as_str().unwrap();
    api.post(&format!("/api/interactions/{pid}/end"), Some(&d.agent), &json!({})).await.unwrap();
    let r = d.send(pid, json!({"channel": "sms"})).await;
    assert_eq!((r.status, r.code()), (409, "interaction_ended"));
    // Another agent's interaction.
    let r = api
        .post(
            &format!("/api/interactions/{}/send", landline["id"].as_str().unwrap()),
            Some(&d.other_agent),
            &json!({"channel": "sms"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 403);

    assert!(smsc.requests().is_empty(), "nothing reached the provider: {:?}", smsc.requests());

    let openapi = api.get("/api/openapi.json", None).await.unwrap().body;
    for path in [
        "/api/interactions/{id}/send",
        "/api/deliveries/{id}",
        "/api/deliveries/channels",
        "/api/msg/telegram/webhook",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "{path} is in the OpenAPI document");
    }
}

fn telegram_env(tg: &FakeTelegram) -> Vec<(String, String)> {
    vec![
        ("VC_MSG__TELEGRAM__API_URL".into(), tg.url()),
        ("VC_MSG__TELEGRAM__BOT_TOKEN".into(), BOT_TOKEN.into()),
        ("VC_MSG__TELEGRAM__POLL_TIMEOUT_SECS".into(), "2".into()),
    ]
}

#[tokio::test]
async fn telegram_by_start_link_then_by_the_remembered_chat() {
    let tg = FakeTelegram::start(BOT_TOKEN, BOT_NAME).await;
    tg.add_user(5001, "client_ann", "Ann");
    let d = desk(&refs(&telegram_env(&tg))).await;

    // The bot has never seen @client_ann: the client must press Start.
    let created = d.create(json!({"client_telegram": "@client_ann", "video_mode": "two_way"})).await;
    let short_url = created["short_url"].as_str().unwrap().to_owned();
    let accepted = d.send_ok(created["id"].as_str().unwrap(), "telegram").await;
    assert_eq!(accepted["status"], "awaiting_start");
    let start_url = accepted["telegram_start_url"].as_str().unwrap();
    let payload = start_url.strip_prefix(&format!("https://t.me/{BOT_NAME}?start=")).expect(start_url);
    let delivery_id = accepted["delivery_id"].as_str().unwrap();
    assert_eq!(d.delivery(delivery_id).await["start_url"], start_url);
    assert!(tg.messages().is_empty());

    tg.press_start(5001, payload);
    let done = d.wait_status(delivery_id, "delivered", Duration::from_secs(20)).await;
    let messages = tg.wait_for_messages(1, Duration::from_secs(5)).await;
    assert_eq!(messages[0].chat_id, 5001);
    assert!(messages[0].text.contains(&short_url), "{}", messages[0].text);
    assert_eq!(messages[0].buttons, vec![("Присоединиться".to_owned(), short_url.clone())]);
    assert_eq!(done["provider_id"].as_str().unwrap(), messages[0].message_id.to_string());
    let statuses = d.logged_statuses(created["id"].as_str().unwrap(), delivery_id, "delivered").await;
    assert_eq!(statuses, ["awaiting_start", "queued", "delivered"]);

    // Next time the chat is known: straight out, and a rate limit is waited out.
    tg.rate_limit_next(1);
    let again = d.create(json!({"client_telegram": "client_ann", "video_mode": "two_way"})).await;
    let accepted = d.send_ok(again["id"].as_str().unwrap(), "telegram").await;
    assert_eq!(accepted["status"], "queued");
    let done =
        d.wait_status(accepted["delivery_id"].as_str().unwrap(), "delivered", Duration::from_secs(20)).await;
    assert_eq!(outcomes(&done), ["retry", "delivered"]);
    assert_eq!(tg.messages().len(), 2);

    // A chat id the bot cannot write to, and a client who blocked the bot.
    let unknown = d.create(json!({"client_telegram": "777000", "video_mode": "two_way"})).await;
    let accepted = d.send_ok(unknown["id"].as_str().unwrap(), "telegram").await;
    let failed =
        d.wait_status(accepted["delivery_id"].as_str().unwrap(), "failed", Duration::from_secs(15)).await;
    assert_eq!(failed["reason"], "chat_not_found");
    tg.block_chat(5001);
    let blocked = d.create(json!({"client_telegram": "5001", "video_mode": "two_way"})).await;
    let accepted = d.send_ok(blocked["id"].as_str().unwrap(), "telegram").await;
    let failed =
        d.wait_status(accepted["delivery_id"].as_str().unwrap(), "failed", Duration::from_secs(15)).await;
    assert_eq!(failed["reason"], "bot_blocked");

    // A Start without a pending link gets a welcome, nothing else.
    tg.add_user(5002, "someone_else", "Bob");
    tg.press_start(5002, "");
    let messages = tg.wait_for_messages(3, Duration::from_secs(10)).await;
    assert_eq!(messages[2].chat_id, 5002);
    assert!(messages[2].buttons.is_empty());
    tg.assert_no_violations();
}

#[tokio::test]
async fn telegram_updates_by_webhook_carry_the_secret() {
    let tg = FakeTelegram::start(BOT_TOKEN, BOT_NAME).await;
    tg.add_user(6001, "client_bob", "Bob");
    let port = free_port();
    let hook_url = format!("http://127.0.0.1:{port}/api/msg/telegram/webhook");
    let mut env = telegram_env(&tg);
    env.push(("VC_MSG__TELEGRAM__UPDATES".into(), "webhook".into()));
    env.push(("VC_MSG__TELEGRAM__WEBHOOK_URL".into(), hook_url.clone()));
    env.push(("VC_MSG__TELEGRAM__WEBHOOK_SECRET".into(), "tg-secret_123".into()));
    let d = desk_on(port, &refs(&env)).await;

    // vc-msg registered the webhook with its secret.
    let deadline = Instant::now() + Duration::from_secs(10);
    while tg.webhook().is_none() {
        assert!(Instant::now() < deadline, "setWebhook was not called");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let hook = tg.webhook().unwrap();
    assert_eq!(hook.url, hook_url);
    assert_eq!(hook.secret_token.as_deref(), Some("tg-secret_123"));

    // Anyone else posting there is turned away.
    let forged = json!({"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "/start x",
        "chat": {"id": 1, "type": "private"}, "from": {"id": 1, "is_bot": false, "first_name": "M"}}});
    let r = d.p.api().post("/api/msg/telegram/webhook", None, &forged).await.unwrap();
    assert_eq!(r.status, 401);

    let created = d.create(json!({"client_telegram": "@client_bob", "video_mode": "two_way"})).await;
    let accepted = d.send_ok(created["id"].as_str().unwrap(), "telegram").await;
    let payload = accepted["telegram_start_url"].as_str().unwrap().rsplit('=').next().unwrap().to_owned();
    tg.press_start(6001, &payload);
    d.wait_status(accepted["delivery_id"].as_str().unwrap(), "delivered", Duration::from_secs(20)).await;
    assert_eq!(tg.wait_for_messages(1, Duration::from_secs(5)).await[0].chat_id, 6001);
    tg.assert_no_violations();
}

/// The first text/plain and text/html parts of a MIME message.
fn parts(msg: &mail_parser::Message<'_>) -> (String, String) {
    (msg.body_text(0).unwrap().into_owned(), msg.body_html(0).unwrap().into_owned())
}

async fn email_case(mode: SmtpMode, security: &str) {
    let sink = SmtpSink::start(mode, Some(("mailer", "mail-pass-1"))).await;
    let ca = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca.path(), sink.ca_pem()).unwrap();
    let port = sink.port.to_string();
    let ca_path = ca.path().display().to_string();
    let env = [
        ("VC_MSG__EMAIL__HOST", "localhost"),
        ("VC_MSG__EMAIL__PORT", port.as_str()),
        ("VC_MSG__EMAIL__SECURITY", security),
        ("VC_MSG__EMAIL__USERNAME", "mailer"),
        ("VC_MSG__EMAIL__PASSWORD", "mail-pass-1"),
        ("VC_MSG__EMAIL__FROM", "support@acme.example"),
        ("VC_MSG__EMAIL__CA_FILE", ca_path.as_str()),
    ];
    let d = desk(&env).await;
    let created = d
        .create(json!({"client_name": "Ivan <script>", "client_email": "ivan@client.example", "video_mode": "two_way"}))
        .await;
    let short_url = created["short_url"].as_str().unwrap().to_owned();
    let accepted = d.send_ok(created["id"].as_str().unwrap(), "email").await;
    let delivery_id = accepted["delivery_id"].as_str().unwrap();
    let done = d.wait_status(delivery_id, "sent", Duration::from_secs(20)).await;
    assert_eq!(outcomes(&done), ["sent"]);

    let mails = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.rcpt_to, ["ivan@client.example"]);
    assert_eq!(mail.mail_from, "support@acme.example");
    assert_eq!(mail.auth_user.as_deref(), Some("mailer"));
    assert!(mail.tls, "the mail went over TLS");

    let msg = mail_parser::MessageParser::default().parse(&mail.raw).unwrap();
    assert_eq!(msg.subject(), Some("Acme Bank: приглашение на видеозвонок"));
    let from = msg.from().unwrap().first().unwrap();
    assert_eq!((from.name(), from.address()), (Some("Acme Bank"), Some("support@acme.example")));
    assert_eq!(msg.to().unwrap().first().unwrap().address(), Some("ivan@client.example"));
    assert_eq!(msg.message_id(), Some(format!("{delivery_id}@acme.example").as_str()));
    assert!(msg.date().is_some(), "a Date header");
    let (text, html) = parts(&msg);
    assert!(text.contains(&short_url) && text.contains("Ivan <script>"), "{text}");
    assert!(html.contains(&format!(r#"href="{short_url}""#)), "{html}");
    assert!(html.contains("Ivan &lt;script&gt;") && !html.contains("<script>"), "escaped: {html}");
    assert!(html.contains("Acme Bank") && html.contains("Присоединиться к звонку"), "{html}");

    // The admins rebrand: the next e-mail carries the new name and colour
    // at once (escaped), without a restart.
    let admin = d.p.admin_token().await;
    let mut branding = d.p.api().get("/api/settings/branding", Some(&admin)).await.unwrap().body;
    branding["company_name"] = json!("Romashka & <Co>");
    branding["accent_color"] = json!("#aa3300");
    let r = d.p.api().put("/api/settings/branding", Some(&admin), &branding).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    let accepted = d.send_ok(created["id"].as_str().unwrap(), "email").await;
    d.wait_status(accepted["delivery_id"].as_str().unwrap(), "sent", Duration::from_secs(20)).await;
    let mails = sink.wait_for(2, Duration::from_secs(5)).await;
    let msg = mail_parser::MessageParser::default().parse(&mails[1].raw).unwrap();
    assert_eq!(msg.subject(), Some("Romashka & <Co>: приглашение на видеозвонок"));
    let (_, html) = parts(&msg);
    assert!(html.contains("Romashka &amp; &lt;Co&gt;") && !html.contains("<Co>"), "escaped: {html}");
    assert!(html.contains("#aa3300"), "the new accent colour: {html}");
}

#[tokio::test]
async fn an_email_over_starttls_with_authentication() {
    email_case(SmtpMode::StartTls, "starttls").await;
}

#[tokio::test]
async fn an_email_over_implicit_tls() {
    email_case(SmtpMode::Tls, "tls").await;
}

fn webhook_env(hook: &WebhookReceiver) -> Vec<(String, String)> {
    vec![
        ("VC_MSG__WEBHOOK__URL".into(), hook.url()),
        ("VC_MSG__WEBHOOK__SECRET".into(), HOOK_SECRET.into()),
        ("VC_MSG__WEBHOOK__TIMEOUT_SECS".into(), "1".into()),
    ]
}

#[tokio::test]
async fn the_webhook_is_signed_retried_and_never_acted_on_twice() {
    let hook = WebhookReceiver::start(HOOK_SECRET).await;
    let d = desk(&refs(&webhook_env(&hook))).await;
    let created = d
        .create(json!({"client_name": "Ivan", "client_phone": "+79161234567", "video_mode": "two_way"}))
        .await;
    let short_url = created["short_url"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap();

    // The customer's system fails once, then takes it.
    hook.fail_next(1, 500);
    let first = d.send_ok(id, "webhook").await;
    let first_id = first["delivery_id"].as_str().unwrap().to_owned();
    let done = d.wait_status(&first_id, "delivered", Duration::from_secs(15)).await;
    assert_eq!(outcomes(&done), ["retry", "delivered"]);
    let requests = hook.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.signature_valid), "every request is signed");
    assert!(requests.iter().all(|r| r.header("idempotency-key") == Some(first_id.as_str())));
    assert_eq!(requests[0].body, requests[1].body, "a retry sends the same body");
    let body = requests[1].json().unwrap();
    assert_eq!(body["link"], short_url.as_str());
    assert_eq!(body["client"]["phone"], "+79161234567");
    assert_eq!(body["client"]["name"], "Ivan");
    assert_eq!(body["interaction_id"], id);

    // No answer in time, then success: the receiver gets it twice under one
    // key and acts once.
    hook.delay_next(Duration::from_secs(3));
    let second = d.send_ok(id, "webhook").await;
    let second_id = second["delivery_id"].as_str().unwrap().to_owned();
    let done = d.wait_status(&second_id, "delivered", Duration::from_secs(15)).await;
    assert_eq!(outcomes(&done), ["retry", "delivered"]);
    let keyed: Vec<_> = hook
        .requests()
        .into_iter()
        .filter(|r| r.header("idempotency-key") == Some(second_id.as_str()))
        .collect();
    assert_eq!(keyed.len(), 2);
    assert_eq!(keyed[0].body, keyed[1].body);
    assert_eq!(hook.accepted().len(), 2, "two deliveries, each acted on once");
    hook.assert_no_violations();
}

#[tokio::test]
async fn deliveries_go_on_after_the_platform_is_killed() {
    let hook = WebhookReceiver::start(HOOK_SECRET).await;
    let mut env = webhook_env(&hook);
    // Retries far apart, so the kill comes between two of them; a short
    // lease, so a call cut off by the kill is taken over soon.
    env.push(("VC_MSG__RETRY_INITIAL_MS".into(), "3000".into()));
    env.push(("VC_MSG__RETRY_MAX_MS".into(), "3000".into()));
    env.push(("VC_MSG__LEASE_SECS".into(), "5".into()));
    env.push(("VC_MSG__WEBHOOK__TIMEOUT_SECS".into(), "10".into()));
    let mut d = desk(&refs(&env)).await;
    let created = d.create(json!({"client_phone": "+79161234567", "video_mode": "two_way"})).await;
    let id = created["id"].as_str().unwrap().to_owned();

    // 1. Killed while waiting to retry: the retry happens after the restart.
    hook.fail_next(1, 503);
    let a = d.send_ok(&id, "webhook").await["delivery_id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    while outcomes(&d.delivery(&a).await).is_empty() {
        assert!(Instant::now() < deadline, "the first try was not recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    d.p.svc.restart();
    d.p.svc.wait_healthy(Duration::from_secs(30)).await;
    d.agent = d.p.api().tokens("agent1", "agent-pass-1").await.0;
    let done = d.wait_status(&a, "delivered", Duration::from_secs(20)).await;
    assert_eq!(outcomes(&done), ["retry", "delivered"]);

    // 2. Killed during the call itself: its outcome is unknown, so it is
    // made again under the same key, and the receiver acts once.
    hook.delay_next(Duration::from_secs(4));
    let b = d.send_ok(&id, "webhook").await["delivery_id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !hook.requests().iter().any(|r| r.header("idempotency-key") == Some(b.as_str())) {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    d.p.svc.restart();
    d.p.svc.wait_healthy(Duration::from_secs(30)).await;
    d.agent = d.p.api().tokens("agent1", "agent-pass-1").await.0;
    d.wait_status(&b, "delivered", Duration::from_secs(30)).await;
    let keyed =
        hook.requests().into_iter().filter(|r| r.header("idempotency-key") == Some(b.as_str())).count();
    assert_eq!(keyed, 2, "sent again after the restart");
    assert_eq!(hook.accepted().len(), 2, "each delivery acted on once");

    // The agent's log shows both deliveries' statuses, none lost.
    for delivery in [&a, &b] {
        assert_eq!(
            d.logged_statuses(&id, delivery, "delivered").await,
            ["queued", "delivered"],
            "{delivery}"
        );
    }
}

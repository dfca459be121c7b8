//! `FakeTelegram` against the documented Bot API.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};
use vc_testkit::fakes::FakeTelegram;

const TOKEN: &str = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
const USER: i64 = 5_123_456_789;

async fn start() -> FakeTelegram {
    let tg = FakeTelegram::start(TOKEN, "VideoAssistBot").await;
    tg.add_user(USER, "ivan_p", "Иван");
    tg
}

async fn call(tg: &FakeTelegram, method: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/bot{TOKEN}/{method}", tg.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn get_me_and_the_answers_to_wrong_tokens_and_methods() {
    let tg = start().await;
    let (status, me) = call(&tg, "getMe", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(me["ok"], true);
    assert_eq!(me["result"]["id"], 7_012_345_678_i64);
    assert_eq!(
        (me["result"]["is_bot"].as_bool(), me["result"]["username"].as_str()),
        (Some(true), Some("VideoAssistBot"))
    );

    let resp = reqwest::get(format!("{}/bot123:wrong/getMe", tg.url())).await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"ok": false, "error_code": 401, "description": "Unauthorized"})
    );

    let (status, body) = call(&tg, "sendTelepathy", json!({})).await;
    assert_eq!((status, body), (404, json!({"ok": false, "error_code": 404, "description": "Not Found"})));
    assert_eq!(tg.violations().len(), 1, "an unknown method is a violation: {:?}", tg.violations());
}

#[tokio::test]
async fn long_polling_waits_until_the_user_presses_start() {
    let tg = Arc::new(start().await);
    // Timed from before the spawn: on a loaded machine the task may start
    // late, and the press below still comes 400 ms after this point.
    let t = Instant::now();
    let poller = {
        let tg = tg.clone();
        tokio::spawn(async move {
            let reply = call(&tg, "getUpdates", json!({"timeout": 10, "allowed_updates": ["message"]})).await;
            (reply, t.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!poller.is_finished(), "getUpdates must wait for an update");
    tg.press_start(USER, "inv_7Hk2");
    let ((status, body), waited) =
        tokio::time::timeout(Duration::from_secs(2), poller).await.unwrap().unwrap();
    assert_eq!(status, 200);
    assert!(waited >= Duration::from_millis(400), "{waited:?}");
    let update = &body["result"][0];
    let message = &update["message"];
    assert_eq!(message["text"], "/start inv_7Hk2");
    assert_eq!(message["entities"], json!([{"offset": 0, "length": 6, "type": "bot_command"}]));
    assert_eq!(
        message["chat"],
        json!({"id": USER, "first_name": "Иван", "username": "ivan_p", "type": "private"})
    );
    assert_eq!(
        (message["from"]["id"].as_i64(), message["from"]["is_bot"].as_bool()),
        (Some(USER), Some(false))
    );
    assert!(message["date"].as_i64().unwrap() > 1_700_000_000);
    let update_id = update["update_id"].as_i64().unwrap();

    // Not confirmed yet: the same update again.
    let (_, again) = call(&tg, "getUpdates", json!({})).await;
    assert_eq!(again["result"][0]["update_id"], update_id);
    // Confirmed by a higher offset; an empty poll with a timeout waits it out.
    let t = Instant::now();
    let (_, after) = call(&tg, "getUpdates", json!({"offset": update_id + 1, "timeout": 1})).await;
    assert_eq!(after["result"], json!([]));
    assert!(t.elapsed() >= Duration::from_millis(900), "{:?}", t.elapsed());
    assert_eq!(tg.pending_updates(), 0);

    tg.press_start(USER, "");
    let (_, next) = call(&tg, "getUpdates", json!({"offset": update_id + 1})).await;
    assert_eq!(next["result"][0]["update_id"], update_id + 1);
    assert_eq!(next["result"][0]["message"]["text"], "/start");
    tg.assert_no_violations();
}

#[tokio::test]
async fn a_newer_get_updates_ends_the_waiting_one() {
    let tg = Arc::new(start().await);
    let first = {
        let tg = tg.clone();
        tokio::spawn(async move { call(&tg, "getUpdates", json!({"timeout": 10})).await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, _) = call(&tg, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!(status, 200);
    let (status, body) = tokio::time::timeout(Duration::from_secs(2), first).await.unwrap().unwrap();
    assert_eq!(status, 409);
    assert_eq!(
        body["description"],
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    );
}

#[tokio::test]
async fn a_link_message_with_html_and_a_url_button() {
    let tg = start().await;
    tg.press_start(USER, "abc");
    let (status, body) = call(
        &tg,
        "sendMessage",
        json!({
            "chat_id": USER,
            "text": "<b>Видеозвонок</b> со специалистом: нажмите кнопку",
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": true},
            "reply_markup": {"inline_keyboard": [[{"text": "Открыть", "url": "https://va.example/l/xyz"}]]},
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let m = &body["result"];
    assert_eq!(m["text"], "Видеозвонок со специалистом: нажмите кнопку");
    assert_eq!(m["entities"], json!([{"type": "bold", "offset": 0, "length": 11}]));
    assert_eq!(m["chat"]["id"], USER);
    assert_eq!(m["from"]["username"], "VideoAssistBot");
    assert_eq!(m["reply_markup"]["inline_keyboard"][0][0]["url"], "https://va.example/l/xyz");
    assert!(m["message_id"].as_i64().unwrap() > 1, "the /start message came first in this chat");

    // The same as a form, JSON-serialized fields as strings.
    let markup =
        json!({"inline_keyboard": [[{"text": "Открыть", "url": "https://va.example/l/2"}]]}).to_string();
    let form = [("chat_id", USER.to_string()), ("text", "Ещё ссылка".into()), ("reply_markup", markup)];
    let resp = reqwest::Client::new()
        .post(format!("{}/bot{TOKEN}/sendMessage", tg.url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let sent = tg.wait_for_messages(2, Duration::from_secs(1)).await;
    assert_eq!(sent[0].chat_id, USER);
    assert_eq!(sent[0].parse_mode.as_deref(), Some("HTML"));
    assert_eq!(sent[0].buttons, vec![("Открыть".to_owned(), "https://va.example/l/xyz".to_owned())]);
    assert!(sent[0].no_preview);
    assert_eq!(sent[1].rendered, "Ещё ссылка");
    assert_eq!(sent[1].buttons[0].1, "https://va.example/l/2");
    tg.assert_no_violations();
}

#[tokio::test]
async fn errors_come_back_as_telegram_sends_them() {
    let tg = start().await;
    let text = |t: &str| json!({"chat_id": USER, "text": t});
    let description = |body: &Value| body["description"].as_str().unwrap().to_owned();

    // The user never pressed Start: the bot cannot write first.
    let (status, body) = call(&tg, "sendMessage", text("Привет")).await;
    assert_eq!((status, description(&body)), (400, "Bad Request: chat not found".into()));
    tg.assert_no_violations();

    tg.press_start(USER, "x");
    tg.block_chat(USER);
    let (status, body) = call(&tg, "sendMessage", text("Привет")).await;
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    );
    assert_eq!(status, 403);
    tg.press_start(USER, "again"); // unblocks

    tg.rate_limit_next(7);
    let (status, body) = call(&tg, "sendMessage", text("Привет")).await;
    assert_eq!(status, 429);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}})
    );
    assert_eq!(call(&tg, "sendMessage", text("Привет")).await.0, 200);
    tg.assert_no_violations();

    // Malformed requests: answered as Telegram does and recorded.
    let cases = [
        (
            json!({"chat_id": USER, "text": "<b>bold", "parse_mode": "HTML"}),
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        ),
        (
            json!({"chat_id": USER, "text": "a.b", "parse_mode": "MarkdownV2"}),
            "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
        ),
        (
            json!({"chat_id": USER, "text": "x", "parse_mode": "BBCode"}),
            "Bad Request: unsupported parse_mode",
        ),
        (json!({"chat_id": USER, "text": ""}), "Bad Request: message text is empty"),
        (json!({"text": "x"}), "Bad Request: chat_id is empty"),
        (json!({"chat_id": USER, "text": "я".repeat(4097)}), "Bad Request: message is too long"),
        (
            json!({"chat_id": USER, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "Открыть"}]]}}),
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ),
        (
            json!({"chat_id": USER, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "Открыть", "url": "javascript:alert(1)"}]]}}),
            "Bad Request: BUTTON_URL_INVALID",
        ),
        (json!({"chat_id": "@ivan_p", "text": "x"}), "Bad Request: chat not found"),
    ];
    for (i, (body, want)) in cases.iter().enumerate() {
        let (status, answer) = call(&tg, "sendMessage", body.clone()).await;
        assert_eq!((status, description(&answer)), (400, (*want).to_owned()), "case {i}");
    }
    let violations = tg.violations();
    assert_eq!(
        violations.len(),
        cases.len() - 1,
        "all but the @username case are violations: {violations:#?}"
    );

    // Unknown parameters are violations even when Telegram ignores them.
    let (status, _) =
        call(&tg, "sendMessage", json!({"chat_id": USER, "text": "x", "disable_preview": true})).await;
    assert_eq!(status, 200);
    assert!(tg.violations().last().unwrap().contains("unknown parameter \"disable_preview\""));
}

#[tokio::test]
async fn a_delayed_answer_still_delivers_the_message_once() {
    let tg = start().await;
    tg.press_start(USER, "x");
    tg.delay_next_send(Duration::from_millis(800));
    let impatient = reqwest::Client::builder().timeout(Duration::from_millis(200)).build().unwrap();
    let err = impatient
        .post(format!("{}/bot{TOKEN}/sendMessage", tg.url()))
        .json(&json!({"chat_id": USER, "text": "Ссылка"}))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(tg.messages().len(), 1);
}

/// A bot's webhook endpoint: records what Telegram posts; answers 500 to
/// the first request, then 200 with a `sendMessage` call in the body.
#[derive(Clone, Default)]
struct BotEndpoint {
    seen: Arc<Mutex<Vec<Posted>>>,
}

/// The secret-token header and the update of one POST.
type Posted = (Option<String>, Value);

async fn bot_endpoint(ep: web::Data<BotEndpoint>, req: HttpRequest, body: web::Json<Value>) -> HttpResponse {
    let secret = req.headers().get("x-telegram-bot-api-secret-token").map(|v| v.to_str().unwrap().to_owned());
    let mut seen = ep.seen.lock().unwrap();
    seen.push((secret, body.into_inner()));
    if seen.len() == 1 {
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok().json(json!({"method": "sendMessage", "chat_id": USER, "text": "Ответ из вебхука"}))
}

#[tokio::test]
async fn webhook_delivery_with_secret_retries_and_a_reply_call() {
    let tg = start().await;
    let ep = BotEndpoint::default();
    let server = {
        let ep = web::Data::new(ep.clone());
        HttpServer::new(move || App::new().app_data(ep.clone()).route("/tg", web::post().to(bot_endpoint)))
            .disable_signals()
            .workers(1)
            .bind(("127.0.0.1", 0))
            .unwrap()
    };
    let hook = format!("http://127.0.0.1:{}/tg", server.addrs()[0].port());
    let server = tokio::spawn(server.run());

    let (status, body) = call(&tg, "setWebhook", json!({"url": hook, "secret_token": "bad token!"})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(tg.violations().len(), 1);

    let (status, body) = call(
        &tg,
        "setWebhook",
        json!({"url": hook, "secret_token": "s3cr3t_-X", "allowed_updates": ["message"]}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"ok": true, "result": true, "description": "Webhook was set"})));
    assert_eq!(tg.webhook().unwrap().secret_token.as_deref(), Some("s3cr3t_-X"));
    let (status, body) = call(&tg, "getUpdates", json!({})).await;
    assert_eq!(status, 409);
    assert_eq!(
        body["description"],
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
    );

    tg.press_start(USER, "hook1");
    // The first POST is answered 500, the retry 200 with a method call.
    let sent = tg.wait_for_messages(1, Duration::from_secs(5)).await;
    assert_eq!(sent[0].text, "Ответ из вебхука");
    let seen = ep.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0], seen[1], "a retry is the same update");
    assert_eq!(seen[0].0.as_deref(), Some("s3cr3t_-X"));
    assert_eq!(seen[0].1["message"]["text"], "/start hook1");

    let (_, info) = call(&tg, "getWebhookInfo", json!({})).await;
    assert_eq!(info["result"]["url"], hook);
    assert_eq!(info["result"]["pending_update_count"], 0);
    assert_eq!(
        info["result"]["last_error_message"],
        "Wrong response from the webhook: 500 Internal Server Error"
    );

    let (_, body) = call(&tg, "deleteWebhook", json!({})).await;
    assert_eq!(body["description"], "Webhook was deleted");
    assert_eq!(call(&tg, "getUpdates", json!({})).await.0, 200);
    assert_eq!(tg.violations().len(), 1, "{:#?}", tg.violations());
    server.abort();
}

#[tokio::test]
async fn public_url_rules_when_asked_for() {
    let tg = start().await;
    let (status, body) = call(&tg, "setWebhook", json!({"url": "http://bot.example:8080/tg"})).await;
    assert_eq!(
        (status, body["description"].as_str()),
        (400, Some("Bad Request: bad webhook: HTTPS url must be provided for webhook"))
    );
    let (_, body) = call(&tg, "setWebhook", json!({"url": "https://bot.example:8080/tg"})).await;
    assert_eq!(
        body["description"],
        "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
    );
    tg.require_public_urls(true);
    let (_, body) = call(&tg, "setWebhook", json!({"url": "https://127.0.0.1/tg"})).await;
    assert_eq!(body["description"], "Bad Request: bad webhook: IP address 127.0.0.1 is reserved");
    tg.press_start(USER, "x");
    let markup = json!({"inline_keyboard": [[{"text": "Открыть", "url": "http://127.0.0.1:8080/l/a"}]]});
    let (_, body) =
        call(&tg, "sendMessage", json!({"chat_id": USER, "text": "x", "reply_markup": markup})).await;
    assert_eq!(body["description"], "Bad Request: BUTTON_URL_INVALID");
}

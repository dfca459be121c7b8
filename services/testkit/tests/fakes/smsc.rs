//! `FakeSmsc` against SMSC.ru's documented HTTP API.

use std::time::Duration;

use serde_json::{Value, json};
use vc_testkit::fakes::FakeSmsc;

const PHONE: &str = "+79991234567";

/// A send request as a conforming client makes it.
fn send_form(phone: &str, mes: &str, id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("login", "va".into()),
        ("psw", "secret".into()),
        ("phones", phone.into()),
        ("mes", mes.into()),
        ("id", id.into()),
        ("sender", "VideoAssist".into()),
        ("charset", "utf-8".into()),
        ("fmt", "3".into()),
    ]
}

async fn post(smsc: &FakeSmsc, path: &str, form: &[(&str, String)]) -> Value {
    let resp = reqwest::Client::new().post(format!("{}{path}", smsc.url())).form(form).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

async fn status(smsc: &FakeSmsc, phone: &str, id: &str) -> Value {
    let q = [("login", "va"), ("psw", "secret"), ("phone", phone), ("id", id), ("fmt", "3")];
    let resp =
        reqwest::Client::new().get(format!("{}/sys/status.php", smsc.url())).query(&q).send().await.unwrap();
    resp.json().await.unwrap()
}

fn is_smsc_date(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            2 | 5 => *c == b'.',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

#[tokio::test]
async fn a_conforming_send_is_accepted_and_delivered() {
    let smsc = FakeSmsc::start("va", "secret").await;
    // 80 Cyrillic characters: UCS-2, two parts of 67.
    let text = format!("Ссылка на видеозвонок: {}", "ж".repeat(57));
    let answer = post(&smsc, "/sys/send.php", &send_form(PHONE, &text, "1001")).await;
    assert_eq!(answer, json!({"id": 1001, "cnt": 2}));

    let sent = smsc.wait_for_sent(1, Duration::from_secs(1)).await;
    assert_eq!((sent[0].id.as_str(), sent[0].phone.as_str(), sent[0].parts), ("1001", "79991234567", 2));
    assert_eq!(sent[0].text, text);
    assert_eq!(sent[0].sender.as_deref(), Some("VideoAssist"));

    // First poll: handed to the operator; second: delivered.
    let first = status(&smsc, PHONE, "1001").await;
    assert_eq!(first["status"], 0);
    assert!(is_smsc_date(first["last_date"].as_str().unwrap()), "{first}");
    assert!(first["last_timestamp"].as_i64().unwrap() > 1_700_000_000);
    let second = status(&smsc, PHONE, "1001").await;
    assert_eq!(second["status"], 1);
    assert!(second.get("err").is_none(), "{second}");

    // A message nobody sent.
    assert_eq!(status(&smsc, PHONE, "999").await, json!({"status": -3}));
    smsc.assert_no_violations();
}

#[tokio::test]
async fn get_requests_api_keys_and_md5_passwords_are_accepted() {
    let smsc = FakeSmsc::start("va", "secret").await;
    smsc.set_apikey("KEY123");
    smsc.deliver_after_polls(0);
    let client = reqwest::Client::new();
    let url = format!("{}/sys/send.php", smsc.url());
    let q = [
        ("apikey", "KEY123"),
        ("phones", "79991234567"),
        ("mes", "Hello"),
        ("charset", "utf-8"),
        ("fmt", "3"),
        ("cost", "3"),
    ];
    let answer: Value = client.get(&url).query(&q).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["cnt"], 1);
    assert_eq!(answer["cost"], "3.5");
    assert_eq!(answer["balance"], "996.5");
    let id = answer["id"].as_i64().unwrap().to_string();

    let md5 = "5ebe2294ecd0e0f08eab7690d2a6ee69"; // md5("secret")
    let q =
        [("login", "va"), ("psw", md5), ("phone", "79991234567"), ("id", &id), ("fmt", "3"), ("all", "1")];
    let full: Value = client
        .get(format!("{}/sys/status.php", smsc.url()))
        .query(&q)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(full["status"], 1);
    assert_eq!(full["message"], "Hello");
    assert_eq!(full["status_name"], "Доставлено");
    smsc.assert_no_violations();
}

#[tokio::test]
async fn non_conforming_requests_are_flagged() {
    let smsc = FakeSmsc::start("va", "secret").await;
    let client = reqwest::Client::new();
    // No charset, no fmt, a typo'd parameter, a national number, a sender
    // with a space.
    let form =
        [("login", "va"), ("psw", "secret"), ("phones", "89991234567"), ("mes", "Привет"), ("sendr", "x")];
    let resp = client.post(format!("{}/sys/send.php", smsc.url())).form(&form).send().await.unwrap();
    // fmt=0 is answered the fmt=0 way.
    assert!(resp.text().await.unwrap().starts_with("OK - 1 SMS, ID - "));
    let v = smsc.violations();
    for needle in
        ["unknown parameter \"sendr\"", "fmt must be 3", "charset missing", "Russian national number"]
    {
        assert!(v.iter().any(|x| x.contains(needle)), "no violation about {needle:?} in {v:#?}");
    }
    // SMSC corrected the number, as it does.
    assert_eq!(smsc.sent()[0].phone, "79991234567");

    let mut bad_sender = send_form(PHONE, "Текст", "7");
    bad_sender[5].1 = "Video Assist".into();
    let answer = post(&smsc, "/sys/send.php", &bad_sender).await;
    assert_eq!(answer, json!({"error": "message is denied", "error_code": 6, "id": 7}));

    let bad_phone = post(&smsc, "/sys/send.php", &send_form("+7999abc", "Текст", "8")).await;
    assert_eq!(bad_phone, json!({"error": "invalid number", "error_code": 7, "id": 8}));

    let mut no_text = send_form(PHONE, "", "9");
    no_text.retain(|(k, _)| *k != "mes");
    assert_eq!(
        post(&smsc, "/sys/send.php", &no_text).await,
        json!({"error": "parameters error", "error_code": 1})
    );

    let bad_id = post(&smsc, "/sys/send.php", &send_form(PHONE, "Текст", "0")).await;
    assert_eq!(bad_id["error_code"], 1);

    let mut wrong_password = send_form(PHONE, "Текст", "10");
    wrong_password[1].1 = "nope".into();
    assert_eq!(
        post(&smsc, "/sys/send.php", &wrong_password).await,
        json!({"error": "authorise error", "error_code": 2})
    );

    let resp = client.get(format!("{}/sys/balance.php", smsc.url())).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(smsc.violations().len() >= 8, "{:#?}", smsc.violations());
}

#[tokio::test]
async fn scripted_errors_come_back_as_smsc_sends_them() {
    let smsc = FakeSmsc::start("va", "secret").await;
    smsc.set_no_money(true);
    let answer = post(&smsc, "/sys/send.php", &send_form(PHONE, "Текст", "21")).await;
    assert_eq!(answer, json!({"error": "no money", "error_code": 3, "id": 21}));
    smsc.set_no_money(false);

    smsc.reject_phone("+79990000008", 8);
    let answer = post(&smsc, "/sys/send.php", &send_form("+79990000008", "Текст", "22")).await;
    assert_eq!(answer, json!({"error": "can't to deliver", "error_code": 8, "id": 22}));
    smsc.reject_phone("+79990000007", 7);
    let answer = post(&smsc, "/sys/send.php", &send_form("+79990000007", "Текст", "23")).await;
    assert_eq!(answer, json!({"error": "invalid number", "error_code": 7, "id": 23}));

    smsc.fail_status_for("+79990000020", 20);
    smsc.deliver_after_polls(2);
    let answer = post(&smsc, "/sys/send.php", &send_form("+79990000020", "Текст", "24")).await;
    assert_eq!(answer["cnt"], 1);
    assert_eq!(status(&smsc, "+79990000020", "24").await["status"], 0);
    assert_eq!(status(&smsc, "+79990000020", "24").await["status"], 0);
    let last = status(&smsc, "+79990000020", "24").await;
    assert_eq!((last["status"].as_i64(), last["err"].as_i64()), (Some(20), Some(1)));
    assert!(smsc.sent().iter().all(|s| s.id == "24"), "only the accepted message is recorded");
    smsc.assert_no_violations();
}

#[tokio::test]
async fn a_blind_resend_after_a_timeout_meets_flood_protection() {
    let smsc = FakeSmsc::start("va", "secret").await;
    smsc.deliver_after_polls(100);
    smsc.delay_next_send(Duration::from_millis(800));
    let impatient = reqwest::Client::builder().timeout(Duration::from_millis(200)).build().unwrap();
    let form = send_form(PHONE, "Ваша ссылка", "31");
    let err = impatient.post(format!("{}/sys/send.php", smsc.url())).form(&form).send().await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    // The message was accepted although the client saw no answer.
    assert_eq!(smsc.sent().len(), 1);

    let again = post(&smsc, "/sys/send.php", &form).await;
    assert_eq!(again, json!({"error": "duplicate request, wait a minute", "error_code": 9}));
    assert_eq!(smsc.sent().len(), 1, "not sent twice");

    // More than five status requests for one message within a minute.
    for _ in 0..5 {
        assert_eq!(status(&smsc, PHONE, "31").await["status"], 0);
    }
    assert_eq!(status(&smsc, PHONE, "31").await["error_code"], 9);
    smsc.assert_no_violations();
}

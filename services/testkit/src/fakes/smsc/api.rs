//! The requests the SMSC fake answers: `send.php` and `status.php`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, FixedOffset, Utc};
use md5::{Digest, Md5};
use serde_json::{Map, Value, json};

use super::rules::{message_id_problem, phone_digits, phone_is_canonical, sender_problem, sms_parts};
use super::{Inner, PART_PRICE_KOPECKS, SentSms, SmscRequest, State, Stored};
use crate::fakes::http::{Decoded, Param, decode_form, json as json_answer, lock, media_type, param, text};

/// Parameters `send.php` documents (SMS and the other message kinds).
const SEND_PARAMS: &[&str] = &[
    "login", "psw", "apikey", "phones", "mes", "id", "sender", "translit", "tinyurl", "time", "tz", "period",
    "freq", "flash", "bin", "push", "hlr", "ping", "mms", "mail", "soc", "viber", "tg", "fileurl", "call",
    "voice", "param", "list", "valid", "maxsms", "imgcode", "userip", "err", "op", "pp", "charset", "fmt",
    "cost", "subj", "attach",
];
/// Parameters `status.php` documents.
const STATUS_PARAMS: &[&str] = &["login", "psw", "apikey", "phone", "id", "fmt", "all", "charset", "del"];

/// What a request is answered, before it is rendered in the asked `fmt`.
enum Answer {
    Sent { id: String, cnt: u32, cost: Option<String>, balance: Option<String> },
    Cost { cost: String, cnt: u32 },
    Error { code: u32, id: Option<String> },
    Status(Vec<Value>, bool),
}

fn err(code: u32) -> Answer {
    Answer::Error { code, id: None }
}

/// SMSC's error texts.
fn error_text(code: u32) -> &'static str {
    match code {
        1 => "parameters error",
        2 => "authorise error",
        3 => "no money",
        4 => "IP is blocked",
        5 => "wrong date format",
        6 => "message is denied",
        7 => "invalid number",
        8 => "can't to deliver",
        9 => "duplicate request, wait a minute",
        _ => "unknown error",
    }
}

pub(super) async fn handle(inner: Arc<Inner>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let mut decoded = Decoded::default();
    decode_form(req.query_string().as_bytes(), &mut decoded);
    let method = req.method().as_str().to_owned();
    let path = req.path().to_owned();
    let mut v: Vec<String> = Vec::new();
    match method.as_str() {
        "GET" if body.is_empty() => {}
        "GET" => v.push("a GET request with a body".into()),
        "POST" => match media_type(&req).as_deref() {
            Some("application/x-www-form-urlencoded") => {
                let mut form = Decoded::default();
                decode_form(&body, &mut form);
                // PHP merges GET and POST parameters, POST winning.
                decoded.params.retain(|(k, _)| !form.params.iter().any(|(f, _)| f == k));
                decoded.params.extend(form.params);
                decoded.problems.extend(form.problems);
            }
            None if body.is_empty() => {}
            other => v.push(format!("POST body must be application/x-www-form-urlencoded, got {other:?}")),
        },
        other => v.push(format!("HTTP method {other} (SMSC takes GET or POST)")),
    }
    v.extend(decoded.problems);
    let params = decoded.params;

    let (answer, delay, fmt) = {
        let mut st = lock(&inner.state);
        st.requests.push(SmscRequest {
            method: method.clone(),
            path: path.clone(),
            params: params.clone(),
            at: Utc::now(),
        });
        let fmt = param(&params, "fmt").unwrap_or("0").to_owned();
        let (answer, delay) = match path.as_str() {
            "/sys/send.php" => send(&inner, &mut st, &params, &mut v),
            "/sys/status.php" => (status(&inner, &mut st, &params, &mut v), None),
            _ => {
                v.push(format!("{method} {path}: not an SMSC API address the fake knows"));
                st.violations.extend(v.into_iter().map(|m| format!("{path}: {m}")));
                return text(404, "Not Found".into());
            }
        };
        st.violations.extend(v.into_iter().map(|m| format!("{path}: {m}")));
        (answer, delay, fmt)
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    render(&answer, &fmt)
}

/// Unknown and repeated parameters, and the `fmt` and `charset` the
/// client must send.
fn check_common(params: &[Param], known: &[&str], v: &mut Vec<String>, need_charset: bool) {
    for (i, (k, _)) in params.iter().enumerate() {
        if !known.contains(&k.as_str()) {
            v.push(format!("unknown parameter {k:?}"));
        } else if params[..i].iter().any(|(p, _)| p == k) {
            v.push(format!("parameter {k:?} given more than once"));
        }
    }
    match param(params, "fmt") {
        Some("3") => {}
        other => v.push(format!("fmt must be 3 (JSON answers), got {other:?}")),
    }
    if need_charset {
        match param(params, "charset") {
            Some(c) if c.eq_ignore_ascii_case("utf-8") => {}
            None => {
                v.push("charset missing: SMSC then reads the text as windows-1251; send charset=utf-8".into())
            }
            Some(c) => v.push(format!("charset={c:?}; our texts are Russian, send charset=utf-8")),
        }
    }
}

fn authorized(inner: &Inner, st: &State, params: &[Param]) -> bool {
    if let Some(key) = param(params, "apikey") {
        return st.apikey.as_deref() == Some(key);
    }
    let (Some(login), Some(psw)) = (param(params, "login"), param(params, "psw")) else { return false };
    let md5 = hex::encode(Md5::digest(inner.password.as_bytes()));
    login == inner.login && (psw == inner.password || psw == md5)
}

fn send(inner: &Inner, st: &mut State, p: &[Param], v: &mut Vec<String>) -> (Answer, Option<Duration>) {
    check_common(p, SEND_PARAMS, v, true);
    if !authorized(inner, st, p) {
        return (err(2), None);
    }
    let phones = param(p, "phones").map(str::trim).unwrap_or("");
    let mes = param(p, "mes").unwrap_or("");
    if phones.is_empty() || mes.trim().is_empty() {
        v.push("phones and mes are required and must not be empty".into());
        return (err(1), None);
    }
    if let Some(problem) = param(p, "id").and_then(message_id_problem) {
        v.push(problem);
        return (err(1), None);
    }
    let cost = match param(p, "cost").unwrap_or("0") {
        c @ ("0" | "1" | "2" | "3") => c.as_bytes()[0] - b'0',
        other => {
            v.push(format!("cost={other:?}; SMSC takes 0, 1, 2 or 3"));
            return (err(1), None);
        }
    };
    if mes.chars().count() > 1000 {
        v.push(format!("mes has {} characters; SMSC takes at most 1000", mes.chars().count()));
        return (err(1), None);
    }
    let id = match param(p, "id") {
        Some(id) => id.to_owned(),
        None => {
            st.next_id += 1;
            st.next_id.to_string()
        }
    };
    let with_id = |code: u32| Answer::Error { code, id: Some(id.clone()) };

    let mut recipients = Vec::new();
    for phone in phones.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()) {
        if phone.starts_with('G') {
            v.push(format!("group code {phone:?} is not modelled by the fake"));
            return (with_id(7), None);
        }
        let digits = match phone_digits(phone) {
            Ok(d) => d,
            Err(problem) => {
                v.push(problem);
                return (with_id(7), None);
            }
        };
        if !phone_is_canonical(phone) {
            v.push(format!("phone {phone:?} is not digits with an optional leading '+'"));
        }
        let digits = if digits.len() == 11 && digits.starts_with('8') && !phone.starts_with('+') {
            v.push(format!("phone {phone:?} is a Russian national number; send it as +7..."));
            format!("7{}", &digits[1..])
        } else {
            digits
        };
        recipients.push(digits);
    }

    let sender = param(p, "sender").map(str::to_owned);
    if let Some(s) = &sender {
        if let Some(problem) = sender_problem(s) {
            v.push(problem);
            return (with_id(6), None);
        }
        let named = !(s.is_empty() || s == ".");
        if named && st.allowed_senders.as_ref().is_some_and(|ok| !ok.contains(s)) {
            return (with_id(6), None);
        }
    }

    let parts = sms_parts(mes);
    let cnt = parts * u32::try_from(recipients.len()).unwrap_or(u32::MAX);
    let price = i64::from(cnt) * PART_PRICE_KOPECKS;
    if cost == 1 {
        return (Answer::Cost { cost: money(price), cnt }, None);
    }

    let now = Instant::now();
    st.recent_sends.retain(|(at, _)| now.duration_since(*at) < Duration::from_secs(60));
    let mut sorted = recipients.clone();
    sorted.sort();
    let key = format!("{}|{mes}", sorted.join(","));
    if st.flood_protection && st.recent_sends.iter().any(|(_, k)| *k == key) {
        return (err(9), None);
    }
    if st.no_money || st.balance_kopecks < price {
        return (with_id(3), None);
    }
    if let Some(code) = recipients.iter().find_map(|r| st.rejected.get(r).copied()) {
        return match code {
            3 | 6 | 7 | 8 => (with_id(code), None),
            _ => (err(code), None),
        };
    }

    st.recent_sends.push((now, key));
    st.balance_kopecks -= price;
    let at = Utc::now();
    for phone in recipients {
        let outcome = st.failing.get(&phone).copied().unwrap_or((1, 0));
        st.messages.push(Stored {
            sms: SentSms { id: id.clone(), phone, text: mes.to_owned(), sender: sender.clone(), at, parts },
            polls: 0,
            deliver_after: st.deliver_after_polls,
            outcome,
            final_at: None,
            cost_kopecks: i64::from(parts) * PART_PRICE_KOPECKS,
        });
    }
    let answer = Answer::Sent {
        id,
        cnt,
        cost: (cost >= 2).then(|| money(price)),
        balance: (cost == 3).then(|| money(st.balance_kopecks)),
    };
    (answer, st.delay_next_send.take())
}

fn status(inner: &Inner, st: &mut State, p: &[Param], v: &mut Vec<String>) -> Answer {
    check_common(p, STATUS_PARAMS, v, false);
    if !authorized(inner, st, p) {
        return err(2);
    }
    let (Some(phone), Some(id)) = (param(p, "phone"), param(p, "id")) else {
        v.push("phone and id are required".into());
        return err(1);
    };
    if param(p, "del").is_some_and(|d| d != "0") {
        v.push("del=1 (deleting a message) is not modelled by the fake".into());
    }
    let all = param(p, "all").unwrap_or("0");
    if !matches!(all, "0" | "1" | "2") {
        v.push(format!("all={all:?}; SMSC takes 0, 1 or 2"));
        return err(1);
    }
    let list = phone.contains(',') || id.contains(',');
    let split = |s: &str| -> Vec<String> {
        let mut items: Vec<String> = s.split(',').map(|x| x.trim().to_owned()).collect();
        if items.last().is_some_and(|x| x.is_empty()) {
            items.pop();
        }
        items
    };
    let (phones, ids) = (split(phone), split(id));
    if phones.len() != ids.len() || phones.is_empty() {
        v.push(format!("{} phones for {} ids", phones.len(), ids.len()));
        return err(1);
    }

    let now = Instant::now();
    st.recent_status.retain(|(at, _)| now.duration_since(*at) < Duration::from_secs(60));
    let key = format!("{phone}|{id}");
    if st.flood_protection && st.recent_status.iter().filter(|(_, k)| *k == key).count() >= 5 {
        return err(9);
    }
    st.recent_status.push((now, key));

    let mut items = Vec::new();
    for (phone, id) in phones.iter().zip(&ids) {
        let want = super::digits(phone);
        let found = st.messages.iter_mut().rev().find(|m| m.sms.id == *id && m.sms.phone == want);
        let mut item = match found {
            Some(m) => poll(m, all != "0"),
            None => json!({ "status": -3 }),
        };
        if list && let Some(obj) = item.as_object_mut() {
            obj.insert("id".into(), id_value(id));
            obj.insert("phone".into(), Value::String(phone.clone()));
        }
        items.push(item);
    }
    Answer::Status(items, list)
}

/// One status poll of a stored message.
fn poll(m: &mut Stored, all: bool) -> Value {
    m.polls += 1;
    let (status, err, last) = if m.polls <= m.deliver_after {
        (0, 0, m.sms.at)
    } else {
        let at = *m.final_at.get_or_insert_with(Utc::now);
        (m.outcome.0, m.outcome.1, at)
    };
    let mut obj = Map::new();
    obj.insert("status".into(), json!(status));
    obj.insert("last_date".into(), json!(moscow(last)));
    obj.insert("last_timestamp".into(), json!(last.timestamp()));
    if err != 0 {
        obj.insert("err".into(), json!(err));
    }
    if all {
        obj.insert("send_date".into(), json!(moscow(m.sms.at)));
        obj.insert("send_timestamp".into(), json!(m.sms.at.timestamp()));
        obj.insert("phone".into(), json!(m.sms.phone));
        obj.insert("cost".into(), json!(money(m.cost_kopecks)));
        obj.insert("sender_id".into(), json!(m.sms.sender.clone().unwrap_or_default()));
        obj.insert("status_name".into(), json!(status_name(status)));
        obj.insert("message".into(), json!(m.sms.text));
        obj.insert("comment".into(), json!(""));
        obj.insert("type".into(), json!(0));
        obj.insert("sms_cnt".into(), json!(m.sms.parts));
    }
    Value::Object(obj)
}

fn status_name(status: i32) -> &'static str {
    match status {
        -3 => "Сообщение не найдено",
        -1 => "Ожидает отправки",
        0 => "Передано оператору",
        1 => "Доставлено",
        2 => "Прочитано",
        3 => "Просрочено",
        4 => "Нажата ссылка",
        20 => "Невозможно доставить",
        22 => "Неверный номер",
        23 => "Запрещено",
        24 => "Недостаточно средств",
        25 => "Недоступный номер",
        _ => "",
    }
}

/// `dd.mm.yyyy hh:mm:ss` in Moscow time (SMSC's clock).
fn moscow(t: DateTime<Utc>) -> String {
    const FORMAT: &str = "%d.%m.%Y %H:%M:%S";
    match FixedOffset::east_opt(3 * 3600) {
        Some(msk) => t.with_timezone(&msk).format(FORMAT).to_string(),
        None => t.format(FORMAT).to_string(),
    }
}

/// Roubles as SMSC writes them: `"3.5"`, `"286.55"`.
fn money(kopecks: i64) -> String {
    let s = format!("{}.{:02}", kopecks / 100, (kopecks % 100).abs());
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A numeric id is a JSON number, a string id a string.
fn id_value(id: &str) -> Value {
    id.parse::<u64>().map(|n| json!(n)).unwrap_or_else(|_| json!(id))
}

fn render(answer: &Answer, fmt: &str) -> HttpResponse {
    let body = match (answer, fmt) {
        (Answer::Sent { id, cnt, cost, balance }, "3") => {
            let mut o = json!({ "id": id_value(id), "cnt": cnt });
            if let Some(c) = cost {
                o["cost"] = json!(c);
            }
            if let Some(b) = balance {
                o["balance"] = json!(b);
            }
            return json_answer(200, &o);
        }
        (Answer::Sent { id, cnt, cost, balance }, "1") => {
            let extra: String =
                [cost, balance].iter().filter_map(|x| x.as_ref()).map(|x| format!(",{x}")).collect();
            format!("{id},{cnt}{extra}")
        }
        (Answer::Sent { id, cnt, .. }, "2") => {
            format!("<result>\n<id>{id}</id>\n<cnt>{cnt}</cnt>\n</result>")
        }
        (Answer::Sent { id, cnt, cost, balance }, _) => {
            let mut s = format!("OK - {cnt} SMS, ID - {id}");
            if let Some(c) = cost {
                s.push_str(&format!(", COST - {c}"));
            }
            if let Some(b) = balance {
                s.push_str(&format!(", BALANCE - {b}"));
            }
            s
        }
        (Answer::Cost { cost, cnt }, "3") => return json_answer(200, &json!({"cost": cost, "cnt": cnt})),
        (Answer::Cost { cost, cnt }, "1") => format!("{cost},{cnt}"),
        (Answer::Cost { cost, cnt }, "2") => {
            format!("<result>\n<cost>{cost}</cost>\n<cnt>{cnt}</cnt>\n</result>")
        }
        (Answer::Cost { cost, cnt }, _) => format!("{cost} ({cnt} SMS)"),
        (Answer::Error { code, id }, "3") => {
            let mut o = json!({ "error": error_text(*code), "error_code": code });
            if let Some(id) = id {
                o["id"] = id_value(id);
            }
            return json_answer(200, &o);
        }
        (Answer::Error { code, id }, "1") => format!("{},-{code}", id.as_deref().unwrap_or("0")),
        (Answer::Error { code, id }, "2") => {
            let id = id.as_ref().map(|i| format!("<id>{i}</id>\n")).unwrap_or_default();
            format!(
                "<result>\n<error>{}</error>\n<error_code>{code}</error_code>\n{id}</result>",
                error_text(*code)
            )
        }
        (Answer::Error { code, id }, _) => {
            let id = id.as_ref().map(|i| format!(", ID - {i}")).unwrap_or_default();
            format!("ERROR = {code} ({}){id}", error_text(*code))
        }
        (Answer::Status(items, list), "3") => {
            let body = if *list { Value::Array(items.clone()) } else { items[0].clone() };
            return json_answer(200, &body);
        }
        (Answer::Status(items, _), f) => {
            items.iter().map(|i| status_line(i, f)).collect::<Vec<_>>().join("\n")
        }
    };
    text(200, body)
}

fn status_line(item: &Value, fmt: &str) -> String {
    let get = |k: &str| item.get(k).map(|v| v.to_string().trim_matches('"').to_owned());
    let status = get("status").unwrap_or_default();
    let err = get("err").unwrap_or_else(|| "0".into());
    match fmt {
        "1" => format!("{status},{},{err}", get("last_timestamp").unwrap_or_else(|| "0".into())),
        "2" => format!(
            "<sms>\n<status>{status}</status>\n<last_date>{}</last_date>\n<last_timestamp>{}</last_timestamp>\n<err>{err}</err>\n</sms>",
            get("last_date").unwrap_or_default(),
            get("last_timestamp").unwrap_or_default()
        ),
        _ => format!("Status = {status}, check_time = {}, err = {err}", get("last_date").unwrap_or_default()),
    }
}

//! The Bot API methods the Telegram fake answers.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::{Inner, TelegramRequest, send, updates};
use crate::fakes::http::{Decoded, decode_form, json as json_answer, lock, media_type};

pub(super) type Params = Map<String, Value>;

/// A failed call: `{"ok":false,"error_code":..,"description":..}`.
pub(super) struct Failure {
    pub code: u16,
    pub description: String,
    pub retry_after: Option<u32>,
}

pub(super) fn fail(code: u16, description: impl Into<String>) -> Failure {
    Failure { code, description: description.into(), retry_after: None }
}

/// A result and the optional `description` of a successful call.
pub(super) type Reply = Result<(Value, Option<&'static str>), Failure>;

const UPDATE_KINDS: &[&str] = &[
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
];

pub(super) async fn handle(inner: Arc<Inner>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let path = req.path().to_owned();
    let Some((token, method)) = path.strip_prefix("/bot").and_then(|rest| rest.split_once('/')) else {
        return answer(Err(fail(404, "Not Found")));
    };
    if token != inner.token {
        return answer(Err(fail(401, "Unauthorized")));
    }
    let mut v = Vec::new();
    let params = parse_params(&req, &body, &mut v);
    answer(call(&inner, req.method().as_str(), method, params, v).await)
}

fn answer(reply: Reply) -> HttpResponse {
    match reply {
        Ok((result, description)) => {
            let mut body = json!({ "ok": true, "result": result });
            if let Some(d) = description {
                body["description"] = json!(d);
            }
            json_answer(200, &body)
        }
        Err(f) => {
            let mut body = json!({ "ok": false, "error_code": f.code, "description": f.description });
            if let Some(secs) = f.retry_after {
                body["parameters"] = json!({ "retry_after": secs });
            }
            json_answer(f.code, &body)
        }
    }
}

/// Query string plus a JSON or form body, as the Bot API takes them.
fn parse_params(req: &HttpRequest, body: &[u8], v: &mut Vec<String>) -> Params {
    let mut d = Decoded::default();
    decode_form(req.query_string().as_bytes(), &mut d);
    if !body.is_empty() {
        match media_type(req).as_deref() {
            Some("application/json") => match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(obj)) => {
                    let mut params: Params =
                        d.params.into_iter().map(|(k, x)| (k, Value::String(x))).collect();
                    params.extend(obj);
                    v.extend(d.problems);
                    return params;
                }
                Ok(_) => v.push("the JSON body is not an object".into()),
                Err(e) => v.push(format!("the JSON body does not parse: {e}")),
            },
            Some("application/x-www-form-urlencoded") => decode_form(body, &mut d),
            Some("multipart/form-data") => {
                v.push("multipart/form-data (file uploads) is not modelled by the fake".into())
            }
            other => v.push(format!("a body with Content-Type {other:?}")),
        }
    }
    v.extend(d.problems);
    d.params.into_iter().map(|(k, x)| (k, Value::String(x))).collect()
}

/// Runs one method; also used for the method calls a webhook answers with.
pub(super) async fn call(
    inner: &Arc<Inner>,
    http_method: &str,
    method: &str,
    p: Params,
    mut v: Vec<String>,
) -> Reply {
    lock(&inner.state).requests.push(TelegramRequest {
        http_method: http_method.to_owned(),
        method: method.to_owned(),
        params: p.clone(),
        at: Utc::now(),
    });
    let mut delay = None;
    let reply = match method.to_ascii_lowercase().as_str() {
        "getme" => {
            known(&p, &[], &mut v);
            let mut me = bot_user(inner);
            for (k, x) in [
                ("can_join_groups", true),
                ("can_read_all_group_messages", false),
                ("supports_inline_queries", false),
                ("can_connect_to_business", false),
                ("has_main_web_app", false),
            ] {
                me[k] = json!(x);
            }
            Ok((me, None))
        }
        "sendmessage" => {
            let (reply, d) = send::send_message(inner, &p, &mut v);
            delay = d;
            reply
        }
        "getupdates" => updates::get_updates(inner, &p, &mut v, method).await,
        "setwebhook" => updates::set_webhook(inner, &p, &mut v),
        "deletewebhook" => {
            known(&p, &["drop_pending_updates"], &mut v);
            let mut st = lock(&inner.state);
            if flag(&p, "drop_pending_updates", &mut v) {
                st.queue.clear();
            }
            let was = st.webhook.take().is_some();
            Ok((json!(true), Some(if was { "Webhook was deleted" } else { "Webhook is already deleted" })))
        }
        "getwebhookinfo" => {
            known(&p, &[], &mut v);
            let st = lock(&inner.state);
            let mut info =
                json!({ "url": "", "has_custom_certificate": false, "pending_update_count": st.queue.len() });
            if let Some(w) = &st.webhook {
                info["url"] = json!(w.url);
                info["max_connections"] = json!(w.max_connections);
                info["ip_address"] = json!("127.0.0.1");
                if let Some(a) = &w.allowed_updates {
                    info["allowed_updates"] = json!(a);
                }
                if let Some((date, message)) = &st.last_webhook_error {
                    info["last_error_date"] = json!(date);
                    info["last_error_message"] = json!(message);
                }
            }
            Ok((info, None))
        }
        _ => {
            v.push(format!("method {method:?} is unknown or not modelled by the fake"));
            Err(fail(404, "Not Found"))
        }
    };
    flush(inner, method, &mut v);
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    reply
}

pub(super) fn flush(inner: &Inner, method: &str, v: &mut Vec<String>) {
    if !v.is_empty() {
        lock(&inner.state).violations.extend(v.drain(..).map(|m| format!("{method}: {m}")));
    }
}

pub(super) fn known(p: &Params, names: &[&str], v: &mut Vec<String>) {
    for k in p.keys().filter(|k| !names.contains(&k.as_str())) {
        v.push(format!("unknown parameter {k:?}"));
    }
}

pub(super) fn bot_user(inner: &Inner) -> Value {
    json!({ "id": inner.bot_id, "is_bot": true, "first_name": inner.bot_username, "username": inner.bot_username })
}

/// An Integer parameter (a JSON number or a string of digits).
pub(super) fn int(p: &Params, name: &str, v: &mut Vec<String>) -> Option<i64> {
    match p.get(name)? {
        Value::Number(n) if n.is_i64() => n.as_i64(),
        Value::String(s) if s.trim().parse::<i64>().is_ok() => s.trim().parse().ok(),
        other => {
            v.push(format!("{name} must be an Integer, got {other}"));
            None
        }
    }
}

/// A Boolean parameter (JSON boolean, or true/false/1/0 in a form).
pub(super) fn flag(p: &Params, name: &str, v: &mut Vec<String>) -> bool {
    match p.get(name) {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if matches!(s.to_ascii_lowercase().as_str(), "true" | "1") => true,
        Some(Value::String(s)) if matches!(s.to_ascii_lowercase().as_str(), "false" | "0" | "") => false,
        Some(other) => {
            v.push(format!("{name} must be a Boolean, got {other}"));
            false
        }
    }
}

/// A JSON-serialized parameter: a string holding JSON (query, form) or
/// the JSON value itself (JSON body).
pub(super) fn serialized(p: &Params, name: &str) -> Option<Result<Value, String>> {
    Some(match p.get(name)? {
        Value::String(s) => {
            serde_json::from_str(s).map_err(|e| format!("{name} is not JSON-serialized: {e}"))
        }
        other => Ok(other.clone()),
    })
}

pub(super) fn allowed_updates(p: &Params, v: &mut Vec<String>) -> Option<Vec<String>> {
    let list = match serialized(p, "allowed_updates")? {
        Ok(Value::Array(a)) => a,
        Ok(other) => {
            v.push(format!("allowed_updates must be an Array of String, got {other}"));
            return None;
        }
        Err(e) => {
            v.push(e);
            return None;
        }
    };
    let mut out = Vec::new();
    for item in list {
        match item.as_str() {
            Some(kind) if UPDATE_KINDS.contains(&kind) => out.push(kind.to_owned()),
            _ => v.push(format!("allowed_updates: unknown update type {item}")),
        }
    }
    Some(out)
}

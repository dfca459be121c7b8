//! `sendMessage`: the one method that writes to a user.

use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};

use super::api::{Failure, Params, Reply, bot_user, fail, flag, known, serialized};
use super::{Inner, SentMessage, keyboard, markup};
use crate::fakes::http::lock;

const SEND_MESSAGE_PARAMS: &[&str] = &[
    "business_connection_id",
    "chat_id",
    "message_thread_id",
    "direct_messages_topic_id",
    "text",
    "parse_mode",
    "entities",
    "link_preview_options",
    "disable_web_page_preview",
    "disable_notification",
    "protect_content",
    "allow_paid_broadcast",
    "message_effect_id",
    "suggested_post_parameters",
    "reply_parameters",
    "reply_markup",
    "reply_to_message_id",
    "allow_sending_without_reply",
];

pub(super) fn send_message(inner: &Inner, p: &Params, v: &mut Vec<String>) -> (Reply, Option<Duration>) {
    known(p, SEND_MESSAGE_PARAMS, v);
    let mut st = lock(&inner.state);
    if let Some(secs) = st.rate_limit_next.take() {
        let f = Failure {
            code: 429,
            description: format!("Too Many Requests: retry after {secs}"),
            retry_after: Some(secs),
        };
        return (Err(f), None);
    }
    let chat_id = match p.get("chat_id") {
        None => {
            v.push("chat_id is required".into());
            return (Err(fail(400, "Bad Request: chat_id is empty")), None);
        }
        Some(Value::Number(n)) if n.is_i64() => n.as_i64(),
        Some(Value::String(s)) if s.is_empty() => {
            v.push("chat_id is empty".into());
            return (Err(fail(400, "Bad Request: chat_id is empty")), None);
        }
        Some(Value::String(s)) if s.starts_with('@') => None,
        Some(Value::String(s)) => match s.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                v.push(format!("chat_id {s:?} is neither an Integer nor an @username"));
                None
            }
        },
        Some(other) => {
            v.push(format!("chat_id must be an Integer or a String, got {other}"));
            None
        }
    };
    let Some(text) = p.get("text").and_then(Value::as_str).filter(|t| !t.trim().is_empty()) else {
        v.push("text is required and must not be empty".into());
        return (Err(fail(400, "Bad Request: message text is empty")), None);
    };
    let parse_mode = p.get("parse_mode").and_then(Value::as_str).filter(|m| !m.is_empty());
    if let Some(mode) = parse_mode {
        if !matches!(mode, "HTML" | "Markdown" | "MarkdownV2") {
            v.push(format!("parse_mode {mode:?}; the documented ones are HTML, MarkdownV2 and Markdown"));
        }
        if !matches!(mode.to_ascii_lowercase().as_str(), "html" | "markdown" | "markdownv2") {
            return (Err(fail(400, "Bad Request: unsupported parse_mode")), None);
        }
        if p.contains_key("entities") {
            v.push("entities and parse_mode are both given (entities replace parse_mode)".into());
        }
    }
    let parsed = match markup::parse(text, parse_mode) {
        Ok(parsed) => parsed,
        Err(e) => {
            v.push(format!("text does not parse as {}: {e}", parse_mode.unwrap_or("plain text")));
            return (Err(fail(400, format!("Bad Request: can't parse entities: {e}"))), None);
        }
    };
    if parsed.text.trim().is_empty() {
        v.push("text is empty once its markup is parsed".into());
        return (Err(fail(400, "Bad Request: message text is empty")), None);
    }
    let units = parsed.text.encode_utf16().count();
    if units > 4096 {
        v.push(format!("text is {units} characters once parsed; at most 4096"));
        return (Err(fail(400, "Bad Request: message is too long")), None);
    }
    let mut no_preview = flag(p, "disable_web_page_preview", v);
    match serialized(p, "link_preview_options") {
        None => {}
        Some(Ok(Value::Object(o))) => {
            const FIELDS: &[&str] =
                &["is_disabled", "url", "prefer_small_media", "prefer_large_media", "show_above_text"];
            for k in o.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
                v.push(format!("link_preview_options: unknown field {k:?}"));
            }
            no_preview |= o.get("is_disabled").and_then(Value::as_bool).unwrap_or(false);
        }
        Some(Ok(other)) => v.push(format!("link_preview_options must be an object, got {other}")),
        Some(Err(e)) => v.push(e),
    }
    let mut markup_json = None;
    let mut buttons = Vec::new();
    if let Some(raw) = serialized(p, "reply_markup") {
        let Ok(markup) = raw else {
            v.push("reply_markup is not JSON".into());
            return (Err(fail(400, "Bad Request: can't parse reply keyboard markup JSON object")), None);
        };
        match keyboard::check(&markup, st.public_urls, v) {
            Ok(checked) => buttons = checked.buttons,
            Err(description) => return (Err(fail(400, description)), None),
        }
        if markup.get("inline_keyboard").is_some() {
            markup_json = Some(markup);
        }
    }

    let Some(chat_id) = chat_id.filter(|id| st.started.contains(id)) else {
        return (Err(fail(400, "Bad Request: chat not found")), None);
    };
    if st.blocked.contains(&chat_id) {
        return (Err(fail(403, "Forbidden: bot was blocked by the user")), None);
    }
    let message_id = st.next_message_id(chat_id);
    let now = Utc::now();
    let user = st.users.get(&chat_id);
    let chat = super::strip_nulls(json!({
        "id": chat_id,
        "first_name": user.map(|u| u.first_name.clone()),
        "username": user.and_then(|u| u.username.clone()),
        "type": "private",
    }));
    let mut message = json!({
        "message_id": message_id, "from": bot_user(inner), "chat": chat, "date": now.timestamp(), "text": parsed.text,
    });
    if !parsed.entities.is_empty() {
        message["entities"] = Value::Array(parsed.entities);
    }
    if no_preview {
        message["link_preview_options"] = json!({ "is_disabled": true });
    }
    if let Some(m) = markup_json {
        message["reply_markup"] = m;
    }
    st.messages.push(SentMessage {
        chat_id,
        message_id,
        text: text.to_owned(),
        parse_mode: parse_mode.map(str::to_owned),
        rendered: message["text"].as_str().unwrap_or_default().to_owned(),
        buttons,
        no_preview,
        at: now,
    });
    (Ok((message, None)), st.delay_next_send.take())
}

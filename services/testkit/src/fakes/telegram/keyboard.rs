//! `reply_markup` as the Bot API checks it. Only inline keyboards are
//! looked into: an `InlineKeyboardMarkup` is an array of rows, each an
//! array of `InlineKeyboardButton`s, each with `text` and exactly one
//! action field. `url` buttons take http, https and tg URLs
//! (documented: "HTTP or tg:// URL to be opened").
//!
//! The error texts `BUTTON_URL_INVALID`, `BUTTON_DATA_INVALID` and "Text
//! buttons are unallowed in the inline keyboard" are the ones Telegram
//! sends; the wording of the structural errors (not an array of arrays,
//! a button that is not an object, `text` not a string) is *assumed*.

use serde_json::Value;

/// The action fields of an `InlineKeyboardButton` (exactly one is used).
const ACTIONS: &[&str] = &[
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];

/// Fields of the other documented markups.
const OTHER_MARKUP_FIELDS: &[&str] = &[
    "keyboard",
    "is_persistent",
    "resize_keyboard",
    "one_time_keyboard",
    "input_field_placeholder",
    "selective",
    "remove_keyboard",
    "force_reply",
];

/// A markup that passed: its url buttons as (text, url) pairs.
#[derive(Debug)]
pub struct Checked {
    pub buttons: Vec<(String, String)>,
}

/// Checks `markup` (already decoded from JSON). `Err` is the description of
/// the 400 answer; `violations` gets what Telegram tolerates but our
/// client should not send. `public_urls` rejects loopback and private
/// hosts in button URLs.
pub fn check(markup: &Value, public_urls: bool, violations: &mut Vec<String>) -> Result<Checked, String> {
    check_markup(markup, public_urls, violations).map_err(|(description, why)| {
        violations.push(format!("reply_markup refused ({why}): {description}"));
        description
    })
}

/// `Err((description, why))`.
fn check_markup(
    markup: &Value,
    public_urls: bool,
    violations: &mut Vec<String>,
) -> Result<Checked, (String, String)> {
    let Some(obj) = markup.as_object() else {
        return Err((
            "Bad Request: can't parse reply keyboard markup JSON object".into(),
            "not an object".into(),
        ));
    };
    let mut buttons = Vec::new();
    for key in obj.keys() {
        if key != "inline_keyboard" && !OTHER_MARKUP_FIELDS.contains(&key.as_str()) {
            violations.push(format!("reply_markup: unknown field {key:?}"));
        }
    }
    let Some(rows) = obj.get("inline_keyboard") else {
        return Ok(Checked { buttons });
    };
    let bad_shape = || {
        let description =
            "Bad Request: field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays";
        (description.to_owned(), "inline_keyboard is not an array of rows".to_owned())
    };
    let rows = rows.as_array().ok_or_else(bad_shape)?;
    for row in rows {
        for button in row.as_array().ok_or_else(bad_shape)? {
            let Some(b) = button.as_object() else {
                let description =
                    "Bad Request: can't parse inline keyboard button: InlineKeyboardButton must be an Object";
                return Err((description.into(), format!("button {button} is not an object")));
            };
            let Some(text) = b.get("text").and_then(Value::as_str) else {
                let description =
                    "Bad Request: can't parse inline keyboard button: Field \"text\" must be of type String";
                return Err((description.into(), format!("button {button} has no text")));
            };
            if text.trim().is_empty() {
                violations.push("reply_markup: a button with an empty text".into());
            }
            for key in b.keys() {
                if key != "text" && !ACTIONS.contains(&key.as_str()) {
                    violations.push(format!("reply_markup: unknown button field {key:?}"));
                }
            }
            let actions: Vec<&str> = ACTIONS.iter().copied().filter(|a| b.contains_key(*a)).collect();
            match actions.len() {
                0 => {
                    let description = "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard";
                    return Err((description.into(), format!("button {text:?} has no action field")));
                }
                1 => {}
                _ => violations
                    .push(format!("reply_markup: button {text:?} has {actions:?}; exactly one is allowed")),
            }
            if let Some(url) = b.get("url") {
                let url = url.as_str().unwrap_or("");
                if let Some(problem) = url_problem(url, public_urls) {
                    return Err((
                        "Bad Request: BUTTON_URL_INVALID".into(),
                        format!("button {text:?}: {problem}"),
                    ));
                }
                buttons.push((text.to_owned(), url.to_owned()));
            }
            if let Some(data) = b.get("callback_data") {
                let len = data.as_str().map_or(0, str::len);
                if !(1..=64).contains(&len) {
                    let why = format!("button {text:?}: callback_data of {len} bytes (1-64 allowed)");
                    return Err(("Bad Request: BUTTON_DATA_INVALID".into(), why));
                }
            }
        }
    }
    Ok(Checked { buttons })
}

/// Why `url` cannot be a button URL.
fn url_problem(url: &str, public_urls: bool) -> Option<String> {
    let parsed = match reqwest::Url::parse(url) {
        Ok(u) => u,
        Err(e) => return Some(format!("URL {url:?} does not parse: {e}")),
    };
    match parsed.scheme() {
        "tg" => return None,
        "http" | "https" => {}
        other => return Some(format!("URL scheme {other:?}; only http, https and tg are allowed")),
    }
    let host = parsed.host_str().unwrap_or("");
    if host.is_empty() {
        return Some(format!("URL {url:?} has no host"));
    }
    if public_urls && is_local_host(host) {
        return Some(format!("URL {url:?} points at a loopback or private host"));
    }
    None
}

/// Loopback and private-network hosts (which the internet cannot reach).
pub fn is_local_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified()
        }
        Ok(std::net::IpAddr::V6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn url_buttons_pass_and_are_listed() {
        let mut v = Vec::new();
        let ok = check(
            &json!({"inline_keyboard": [[{"text": "Открыть", "url": "https://va.example/l/abc"}]]}),
            false,
            &mut v,
        )
        .unwrap();
        assert_eq!(ok.buttons, vec![("Открыть".to_owned(), "https://va.example/l/abc".to_owned())]);
        assert!(v.is_empty());
    }

    #[test]
    fn bad_buttons_are_refused_as_telegram_does() {
        let mut v = Vec::new();
        let text_only = json!({"inline_keyboard": [[{"text": "x"}]]});
        assert!(check(&text_only, false, &mut v).unwrap_err().contains("Text buttons are unallowed"));
        let ftp = json!({"inline_keyboard": [[{"text": "x", "url": "ftp://a.b/c"}]]});
        assert_eq!(check(&ftp, false, &mut v).unwrap_err(), "Bad Request: BUTTON_URL_INVALID");
        let flat = json!({"inline_keyboard": [{"text": "x", "url": "https://a.b"}]});
        assert!(check(&flat, false, &mut v).unwrap_err().contains("Array of Arrays"));
        let local = json!({"inline_keyboard": [[{"text": "x", "url": "http://127.0.0.1:8080/l/a"}]]});
        assert!(check(&local, false, &mut v).is_ok());
        assert!(check(&local, true, &mut v).is_err());
        let two = json!({"inline_keyboard": [[{"text": "x", "url": "https://a.b", "callback_data": "c"}]]});
        v.clear();
        assert!(check(&two, false, &mut v).is_ok());
        assert_eq!(v.len(), 1);
    }
}

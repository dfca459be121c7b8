//! Telegram's formatting options (`parse_mode` HTML, MarkdownV2 and the
//! legacy Markdown), parsed the way the Bot API does: into the text the
//! user sees and its entities (offsets and lengths in UTF-16 code units),
//! or the error text Telegram gives after "Bad Request: can't parse
//! entities: ". The error wording follows answers Telegram really sends
//! (seen in issue trackers); the rarer ones are *assumed*.

use serde_json::{Value, json};

/// The text as the user sees it and its entities.
#[derive(Debug, Default)]
pub struct Parsed {
    pub text: String,
    pub entities: Vec<Value>,
}

/// Builds the visible text while counting UTF-16 units for the offsets.
#[derive(Default)]
struct Builder {
    out: Parsed,
    units: usize,
}

impl Builder {
    fn push(&mut self, c: char) {
        self.out.text.push(c);
        self.units += c.len_utf16();
    }

    fn entity(&mut self, kind: &str, start: usize, extra: Option<(&str, &str)>) {
        if self.units > start {
            let mut e = json!({ "type": kind, "offset": start, "length": self.units - start });
            if let Some((k, v)) = extra {
                e[k] = json!(v);
            }
            self.out.entities.push(e);
        }
    }

    fn finish(mut self) -> Parsed {
        self.out.entities.sort_by_key(|e| (e["offset"].as_u64(), std::cmp::Reverse(e["length"].as_u64())));
        self.out
    }
}

/// Parses `text` in `mode` (`None` for plain text).
pub fn parse(text: &str, mode: Option<&str>) -> Result<Parsed, String> {
    match mode.map(str::to_ascii_lowercase).as_deref() {
        None => {
            let mut b = Builder::default();
            text.chars().for_each(|c| b.push(c));
            Ok(b.finish())
        }
        Some("html") => html(text),
        Some("markdownv2") => markdown_v2(text),
        Some("markdown") => markdown(text),
        Some(_) => Err("unsupported parse_mode".into()),
    }
}

/// HTML entity for a supported tag.
fn html_kind(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "b" | "strong" => "bold",
        "i" | "em" => "italic",
        "u" | "ins" => "underline",
        "s" | "strike" | "del" => "strikethrough",
        "span" | "tg-spoiler" => "spoiler",
        "a" => "text_link",
        "code" => "code",
        "pre" => "pre",
        "blockquote" => "blockquote",
        "tg-emoji" => "custom_emoji",
        _ => return None,
    })
}

/// An open HTML tag: its name, where its entity starts, and the attribute
/// the entity carries (`url`, `language`, ...).
type OpenTag = (String, usize, Option<(&'static str, String)>);

fn html(text: &str) -> Result<Parsed, String> {
    let mut b = Builder::default();
    let mut open: Vec<OpenTag> = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        match c {
            '<' if text[i..].starts_with("</") => {
                let Some(end) = text[i..].find('>') else {
                    return Err(format!("Unclosed end tag at byte offset {i}"));
                };
                let name = text[i + 2..i + end].trim().to_ascii_lowercase();
                let Some((top, start, extra)) = open.pop() else {
                    return Err(format!("Unexpected end tag at byte offset {i}"));
                };
                if top != name {
                    return Err(format!(
                        "Unmatched end tag at byte offset {i}, expected \"</{top}>\", found \"</{name}>\""
                    ));
                }
                let kind = match (top.as_str(), &extra) {
                    ("blockquote", Some(("expandable", _))) => "expandable_blockquote",
                    _ => html_kind(&top).unwrap_or("bold"),
                };
                let extra = extra.as_ref().filter(|(k, _)| *k != "expandable").map(|(k, v)| (*k, v.as_str()));
                // A link without href stays plain text.
                if top != "a" || extra.is_some() {
                    b.entity(kind, start, extra);
                }
                i += end + 1;
            }
            '<' => {
                let rest = &text[i + 1..];
                let name_len =
                    rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(rest.len());
                let name = rest[..name_len].to_ascii_lowercase();
                if html_kind(&name).is_none() {
                    return Err(format!("Unsupported start tag \"{name}\" at byte offset {i}"));
                }
                let Some(end) = rest.find('>') else {
                    return Err(format!("Unclosed start tag at byte offset {i}"));
                };
                let attrs =
                    attributes(&rest[name_len..end]).map_err(|e| format!("{e} at byte offset {i}"))?;
                let attr = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                let extra = match name.as_str() {
                    "a" => attr("href").map(|h| ("url", h)),
                    "span" if attr("class").as_deref() != Some("tg-spoiler") => {
                        return Err(format!(
                            "Tag \"span\" must have class \"tg-spoiler\" at byte offset {i}"
                        ));
                    }
                    "tg-emoji" => match attr("emoji-id") {
                        Some(id) => Some(("custom_emoji_id", id)),
                        None => {
                            return Err(format!(
                                "Tag \"tg-emoji\" must have attribute \"emoji-id\" at byte offset {i}"
                            ));
                        }
                    },
                    "code" => attr("class")
                        .and_then(|c| c.strip_prefix("language-").map(|l| ("language", l.to_owned()))),
                    "blockquote" => attr("expandable").map(|_| ("expandable", String::new())),
                    _ => None,
                };
                open.push((name, b.units, extra));
                i += 1 + end + 1;
            }
            '&' => {
                let (decoded, len) = html_entity(&text[i..]).unwrap_or(('&', 1));
                b.push(decoded);
                i += len;
            }
            c => {
                b.push(c);
                i += c.len_utf8();
            }
        }
    }
    if let Some((name, _, _)) = open.last() {
        return Err(format!("Can't find end tag corresponding to start tag \"{name}\""));
    }
    Ok(b.finish())
}

/// `name="value" name='value' name=value name` inside a start tag.
fn attributes(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let n = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let name = rest[..n].to_ascii_lowercase();
        rest = rest[n..].trim_start();
        let Some(after) = rest.strip_prefix('=') else {
            out.push((name, String::new()));
            continue;
        };
        let after = after.trim_start();
        let (value, tail) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => match after[1..].find(q) {
                Some(e) => (&after[1..1 + e], &after[2 + e..]),
                None => return Err(format!("Unclosed value of the attribute \"{name}\"")),
            },
            _ => {
                let e = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..e], &after[e..])
            }
        };
        let mut decoded = String::new();
        let mut j = 0;
        while let Some(c) = value[j..].chars().next() {
            let (d, len) =
                if c == '&' { html_entity(&value[j..]).unwrap_or(('&', 1)) } else { (c, c.len_utf8()) };
            decoded.push(d);
            j += len;
        }
        out.push((name, decoded));
        rest = tail.trim_start();
    }
    Ok(out)
}

/// `&lt;`, `&gt;`, `&amp;`, `&quot;` and numeric references; anything else
/// after `&` stays as it is (the Bot API leaves unknown entities alone).
fn html_entity(s: &str) -> Option<(char, usize)> {
    let end = s.find(';')?;
    let name = &s[1..end];
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

const V2_RESERVED: &str = "_*[]()~`>#+-=|{}.!";

fn markdown_v2(text: &str) -> Result<Parsed, String> {
    let mut b = Builder::default();
    // Open entities: (marker, entity type, entity start, byte offset).
    let mut open: Vec<(&'static str, &'static str, usize, usize)> = Vec::new();
    let mut at_line_start = true;
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let line_start = std::mem::replace(&mut at_line_start, c == '\n');
        match c {
            '\\' => match text[i + 1..].chars().next() {
                Some(n) if (n as u32) < 127 => {
                    b.push(n);
                    i += 1 + n.len_utf8();
                }
                _ => return Err(reserved('\\')),
            },
            '`' => {
                let fence = text[i..].starts_with("```");
                let (marker, kind) = if fence { ("```", "pre") } else { ("`", "code") };
                let body_start = i + marker.len();
                let Some(len) = find_unescaped(&text[body_start..], marker) else {
                    let name = if fence { "Pre" } else { "Code" };
                    return Err(format!("Can't find end of {name} entity at byte offset {i}"));
                };
                let mut body = &text[body_start..body_start + len];
                let mut language = None;
                if fence && let Some(nl) = body.find('\n') {
                    language = Some(body[..nl].trim()).filter(|l| !l.is_empty());
                    body = &body[nl + 1..];
                }
                let start = b.units;
                let mut chars = body.chars();
                while let Some(ch) = chars.next() {
                    b.push(if ch == '\\' { chars.next().unwrap_or('\\') } else { ch });
                }
                b.entity(kind, start, language.map(|l| ("language", l)));
                i = body_start + len + marker.len();
            }
            '>' if line_start => {
                let expandable = text[i..].starts_with(">**");
                i += if expandable { 3 } else { 1 };
            }
            '[' => {
                open.push(("]", "text_link", b.units, i));
                i += 1;
            }
            ']' => {
                let Some(pos) = open.iter().rposition(|o| o.0 == "]") else {
                    return Err(reserved(']'));
                };
                if pos != open.len() - 1 || !text[i + 1..].starts_with('(') {
                    return Err(reserved(']'));
                }
                let url_start = i + 2;
                let Some(len) = find_unescaped(&text[url_start..], ")") else {
                    return Err(format!("Can't find end of a URL at byte offset {url_start}"));
                };
                let url = text[url_start..url_start + len].replace("\\)", ")").replace("\\\\", "\\");
                let (_, kind, start, _) = open.remove(pos);
                b.entity(kind, start, Some(("url", &url)));
                i = url_start + len + 1;
            }
            '*' | '_' | '~' | '|' => {
                let (marker, kind, name) = match c {
                    '*' => ("*", "bold", "Bold"),
                    '_' if text[i..].starts_with("__") => ("__", "underline", "Underline"),
                    '_' => ("_", "italic", "Italic"),
                    '~' => ("~", "strikethrough", "Strikethrough"),
                    _ if text[i..].starts_with("||") => ("||", "spoiler", "Spoiler"),
                    _ => return Err(reserved('|')),
                };
                match open.iter().rposition(|o| o.0 == marker) {
                    Some(pos) if pos == open.len() - 1 => {
                        let (_, kind, start, _) = open.remove(pos);
                        b.entity(kind, start, None);
                    }
                    Some(_) => {
                        return Err(format!(
                            "Can't find end of {name} entity at byte offset {}",
                            open[open.len() - 1].3
                        ));
                    }
                    None => open.push((marker, kind, b.units, i)),
                }
                i += marker.len();
            }
            c if V2_RESERVED.contains(c) => return Err(reserved(c)),
            c => {
                b.push(c);
                i += c.len_utf8();
            }
        }
    }
    if let Some((marker, _, _, at)) = open.last() {
        let name = match *marker {
            "*" => "Bold",
            "_" => "Italic",
            "__" => "Underline",
            "~" => "Strikethrough",
            "||" => "Spoiler",
            _ => "TextUrl",
        };
        return Err(format!("Can't find end of {name} entity at byte offset {at}"));
    }
    Ok(b.finish())
}

fn reserved(c: char) -> String {
    format!("Character '{c}' is reserved and must be escaped with the preceding '\\'")
}

/// Byte length of `s` up to the first `marker` not preceded by `\`.
fn find_unescaped(s: &str, marker: &str) -> Option<usize> {
    let mut escaped = false;
    for (j, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if s[j..].starts_with(marker) {
            return Some(j);
        }
    }
    None
}

/// The legacy Markdown: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````,
/// `[text](url)`; nothing else is special.
fn markdown(text: &str) -> Result<Parsed, String> {
    let mut b = Builder::default();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let unclosed = || format!("Can't find end of the entity starting at byte offset {i}");
        match c {
            '*' | '_' | '`' => {
                let marker = if text[i..].starts_with("```") { "```" } else { &text[i..i + 1] };
                let kind = match marker {
                    "*" => "bold",
                    "_" => "italic",
                    "`" => "code",
                    _ => "pre",
                };
                let body_start = i + marker.len();
                let len = text[body_start..].find(marker).ok_or_else(unclosed)?;
                let start = b.units;
                text[body_start..body_start + len].chars().for_each(|ch| b.push(ch));
                b.entity(kind, start, None);
                i = body_start + len + marker.len();
            }
            '[' => {
                let close = text[i..].find("](").ok_or_else(unclosed)?;
                let url_end = text[i + close..].find(')').ok_or_else(unclosed)?;
                let start = b.units;
                text[i + 1..i + close].chars().for_each(|ch| b.push(ch));
                b.entity("text_link", start, Some(("url", &text[i + close + 2..i + close + url_end])));
                i += close + url_end + 1;
            }
            c => {
                b.push(c);
                i += c.len_utf8();
            }
        }
    }
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_gives_text_and_entities() {
        let p = parse(
            "Ссылка: <a href=\"https://x.test/a?b=1&amp;c=2\">открыть</a> <b>сейчас</b> &lt;3",
            Some("HTML"),
        )
        .unwrap();
        assert_eq!(p.text, "Ссылка: открыть сейчас <3");
        assert_eq!(
            p.entities[0],
            json!({"type": "text_link", "offset": 8, "length": 7, "url": "https://x.test/a?b=1&c=2"})
        );
        assert_eq!(p.entities[1], json!({"type": "bold", "offset": 16, "length": 6}));
    }

    #[test]
    fn html_errors_read_like_telegram() {
        assert_eq!(
            parse("a <div>b</div>", Some("HTML")).unwrap_err(),
            "Unsupported start tag \"div\" at byte offset 2"
        );
        assert_eq!(
            parse("<b>x", Some("HTML")).unwrap_err(),
            "Can't find end tag corresponding to start tag \"b\""
        );
        assert_eq!(
            parse("<b><i>x</b></i>", Some("HTML")).unwrap_err(),
            "Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\""
        );
        assert_eq!(parse("x</b>", Some("HTML")).unwrap_err(), "Unexpected end tag at byte offset 1");
        assert!(parse("1 < 2", Some("HTML")).is_err());
        assert_eq!(parse("fish & chips", Some("HTML")).unwrap().text, "fish & chips");
    }

    #[test]
    fn markdown_v2_wants_reserved_characters_escaped() {
        assert_eq!(
            parse("Your link: https://x.test/a.b", Some("MarkdownV2")).unwrap_err(),
            "Character '.' is reserved and must be escaped with the preceding '\\'"
        );
        let p = parse("*Hi* [open](https://x.test/a\\)b) 1\\.5", Some("MarkdownV2")).unwrap();
        assert_eq!(p.text, "Hi open 1.5");
        assert_eq!(
            p.entities[1],
            json!({"type": "text_link", "offset": 3, "length": 4, "url": "https://x.test/a)b"})
        );
        assert_eq!(
            parse("*bold", Some("MarkdownV2")).unwrap_err(),
            "Can't find end of Bold entity at byte offset 0"
        );
    }

    #[test]
    fn legacy_markdown() {
        let p = parse("*Hi* [open](https://x.test/a_b)", Some("Markdown")).unwrap();
        assert_eq!(p.text, "Hi open");
        assert_eq!(
            parse("snake_case", Some("Markdown")).unwrap_err(),
            "Can't find end of the entity starting at byte offset 5"
        );
        assert_eq!(parse("x", Some("Fancy")).unwrap_err(), "unsupported parse_mode");
    }
}

//! Filling the configured templates: `{company}`, `{link}`, `{agent}`,
//! `{client}`, `{time}` (a booked call's time in the client's time zone),
//! `{reason}`. Plain text in, plain text out; the e-mail's HTML part is
//! built from the same text with every piece escaped.

use chrono::{DateTime, Datelike, Offset, Timelike, Utc};
use chrono_tz::{OffsetName, Tz};
use vc_protocol::join::Localized;
use vc_protocol::msg::Language;

/// What a template can mention.
#[derive(Debug, Clone)]
pub struct Vars<'a> {
    pub company: &'a str,
    pub link: &'a str,
    pub agent: &'a str,
    pub client: Option<&'a str>,
    /// A booked call's time, written for the client ([`call_time`]).
    pub time: &'a str,
    /// Why a booked call was cancelled.
    pub reason: &'a str,
}

pub fn pick(t: &Localized, lang: Language) -> &str {
    match lang {
        Language::Ru => &t.ru,
        Language::En => &t.en,
    }
}

/// The template with its placeholders replaced, in one pass (so a name
/// that contains `{link}` stays text). Without a client name, `{client}`
/// disappears together with the comma or space before it
/// ("Hello {client}," → "Hello,"; "Здравствуйте, {client}!" → "Здравствуйте!").
pub fn render(template: &str, v: &Vars<'_>) -> String {
    let client = v.client.map(str::trim).filter(|c| !c.is_empty());
    let mut out = String::with_capacity(template.len() + v.link.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        out.push_str(before);
        let value = ["company", "link", "agent", "client", "time", "reason"].into_iter().find_map(|name| {
            let tag = format!("{{{name}}}");
            from_brace.starts_with(&tag).then_some((name, tag.len()))
        });
        match value {
            Some((name, len)) => {
                match name {
                    "company" => out.push_str(v.company),
                    "link" => out.push_str(v.link),
                    "agent" => out.push_str(v.agent),
                    "time" => out.push_str(v.time),
                    "reason" => out.push_str(v.reason),
                    _ => match client {
                        Some(c) => out.push_str(c),
                        None => {
                            if out.ends_with(", ") {
                                out.truncate(out.len() - 2);
                            } else if out.ends_with(' ') {
                                out.truncate(out.len() - 1);
                            }
                        }
                    },
                }
                rest = &from_brace[len..];
            }
            None => {
                out.push('{');
                rest = &from_brace[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A CSS colour we put into a `style` attribute: `#rgb`/`#rrggbb` only.
pub fn safe_color(c: &str) -> &str {
    let hex = c.strip_prefix('#').unwrap_or("");
    if matches!(hex.len(), 3 | 6) && hex.chars().all(|ch| ch.is_ascii_hexdigit()) { c } else { "#1f6feb" }
}

const MONTHS_RU: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A booked call's time as the client reads it, in its IANA `zone` and
/// language: "5 декабря в 15:30 (MSK)", "5 December at 15:30 (MSK)"; the
/// year only when it is not this year; a zone without a letter
/// abbreviation as "UTC+5" (an unknown zone is written in UTC).
pub fn call_time(at: DateTime<Utc>, zone: &str, lang: Language, now: DateTime<Utc>) -> String {
    let tz: Tz = zone.parse().unwrap_or(Tz::UTC);
    let local = at.with_timezone(&tz);
    let label = match local.offset().abbreviation() {
        Some(a) if a.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) => a.to_owned(),
        _ => {
            let secs = local.offset().fix().local_minus_utc();
            let sign = if secs < 0 { '-' } else { '+' };
            let (h, m) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
            if m == 0 { format!("UTC{sign}{h}") } else { format!("UTC{sign}{h}:{m:02}") }
        }
    };
    let month = local.month0() as usize;
    let year = (local.year() != now.with_timezone(&tz).year()).then_some(local.year());
    let clock = format!("{}:{:02}", local.hour(), local.minute());
    match lang {
        Language::Ru => {
            let year = year.map(|y| format!(" {y} г.")).unwrap_or_default();
            format!("{} {}{year} в {clock} ({label})", local.day(), MONTHS_RU[month])
        }
        Language::En => {
            let year = year.map(|y| format!(" {y}")).unwrap_or_default();
            format!("{} {}{year} at {clock} ({label})", local.day(), MONTHS_EN[month])
        }
    }
}

/// The e-mail's HTML part: the company's name as a header in its colour,
/// the text (paragraphs; the link made clickable), and a button to `link`
/// (none when `button` is `None`).
pub fn email_html(
    text: &str,
    link: &str,
    company: &str,
    color: &str,
    button: Option<&str>,
    lang: Language,
) -> String {
    let color = safe_color(color);
    let link_html = format!(r#"<a href="{0}" style="color:{color}">{0}</a>"#, escape_html(link));
    let paragraphs: String = text
        .split("\n\n")
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let escaped = escape_html(p).replace('\n', "<br>");
            let body =
                if link.is_empty() { escaped } else { escaped.replace(&escape_html(link), &link_html) };
            format!(r#"<p style="margin:0 0 16px;line-height:1.5">{body}</p>"#)
        })
        .collect();
    let lang = match lang {
        Language::Ru => "ru",
        Language::En => "en",
    };
    let button = button
        .map(|b| {
            format!(
                r#"<p style="margin:24px 0 8px;text-align:center"><a href="{href}" style="display:inline-block;background:{color};color:#ffffff;text-decoration:none;padding:12px 24px;border-radius:6px;font-weight:bold">{b}</a></p>
"#,
                href = escape_html(link),
                b = escape_html(b),
            )
        })
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{company}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f4f5f7"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:560px;background:#ffffff;border-radius:8px;font-family:Arial,Helvetica,sans-serif;font-size:16px;color:#1f2328">
<tr><td style="background:{color};color:#ffffff;padding:16px 24px;border-radius:8px 8px 0 0;font-size:20px;font-weight:bold">{company}</td></tr>
<tr><td style="padding:24px">
{paragraphs}{button}</td></tr>
</table>
</td></tr></table>
</body>
</html>
"#,
        company = escape_html(company),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(client: Option<&'static str>) -> Vars<'static> {
        Vars {
            company: "Acme",
            link: "https://va.example/s/AbC23456XyZ9",
            agent: "Ann",
            client,
            time: "",
            reason: "",
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let t = "{company}: {agent} invites {client} {link}";
        assert_eq!(render(t, &vars(Some("Bob"))), "Acme: Ann invites Bob https://va.example/s/AbC23456XyZ9");
    }

    #[test]
    fn a_missing_client_name_leaves_no_gap() {
        assert_eq!(render("Hello {client},\nhi", &vars(None)), "Hello,\nhi");
        assert_eq!(render("Здравствуйте, {client}!", &vars(None)), "Здравствуйте!");
        assert_eq!(render("Здравствуйте, {client}!", &vars(Some("  "))), "Здравствуйте!");
    }

    #[test]
    fn user_text_cannot_inject_placeholders_or_html() {
        let v = Vars {
            company: "Acme",
            link: "https://x/s/1",
            agent: "Ann",
            client: Some("{link}<b>"),
            time: "",
            reason: "",
        };
        let text = render("Hi {client} {link}", &v);
        assert_eq!(text, "Hi {link}<b> https://x/s/1");
        let html = email_html(&text, v.link, "A&B <Co>", "red;background:url(x)", Some("Join"), Language::En);
        assert!(html.contains("{link}&lt;b&gt;"), "{html}");
        assert!(html.contains("A&amp;B &lt;Co&gt;"));
        assert!(!html.contains("<b>"));
        assert!(!html.contains("url(x)"), "only plain hex colours reach the style attribute");
        assert!(html.contains(r#"<a href="https://x/s/1""#));
    }

    #[test]
    fn a_booked_time_is_written_in_the_clients_zone_and_language() {
        let now: DateTime<Utc> = "2026-12-01T08:00:00Z".parse().unwrap();
        let at: DateTime<Utc> = "2026-12-05T12:30:00Z".parse().unwrap();
        assert_eq!(call_time(at, "Europe/Moscow", Language::Ru, now), "5 декабря в 15:30 (MSK)");
        assert_eq!(call_time(at, "Europe/Moscow", Language::En, now), "5 December at 15:30 (MSK)");
        assert_eq!(call_time(at, "Asia/Yekaterinburg", Language::Ru, now), "5 декабря в 17:30 (UTC+5)");
        assert_eq!(call_time(at, "Asia/Kolkata", Language::En, now), "5 December at 18:00 (IST)");
        assert_eq!(call_time(at, "UTC", Language::En, now), "5 December at 12:30 (UTC)");
        assert_eq!(call_time(at, "Nowhere/Land", Language::En, now), "5 December at 12:30 (UTC)");
        let next_year: DateTime<Utc> = "2027-01-10T06:05:00Z".parse().unwrap();
        assert_eq!(
            call_time(next_year, "Europe/Moscow", Language::Ru, now),
            "10 января 2027 г. в 9:05 (MSK)"
        );
        // Late on the 31st in UTC is already the next year in Moscow.
        let eve: DateTime<Utc> = "2026-12-31T22:00:00Z".parse().unwrap();
        assert_eq!(call_time(eve, "Europe/Moscow", Language::En, now), "1 January 2027 at 1:00 (MSK)");
    }

    #[test]
    fn time_and_reason_are_placeholders_too() {
        let v = Vars { time: "5 декабря в 15:30 (MSK)", reason: "<agent ill>", ..vars(None) };
        assert_eq!(render("{company}: {time}. {reason}", &v), "Acme: 5 декабря в 15:30 (MSK). <agent ill>");
        let html = email_html("Cancelled: {x} <agent ill>", "", "Acme", "#123456", None, Language::En);
        assert!(!html.contains("<a href"), "no button without a link: {html}");
        assert!(html.contains("&lt;agent ill&gt;"));
    }
}

//! Filling the configured templates: `{company}`, `{link}`, `{agent}`,
//! `{client}`. Plain text in, plain text out; the e-mail's HTML part is
//! built from the same text with every piece escaped.

use vc_protocol::join::Localized;
use vc_protocol::msg::Language;

/// What a template can mention.
#[derive(Debug, Clone)]
pub struct Vars<'a> {
    pub company: &'a str,
    pub link: &'a str,
    pub agent: &'a str,
    pub client: Option<&'a str>,
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
        let value = ["company", "link", "agent", "client"].into_iter().find_map(|name| {
            let tag = format!("{{{name}}}");
            from_brace.starts_with(&tag).then_some((name, tag.len()))
        });
        match value {
            Some((name, len)) => {
                match name {
                    "company" => out.push_str(v.company),
                    "link" => out.push_str(v.link),
                    "agent" => out.push_str(v.agent),
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

/// The e-mail's HTML part: the company's name as a header in its colour,
/// the text (paragraphs; the link made clickable), and a button.
pub fn email_html(
    text: &str,
    link: &str,
    company: &str,
    color: &str,
    button: &str,
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
            let body = escaped.replace(&escape_html(link), &link_html);
            format!(r#"<p style="margin:0 0 16px;line-height:1.5">{body}</p>"#)
        })
        .collect();
    let lang = match lang {
        Language::Ru => "ru",
        Language::En => "en",
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{company}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f4f5f7"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:560px;background:#ffffff;border-radius:8px;font-family:Arial,Helvetica,sans-serif;font-size:16px;color:#1f2328">
<tr><td style="background:{color};color:#ffffff;padding:16px 24px;border-radius:8px 8px 0 0;font-size:20px;font-weight:bold">{company}</td></tr>
<tr><td style="padding:24px">
{paragraphs}<p style="margin:24px 0 8px;text-align:center"><a href="{href}" style="display:inline-block;background:{color};color:#ffffff;text-decoration:none;padding:12px 24px;border-radius:6px;font-weight:bold">{button}</a></p>
</td></tr>
</table>
</td></tr></table>
</body>
</html>
"#,
        company = escape_html(company),
        href = escape_html(link),
        button = escape_html(button),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(client: Option<&'static str>) -> Vars<'static> {
        Vars { company: "Acme", link: "https://va.example/s/AbC23456XyZ9", agent: "Ann", client }
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
        let v = Vars { company: "Acme", link: "https://x/s/1", agent: "Ann", client: Some("{link}<b>") };
        let text = render("Hi {client} {link}", &v);
        assert_eq!(text, "Hi {link}<b> https://x/s/1");
        let html = email_html(&text, v.link, "A&B <Co>", "red;background:url(x)", "Join", Language::En);
        assert!(html.contains("{link}&lt;b&gt;"), "{html}");
        assert!(html.contains("A&amp;B &lt;Co&gt;"));
        assert!(!html.contains("<b>"));
        assert!(!html.contains("url(x)"), "only plain hex colours reach the style attribute");
        assert!(html.contains(r#"<a href="https://x/s/1""#));
    }
}

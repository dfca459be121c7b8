//! The small HTML pages a client sees when a short link does not lead
//! anywhere: self-contained (no scripts, fonts or images), readable on a
//! phone, in Russian and English. Nothing from the request is put into them.

use crate::store::links::CloseReason;

/// Why there is nothing to redirect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// 404: no such code.
    NotFound,
    /// 410: past `expires_at`.
    Expired,
    /// 410: closed (the call ended, or a newer link replaced it).
    Closed(CloseReason),
    /// 503: the database is not reachable right now.
    Unavailable,
}

struct Text {
    title: &'static str,
    body: &'static str,
}

impl Page {
    pub fn status(self) -> u16 {
        match self {
            Page::NotFound => 404,
            Page::Expired | Page::Closed(_) => 410,
            Page::Unavailable => 503,
        }
    }

    fn ru(self) -> Text {
        match self {
            Page::NotFound => Text {
                title: "Ссылка не найдена",
                body: "Проверьте, что ссылка скопирована целиком, или попросите оператора прислать её ещё раз.",
            },
            Page::Expired => Text {
                title: "Срок действия ссылки истёк",
                body: "Попросите оператора прислать новую ссылку.",
            },
            Page::Closed(CloseReason::Replaced) => Text {
                title: "Эта ссылка заменена новой",
                body: "Оператор отправил вам новую ссылку. Откройте, пожалуйста, её.",
            },
            Page::Closed(CloseReason::Ended | CloseReason::Failed) => Text {
                title: "Звонок уже завершён",
                body: "Ссылка больше не действует. Если разговор нужно продолжить, свяжитесь с нами снова.",
            },
            Page::Unavailable => Text {
                title: "Сервис временно недоступен",
                body: "Пожалуйста, откройте ссылку ещё раз через минуту.",
            },
        }
    }

    fn en(self) -> Text {
        match self {
            Page::NotFound => Text {
                title: "Link not found",
                body: "Check that the whole link was copied, or ask the agent to send it again.",
            },
            Page::Expired => {
                Text { title: "This link has expired", body: "Please ask the agent to send you a new link." }
            }
            Page::Closed(CloseReason::Replaced) => Text {
                title: "This link was replaced",
                body: "The agent has sent you a new link. Please open that one.",
            },
            Page::Closed(CloseReason::Ended | CloseReason::Failed) => Text {
                title: "The call is over",
                body: "This link no longer works. If you need to continue, please contact us again.",
            },
            Page::Unavailable => {
                Text { title: "Temporarily unavailable", body: "Please open the link again in a minute." }
            }
        }
    }

    /// The page, in both languages: `english_first` puts English on top
    /// (and in `<html lang>`), otherwise Russian leads.
    pub fn render(self, english_first: bool) -> String {
        let (ru, en) = (("ru", self.ru()), ("en", self.en()));
        let (first, second) = if english_first { (en, ru) } else { (ru, en) };
        format!(
            r#"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{t1} / {t2}</title>
<style>
body{{margin:0;padding:0 1rem;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1f2328;line-height:1.45}}
main{{max-width:28rem;margin:12vh auto 0;padding:1.5rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08)}}
h1{{font-size:1.3rem;margin:0 0 .5rem}}
p{{margin:0}}
section+section{{margin-top:1.25rem;padding-top:1.25rem;border-top:1px solid #e3e5e8}}
section+section h1{{font-size:1.1rem}}
section+section,section+section h1{{color:#57606a}}
</style>
</head>
<body>
<main>
<section lang="{lang}">
<h1>{t1}</h1>
<p>{b1}</p>
</section>
<section lang="{lang2}">
<h1>{t2}</h1>
<p>{b2}</p>
</section>
</main>
</body>
</html>
"#,
            lang = first.0,
            lang2 = second.0,
            t1 = first.1.title,
            b1 = first.1.body,
            t2 = second.1.title,
            b2 = second.1.body,
        )
    }
}

/// Whether an `Accept-Language` header prefers English to Russian. Russian
/// leads when the header is missing, malformed, or names neither.
pub fn prefers_english(accept_language: Option<&str>) -> bool {
    let Some(header) = accept_language else { return false };
    let (mut ru, mut en) = (0.0_f32, 0.0_f32);
    for item in header.split(',').take(32) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q=").map(str::trim))
            .map_or(Some(1.0), |v| v.parse::<f32>().ok())
            .filter(|q| (0.0..=1.0).contains(q))
            .unwrap_or(0.0);
        match primary.as_str() {
            "ru" => ru = ru.max(q),
            "en" => en = en.max(q),
            _ => {}
        }
    }
    en > ru
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bilingual_and_russian_first_by_default() {
        let html = Page::NotFound.render(false);
        let (ru, en) = (html.find("Ссылка не найдена").unwrap(), html.find("Link not found").unwrap());
        assert!(ru < en);
        assert!(html.contains(r#"<html lang="ru">"#));
        let html = Page::NotFound.render(true);
        assert!(html.find("Link not found").unwrap() < html.find("Ссылка не найдена").unwrap());
        assert!(html.contains(r#"<html lang="en">"#));
    }

    #[test]
    fn pages_are_self_contained_and_fit_phones() {
        for page in [
            Page::NotFound,
            Page::Expired,
            Page::Closed(CloseReason::Replaced),
            Page::Closed(CloseReason::Ended),
            Page::Closed(CloseReason::Failed),
            Page::Unavailable,
        ] {
            let html = page.render(false);
            assert!(html.contains(r#"<meta name="viewport""#));
            assert!(html.contains(r#"<meta charset="utf-8">"#));
            for external in ["<script", "<link", "<img", "src=", "href=", "url(", "@import", "http"] {
                assert!(!html.contains(external), "{page:?} has {external}");
            }
        }
    }

    #[test]
    fn statuses_and_reasons() {
        assert_eq!(Page::NotFound.status(), 404);
        assert_eq!(Page::Expired.status(), 410);
        assert_eq!(Page::Closed(CloseReason::Replaced).status(), 410);
        assert_eq!(Page::Unavailable.status(), 503);
        assert!(Page::Closed(CloseReason::Replaced).render(false).contains("заменена"));
        assert!(Page::Closed(CloseReason::Ended).render(false).contains("The call is over"));
        assert!(Page::Expired.render(false).contains("expired"));
    }

    #[test]
    fn accept_language_picks_the_order() {
        assert!(!prefers_english(None));
        assert!(!prefers_english(Some("")));
        assert!(!prefers_english(Some("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7")));
        assert!(prefers_english(Some("en-US,en;q=0.9")));
        assert!(prefers_english(Some("en-GB,en;q=0.9,ru;q=0.5")));
        assert!(prefers_english(Some("de-DE,de;q=0.9,en;q=0.8")));
        assert!(!prefers_english(Some("de-DE,fr;q=0.9")), "neither: Russian leads");
        assert!(!prefers_english(Some("en;q=0.5,ru")));
        assert!(!prefers_english(Some("en;q=abc")), "a malformed weight counts as 0");
        assert!(!prefers_english(Some("en;q=7")), "an out-of-range weight counts as 0");
        assert!(!prefers_english(Some("ru,en")), "a tie keeps Russian first");
        assert!(prefers_english(Some("*, EN_us")));
    }
}

//! Link-preview robots: messengers and social networks fetch a link when it
//! is sent in a message, to show a title and a picture. Such a fetch is not
//! the client opening the link, so it is logged but not counted.
//!
//! A short list of User-Agent substrings rather than a general bot-detection
//! crate: the crates available (isbot, voight_kampff, iscrawl) are either
//! unmaintained lists from years ago or flag every non-browser client as a
//! robot, and none tells a preview fetch apart from a crawler. What matters
//! here is a handful of well-known fetchers, listed below with where each is
//! seen. The match is case-insensitive.
//!
//! Mistakes cost little either way: a preview counted as an open moves the
//! interaction to `waiting` early (the client page does that too when it is
//! really opened), and an open taken for a preview is still redirected and
//! still logged.

/// Matched anywhere in the User-Agent. None of these appears in a browser's
/// own User-Agent, including the in-app browsers of these messengers (those
/// keep the system browser's string, e.g. Facebook's adds `FBAN/`).
const ANYWHERE: &[&str] = &[
    // Telegram: "TelegramBot (like TwitterBot)".
    "telegrambot",
    // Slack: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Slack-ImgProxy".
    "slackbot",
    "slack-imgproxy",
    // Facebook, Messenger, Instagram: "facebookexternalhit/1.1", "Facebot".
    // iMessage previews send "... facebookexternalhit/1.1 Facebot Twitterbot/1.0".
    "facebookexternalhit",
    "facebot",
    // Twitter / X: "Twitterbot/1.0".
    "twitterbot",
    // Skype and Microsoft Teams: "SkypeUriPreview Preview/0.5".
    "skypeuripreview",
    // Discord: "Discordbot/2.0".
    "discordbot",
    // VK: "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)".
    "vkshare",
    // Odnoklassniki: "OdklBot".
    "odklbot",
    // LinkedIn, Pinterest, Reddit, Snapchat, Mattermost, Embedly, Iframely.
    "linkedinbot",
    "pinterestbot",
    "redditbot",
    "snap url preview",
    "mattermost-bot",
    "embedly",
    "iframely",
    // Search engines and assistants that may follow a link they see.
    "googlebot",
    "google-pagerenderer",
    "bingbot",
    "yandexbot",
    "yandex.com/bots",
    "applebot",
];

/// Matched only at the start of the User-Agent: the preview fetchers of
/// these apps send their bare name ("WhatsApp/2.23.20.0 A", which Signal
/// imitates; "Viber/..."), while any browser string starts with
/// `Mozilla/` or `Opera/`.
const PREFIX: &[&str] = &["whatsapp", "viber"];

/// Whether a request with this User-Agent is a link-preview robot.
pub fn is_preview(user_agent: &str) -> bool {
    let ua = user_agent.trim_start().to_ascii_lowercase();
    ANYWHERE.iter().any(|needle| ua.contains(needle)) || PREFIX.iter().any(|p| ua.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_robots_are_recognised() {
        for ua in [
            "TelegramBot (like TwitterBot)",
            "WhatsApp/2.23.20.0 A",
            "WhatsApp/2.21.12.21 i",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Slack-ImgProxy (+https://api.slack.com/robots)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) \
             Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
            "Twitterbot/1.0",
            "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
            "Viber/21.0.0",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        ] {
            assert!(is_preview(ua), "{ua}");
        }
    }

    #[test]
    fn browsers_including_in_app_ones_are_not_previews() {
        for ua in [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
             Version/17.4 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/124.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/124.0.0.0 YaBrowser/24.4.0.0 Safari/537.36",
            // Facebook's in-app browser.
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
             Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.0]",
            // An Android WebView inside a messenger.
            "Mozilla/5.0 (Linux; Android 13; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 \
             Chrome/124.0.0.0 Mobile Safari/537.36 Viber/21.0",
            // A phone brand that contains "bot".
            "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/120.0.0.0 Mobile Safari/537.36",
            "",
        ] {
            assert!(!is_preview(ua), "{ua}");
        }
    }
}

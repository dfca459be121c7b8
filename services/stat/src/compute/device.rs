//! The client's device from its browser's User-Agent (woothee).

use vc_protocol::stat::ClientDevice;
use woothee::parser::Parser;
use woothee::woothee::VALUE_UNKNOWN;

fn known(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty() && v != VALUE_UNKNOWN).then(|| v.to_owned())
}

/// Parses a User-Agent. iPhones, iPads and iPods are reported as `iOS`
/// (an iPad in desktop mode says it is a Mac and is not recognisable).
/// `mobile`: woothee's `smartphone` or `mobilephone` category (tablets
/// included). `None` for an empty string.
pub fn parse(user_agent: &str) -> Option<ClientDevice> {
    let ua = user_agent.trim();
    if ua.is_empty() {
        return None;
    }
    let mut device = ClientDevice { user_agent: ua.to_owned(), ..Default::default() };
    let Some(r) = Parser::new().parse(ua) else { return Some(device) };
    let apple_mobile = matches!(r.os, "iPhone" | "iPad" | "iPod");
    device.os = if apple_mobile { Some("iOS".into()) } else { known(r.os) };
    device.os_version = known(&r.os_version).map(|v| v.replace('_', "."));
    device.browser = known(r.name);
    device.browser_version = known(r.version);
    device.mobile = matches!(r.category, "smartphone" | "mobilephone") || apple_mobile;
    Some(device)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(ua: &str) -> ClientDevice {
        parse(ua).unwrap_or_default()
    }

    #[test]
    fn chrome_on_desktop_linux() {
        let d = p(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        );
        assert_eq!(d.os.as_deref(), Some("Linux"));
        assert_eq!(d.browser.as_deref(), Some("Chrome"));
        assert_eq!(d.browser_version.as_deref(), Some("124.0.0.0"));
        assert!(!d.mobile);
    }

    #[test]
    fn chrome_on_android() {
        let d = p(
            "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.118 Mobile Safari/537.36",
        );
        assert_eq!(d.os.as_deref(), Some("Android"));
        assert_eq!(d.os_version.as_deref(), Some("13"));
        assert_eq!(d.browser.as_deref(), Some("Chrome"));
        assert!(d.mobile);
    }

    #[test]
    fn safari_on_iphone() {
        let d = p(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
        );
        assert_eq!(d.os.as_deref(), Some("iOS"));
        assert_eq!(d.browser.as_deref(), Some("Safari"));
        assert_eq!(d.browser_version.as_deref(), Some("17.4.1"));
        assert!(d.mobile);
    }

    #[test]
    fn safari_on_ipad_is_mobile() {
        let d = p(
            "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        );
        assert_eq!(d.os.as_deref(), Some("iOS"));
        assert!(d.mobile);
    }

    #[test]
    fn yandex_browser_on_windows() {
        let d = p(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 YaBrowser/24.4.1.899 Yowser/2.5 Safari/537.36",
        );
        assert_eq!(d.browser.as_deref(), Some("Yandex Browser"));
        assert_eq!(d.browser_version.as_deref(), Some("24.4.1.899"));
        assert_eq!(d.os.as_deref(), Some("Windows 10"));
        assert!(!d.mobile);
    }

    #[test]
    fn nothing_or_garbage() {
        assert_eq!(parse("  "), None);
        let d = p("curl-ish/1");
        assert_eq!(d.user_agent, "curl-ish/1");
        assert!(!d.mobile);
    }
}

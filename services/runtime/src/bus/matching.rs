//! MQTT topic-filter matching (`+` one level, `#` the rest), so the bus can
//! hand each incoming message to the subscriptions it belongs to.

/// The filter a shared subscription (`$share/<group>/<filter>`) matches with.
pub fn strip_share(filter: &str) -> &str {
    filter.strip_prefix("$share/").and_then(|rest| rest.split_once('/')).map(|(_, f)| f).unwrap_or(filter)
}

/// Whether `topic` (no wildcards) matches `filter`.
pub fn matches(filter: &str, topic: &str) -> bool {
    let filter = strip_share(filter);
    // Topics starting with `$` are not matched by leading wildcards.
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// A topic level may not contain wildcards or separators coming from ids.
pub fn sanitize_level(s: &str) -> String {
    s.chars().map(|c| if matches!(c, '/' | '+' | '#' | '$') || c.is_control() { '_' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_wildcards() {
        assert!(matches("vc/v1/a", "vc/v1/a"));
        assert!(!matches("vc/v1/a", "vc/v1/b"));
        assert!(matches("vc/+/a", "vc/v1/a"));
        assert!(!matches("vc/+/a", "vc/v1/x/a"));
        assert!(matches("vc/#", "vc/v1/x/a"));
        assert!(matches("vc/v1/#", "vc/v1"));
        assert!(!matches("vc/v1/a", "vc/v1/a/b"));
        assert!(!matches("vc/v1/a/b", "vc/v1/a"));
    }

    #[test]
    fn shared_subscriptions_match_their_filter() {
        assert!(matches("$share/vc-auth/vc/v1/auth/keys/get", "vc/v1/auth/keys/get"));
        assert_eq!(strip_share("$share/g/a/b"), "a/b");
        assert_eq!(strip_share("a/b"), "a/b");
    }

    #[test]
    fn dollar_topics_are_not_matched_by_leading_wildcards() {
        assert!(!matches("#", "$SYS/broker"));
        assert!(!matches("+/broker", "$SYS/broker"));
        assert!(matches("$SYS/#", "$SYS/broker"));
    }

    #[test]
    fn sanitize_removes_wildcards() {
        assert_eq!(sanitize_level("a/b+c#d$e"), "a_b_c_d_e");
    }
}

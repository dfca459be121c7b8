//! Checks on user-supplied fields. Each returns the message that names the
//! field, for a 422.

/// Lower-cases and trims a login; refuses anything but 3-64 of
/// `a-z 0-9 . _ - @`.
pub fn normalize_login(login: &str) -> Result<String, String> {
    let l = login.trim().to_lowercase();
    let len = l.chars().count();
    if !(3..=64).contains(&len) {
        return Err("login: 3 to 64 characters".into());
    }
    if !l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err("login: only latin letters, digits, '.', '_', '-' and '@'".into());
    }
    Ok(l)
}

/// Trims a display name; 1-200 characters, no control characters.
pub fn normalize_name(name: &str) -> Result<String, String> {
    let n = name.trim();
    let len = n.chars().count();
    if !(1..=200).contains(&len) {
        return Err("name: 1 to 200 characters".into());
    }
    if n.chars().any(char::is_control) {
        return Err("name: control characters are not allowed".into());
    }
    Ok(n.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins() {
        assert_eq!(normalize_login("  Agent.Smith@corp ").unwrap(), "agent.smith@corp");
        assert!(normalize_login("ab").is_err());
        assert!(normalize_login("has space").is_err());
        assert!(normalize_login("кириллица").is_err());
        assert!(normalize_login(&"x".repeat(65)).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(normalize_name("  Иван Петров ").unwrap(), "Иван Петров");
        assert!(normalize_name("   ").is_err());
        assert!(normalize_name("a\u{0}b").is_err());
    }
}

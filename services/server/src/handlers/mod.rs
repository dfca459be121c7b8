//! One file per endpoint.

pub mod create;
pub mod deliveries;
pub mod end;
pub mod get;
pub mod join_info;
pub mod join_post;
pub mod link;
pub mod list;
pub mod media;
pub mod messages;
pub mod reports_export;
pub mod schedules_cancel;
pub mod schedules_create;
pub mod schedules_list;
pub mod schedules_reminders;
pub mod schedules_update;
pub mod send;
pub mod settings_branding;
pub mod settings_features;
pub mod settings_fields;
pub mod settings_survey;
pub mod survey;
pub mod update;

use base64::Engine;
use sha2::{Digest, Sha256};

/// A new client link token (192 random bits) and the hash that is stored.
pub(crate) fn new_link_token() -> (String, String) {
    let bytes: [u8; 24] = rand::random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_link(&token);
    (token, hash)
}

pub(crate) fn hash_link(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Trims an optional text field; empty means absent; longer than `max`
/// characters is refused with the field's name.
pub(crate) fn optional_text(
    field: &str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, vc_runtime::ApiError> {
    let Some(v) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else { return Ok(None) };
    if v.chars().count() > max {
        return Err(vc_runtime::ApiError::validation(format!("{field}: at most {max} characters")));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(vc_runtime::ApiError::validation(format!("{field}: control characters are not allowed")));
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_tokens_are_long_random_and_hashed() {
        let (a, ha) = new_link_token();
        let (b, _) = new_link_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32, "192 bits in base64url");
        assert_eq!(ha, hash_link(&a));
        assert_eq!(ha.len(), 64);
        assert!(!ha.contains(&a));
    }

    #[test]
    fn text_fields_are_trimmed_and_bounded() {
        assert_eq!(optional_text("name", Some("  Ann ".into()), 10).unwrap(), Some("Ann".into()));
        assert_eq!(optional_text("name", Some("   ".into()), 10).unwrap(), None);
        assert!(optional_text("name", Some("x".repeat(11)), 10).is_err());
        assert!(optional_text("name", Some("a\u{7}b".into()), 10).is_err());
    }
}

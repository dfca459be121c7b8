//! SMSC.ru's rules for the values of a send request: how many SMS parts a
//! text takes, what a phone number, a sender name and a client message id
//! may look like.

/// The GSM 03.38 default alphabet (one septet each).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table (an escape plus a septet: two each).
const GSM_EXTENDED: &str = "^{}\\[~]|€\u{000C}";

/// How many SMS parts `text` takes: GSM 7-bit texts 160 septets in one
/// part, 153 per part when split; anything else is UCS-2, 70 UTF-16 units
/// in one part, 67 per part when split. (SMSC documents "160 characters in
/// Latin or 70 in Cyrillic"; the split sizes are the GSM standard's, which
/// SMSC's own cost calculator uses.)
pub fn sms_parts(text: &str) -> u32 {
    let mut septets = 0usize;
    let mut gsm = true;
    for c in text.chars() {
        if GSM_BASIC.contains(c) {
            septets += 1;
        } else if GSM_EXTENDED.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    let (len, single, multi) = if gsm { (septets, 160, 153) } else { (text.encode_utf16().count(), 70, 67) };
    let parts = if len <= single { 1 } else { len.div_ceil(multi) };
    u32::try_from(parts).unwrap_or(u32::MAX)
}

/// The digits of a phone number in international format (`+79991234567`
/// or `79991234567`), or why it is not one. Spaces, dashes and brackets are
/// tolerated the way SMSC's auto-formatting tolerates them; the result
/// must be 10 to 15 digits (E.164 allows at most 15).
pub fn phone_digits(phone: &str) -> Result<String, String> {
    let trimmed = phone.trim();
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if body.is_empty() {
        return Err("empty phone number".into());
    }
    let mut digits = String::new();
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' => {}
            _ => return Err(format!("{phone:?} has a character that is not a digit: {c:?}")),
        }
    }
    if !(10..=15).contains(&digits.len()) {
        return Err(format!("{phone:?} has {} digits; an international number has 10 to 15", digits.len()));
    }
    Ok(digits)
}

/// Whether `phone` is written the way the documentation asks (digits with
/// an optional leading `+`, nothing else) rather than merely tolerated.
pub fn phone_is_canonical(phone: &str) -> bool {
    let body = phone.strip_prefix('+').unwrap_or(phone);
    !body.is_empty() && body.chars().all(|c| c.is_ascii_digit())
}

/// SMSC's FAQ: a sender name holds only English letters, digits, dots,
/// dashes and underscores, at most 11 characters. A purely numeric sender
/// (a phone number) may have up to 15 digits (assumption: the E.164
/// limit; not found in SMSC's documentation). An empty sender or `.`
/// switches the default sender off (documented for the `sender` parameter).
pub fn sender_problem(sender: &str) -> Option<String> {
    if sender.is_empty() || sender == "." {
        return None;
    }
    if sender.chars().all(|c| c.is_ascii_digit()) {
        return (sender.len() > 15).then(|| format!("numeric sender {sender:?} is longer than 15 digits"));
    }
    if sender.chars().count() > 11 {
        return Some(format!("sender {sender:?} is longer than 11 characters"));
    }
    if let Some(c) = sender.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))) {
        return Some(format!(
            "sender {sender:?} has {c:?}; only English letters, digits, '.', '-', '_' are allowed"
        ));
    }
    None
}

/// A client-assigned message id: a 32-bit number from 1 to 2147483647, or
/// (assumption, from SMSC's parameter description as remembered, not found
/// in the stored documentation) a string of up to 40 Latin letters, digits
/// and `.`, `-`, `_`.
pub fn message_id_problem(id: &str) -> Option<String> {
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) {
        return match id.parse::<u64>() {
            Ok(n) if (1..=2_147_483_647).contains(&n) => None,
            _ => Some(format!("message id {id} is outside 1..=2147483647")),
        };
    }
    if id.is_empty() || id.len() > 40 {
        return Some(format!("message id {id:?} must be 1 to 40 characters"));
    }
    if let Some(c) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))) {
        return Some(format!("message id {id:?} has {c:?}; only Latin letters, digits, '.', '-', '_'"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_parts_like_the_gsm_standard() {
        assert_eq!(sms_parts("Hello"), 1);
        assert_eq!(sms_parts(&"a".repeat(160)), 1);
        assert_eq!(sms_parts(&"a".repeat(161)), 2);
        assert_eq!(sms_parts(&"a".repeat(306)), 2);
        assert_eq!(sms_parts(&"a".repeat(307)), 3);
        // Extension characters take two septets.
        assert_eq!(sms_parts(&"€".repeat(80)), 1);
        assert_eq!(sms_parts(&"€".repeat(81)), 2);
        assert_eq!(sms_parts(&"я".repeat(70)), 1);
        assert_eq!(sms_parts(&"я".repeat(71)), 2);
        assert_eq!(sms_parts(&"я".repeat(134)), 2);
        assert_eq!(sms_parts(&"я".repeat(135)), 3);
        // One Cyrillic letter makes the whole text UCS-2.
        assert_eq!(sms_parts(&format!("{}я", "a".repeat(69))), 1);
        assert_eq!(sms_parts(&format!("{}я", "a".repeat(70))), 2);
    }

    #[test]
    fn validates_phones_senders_and_ids() {
        assert_eq!(phone_digits("+79991234567").unwrap(), "79991234567");
        assert!(phone_digits("8999").is_err());
        assert!(phone_digits("+7999abc4567").is_err());
        assert!(!phone_is_canonical("+7 (999) 123-45-67"));
        assert!(sender_problem("VideoAssist").is_none());
        assert!(sender_problem("Video Assist").is_some());
        assert!(sender_problem("VideoAssist24").is_some());
        assert!(sender_problem("Видео").is_some());
        assert!(message_id_problem("42").is_none());
        assert!(message_id_problem("0").is_some());
        assert!(message_id_problem("2147483648").is_some());
        assert!(message_id_problem("d-123_a.b").is_none());
        assert!(message_id_problem(&"x".repeat(41)).is_some());
    }
}

//! File names: what the uploader says a file is called is metadata only.
//! It is cleaned before it is stored and encoded safely when a download
//! names it (`Content-Disposition`, RFC 6266 with RFC 5987 `filename*`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The longest stored name, in bytes of UTF-8.
pub const MAX_NAME_BYTES: usize = 255;
/// The name of a file whose uploader gave none (or nothing usable).
pub const DEFAULT_NAME: &str = "file";

/// Decodes an `X-File-Name` header: percent-encoded UTF-8. Invalid UTF-8
/// sequences become U+FFFD rather than failing the upload.
pub fn decode_header_name(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    percent_decode_str(&text).decode_utf8_lossy().into_owned()
}

/// Characters never kept in a name: controls (C0, DEL, C1) and the
/// invisible formatting characters that can disguise an extension
/// (bidirectional overrides such as U+202E, zero-width characters, BOM).
fn is_unwanted(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// A name safe to store and show: only the last path segment (no `/` or
/// `\`), no control or invisible formatting characters, trimmed, at most
/// [`MAX_NAME_BYTES`] (the extension is kept when it is short), never
/// empty, `.` or `..`.
pub fn sanitize_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).find(|s| !s.trim().is_empty()).unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !is_unwanted(*c)).collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
        return DEFAULT_NAME.to_owned();
    }
    truncate_keeping_extension(trimmed, MAX_NAME_BYTES)
}

/// Cuts `name` to at most `max` bytes on a character boundary, keeping an
/// extension of up to 16 bytes.
fn truncate_keeping_extension(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let ext = name.rfind('.').filter(|&i| i > 0 && name.len() - i <= 16).map(|i| &name[i..]).unwrap_or("");
    let mut stem_end = max - ext.len();
    let stem = &name[..name.len() - ext.len()];
    while !stem.is_char_boundary(stem_end) {
        stem_end -= 1;
    }
    format!("{}{ext}", stem[..stem_end].trim_end())
}

/// What RFC 5987 lets through unencoded in `ext-value` (`attr-char`).
const ATTR_CHAR_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<encoded>`:
/// every browser saves the file instead of showing it, and gets the exact
/// UTF-8 name. The fallback replaces what a quoted string cannot safely
/// hold (non-ASCII, quotes, backslashes, `%`) with `_`.
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%') || c == ' ' { c } else { '_' })
        .collect();
    let encoded = utf8_percent_encode(name, ATTR_CHAR_ESCAPES);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_segment_is_kept() {
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name("C:\\fakepath\\photo.jpg"), "photo.jpg");
        assert_eq!(sanitize_name("dir/"), "dir");
        assert_eq!(sanitize_name("/"), DEFAULT_NAME);
        assert_eq!(sanitize_name(".."), DEFAULT_NAME);
        assert_eq!(sanitize_name("a/.."), DEFAULT_NAME);
        assert_eq!(sanitize_name("..."), DEFAULT_NAME);
        assert_eq!(sanitize_name(".bashrc"), ".bashrc");
    }

    #[test]
    fn controls_and_invisible_characters_go() {
        assert_eq!(sanitize_name("a\0b\r\nc\u{7f}\u{85}.txt"), "abc.txt");
        assert_eq!(sanitize_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(sanitize_name("\u{FEFF}  report .pdf  "), "report .pdf");
        assert_eq!(sanitize_name(""), DEFAULT_NAME);
        assert_eq!(sanitize_name("   \t "), DEFAULT_NAME);
        assert_eq!(sanitize_name("Отчёт 2024.xlsx"), "Отчёт 2024.xlsx");
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary_keeping_the_extension() {
        let long = format!("{}.jpeg", "я".repeat(300));
        let cut = sanitize_name(&long);
        assert!(cut.len() <= MAX_NAME_BYTES, "{}", cut.len());
        assert!(cut.ends_with(".jpeg"), "{cut}");
        assert!(cut.starts_with("яя"));
        let no_ext = "x".repeat(1000);
        assert_eq!(sanitize_name(&no_ext).len(), MAX_NAME_BYTES);
        // A "extension" too long to be one is just cut.
        let odd = format!("a.{}", "b".repeat(400));
        assert_eq!(sanitize_name(&odd).len(), MAX_NAME_BYTES);
    }

    #[test]
    fn header_names_are_percent_decoded_utf8() {
        assert_eq!(decode_header_name(b"%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf"), "отчёт.pdf");
        assert_eq!(decode_header_name(b"plain name.txt"), "plain name.txt");
        assert_eq!(decode_header_name(b"bad%FF.txt"), "bad\u{FFFD}.txt");
        assert_eq!(sanitize_name(&decode_header_name(b"..%2F..%2Fetc%2Fpasswd")), "passwd");
        assert_eq!(sanitize_name(&decode_header_name(b"a%00b")), "ab");
    }

    #[test]
    fn content_disposition_is_an_attachment_with_both_forms() {
        assert_eq!(
            content_disposition("report.pdf"),
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        );
        assert_eq!(
            content_disposition("отчёт 1.pdf"),
            "attachment; filename=\"_____ 1.pdf\"; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%201.pdf"
        );
        let tricky = content_disposition("a\"b\\c%d;e.txt");
        assert_eq!(tricky, "attachment; filename=\"a_b_c_d;e.txt\"; filename*=UTF-8''a%22b%5Cc%25d%3Be.txt");
        // Nothing in the value can end the header or start another parameter unquoted.
        assert!(!tricky.contains('\n'));
    }
}

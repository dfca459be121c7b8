//! The stored content type comes from the content, never from the
//! uploader: magic numbers (the `infer` crate) for binary formats, then
//! "is it UTF-8 text?", else `application/octet-stream`. Types a browser
//! would run or render as a document (HTML, XML, SVG, scripts) are never
//! produced: such content is served as plain text or octet-stream.

/// How many leading bytes the magic-number check looks at.
pub const SNIFF_BYTES: usize = 8192;

pub const TEXT_PLAIN: &str = "text/plain; charset=utf-8";
pub const OCTET_STREAM: &str = "application/octet-stream";

/// Image formats we make thumbnails of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl ImageKind {
    pub fn of(content_type: &str) -> Option<ImageKind> {
        match content_type {
            "image/jpeg" => Some(ImageKind::Jpeg),
            "image/png" => Some(ImageKind::Png),
            "image/gif" => Some(ImageKind::Gif),
            "image/webp" => Some(ImageKind::Webp),
            _ => None,
        }
    }
}

/// Detected types that are never served as such: a browser could render
/// or run them (even with `attachment` and `nosniff`, defence in depth).
fn is_active_type(mime: &str) -> bool {
    mime.starts_with("text/")
        || mime.contains("html")
        || mime.contains("xml")
        || mime.contains("javascript")
        || mime.contains("ecmascript")
        || mime == "application/x-shockwave-flash"
}

/// Watches a file go by, chunk by chunk, and tells its type at the end.
/// Memory: [`SNIFF_BYTES`] plus a few bytes.
#[derive(Debug, Default)]
pub struct Sniffer {
    head: Vec<u8>,
    total: u64,
    /// No invalid UTF-8 and no binary control bytes seen so far.
    text: bool,
    /// The start of a UTF-8 sequence cut by the chunk boundary.
    pending: Vec<u8>,
}

impl Sniffer {
    pub fn new() -> Self {
        Self { head: Vec::with_capacity(SNIFF_BYTES), total: 0, text: true, pending: Vec::new() }
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        self.total += chunk.len() as u64;
        if self.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if self.text {
            self.text = !chunk.iter().any(|&b| is_binary_control(b));
        }
        if self.text {
            self.check_utf8(chunk);
        }
    }

    fn check_utf8(&mut self, mut data: &[u8]) {
        // Finish a sequence the previous chunk cut (at most 3 more bytes).
        while !self.pending.is_empty() {
            let Some((&b, rest)) = data.split_first() else { return };
            self.pending.push(b);
            data = rest;
            match std::str::from_utf8(&self.pending) {
                Ok(_) => self.pending.clear(),
                Err(e) if e.error_len().is_none() && self.pending.len() < 4 => {}
                Err(_) => {
                    self.text = false;
                    return;
                }
            }
        }
        if let Err(e) = std::str::from_utf8(data) {
            match e.error_len() {
                Some(_) => self.text = false,
                // Valid so far, cut mid-character: keep the tail for the next chunk.
                None => self.pending.extend_from_slice(&data[e.valid_up_to()..]),
            }
        }
    }

    /// The content type of everything fed.
    pub fn content_type(&self) -> &'static str {
        decide(&self.head, self.total, self.text && self.pending.is_empty())
    }
}

/// C0 controls other than tab, line feed, vertical tab, form feed, carriage
/// return and escape, plus DEL: text files do not contain them.
fn is_binary_control(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F)
}

/// The decision, from the first bytes, the size, and whether the whole
/// content was clean UTF-8 text.
pub fn decide(head: &[u8], total: u64, utf8_text: bool) -> &'static str {
    if total == 0 {
        return OCTET_STREAM;
    }
    if let Some(kind) = infer::get(head)
        && kind.matcher_type() != infer::MatcherType::Text
        && !is_active_type(kind.mime_type())
    {
        return kind.mime_type();
    }
    if utf8_text { TEXT_PLAIN } else { OCTET_STREAM }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff_in_chunks(data: &[u8], chunk: usize) -> &'static str {
        let mut s = Sniffer::new();
        for c in data.chunks(chunk.max(1)) {
            s.feed(c);
        }
        s.content_type()
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0";

    #[test]
    fn magic_numbers_win() {
        assert_eq!(sniff_in_chunks(PNG, 3), "image/png");
        assert_eq!(sniff_in_chunks(JPEG, 1000), "image/jpeg");
        assert_eq!(sniff_in_chunks(b"GIF89a\x01\0\x01\0\0\0\0", 4), "image/gif");
        assert_eq!(sniff_in_chunks(b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0", 5), "image/webp");
        assert_eq!(sniff_in_chunks(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 7), "application/pdf");
        assert_eq!(sniff_in_chunks(b"PK\x03\x04\x14\0\0\0\x08\0", 2), "application/zip");
    }

    #[test]
    fn documents_a_browser_would_render_are_plain_text_or_bytes() {
        for html in [
            &b"<!DOCTYPE html><html><script>alert(1)</script></html>"[..],
            b"<html><body onload=alert(1)>",
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            b"#!/bin/sh\nrm -rf /\n",
        ] {
            assert_eq!(sniff_in_chunks(html, 5), TEXT_PLAIN, "{}", String::from_utf8_lossy(html));
        }
        let mut latin1_html = b"<html><body>caf".to_vec();
        latin1_html.push(0xE9);
        assert_eq!(sniff_in_chunks(&latin1_html, 4), OCTET_STREAM);
        assert!(is_active_type("image/svg+xml"));
        assert!(is_active_type("application/xhtml+xml"));
        assert!(!is_active_type("image/png"));
    }

    #[test]
    fn utf8_text_is_plain_text_whatever_the_chunking() {
        let text = "Привет, мир! Hello 👋 — tabs\tand\r\nlines\n".repeat(50);
        for chunk in [1, 2, 3, 5, 7, 64, 100_000] {
            assert_eq!(sniff_in_chunks(text.as_bytes(), chunk), TEXT_PLAIN, "chunk {chunk}");
        }
    }

    #[test]
    fn binary_or_broken_text_is_octet_stream() {
        assert_eq!(sniff_in_chunks(b"hello\0world", 3), OCTET_STREAM, "NUL");
        assert_eq!(sniff_in_chunks(b"abc\xFFdef", 2), OCTET_STREAM, "invalid byte");
        assert_eq!(
            sniff_in_chunks("конец".as_bytes().split_last().unwrap().1, 2),
            OCTET_STREAM,
            "cut at the end"
        );
        assert_eq!(sniff_in_chunks(b"\xF0\x9F\x91", 1), OCTET_STREAM, "truncated emoji");
        assert_eq!(sniff_in_chunks(b"", 1), OCTET_STREAM, "empty");
        let noise: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        assert_eq!(sniff_in_chunks(&noise, 512), OCTET_STREAM);
    }

    #[test]
    fn a_late_binary_byte_still_counts() {
        let mut data = "a".repeat(SNIFF_BYTES * 3).into_bytes();
        data.push(0);
        assert_eq!(sniff_in_chunks(&data, 4096), OCTET_STREAM);
    }

    #[test]
    fn image_kinds_for_thumbnails() {
        assert_eq!(ImageKind::of("image/png"), Some(ImageKind::Png));
        assert_eq!(ImageKind::of("image/webp"), Some(ImageKind::Webp));
        assert_eq!(ImageKind::of("image/bmp"), None);
        assert_eq!(ImageKind::of(TEXT_PLAIN), None);
    }
}

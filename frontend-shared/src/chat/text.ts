// Pure helpers of the chat: message length in UTF-8 bytes, links in plain
// text, file sizes in words, the icon family of a content type, ids.

/** The server refuses text over this many bytes of UTF-8 (`message_too_long`). */
export const MAX_TEXT_BYTES = 4096;

/** The file server's default upload limit: 100 MiB (`file_too_large` above). */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

const encoder = new TextEncoder();

/** Length of `text` in bytes of UTF-8. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** Control characters the server refuses (all but tab, line feed, carriage return). */
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * What the page sends of what the user typed: control characters (which the
 * server refuses) and surrounding blank space removed, inner newlines kept. Pure.
 */
export function normalizeText(text: string): string {
  return text.replace(CONTROL_RE, "").replace(/^\s+|\s+$/g, "");
}

export type TextPart = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than a link. */
const TRAILING_CHARS = ".,;:!?…»\"')]}";

/**
 * Splits plain text into text and http(s) links. Only links that parse as
 * http: or https: URLs become links; everything else stays text. Pure.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const start = match.index;
    const raw = trimTrailing(match[0]);
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) parts.push({ kind: "text", text: text.slice(last, start) });
    parts.push({ kind: "link", text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return mergeText(parts);
}

/** Drops sentence punctuation after a link; keeps a ")" that closes a "(" of the link. */
function trimTrailing(raw: string): string {
  let end = raw.length;
  while (end > 0) {
    const ch = raw[end - 1] ?? "";
    if (!TRAILING_CHARS.includes(ch)) break;
    if (ch === ")") {
      const head = raw.slice(0, end);
      if (count(head, "(") >= count(head, ")")) break;
    }
    end -= 1;
  }
  return raw.slice(0, end);
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n += 1;
  return n;
}

function mergeText(parts: TextPart[]): TextPart[] {
  const out: TextPart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (p.kind === "text" && prev?.kind === "text") prev.text += p.text;
    else out.push({ ...p });
  }
  return out;
}

/** The URL when it is a well-formed http(s) URL with a host, else null. Pure. */
export function safeHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) return null;
  return url.href;
}

const UNITS: Record<"ru" | "en", readonly string[]> = {
  en: ["B", "KB", "MB", "GB", "TB"],
  ru: ["Б", "КБ", "МБ", "ГБ", "ТБ"],
};

/** A size in words: `1.5 MB`, `1,5 МБ` (binary units, one decimal under 10). Pure. */
export function humanSize(bytes: number, lang: "ru" | "en"): string {
  const units = UNITS[lang];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  const number = new Intl.NumberFormat(lang === "ru" ? "ru-RU" : "en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(digits === 0 ? Math.round(value) : Math.round(value * 10) / 10);
  return `${number}\u00a0${units[unit] ?? ""}`;
}

export type FileKind = "image" | "video" | "audio" | "pdf" | "archive" | "document" | "text" | "other";

/** The icon family of a (sniffed) content type. Pure. */
export function fileKind(contentType: string): FileKind {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type.startsWith("image/")) return "image";
  if (type.startsWith("video/")) return "video";
  if (type.startsWith("audio/")) return "audio";
  if (type === "application/pdf") return "pdf";
  if (/(zip|x-7z|x-rar|x-tar|gzip|x-bzip|x-xz|compressed)/.test(type)) return "archive";
  if (/(msword|officedocument|opendocument|rtf|ms-excel|ms-powerpoint)/.test(type)) return "document";
  if (type.startsWith("text/") || type === "application/json" || type === "application/xml") return "text";
  return "other";
}

/** A random v4 UUID (crypto.getRandomValues works outside secure contexts too). */
export function uuid(random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const b = random(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

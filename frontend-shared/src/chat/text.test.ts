import { describe, expect, it } from "vitest";
import { decodePending, encodePending } from "./pending";
import { errorOf } from "./transfer";
import { fileKind, humanSize, linkify, MAX_FILE_BYTES, MAX_TEXT_BYTES, normalizeText, safeHref, utf8Bytes, uuid } from "./text";

describe("message length", () => {
  it("counts bytes of UTF-8, not characters", () => {
    expect(utf8Bytes("abc")).toBe(3);
    expect(utf8Bytes("я")).toBe(2);
    expect(utf8Bytes("€")).toBe(3);
    expect(utf8Bytes("😀")).toBe(4);
    expect(utf8Bytes("я".repeat(2048))).toBe(MAX_TEXT_BYTES);
    expect(utf8Bytes("я".repeat(2049))).toBeGreaterThan(MAX_TEXT_BYTES);
  });

  it("trims blank space around, keeps newlines inside, drops control characters", () => {
    expect(normalizeText("  a\nb \n")).toBe("a\nb");
    expect(normalizeText("a\tb\u0000c\u0007\u001b[0m")).toBe("a\tbc[0m");
    expect(normalizeText(" \n\t ")).toBe("");
  });

  it("knows the file limit", () => {
    expect(MAX_FILE_BYTES).toBe(104857600);
  });
});

describe("linkify", () => {
  it("leaves plain text and markup alone", () => {
    expect(linkify("<img src=x onerror=alert(1)>")).toEqual([{ kind: "text", text: "<img src=x onerror=alert(1)>" }]);
    expect(linkify("")).toEqual([]);
  });

  it("makes http(s) links, without the punctuation after them", () => {
    expect(linkify("see https://example.com/a?b=1. Then")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { kind: "text", text: ". Then" },
    ]);
    expect(linkify("(http://x.test/a_(b)), ok")).toEqual([
      { kind: "text", text: "(" },
      { kind: "link", text: "http://x.test/a_(b)", href: "http://x.test/a_(b)" },
      { kind: "text", text: "), ok" },
    ]);
  });

  it("never links other schemes", () => {
    for (const s of ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "ftp://x.test/"]) {
      expect(linkify(s).every((p) => p.kind === "text")).toBe(true);
    }
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("https://")).toBeNull();
    expect(safeHref("https://x.test")).toBe("https://x.test/");
  });

  it("finds links across lines", () => {
    const parts = linkify("a\nhttps://x.test/1\nhttp://y.test/2");
    expect(parts.filter((p) => p.kind === "link").map((p) => p.text)).toEqual(["https://x.test/1", "http://y.test/2"]);
  });
});

describe("humanSize and fileKind", () => {
  it("says sizes in both languages", () => {
    expect(humanSize(0, "en")).toBe("0\u00a0B");
    expect(humanSize(1023, "en")).toBe("1,023\u00a0B");
    expect(humanSize(1536, "en")).toBe("1.5\u00a0KB");
    expect(humanSize(MAX_FILE_BYTES, "en")).toBe("100\u00a0MB");
    expect(humanSize(1536, "ru")).toBe("1,5\u00a0КБ");
    expect(humanSize(MAX_FILE_BYTES, "ru")).toBe("100\u00a0МБ");
  });

  it("groups content types for icons", () => {
    expect(fileKind("image/png")).toBe("image");
    expect(fileKind("video/mp4")).toBe("video");
    expect(fileKind("audio/ogg; codecs=opus")).toBe("audio");
    expect(fileKind("application/pdf")).toBe("pdf");
    expect(fileKind("application/zip")).toBe("archive");
    expect(fileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toBe("document");
    expect(fileKind("text/plain")).toBe("text");
    expect(fileKind("application/octet-stream")).toBe("other");
  });
});

describe("ids, stored waiting messages, upload errors", () => {
  it("makes v4 UUIDs", () => {
    const id = uuid();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid()).not.toBe(id);
  });

  it("stores waiting messages and drops anything malformed", () => {
    const raw = encodePending([
      { client_msg_id: "a", text: "x", after: 1, at: 2 },
      { client_msg_id: "b", text: "y", after: 1, at: 3, failed: { code: "c", message: "m" } },
    ]);
    expect(decodePending(raw)).toEqual([{ client_msg_id: "a", text: "x", after: 1, at: 2 }]);
    expect(decodePending("not json")).toEqual([]);
    expect(decodePending('{"a":1}')).toEqual([]);
    expect(decodePending('[{"client_msg_id":"","text":"x","after":0,"at":0},{"text":"y"}]')).toEqual([]);
    expect(decodePending(null)).toEqual([]);
  });

  it("reads the server's error body of an upload", () => {
    const e = errorOf(413, '{"code":"file_too_large","message":"too big"}');
    expect([e.status, e.code, e.message]).toEqual([413, "file_too_large", "too big"]);
    expect(errorOf(413, "<html>").code).toBe("file_too_large");
    expect(errorOf(507, '{"code":"storage_full","message":"full"}').code).toBe("storage_full");
    expect(errorOf(502, "").code).toBe("http_502");
  });
});

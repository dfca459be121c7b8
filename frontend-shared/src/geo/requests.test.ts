import { describe, expect, it } from "vitest";
import type { EventKind, InteractionEvent } from "../protocol";
import { RequestBook } from "./requests";

const ev = (seq: number, event: EventKind): InteractionEvent => ({ seq, at: "2026-11-21T10:00:00Z", event });

describe("RequestBook", () => {
  it("keeps a request open until it is answered", () => {
    const book = new RequestBook();
    expect(book.apply(ev(1, { type: "requested", request_id: "a", what: "location" }))).toBe(true);
    expect(book.apply(ev(2, { type: "requested", request_id: "b", what: "photo" }))).toBe(true);
    expect(book.open().map((r) => r.id)).toEqual(["a", "b"]);
    expect(book.open("photo").map((r) => r.id)).toEqual(["b"]);
    expect(book.apply(ev(3, { type: "request_answered", request_id: "a", what: "location", outcome: "declined" }))).toBe(true);
    expect(book.open("location")).toEqual([]);
    expect(book.get("a")?.outcome).toBe("declined");
    expect(book.last("location")?.id).toBe("a");
  });

  it("ignores a repeated request, a second answer and other events", () => {
    const book = new RequestBook();
    book.apply(ev(1, { type: "requested", request_id: "a", what: "location" }));
    expect(book.apply(ev(1, { type: "requested", request_id: "a", what: "location" }))).toBe(false);
    book.apply(ev(2, { type: "request_answered", request_id: "a", what: "location", outcome: "done" }));
    expect(book.apply(ev(3, { type: "request_answered", request_id: "a", what: "location", outcome: "failed" }))).toBe(false);
    expect(book.get("a")?.outcome).toBe("done");
    expect(book.apply(ev(4, { type: "link_opened" }))).toBe(false);
  });

  it("gives the newest request of a kind", () => {
    const book = new RequestBook();
    expect(book.last("location")).toBeNull();
    book.apply(ev(1, { type: "requested", request_id: "a", what: "location" }));
    book.apply(ev(2, { type: "request_answered", request_id: "a", what: "location", outcome: "unavailable", detail: "timeout" }));
    book.apply(ev(3, { type: "requested", request_id: "c", what: "location" }));
    expect(book.last("location")?.id).toBe("c");
    expect(book.last("location")?.outcome).toBeUndefined();
    expect(book.get("a")).toMatchObject({ outcome: "unavailable", detail: "timeout" });
  });

  it("takes an answer that came before its request", () => {
    const book = new RequestBook();
    book.apply(ev(5, { type: "request_answered", request_id: "x", what: "photo", outcome: "done" }));
    book.apply(ev(4, { type: "requested", request_id: "x", what: "photo" }));
    expect(book.open()).toEqual([]);
  });
});

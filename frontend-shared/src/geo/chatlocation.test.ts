import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../protocol";
import { ChatLog } from "../chat/model";
import { decodePending, encodePending } from "../chat/pending";

const draft = { lat: 55.75, lon: 37.62, accuracy_m: 25, measured_at_ms: 1_763_719_200_000, lang: "en" as const };

describe("a location waiting for its ack", () => {
  it("is stored across a reload with its request", () => {
    const raw = encodePending([{ client_msg_id: "l-1", text: "", after: 3, at: 5, location: draft, request_id: "r-1" }]);
    expect(decodePending(raw)).toEqual([{ client_msg_id: "l-1", text: "", after: 3, at: 5, location: draft, request_id: "r-1" }]);
    // A malformed position is dropped.
    expect(decodePending(JSON.stringify([{ client_msg_id: "x", text: "", after: 0, at: 0, location: { lat: "1" } }]))).toEqual([]);
  });

  it("is matched by the stored location message, not by a file-less empty one", () => {
    const log = new ChatLog("client");
    const p = log.queue("", "l-1", 1, undefined, 0);
    p.location = draft;
    const stored: ChatMessage = {
      id: "m1",
      seq: 1,
      from: "client",
      text: "",
      at: "2026-11-21T10:00:00Z",
      location: {
        lat: 55.75,
        lon: 37.62,
        accuracy_m: 25,
        measured_at: "2026-11-21T10:00:00Z",
        received_at: "2026-11-21T10:00:01Z",
        links: { yandex: "https://yandex.ru/maps/?pt=37.62,55.75", osm: "https://www.openstreetmap.org/?mlat=55.75&mlon=37.62" },
      },
    };
    log.add(stored, true);
    const items = log.items();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "message", key: "l-1" });
  });
});

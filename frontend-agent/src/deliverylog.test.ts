import { describe, expect, it } from "vitest";
import type { Delivery, EventKind, InteractionEvent } from "@shared/protocol";
import { DeliveryLog, isFinal } from "./deliverylog";

type DeliveryEvent = Extract<EventKind, { type: "delivery" }>;

function ev(seq: number, at: string, d: Omit<DeliveryEvent, "type">): InteractionEvent {
  return { seq, at, event: { type: "delivery", ...d } };
}

function details(over: Partial<Delivery> = {}): Delivery {
  return {
    id: "d1",
    interaction_id: "i1",
    channel: "sms",
    to: "+79001234567",
    status: "sent",
    provider_id: "42",
    reason: null,
    detail: null,
    start_url: null,
    created_at: "2026-11-21T10:00:00.000Z",
    updated_at: "2026-11-21T10:00:02.000Z",
    attempts: [
      { n: 2, at: "2026-11-21T10:00:02.000Z", outcome: "sent", provider_id: "42" },
      { n: 1, at: "2026-11-21T10:00:01.000Z", outcome: "retry", error: "timeout" },
    ],
    ...over,
  };
}

describe("DeliveryLog.applyEvent", () => {
  it("follows a delivery through its statuses", () => {
    const log = new DeliveryLog();
    expect(log.applyEvent(ev(2, "2026-11-21T10:00:00Z", { delivery_id: "d1", channel: "sms", status: "queued" }))).toBe("d1");
    expect(log.applyEvent(ev(3, "2026-11-21T10:00:01Z", { delivery_id: "d1", channel: "sms", status: "sent" }))).toBe("d1");
    expect(log.applyEvent(ev(5, "2026-11-21T10:00:09Z", { delivery_id: "d1", channel: "sms", status: "delivered" }))).toBe("d1");
    const row = log.get("d1");
    expect(row?.status).toBe("delivered");
    expect(row?.reason).toBeNull();
    expect(row?.createdAt).toBe(Date.parse("2026-11-21T10:00:00Z"));
    expect(row?.updatedAt).toBe(Date.parse("2026-11-21T10:00:09Z"));
    expect(log.size).toBe(1);
  });

  it("ignores other events, repeats and stale events (replays after a reconnect)", () => {
    const log = new DeliveryLog();
    expect(log.applyEvent({ seq: 1, at: "2026-11-21T10:00:00Z", event: { type: "link_opened" } })).toBeNull();
    log.applyEvent(ev(4, "2026-11-21T10:00:05Z", { delivery_id: "d1", channel: "sms", status: "delivered" }));
    expect(log.applyEvent(ev(4, "2026-11-21T10:00:05Z", { delivery_id: "d1", channel: "sms", status: "delivered" }))).toBeNull();
    expect(log.applyEvent(ev(3, "2026-11-21T10:00:01Z", { delivery_id: "d1", channel: "sms", status: "sent" }))).toBeNull();
    expect(log.get("d1")?.status).toBe("delivered");
  });

  it("keeps the reason and the provider's words of a failure", () => {
    const log = new DeliveryLog();
    log.applyEvent(ev(1, "2026-11-21T10:00:00Z", { delivery_id: "d1", channel: "sms", status: "queued" }));
    log.applyEvent(
      ev(2, "2026-11-21T10:00:01Z", { delivery_id: "d1", channel: "sms", status: "failed", reason: "no_money", detail: "ERROR = 3 (no money)" }),
    );
    const row = log.get("d1");
    expect(row?.status).toBe("failed");
    expect(row?.reason).toBe("no_money");
    expect(row?.detail).toBe("ERROR = 3 (no money)");
    expect(isFinal(row?.status ?? "queued")).toBe(true);
  });

  it("keeps the Telegram start link once known", () => {
    const log = new DeliveryLog();
    log.applyEvent(
      ev(1, "2026-11-21T10:00:00Z", { delivery_id: "t1", channel: "telegram", status: "awaiting_start", start_url: "https://t.me/bot?start=abc" }),
    );
    log.applyEvent(ev(2, "2026-11-21T10:01:00Z", { delivery_id: "t1", channel: "telegram", status: "delivered" }));
    expect(log.get("t1")?.startUrl).toBe("https://t.me/bot?start=abc");
    expect(log.get("t1")?.status).toBe("delivered");
  });

  it("rebuilds from an unordered log and lists newest first", () => {
    const log = new DeliveryLog();
    const changed = log.applyEvents([
      ev(7, "2026-11-21T10:05:01Z", { delivery_id: "d2", channel: "email", status: "sent" }),
      { seq: 1, at: "2026-11-21T10:00:00Z", event: { type: "created", by: "u1" } },
      ev(3, "2026-11-21T10:01:00Z", { delivery_id: "d1", channel: "sms", status: "queued" }),
      ev(6, "2026-11-21T10:05:00Z", { delivery_id: "d2", channel: "email", status: "queued" }),
      ev(4, "2026-11-21T10:01:05Z", { delivery_id: "d1", channel: "sms", status: "failed", reason: "invalid_number" }),
    ]);
    expect(changed.sort()).toEqual(["d1", "d2"]);
    expect(log.list().map((r) => [r.id, r.status])).toEqual([
      ["d2", "sent"],
      ["d1", "failed"],
    ]);
    expect(log.get("d2")?.createdAt).toBe(Date.parse("2026-11-21T10:05:00Z"));
  });
});

describe("DeliveryLog.applyAccepted", () => {
  it("shows the row at once, newest first, and lets the events take over", () => {
    const log = new DeliveryLog();
    log.applyEvent(ev(2, "2026-11-21T10:00:00Z", { delivery_id: "d1", channel: "sms", status: "delivered" }));
    const now = Date.parse("2026-11-21T10:10:00Z");
    const row = log.applyAccepted({ delivery_id: "d2", status: "queued" }, "sms", now);
    expect(row.status).toBe("queued");
    expect(log.list().map((r) => r.id)).toEqual(["d2", "d1"]);
    log.applyEvent(ev(3, "2026-11-21T10:09:59Z", { delivery_id: "d2", channel: "sms", status: "sent" }));
    expect(log.get("d2")?.status).toBe("sent");
    // The server's time replaces this page's clock.
    expect(log.get("d2")?.createdAt).toBe(Date.parse("2026-11-21T10:09:59Z"));
  });

  it("does not undo an event that came before the answer", () => {
    const log = new DeliveryLog();
    log.applyEvent(ev(2, "2026-11-21T10:00:00Z", { delivery_id: "d1", channel: "sms", status: "sent" }));
    log.applyAccepted({ delivery_id: "d1", status: "queued" }, "sms", Date.now());
    expect(log.get("d1")?.status).toBe("sent");
    expect(log.size).toBe(1);
  });

  it("takes the Telegram start link from the answer", () => {
    const log = new DeliveryLog();
    const row = log.applyAccepted(
      { delivery_id: "t1", status: "awaiting_start", telegram_start_url: "https://t.me/bot?start=x" },
      "telegram",
      Date.now(),
    );
    expect(row.startUrl).toBe("https://t.me/bot?start=x");
    expect(row.status).toBe("awaiting_start");
  });

  it("orders two sends within one millisecond by arrival", () => {
    const log = new DeliveryLog();
    log.applyAccepted({ delivery_id: "a", status: "queued" }, "sms", 1000);
    log.applyAccepted({ delivery_id: "b", status: "queued" }, "sms", 1000);
    expect(log.list().map((r) => r.id)).toEqual(["b", "a"]);
  });
});

describe("DeliveryLog.applyDetails", () => {
  it("adds destination and attempts in order", () => {
    const log = new DeliveryLog();
    log.applyEvent(ev(2, "2026-11-21T10:00:01Z", { delivery_id: "d1", channel: "sms", status: "sent" }));
    const row = log.applyDetails(details());
    expect(row.to).toBe("+79001234567");
    expect(row.attempts?.map((a) => a.n)).toEqual([1, 2]);
    expect(row.createdAt).toBe(Date.parse("2026-11-21T10:00:00.000Z"));
  });

  it("never moves a status back (an answer older than the last event)", () => {
    const log = new DeliveryLog();
    log.applyEvent(ev(2, "2026-11-21T10:00:05Z", { delivery_id: "d1", channel: "sms", status: "delivered" }));
    log.applyDetails(details({ status: "sent" }));
    expect(log.get("d1")?.status).toBe("delivered");
  });

  it("moves a status on when the answer is ahead of the events", () => {
    const log = new DeliveryLog();
    log.applyEvent(ev(2, "2026-11-21T10:00:01Z", { delivery_id: "d1", channel: "sms", status: "sent" }));
    log.applyDetails(details({ status: "failed", reason: "undeliverable", detail: "phone off" }));
    const row = log.get("d1");
    expect(row?.status).toBe("failed");
    expect(row?.reason).toBe("undeliverable");
    expect(row?.detail).toBe("phone off");
    // The event that follows is applied as usual.
    log.applyEvent(ev(3, "2026-11-21T10:00:09Z", { delivery_id: "d1", channel: "sms", status: "failed", reason: "undeliverable" }));
    expect(log.get("d1")?.reason).toBe("undeliverable");
  });

  it("creates the row when the details come first", () => {
    const log = new DeliveryLog();
    log.applyDetails(details({ id: "d9", channel: "email", to: "c@example.com", status: "sent" }));
    expect(log.get("d9")?.channel).toBe("email");
    expect(log.get("d9")?.status).toBe("sent");
  });
});

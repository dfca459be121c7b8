import { describe, expect, it } from "vitest";
import type { ScheduledCall, ScheduleState } from "@shared/protocol";
import { unseen, upcoming } from "./reminded";

const call = (id: string, at: string, state: ScheduleState = "pending"): ScheduledCall => ({
  interaction_id: id,
  agent_id: "a1",
  agent_name: "Anna",
  client_name: `client ${id}`,
  client_phone: null,
  client_email: null,
  client_telegram: null,
  schedule: { at, time_zone: "UTC", send_via: "sms", language: "ru", lead_minutes: 15, state, created_by: "a1" },
});

describe("scheduled calls", () => {
  it("lists upcoming calls soonest first, without cancelled ones", () => {
    const items = [call("b", "2026-12-07T12:00:00Z"), call("c", "2026-12-07T09:00:00Z", "cancelled"), call("a", "2026-12-07T10:00:00Z", "link_sent")];
    expect(upcoming(items).map((c) => c.interaction_id)).toEqual(["a", "b"]);
  });
  it("reminds of each call once", () => {
    const items = [call("a", "2026-12-07T10:00:00Z"), call("b", "2026-12-07T11:00:00Z"), call("a", "2026-12-07T10:00:00Z")];
    expect(unseen(items, new Set()).map((c) => c.interaction_id)).toEqual(["a", "b"]);
    expect(unseen(items, new Set(["a"])).map((c) => c.interaction_id)).toEqual(["b"]);
    expect(unseen(items, new Set(["a", "b"]))).toEqual([]);
  });
});

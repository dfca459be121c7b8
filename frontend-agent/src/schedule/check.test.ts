import { describe, expect, it } from "vitest";
import { checkSchedule, defaultStart, type ScheduleInput } from "./check";

const now = new Date("2026-12-07T10:00:00Z");
const base: ScheduleInput = {
  local: "2026-12-07T15:00",
  timeZone: "Europe/Moscow",
  lead: "15",
  channel: "sms",
  contacts: { phone: "+79990000001", email: null, telegram: null },
};

describe("checkSchedule", () => {
  it("gives the instant and the lead", () => {
    const r = checkSchedule(base, now);
    expect(r).toEqual({ ok: true, at: new Date("2026-12-07T12:00:00Z"), lead: 15 });
  });
  it("defaults the lead to 15 minutes", () => {
    expect(checkSchedule({ ...base, lead: " " }, now)).toMatchObject({ ok: true, lead: 15 });
  });
  it("refuses a time in the past in the client's zone", () => {
    // 12:30 in Moscow is 09:30 UTC: already past at 10:00 UTC.
    expect(checkSchedule({ ...base, local: "2026-12-07T12:30" }, now)).toEqual({ ok: false, problem: "past" });
    expect(checkSchedule({ ...base, local: "" }, now)).toEqual({ ok: false, problem: "no_time" });
    expect(checkSchedule({ ...base, timeZone: "Nope/Nope" }, now)).toEqual({ ok: false, problem: "bad_zone" });
  });
  it("checks the lead", () => {
    expect(checkSchedule({ ...base, lead: "-1" }, now)).toEqual({ ok: false, problem: "bad_lead" });
    expect(checkSchedule({ ...base, lead: "1.5" }, now)).toEqual({ ok: false, problem: "bad_lead" });
    expect(checkSchedule({ ...base, lead: "10081" }, now)).toEqual({ ok: false, problem: "bad_lead" });
    expect(checkSchedule({ ...base, lead: "0" }, now)).toMatchObject({ ok: true, lead: 0 });
  });
  it("needs a contact for the channel", () => {
    expect(checkSchedule({ ...base, channel: "email" }, now)).toEqual({ ok: false, problem: "no_email" });
    expect(checkSchedule({ ...base, channel: "webhook", contacts: { phone: null, email: null, telegram: null } }, now)).toEqual({
      ok: false,
      problem: "no_contact",
    });
  });
});

describe("defaultStart", () => {
  it("offers the next quarter hour an hour ahead", () => {
    expect(defaultStart(new Date("2026-12-07T10:07:00Z")).toISOString()).toBe("2026-12-07T11:15:00.000Z");
    expect(defaultStart(new Date("2026-12-07T10:00:00Z")).toISOString()).toBe("2026-12-07T11:00:00.000Z");
  });
});

import { describe, expect, it } from "vitest";
import { formatInZone, instantToLocalInput, isTimeZone, timeZones, zonedToInstant, zoneOffset } from "./time";

describe("zones", () => {
  it("knows real zones only", () => {
    expect(isTimeZone("Europe/Moscow")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
  it("lists zones with UTC and the wanted ones", () => {
    const zones = timeZones(["Asia/Vladivostok", "Nope/Nope"]);
    expect(zones).toContain("UTC");
    expect(zones).toContain("Asia/Vladivostok");
    expect(zones).not.toContain("Nope/Nope");
    expect(new Set(zones).size).toBe(zones.length);
  });
  it("tells offsets", () => {
    expect(zoneOffset(Date.UTC(2026, 0, 15, 12), "Europe/Moscow")).toBe(3 * 3600_000);
    expect(zoneOffset(Date.UTC(2026, 6, 15, 12), "Europe/Berlin")).toBe(2 * 3600_000);
    expect(zoneOffset(Date.UTC(2026, 0, 15, 12), "America/New_York")).toBe(-5 * 3600_000);
  });
});

describe("zonedToInstant", () => {
  it("reads a wall-clock time in the client's zone", () => {
    expect(zonedToInstant("2026-12-07T14:30", "Europe/Moscow")?.toISOString()).toBe("2026-12-07T11:30:00.000Z");
    expect(zonedToInstant("2026-12-07T14:30", "UTC")?.toISOString()).toBe("2026-12-07T14:30:00.000Z");
    expect(zonedToInstant("2026-07-01T09:00", "America/New_York")?.toISOString()).toBe("2026-07-01T13:00:00.000Z");
    expect(zonedToInstant("2026-12-31T23:30", "Asia/Vladivostok")?.toISOString()).toBe("2026-12-31T13:30:00.000Z");
  });
  it("handles clock changes", () => {
    // Berlin, 29 March 2026: 02:00 -> 03:00 (02:30 does not exist).
    expect(zonedToInstant("2026-03-29T02:30", "Europe/Berlin")?.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(zonedToInstant("2026-03-29T03:30", "Europe/Berlin")?.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    // Berlin, 25 October 2026: 03:00 -> 02:00 (02:30 happens twice: the first).
    expect(zonedToInstant("2026-10-25T02:30", "Europe/Berlin")?.toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(zonedToInstant("2026-10-25T04:00", "Europe/Berlin")?.toISOString()).toBe("2026-10-25T03:00:00.000Z");
  });
  it("refuses what is not a time", () => {
    expect(zonedToInstant("2026-02-30T10:00", "UTC")).toBeNull();
    expect(zonedToInstant("2026-02-10 10:00", "UTC")).toBeNull();
    expect(zonedToInstant("2026-02-10T25:00", "UTC")).toBeNull();
    expect(zonedToInstant("2026-02-10T10:00", "Nope/Nope")).toBeNull();
  });
  it("round-trips through the input format", () => {
    const at = new Date("2026-12-07T11:30:00Z");
    expect(instantToLocalInput(at, "Europe/Moscow")).toBe("2026-12-07T14:30");
    expect(instantToLocalInput(at, "America/New_York")).toBe("2026-12-07T06:30");
    expect(zonedToInstant(instantToLocalInput(at, "Asia/Tokyo"), "Asia/Tokyo")?.toISOString()).toBe(at.toISOString());
  });
});

describe("formatInZone", () => {
  it("writes the time in the zone", () => {
    const s = formatInZone("2026-12-07T11:30:00Z", "Europe/Moscow", "en");
    expect(s).toContain("14:30");
    expect(s).toContain("2026");
    expect(formatInZone("2026-12-07T11:30:00Z", "UTC", "ru")).toContain("11:30");
    expect(formatInZone("nonsense", "UTC", "en")).toBe("");
  });
});

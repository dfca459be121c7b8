import { describe, expect, it } from "vitest";
import {
  formatInZone,
  instantToLocalInput,
  instantToWall,
  isZone,
  localInputToInstant,
  offsetLabel,
  wallToInstant,
  zoneChoices,
  zoneOffsetMs,
} from "./zones";

describe("zones", () => {
  it("knows the offset of a zone at an instant", () => {
    const t = Date.UTC(2026, 0, 15, 12, 0);
    expect(zoneOffsetMs(t, "Europe/Moscow")).toBe(3 * 3600_000);
    expect(zoneOffsetMs(t, "UTC")).toBe(0);
    expect(zoneOffsetMs(t, "America/New_York")).toBe(-5 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12, 0), "America/New_York")).toBe(-4 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12), "Europe/Berlin")).toBe(2 * 3600_000);
    expect(zoneOffsetMs(t, "Asia/Kolkata")).toBe(5.5 * 3600_000);
  });

  it("says offsets and checks zone names", () => {
    expect(offsetLabel(3 * 3600_000)).toBe("+03:00");
    expect(offsetLabel(-4.5 * 3600_000)).toBe("-04:30");
    expect(offsetLabel(0)).toBe("+00:00");
    expect(isZone("Europe/Moscow")).toBe(true);
    expect(isZone("UTC")).toBe(true);
    expect(isZone("Mars/Olympus")).toBe(false);
    expect(isZone("")).toBe(false);
  });

  it("lists zones with UTC and the wanted ones in it", () => {
    const list = zoneChoices(["Europe/Moscow"]);
    expect(list).toContain("UTC");
    expect(list).toContain("Europe/Moscow");
    expect(new Set(list).size).toBe(list.length);
    const zones = zoneChoices(["Asia/Vladivostok", "Nope/Nope"]);
    expect(zones).toContain("UTC");
    expect(zones).toContain("Asia/Vladivostok");
    expect(zones).not.toContain("Nope/Nope");
    expect(new Set(zones).size).toBe(zones.length);
  });
});

describe("wallToInstant", () => {
  it("turns a wall-clock time in a zone into an instant and back", () => {
    const at = wallToInstant("2026-03-10", "15:00", "Europe/Moscow");
    expect(at).toBe(Date.UTC(2026, 2, 10, 12, 0));
    expect(instantToWall(at ?? 0, "Europe/Moscow")).toEqual({ date: "2026-03-10", time: "15:00" });
    expect(instantToWall(at ?? 0, "Asia/Vladivostok")).toEqual({ date: "2026-03-10", time: "22:00" });
    expect(wallToInstant("2026-12-31", "23:30", "UTC")).toBe(Date.UTC(2026, 11, 31, 23, 30));
    expect(wallToInstant("2026-01-01", "00:00", "Asia/Kolkata")).toBe(Date.UTC(2025, 11, 31, 18, 30));
  });

  it("handles daylight saving changes", () => {
    // Berlin, 29 March 2026: 02:00 -> 03:00. 02:30 does not exist: moved forward.
    expect(wallToInstant("2026-03-29", "04:00", "Europe/Berlin")).toBe(Date.UTC(2026, 2, 29, 2, 0));
    expect(wallToInstant("2026-03-29", "02:30", "Europe/Berlin")).toBe(Date.UTC(2026, 2, 29, 1, 30));
    // 25 October 2026: 03:00 -> 02:00. 02:30 happens twice: the earlier one.
    expect(wallToInstant("2026-10-25", "02:30", "Europe/Berlin")).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(wallToInstant("2026-10-25", "04:00", "Europe/Berlin")).toBe(Date.UTC(2026, 9, 25, 3, 0));
    // New York, 8 March 2026, 02:00 -> 03:00.
    expect(wallToInstant("2026-03-08", "09:00", "America/New_York")).toBe(Date.UTC(2026, 2, 8, 13, 0));
    // West of UTC too, a skipped time moves forward (02:30 EST -> 03:30 EDT).
    expect(wallToInstant("2026-03-08", "02:30", "America/New_York")).toBe(Date.UTC(2026, 2, 8, 7, 30));
    // New York, 1 November 2026: 02:00 -> 01:00. 01:30 happens twice: the earlier (EDT) one.
    expect(wallToInstant("2026-11-01", "01:30", "America/New_York")).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it("refuses what is not a date or a time, or an unknown zone", () => {
    expect(wallToInstant("", "10:00", "UTC")).toBeNull();
    expect(wallToInstant("2026-02-30", "10:00", "UTC")).toBeNull();
    expect(wallToInstant("2026-02-10", "25:00", "UTC")).toBeNull();
    expect(wallToInstant("2026-02-10", "", "UTC")).toBeNull();
    expect(wallToInstant("2026-02-10", "10:00", "Nope/Nope")).toBeNull();
  });
});

describe("localInputToInstant", () => {
  it("reads a wall-clock time in the client's zone", () => {
    expect(localInputToInstant("2026-12-07T14:30", "Europe/Moscow")?.toISOString()).toBe("2026-12-07T11:30:00.000Z");
    expect(localInputToInstant("2026-12-07T14:30", "UTC")?.toISOString()).toBe("2026-12-07T14:30:00.000Z");
    expect(localInputToInstant("2026-07-01T09:00", "America/New_York")?.toISOString()).toBe("2026-07-01T13:00:00.000Z");
    expect(localInputToInstant("2026-12-31T23:30", "Asia/Vladivostok")?.toISOString()).toBe("2026-12-31T13:30:00.000Z");
  });
  it("handles clock changes", () => {
    // Berlin, 29 March 2026: 02:00 -> 03:00 (02:30 does not exist).
    expect(localInputToInstant("2026-03-29T02:30", "Europe/Berlin")?.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(localInputToInstant("2026-03-29T03:30", "Europe/Berlin")?.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    // Berlin, 25 October 2026: 03:00 -> 02:00 (02:30 happens twice: the first).
    expect(localInputToInstant("2026-10-25T02:30", "Europe/Berlin")?.toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(localInputToInstant("2026-10-25T04:00", "Europe/Berlin")?.toISOString()).toBe("2026-10-25T03:00:00.000Z");
  });
  it("refuses what is not a time", () => {
    expect(localInputToInstant("2026-02-30T10:00", "UTC")).toBeNull();
    expect(localInputToInstant("2026-02-10 10:00", "UTC")).toBeNull();
    expect(localInputToInstant("2026-02-10T25:00", "UTC")).toBeNull();
    expect(localInputToInstant("2026-02-10T10:00", "Nope/Nope")).toBeNull();
  });
  it("round-trips through the input format", () => {
    const at = new Date("2026-12-07T11:30:00Z");
    expect(instantToLocalInput(at, "Europe/Moscow")).toBe("2026-12-07T14:30");
    expect(instantToLocalInput(at, "America/New_York")).toBe("2026-12-07T06:30");
    expect(localInputToInstant(instantToLocalInput(at, "Asia/Tokyo"), "Asia/Tokyo")?.toISOString()).toBe(at.toISOString());
  });
});

describe("formatInZone", () => {
  it("writes a time in a zone", () => {
    const t = Date.UTC(2026, 2, 12, 12, 0);
    expect(formatInZone(t, "Europe/Moscow", "en")).toContain("15:00");
    expect(formatInZone(t, "UTC", "ru")).toContain("12:00");
  });
  it("takes an RFC 3339 string, and says nothing of what is not a time", () => {
    const s = formatInZone("2026-12-07T11:30:00Z", "Europe/Moscow", "en");
    expect(s).toContain("14:30");
    expect(s).toContain("2026");
    expect(formatInZone("2026-12-07T11:30:00Z", "UTC", "ru")).toContain("11:30");
    expect(formatInZone("nonsense", "UTC", "en")).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import { formatInZone, instantToWall, isZone, offsetLabel, wallToInstant, zoneChoices, zoneOffsetMs } from "./zones";

describe("zones", () => {
  it("knows the offset of a zone at an instant", () => {
    const t = Date.UTC(2026, 0, 15, 12, 0);
    expect(zoneOffsetMs(t, "Europe/Moscow")).toBe(3 * 3600_000);
    expect(zoneOffsetMs(t, "UTC")).toBe(0);
    expect(zoneOffsetMs(t, "America/New_York")).toBe(-5 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12, 0), "America/New_York")).toBe(-4 * 3600_000);
    expect(zoneOffsetMs(t, "Asia/Kolkata")).toBe(5.5 * 3600_000);
  });

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
  });

  it("refuses what is not a date or a time", () => {
    expect(wallToInstant("", "10:00", "UTC")).toBeNull();
    expect(wallToInstant("2026-02-30", "10:00", "UTC")).toBeNull();
    expect(wallToInstant("2026-02-10", "25:00", "UTC")).toBeNull();
    expect(wallToInstant("2026-02-10", "", "UTC")).toBeNull();
  });

  it("says offsets and checks zone names", () => {
    expect(offsetLabel(3 * 3600_000)).toBe("+03:00");
    expect(offsetLabel(-4.5 * 3600_000)).toBe("-04:30");
    expect(offsetLabel(0)).toBe("+00:00");
    expect(isZone("Europe/Moscow")).toBe(true);
    expect(isZone("Mars/Olympus")).toBe(false);
    expect(isZone("")).toBe(false);
  });

  it("lists zones with the wanted ones in it", () => {
    const list = zoneChoices(["Europe/Moscow"]);
    expect(list).toContain("UTC");
    expect(list).toContain("Europe/Moscow");
    expect(new Set(list).size).toBe(list.length);
  });

  it("writes a time in a zone", () => {
    const t = Date.UTC(2026, 2, 12, 12, 0);
    expect(formatInZone(t, "Europe/Moscow", "en")).toContain("15:00");
    expect(formatInZone(t, "UTC", "ru")).toContain("12:00");
  });
});

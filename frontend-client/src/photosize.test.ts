import { describe, expect, it } from "vitest";
import { larger, largestSize, photoName } from "./photosize";

describe("photo size", () => {
  it("takes the camera's maximum", () => {
    expect(largestSize({ width: { max: 4032 }, height: { max: 3024 } })).toEqual({ width: 4032, height: 3024 });
    expect(largestSize({ width: { max: 1920 } })).toBeNull();
    expect(largestSize(undefined)).toBeNull();
    expect(largestSize({ width: { max: Number.POSITIVE_INFINITY }, height: { max: 10 } })).toBeNull();
  });
  it("keeps the larger size", () => {
    expect(larger({ width: 640, height: 480 }, { width: 1920, height: 1080 })).toEqual({ width: 1920, height: 1080 });
    expect(larger({ width: 640, height: 480 }, { width: 320, height: 240 })).toEqual({ width: 640, height: 480 });
    expect(larger({ width: 640, height: 480 }, null)).toEqual({ width: 640, height: 480 });
  });
  it("names the photo by its time", () => {
    expect(photoName(new Date(2026, 10, 1, 9, 5, 7))).toBe("photo-2026-11-01-09-05-07.jpg");
  });
});

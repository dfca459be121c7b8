import { describe, expect, it } from "vitest";
import { draftOf, formatAccuracy, formatCoords, geoErrorKind, isLocationDraft, locationFrame, outcomeOf, tileMarker } from "./format";

describe("formatting", () => {
  it("formats the accuracy in both languages", () => {
    expect(formatAccuracy(25, "en")).toBe("±25 m");
    expect(formatAccuracy(24.6, "ru")).toBe("±25 м");
    expect(formatAccuracy(1234, "en")).toBe("±1.2 km");
    expect(formatAccuracy(1234, "ru")).toBe("±1,2 км");
    expect(formatAccuracy(-1, "en")).toBe("");
  });
  it("formats coordinates with six decimals", () => {
    expect(formatCoords(55.751244, 37.618423)).toBe("55.751244, 37.618423");
    expect(formatCoords(-33.8, 151)).toBe("-33.800000, 151.000000");
  });
});

describe("tile marker", () => {
  it("places the point in % of the tile", () => {
    expect(tileMarker({ x: 128, y: 64 })).toEqual({ left: 50, top: 25 });
    expect(tileMarker({ x: 0, y: 256 })).toEqual({ left: 0, top: 100 });
  });
  it("keeps the marker on the tile", () => {
    expect(tileMarker({ x: -10, y: 300 })).toEqual({ left: 0, top: 100 });
    expect(tileMarker({ x: Number.NaN, y: 10 })).toEqual({ left: 50, top: (10 / 256) * 100 });
  });
});

describe("errors and outcomes", () => {
  it("classifies the browser's error codes", () => {
    expect(geoErrorKind(1)).toBe("denied");
    expect(geoErrorKind(2)).toBe("unavailable");
    expect(geoErrorKind(3)).toBe("timeout");
    expect(geoErrorKind(undefined)).toBe("failed");
  });
  it("answers the request with the right outcome", () => {
    expect(outcomeOf("denied")).toBe("declined");
    expect(outcomeOf("unavailable")).toBe("unavailable");
    expect(outcomeOf("timeout")).toBe("unavailable");
    expect(outcomeOf("unsupported")).toBe("unavailable");
    expect(outcomeOf("failed")).toBe("failed");
  });
});

describe("location frame", () => {
  const pos = { coords: { latitude: 55.75, longitude: 37.62, accuracy: 25, altitude: null }, timestamp: 1_763_719_200_123 };
  it("carries the fix, the language and the request", () => {
    const d = draftOf(pos, "ru");
    expect(d).toEqual({ lat: 55.75, lon: 37.62, accuracy_m: 25, measured_at_ms: 1_763_719_200_123, lang: "ru" });
    expect(locationFrame(d, "l-1", "r-1")).toEqual({
      type: "location",
      client_msg_id: "l-1",
      lat: 55.75,
      lon: 37.62,
      accuracy_m: 25,
      measured_at_ms: 1_763_719_200_123,
      request_id: "r-1",
      lang: "ru",
    });
    expect(locationFrame(d, "l-2")).not.toHaveProperty("request_id");
  });
  it("keeps the altitude and mends a missing time", () => {
    const d = draftOf({ coords: { latitude: 1, longitude: 2, accuracy: Number.NaN, altitude: 140 }, timestamp: 0 }, "en", 42);
    expect(d).toMatchObject({ altitude_m: 140, accuracy_m: 0, measured_at_ms: 42 });
    expect(locationFrame(d, "x")).toMatchObject({ altitude_m: 140 });
  });
  it("checks a stored draft", () => {
    expect(isLocationDraft(draftOf(pos, "en"))).toBe(true);
    expect(isLocationDraft({ lat: "1", lon: 2, accuracy_m: 3, measured_at_ms: 4, lang: "en" })).toBe(false);
    expect(isLocationDraft(null)).toBe(false);
  });
});

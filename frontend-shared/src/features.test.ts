import { describe, expect, it } from "vitest";
import { ALL_FEATURES, allowedModes, callTools, clampQuality, featuresOf, needsMessages, pickMode, qualitiesUpTo } from "./features";

describe("featuresOf", () => {
  it("takes what the server says", () => {
    const f = featuresOf({ ...ALL_FEATURES, chat: false, files: false, max_quality: "720p" });
    expect(f.chat).toBe(false);
    expect(f.files).toBe(false);
    expect(f.pointer).toBe(true);
    expect(f.max_quality).toBe("720p");
  });
  it("fills what is missing or malformed with everything on", () => {
    expect(featuresOf(undefined)).toEqual(ALL_FEATURES);
    expect(featuresOf(null)).toEqual(ALL_FEATURES);
    const f = featuresOf({ chat: "no", pointer: false, max_quality: "8k" });
    expect(f.chat).toBe(true);
    expect(f.pointer).toBe(false);
    expect(f.max_quality).toBe("2160p");
  });
  it("does not share the default object", () => {
    const f = featuresOf(undefined);
    f.chat = false;
    expect(ALL_FEATURES.chat).toBe(true);
  });
});

describe("callTools", () => {
  it("needs the chat for files and the location for the question at join", () => {
    const t = callTools({ ...ALL_FEATURES, chat: false, files: true, geolocation: false, auto_geolocation: true });
    expect(t.files).toBe(false);
    expect(t.autoLocation).toBe(false);
    expect(callTools({ ...ALL_FEATURES, auto_geolocation: true }).autoLocation).toBe(true);
  });
  it("keeps the message channel while anything travels as a message", () => {
    const off = { ...ALL_FEATURES, chat: false, screenshots: false, hd_photo: false, geolocation: false };
    expect(needsMessages(callTools(off))).toBe(false);
    expect(needsMessages(callTools({ ...off, hd_photo: true }))).toBe(true);
    expect(needsMessages(callTools({ ...off, geolocation: true }))).toBe(true);
    expect(needsMessages(callTools({ ...off, screenshots: true }))).toBe(true);
  });
});

describe("modes and qualities", () => {
  it("lists the allowed modes", () => {
    expect(allowedModes(ALL_FEATURES)).toEqual(["two_way", "one_way"]);
    expect(allowedModes({ ...ALL_FEATURES, two_way_video: false })).toEqual(["one_way"]);
    expect(allowedModes({ ...ALL_FEATURES, two_way_video: false, one_way_video: false })).toEqual([]);
  });
  it("picks an allowed mode", () => {
    expect(pickMode("two_way", ["two_way", "one_way"])).toBe("two_way");
    expect(pickMode("two_way", ["one_way"])).toBe("one_way");
    expect(pickMode("one_way", [])).toBeNull();
  });
  it("lists qualities up to the cap", () => {
    expect(qualitiesUpTo("480p")).toEqual(["480p"]);
    expect(qualitiesUpTo("1080p")).toEqual(["480p", "720p", "1080p"]);
    expect(qualitiesUpTo("2160p")).toHaveLength(4);
  });
  it("clamps a quality to the cap", () => {
    expect(clampQuality("720p", "1080p")).toBe("720p");
    expect(clampQuality("1080p", "720p")).toBe("720p");
    expect(clampQuality("480p", "480p")).toBe("480p");
  });
});

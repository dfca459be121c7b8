import { describe, expect, it } from "vitest";
import { forceRelay } from "./call";

describe("forceRelay", () => {
  it("is on only for relay=1", () => {
    expect(forceRelay("?relay=1")).toBe(true);
    expect(forceRelay("?lang=en&relay=1")).toBe(true);
    expect(forceRelay("?relay=0")).toBe(false);
    expect(forceRelay("")).toBe(false);
  });
});

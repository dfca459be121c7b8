import { describe, expect, it } from "vitest";
import { classifyShareError, screenShareSupported } from "./screenshare";

describe("screen sharing", () => {
  it("is offered only where getDisplayMedia exists", () => {
    expect(screenShareSupported({ getDisplayMedia: () => undefined })).toBe(true);
    expect(screenShareSupported({ getUserMedia: () => undefined })).toBe(false);
    expect(screenShareSupported(undefined)).toBe(false);
    expect(screenShareSupported(null)).toBe(false);
  });
  it("treats a cancelled or refused picker as no error", () => {
    expect(classifyShareError({ name: "NotAllowedError" })).toBe("cancelled");
    expect(classifyShareError({ name: "AbortError" })).toBe("cancelled");
    expect(classifyShareError({ name: "NotReadableError" })).toBe("failed");
    expect(classifyShareError(new Error("boom"))).toBe("failed");
    expect(classifyShareError("x")).toBe("failed");
  });
});

import { describe, expect, it } from "vitest";
import { canAnnotate, isPicture, screenshotName, uploadQuery } from "./names";

describe("screenshot names", () => {
  it("stamps the local date and time", () => {
    expect(screenshotName(new Date(2026, 10, 21, 10, 15, 30))).toBe("screenshot-2026-11-21-10-15-30.jpg");
    expect(screenshotName(new Date(2026, 0, 2, 3, 4, 5), "annotated")).toBe("annotated-2026-01-02-03-04-05.jpg");
  });
});

describe("picture kinds", () => {
  it("opens screenshots, photos and annotated pictures", () => {
    expect(isPicture({ kind: "screenshot", content_type: "image/jpeg" })).toBe(true);
    expect(isPicture({ kind: "annotated", content_type: "image/png" })).toBe(true);
    expect(isPicture({ kind: "chat", content_type: "image/jpeg" })).toBe(false);
    expect(isPicture({ kind: "screenshot", content_type: "application/pdf" })).toBe(false);
  });
  it("draws on screenshots and photos only", () => {
    expect(canAnnotate({ kind: "screenshot", content_type: "image/jpeg" })).toBe(true);
    expect(canAnnotate({ kind: "photo", content_type: "image/jpeg" })).toBe(true);
    expect(canAnnotate({ kind: "annotated", content_type: "image/jpeg" })).toBe(false);
  });
});

describe("upload query", () => {
  it("names the kind and the original", () => {
    expect(uploadQuery(undefined)).toBe("");
    expect(uploadQuery("chat")).toBe("");
    expect(uploadQuery("screenshot")).toBe("?kind=screenshot");
    expect(uploadQuery("annotated", "f 1")).toBe("?kind=annotated&original=f+1");
  });
});

import { describe, expect, it } from "vitest";
import { linkTokenFrom } from "./route";

describe("linkTokenFrom", () => {
  const token = "AbC_def-0123456789abcdefghijklmn";
  it("reads /c/<token>", () => {
    expect(linkTokenFrom(`/c/${token}`, "/c/")).toBe(token);
    expect(linkTokenFrom(`/c/${token}/`, "/c/")).toBe(token);
    expect(linkTokenFrom(`/c/${token}/extra`, "/c/")).toBe(token);
  });
  it("accepts a base without the trailing slash", () => {
    expect(linkTokenFrom(`/c/${token}`, "/c")).toBe(token);
  });
  it("rejects paths without a token", () => {
    expect(linkTokenFrom("/c/", "/c/")).toBeNull();
    expect(linkTokenFrom("/c", "/c/")).toBeNull();
    expect(linkTokenFrom(`/x/${token}`, "/c/")).toBeNull();
  });
  it("rejects tokens with foreign characters", () => {
    expect(linkTokenFrom("/c/abc%3Cscript%3E12345", "/c/")).toBeNull();
    expect(linkTokenFrom("/c/%E0%A4%A", "/c/")).toBeNull();
    expect(linkTokenFrom("/c/short", "/c/")).toBeNull();
  });
});

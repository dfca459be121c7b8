import { describe, expect, it } from "vitest";
import { brandingStyle, contrastOn, httpUrl, isHexColor, logoSrc } from "./branding";

describe("colours", () => {
  it("accepts only #rrggbb", () => {
    expect(isHexColor("#1a2B3c")).toBe(true);
    expect(isHexColor("#fff")).toBe(false);
    expect(isHexColor("red")).toBe(false);
    expect(isHexColor("#12345g")).toBe(false);
    expect(isHexColor("#123456; background: url(x)")).toBe(false);
    expect(isHexColor(undefined)).toBe(false);
  });
  it("picks a readable text colour", () => {
    expect(contrastOn("#000000")).toBe("#ffffff");
    expect(contrastOn("#2563eb")).toBe("#ffffff");
    expect(contrastOn("#ffffff")).toBe("#111827");
    expect(contrastOn("#ffd400")).toBe("#111827");
  });
  it("sets only valid colours", () => {
    expect(brandingStyle({ accent_color: "#b91c1c", background_color: "#eeeeee" })).toEqual({
      "--accent": "#b91c1c",
      "--accent-contrast": "#ffffff",
      "--bg": "#eeeeee",
    });
    expect(brandingStyle({ accent_color: "expression(alert(1))", background_color: undefined })).toEqual({});
  });
});

describe("addresses", () => {
  it("loads a logo from this site or http(s) only", () => {
    expect(logoSrc("/api/branding/logo/abc")).toBe("/api/branding/logo/abc");
    expect(logoSrc("https://cdn.example.com/l.png")).toBe("https://cdn.example.com/l.png");
    expect(logoSrc("//evil.example/l.png")).toBeNull();
    expect(logoSrc("javascript:alert(1)")).toBeNull();
    expect(logoSrc("data:image/png;base64,AAAA")).toBeNull();
    expect(logoSrc(null)).toBeNull();
  });
  it("takes only absolute http(s) URLs", () => {
    expect(httpUrl("https://example.com/thanks?x=1")).toBe("https://example.com/thanks?x=1");
    expect(httpUrl("http://127.0.0.1:8081/done")).toBe("http://127.0.0.1:8081/done");
    expect(httpUrl("javascript:alert(1)")).toBeNull();
    expect(httpUrl("/relative")).toBeNull();
    expect(httpUrl("ftp://example.com")).toBeNull();
    expect(httpUrl("")).toBeNull();
    expect(httpUrl(undefined)).toBeNull();
  });
});

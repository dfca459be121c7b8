import { describe, expect, it } from "vitest";
import { linkChoice } from "./linkbox";

describe("linkChoice", () => {
  const long = "https://va.example/c/AAAAAAAAAAAAAAAAAAAAAAAA";
  const short = "https://va.example/s/abc123";
  it("prefers the short link", () => {
    expect(linkChoice(long, short)).toEqual({ primary: short, distinctShort: true });
    expect(linkChoice(null, short)).toEqual({ primary: short, distinctShort: true });
  });
  it("falls back to the long link", () => {
    expect(linkChoice(long, null)).toEqual({ primary: long, distinctShort: false });
  });
  it("shows one link when both are the same", () => {
    expect(linkChoice(long, long)).toEqual({ primary: long, distinctShort: false });
  });
  it("has nothing to show without either", () => {
    expect(linkChoice(null, null)).toEqual({ primary: null, distinctShort: false });
  });
});

import { describe, expect, it } from "vitest";
import { controlUrl, isFinalClose, ResumeState } from "./control";
import { backoffDelay } from "./backoff";

describe("ResumeState", () => {
  it("sends no last_seq before any event", () => {
    expect(new ResumeState().lastSeq).toBeUndefined();
  });

  it("marks events covered by the welcome snapshot as replay", () => {
    const r = new ResumeState();
    r.onWelcome(3);
    expect(r.onEvent(1)).toBe("replay");
    expect(r.onEvent(2)).toBe("replay");
    expect(r.onEvent(3)).toBe("replay");
    expect(r.onEvent(4)).toBe("live");
    expect(r.lastSeq).toBe(4);
  });

  it("drops duplicates and resumes after a reconnect", () => {
    const r = new ResumeState();
    r.onWelcome(0);
    expect(r.onEvent(1)).toBe("live");
    expect(r.onEvent(2)).toBe("live");
    expect(r.onEvent(2)).toBe("duplicate");
    expect(r.onEvent(1)).toBe("duplicate");
    // reconnect: hello carries 2, the server had 5 by then
    expect(r.lastSeq).toBe(2);
    r.onWelcome(5);
    expect(r.onEvent(2)).toBe("duplicate");
    expect(r.onEvent(3)).toBe("replay");
    expect(r.onEvent(5)).toBe("replay");
    expect(r.onEvent(6)).toBe("live");
    expect(r.lastSeq).toBe(6);
  });
});

describe("control channel helpers", () => {
  it("knows the final close codes", () => {
    expect(isFinalClose(4401)).toBe(true);
    expect(isFinalClose(4403)).toBe(true);
    expect(isFinalClose(4404)).toBe(true);
    expect(isFinalClose(1006)).toBe(false);
    expect(isFinalClose(1000)).toBe(false);
  });
  it("builds the URL from the page location", () => {
    expect(controlUrl("abc", { protocol: "http:", host: "127.0.0.1:8080" })).toBe("ws://127.0.0.1:8080/api/interactions/abc/ws");
    expect(controlUrl("a/b", { protocol: "https:", host: "va.example" })).toBe("wss://va.example/api/interactions/a%2Fb/ws");
  });
});

describe("backoffDelay", () => {
  it("doubles from 0.5 s up to 5 s", () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n))).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });
});

import { describe, expect, it } from "vitest";
import { resolveSignalingUrl } from "./signaling";
import { classifyMediaError } from "./media";

describe("resolveSignalingUrl", () => {
  const http = { protocol: "http:", host: "127.0.0.1:8080" };
  const https = { protocol: "https:", host: "va.example" };
  it("resolves a path against the page origin", () => {
    expect(resolveSignalingUrl("/media/ws", http)).toBe("ws://127.0.0.1:8080/media/ws");
    expect(resolveSignalingUrl("/media/ws", https)).toBe("wss://va.example/media/ws");
  });
  it("keeps an absolute ws URL", () => {
    expect(resolveSignalingUrl("wss://gw2.example:8443/media/ws", http)).toBe("wss://gw2.example:8443/media/ws");
  });
  it("turns http(s) into ws(s)", () => {
    expect(resolveSignalingUrl("https://gw.example/media/ws", http)).toBe("wss://gw.example/media/ws");
  });
});

describe("classifyMediaError", () => {
  const named = (name: string) => Object.assign(new Error(name), { name });
  it("classifies getUserMedia failures", () => {
    expect(classifyMediaError(named("NotAllowedError"))).toBe("denied");
    expect(classifyMediaError(named("NotFoundError"))).toBe("not-found");
    expect(classifyMediaError(named("NotReadableError"))).toBe("failed");
    expect(classifyMediaError({ name: "SecurityError" })).toBe("denied");
    expect(classifyMediaError("boom")).toBe("failed");
  });
});

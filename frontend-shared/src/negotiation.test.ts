import { describe, expect, it } from "vitest";
import { decideRemoteDescription, type NegotiationState } from "./negotiation";

const base: NegotiationState = { polite: true, makingOffer: false, signalingState: "stable", settingRemoteAnswer: false };

describe("decideRemoteDescription", () => {
  it("applies an offer when stable", () => {
    expect(decideRemoteDescription("offer", base)).toBe("apply");
  });
  it("applies an offer that arrives while our answer is being set", () => {
    expect(decideRemoteDescription("offer", { ...base, signalingState: "have-local-offer", settingRemoteAnswer: true })).toBe(
      "apply",
    );
  });
  it("rolls back on glare when polite", () => {
    expect(decideRemoteDescription("offer", { ...base, signalingState: "have-local-offer" })).toBe("rollback-then-apply");
    expect(decideRemoteDescription("offer", { ...base, makingOffer: true })).toBe("rollback-then-apply");
  });
  it("ignores a colliding offer when impolite", () => {
    expect(decideRemoteDescription("offer", { ...base, polite: false, makingOffer: true })).toBe("ignore");
    expect(decideRemoteDescription("offer", { ...base, polite: false })).toBe("apply");
  });
  it("applies an answer only to an outstanding offer", () => {
    expect(decideRemoteDescription("answer", { ...base, signalingState: "have-local-offer" })).toBe("apply");
    expect(decideRemoteDescription("answer", base)).toBe("ignore");
    expect(decideRemoteDescription("answer", { ...base, signalingState: "have-remote-offer" })).toBe("ignore");
  });
});

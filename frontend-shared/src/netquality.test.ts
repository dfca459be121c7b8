import { describe, expect, it } from "vitest";
import { extractSample, networkLevel, type StatLike } from "./netquality";

describe("networkLevel", () => {
  it("is good on a clean fast link", () => {
    expect(networkLevel({ rttMs: 30, loss: 0, availableOutgoingBitrate: 2_000_000, sendingVideo: true })).toBe("good");
  });
  it("is good with no data yet", () => {
    expect(networkLevel({ sendingVideo: true })).toBe("good");
  });
  it("grades RTT", () => {
    expect(networkLevel({ rttMs: 250, sendingVideo: false })).toBe("good");
    expect(networkLevel({ rttMs: 300, sendingVideo: false })).toBe("fair");
    expect(networkLevel({ rttMs: 600, sendingVideo: false })).toBe("poor");
  });
  it("grades loss", () => {
    expect(networkLevel({ loss: 0.01, sendingVideo: false })).toBe("good");
    expect(networkLevel({ loss: 0.05, sendingVideo: false })).toBe("fair");
    expect(networkLevel({ loss: 0.1, sendingVideo: false })).toBe("poor");
  });
  it("grades outgoing bitrate only when sending video", () => {
    expect(networkLevel({ availableOutgoingBitrate: 300_000, sendingVideo: true })).toBe("fair");
    expect(networkLevel({ availableOutgoingBitrate: 100_000, sendingVideo: true })).toBe("poor");
    expect(networkLevel({ availableOutgoingBitrate: 100_000, sendingVideo: false })).toBe("good");
  });
  it("takes the worst criterion", () => {
    expect(networkLevel({ rttMs: 40, loss: 0.2, availableOutgoingBitrate: 5_000_000, sendingVideo: true })).toBe("poor");
    expect(networkLevel({ rttMs: 300, loss: 0, sendingVideo: true })).toBe("fair");
  });
});

describe("extractSample", () => {
  const pair = (extra: Record<string, unknown>): StatLike => ({
    id: "CP1",
    type: "candidate-pair",
    nominated: true,
    state: "succeeded",
    ...extra,
  });

  it("reads RTT and bitrate of the selected pair", () => {
    const stats: StatLike[] = [
      { id: "T", type: "transport", selectedCandidatePairId: "CP2" },
      pair({ currentRoundTripTime: 0.5, availableOutgoingBitrate: 1 }),
      { id: "CP2", type: "candidate-pair", currentRoundTripTime: 0.12, availableOutgoingBitrate: 900_000 },
    ];
    const { sample } = extractSample(stats, undefined, true);
    expect(sample.rttMs).toBeCloseTo(120);
    expect(sample.availableOutgoingBitrate).toBe(900_000);
    expect(sample.loss).toBeUndefined();
  });

  it("falls back to the nominated succeeded pair and remote-inbound RTT", () => {
    const stats: StatLike[] = [
      pair({ availableOutgoingBitrate: 500_000 }),
      { id: "R1", type: "remote-inbound-rtp", roundTripTime: 0.08, fractionLost: 0.01 },
    ];
    const { sample } = extractSample(stats, undefined, true);
    expect(sample.rttMs).toBeCloseTo(80);
    expect(sample.loss).toBeCloseTo(0.01);
  });

  it("computes inbound loss over the interval", () => {
    const first = extractSample([{ id: "I1", type: "inbound-rtp", packetsLost: 10, packetsReceived: 1000 }], undefined, false);
    expect(first.sample.loss).toBeUndefined();
    const second = extractSample(
      [{ id: "I1", type: "inbound-rtp", packetsLost: 15, packetsReceived: 1095 }],
      first.counters,
      false,
    );
    expect(second.sample.loss).toBeCloseTo(0.05);
    expect(networkLevel(second.sample)).toBe("fair");
  });

  it("takes the worst loss of all streams and ignores idle ones", () => {
    const prev = new Map([
      ["A", { lost: 0, received: 100 }],
      ["V", { lost: 0, received: 100 }],
    ]);
    const { sample } = extractSample(
      [
        { id: "A", type: "inbound-rtp", packetsLost: 0, packetsReceived: 100 },
        { id: "V", type: "inbound-rtp", packetsLost: 10, packetsReceived: 190 },
      ],
      prev,
      false,
    );
    expect(sample.loss).toBeCloseTo(0.1);
  });

  it("ignores malformed fields", () => {
    const { sample } = extractSample([pair({ currentRoundTripTime: "fast", availableOutgoingBitrate: Number.NaN })], undefined, true);
    expect(sample.rttMs).toBeUndefined();
    expect(sample.availableOutgoingBitrate).toBeUndefined();
  });
});

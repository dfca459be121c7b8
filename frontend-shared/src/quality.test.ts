import { describe, expect, it } from "vitest";
import { capEncodings, isMaxQuality, isVideoMode, QUALITIES, qualityProfile, videoConstraints } from "./quality";

describe("quality profiles", () => {
  it("maps each quality to bitrate and height", () => {
    expect(qualityProfile("480p")).toEqual({ maxBitrate: 1_000_000, height: 480 });
    expect(qualityProfile("720p")).toEqual({ maxBitrate: 2_500_000, height: 720 });
    expect(qualityProfile("1080p")).toEqual({ maxBitrate: 4_500_000, height: 1080 });
    expect(qualityProfile("2160p")).toEqual({ maxBitrate: 12_000_000, height: 2160 });
  });
  it("lists qualities in ascending order", () => {
    const heights = QUALITIES.map((q) => qualityProfile(q).height);
    expect([...heights].sort((a, b) => a - b)).toEqual(heights);
  });
  it("builds camera constraints", () => {
    expect(videoConstraints("1080p")).toEqual({ height: { ideal: 1080 } });
    expect(videoConstraints("480p", { exact: "environment" })).toEqual({
      height: { ideal: 480 },
      facingMode: { exact: "environment" },
    });
  });
  it("recognises wire values", () => {
    expect(isMaxQuality("720p")).toBe(true);
    expect(isMaxQuality("4k")).toBe(false);
    expect(isVideoMode("one_way")).toBe(true);
    expect(isVideoMode("none")).toBe(false);
  });
});

describe("capEncodings", () => {
  const params = (encodings: RTCRtpEncodingParameters[]): RTCRtpSendParameters =>
    ({ transactionId: "t", encodings, codecs: [], headerExtensions: [], rtcp: {} }) as RTCRtpSendParameters;

  it("sets maxBitrate on every encoding", () => {
    const out = capEncodings(params([{}, { maxBitrate: 5 }]), 2_500_000);
    expect(out?.encodings.map((e) => e.maxBitrate)).toEqual([2_500_000, 2_500_000]);
  });
  it("returns null when unchanged or before negotiation", () => {
    expect(capEncodings(params([{ maxBitrate: 1_000_000 }]), 1_000_000)).toBeNull();
    expect(capEncodings(params([]), 1_000_000)).toBeNull();
  });
});

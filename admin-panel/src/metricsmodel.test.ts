import { describe, expect, it } from "vitest";
import type { Direction, MetricsPoint } from "@shared/protocol";
import { align, clock, dropSpans, findDrops, severity, worstDrop } from "./metricsmodel";

const p = (t: number, direction: Direction, extra: Partial<MetricsPoint> = {}): MetricsPoint => ({ at: new Date(1_700_000_000_000 + t * 1000).toISOString(), t, direction, ...extra });

describe("align", () => {
  it("puts both directions on one sorted time axis with gaps as null", () => {
    const a = align([p(10, "client_to_agent", { video_kbps: 900 }), p(0, "client_to_agent", { video_kbps: 800 }), p(5, "agent_to_client", { video_kbps: 500 })]);
    expect(a.t).toEqual([0, 5, 10]);
    expect(a.values("client_to_agent", "video_kbps")).toEqual([800, null, 900]);
    expect(a.values("agent_to_client", "video_kbps")).toEqual([null, 500, null]);
    expect(a.values("agent_to_client", "rtt_ms")).toEqual([null, null, null]);
  });

  it("is empty without points", () => {
    expect(align([]).t).toEqual([]);
  });
});

describe("findDrops", () => {
  it("marks loss over 5 % and a video bitrate falling by more than half", () => {
    const drops = findDrops([
      p(0, "client_to_agent", { video_kbps: 1000, video_loss_pct: 0 }),
      p(5, "client_to_agent", { video_kbps: 400, video_loss_pct: 12 }),
      p(10, "client_to_agent", { video_kbps: 300, video_loss_pct: 5 }),
      p(5, "agent_to_client", { video_kbps: 800, audio_loss_pct: 7 }),
    ]);
    expect(drops).toEqual([
      { t: 5, direction: "agent_to_client", kind: "audio_loss", value: 7 },
      { t: 5, direction: "client_to_agent", kind: "video_loss", value: 12 },
      { t: 5, direction: "client_to_agent", kind: "bitrate", value: 400, before: 1000 },
    ]);
  });

  it("compares each direction with its own previous sample", () => {
    expect(findDrops([p(0, "client_to_agent", { video_kbps: 1000 }), p(5, "agent_to_client", { video_kbps: 100 })])).toEqual([]);
  });

  it("finds nothing in a steady call", () => {
    expect(findDrops([p(0, "client_to_agent", { video_kbps: 1000, video_loss_pct: 1 }), p(5, "client_to_agent", { video_kbps: 600, video_loss_pct: 2 })])).toEqual([]);
  });
});

describe("worstDrop", () => {
  it("prefers the highest loss over any bitrate fall", () => {
    const w = worstDrop([
      { t: 5, direction: "client_to_agent", kind: "bitrate", value: 10, before: 1000 },
      { t: 10, direction: "agent_to_client", kind: "video_loss", value: 8 },
      { t: 15, direction: "client_to_agent", kind: "video_loss", value: 12 },
    ]);
    expect(w).toMatchObject({ t: 15, value: 12 });
  });

  it("takes the steepest fall when there is no loss, and null for none", () => {
    const w = worstDrop([
      { t: 5, direction: "client_to_agent", kind: "bitrate", value: 400, before: 1000 },
      { t: 20, direction: "client_to_agent", kind: "bitrate", value: 100, before: 1000 },
    ]);
    expect(w?.t).toBe(20);
    expect(severity(w ?? { t: 0, direction: "client_to_agent", kind: "bitrate", value: 0 })).toBeCloseTo(90);
    expect(worstDrop([])).toBeNull();
  });
});

describe("dropSpans", () => {
  it("shades one sample around each drop and merges overlaps", () => {
    expect(
      dropSpans([
        { t: 5, direction: "client_to_agent", kind: "video_loss", value: 9 },
        { t: 5, direction: "agent_to_client", kind: "video_loss", value: 9 },
        { t: 10, direction: "client_to_agent", kind: "video_loss", value: 9 },
        { t: 30, direction: "client_to_agent", kind: "video_loss", value: 9 },
      ]),
    ).toEqual([
      [2.5, 12.5],
      [27.5, 32.5],
    ]);
  });
});

describe("clock", () => {
  it("writes seconds as mm:ss or h:mm:ss", () => {
    expect(clock(0)).toBe("00:00");
    expect(clock(135)).toBe("02:15");
    expect(clock(3725)).toBe("1:02:05");
    expect(clock(-4)).toBe("−00:04");
    expect(clock(Number.NaN)).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import type { EventKind, InteractionEvent, RecordingInfo } from "@shared/protocol";
import {
  AUTO_LOAD_MAX_BYTES,
  autoLoad,
  formatDuration,
  percentOf,
  pollDelay,
  RecordingModel,
  recordingFileName,
  recordingMime,
  SLOW_AFTER_MS,
  type RecordingFacts,
} from "./recordingmodel";

const T0 = Date.parse("2026-11-21T10:00:00Z");

const info: RecordingInfo = {
  file_id: "f-1",
  format: "webm",
  duration_s: 65.4,
  size: 12_345_678,
  sha256: "ab".repeat(32),
  started_at: "2026-11-21T09:50:00Z",
  has_video: true,
  partial: false,
};

const facts = (over: Partial<RecordingFacts> = {}): RecordingFacts => ({
  status: "active",
  record: true,
  ended_at: null,
  events: [],
  ...over,
});

const ev = (seq: number, event: EventKind): InteractionEvent => ({ seq, at: "2026-11-21T10:00:00Z", event });
const ready = (seq: number, fileId = "f-1"): InteractionEvent => ev(seq, { type: "recording_ready", file_id: fileId, duration_s: 65.4 });
const failed = (seq: number, reason = "no media"): InteractionEvent => ev(seq, { type: "recording_failed", reason });

describe("RecordingModel", () => {
  it("shows nothing for a call that is not recorded", () => {
    const m = new RecordingModel(facts({ record: false }), T0);
    expect(m.view(T0)).toEqual({ state: "off" });
    m.setFinished(T0);
    expect(m.view(T0)).toEqual({ state: "off" });
    expect(m.waiting).toBe(false);
  });

  it("is live during the call, then processing until the recording is stored", () => {
    const m = new RecordingModel(facts(), T0);
    expect(m.view(T0).state).toBe("live");
    expect(m.waiting).toBe(false);
    m.setFinished(T0);
    expect(m.view(T0)).toEqual({ state: "processing", slow: false });
    expect(m.waiting).toBe(true);
    m.applyInteraction(facts({ status: "ended", ended_at: "2026-11-21T10:00:00Z", recording: info }), T0 + 5_000);
    expect(m.view(T0 + 5_000)).toEqual({ state: "ready", info });
    expect(m.waiting).toBe(false);
  });

  it("reads the interaction at once after a ready event without the file's details", () => {
    const m = new RecordingModel(facts({ status: "ended", ended_at: "2026-11-21T10:00:00Z" }), T0);
    m.applyEvent(ready(7));
    expect(m.view(T0).state).toBe("processing");
    expect(m.readyUnread).toBe(true);
    expect(m.waiting).toBe(true);
    m.applyInteraction(facts({ status: "ended", recording: info, events: [ready(7)] }), T0);
    expect(m.readyUnread).toBe(false);
    expect(m.view(T0).state).toBe("ready");
  });

  it("shows the reason of a failure and stops waiting", () => {
    const m = new RecordingModel(facts({ status: "ended", events: [failed(9, "ffmpeg exited with 1")] }), T0);
    expect(m.view(T0)).toEqual({ state: "failed", reason: "ffmpeg exited with 1" });
    expect(m.waiting).toBe(false);
  });

  it("takes the latest outcome by seq, and the stored recording over any event", () => {
    const m = new RecordingModel(facts({ status: "ended" }), T0);
    m.applyEvent(ready(12));
    m.applyEvent(failed(10));
    expect(m.view(T0).state).toBe("processing");
    m.applyEvent(failed(13));
    expect(m.view(T0).state).toBe("failed");
    m.applyInteraction(facts({ status: "ended", recording: info }), T0);
    expect(m.view(T0).state).toBe("ready");
    // A later read without `recording` (a list item) does not take it away.
    m.applyInteraction(facts({ status: "ended" }), T0);
    expect(m.view(T0).state).toBe("ready");
  });

  it("notices a newer recording of the same call", () => {
    const m = new RecordingModel(facts({ status: "ended", recording: info }), T0);
    m.applyEvent(ready(20, "f-2"));
    expect(m.readyUnread).toBe(true);
    m.applyInteraction(facts({ status: "ended", recording: { ...info, file_id: "f-2" } }), T0);
    expect(m.readyUnread).toBe(false);
    expect(m.view(T0)).toMatchObject({ state: "ready", info: { file_id: "f-2" } });
  });

  it("never goes back to live once finished", () => {
    const m = new RecordingModel(facts(), T0);
    m.setFinished(T0);
    m.applyInteraction(facts({ status: "active" }), T0);
    expect(m.view(T0).state).toBe("processing");
  });

  it("says when processing takes long, counted from the server's ended_at", () => {
    const ended = "2026-11-21T10:00:00Z";
    const m = new RecordingModel(facts({ status: "ended", ended_at: ended }), T0 + 60 * 60_000);
    expect(m.view(T0 + SLOW_AFTER_MS - 1)).toEqual({ state: "processing", slow: false });
    expect(m.view(T0 + SLOW_AFTER_MS + 1)).toEqual({ state: "processing", slow: true });
    // Seen ending by the page, then the read's ended_at wins.
    const live = new RecordingModel(facts(), T0);
    live.setFinished(T0 + SLOW_AFTER_MS);
    expect(live.view(T0 + SLOW_AFTER_MS + 2)).toEqual({ state: "processing", slow: false });
    live.applyInteraction(facts({ status: "ended", ended_at: ended }), T0 + SLOW_AFTER_MS);
    expect(live.view(T0 + SLOW_AFTER_MS + 2)).toEqual({ state: "processing", slow: true });
  });

  it("waits for nothing when the log shows the client never connected", () => {
    const created = ev(1, { type: "created", by: "u-1" });
    const m = new RecordingModel(facts({ status: "ended", ended_at: "2026-11-21T10:00:00Z", events: [created] }), T0);
    expect(m.view(T0)).toEqual({ state: "off" });
    expect(m.waiting).toBe(false);
    // With the client's media in the log, a recording is on its way.
    const c = new RecordingModel(
      facts({ status: "ended", events: [created, ev(2, { type: "media", party: "client", connected: true })] }),
      T0,
    );
    expect(c.view(T0)).toEqual({ state: "processing", slow: false });
    expect(c.waiting).toBe(true);
  });

  it("ignores other events", () => {
    const m = new RecordingModel(facts({ status: "ended" }), T0);
    m.applyEvent(ev(3, { type: "ended", by: "agent" }));
    m.applyEvent(ev(4, { type: "status", status: "ended" }));
    expect(m.view(T0)).toEqual({ state: "processing", slow: false });
  });
});

describe("pollDelay", () => {
  it("starts at 3 s and grows to 15 s", () => {
    expect(pollDelay(0, false)).toBe(3_000);
    expect(pollDelay(1, false)).toBe(4_500);
    expect(pollDelay(2, false)).toBe(6_750);
    expect(pollDelay(10, false)).toBe(15_000);
    expect(pollDelay(-1, false)).toBe(3_000);
  });
  it("reads once a minute when it is slow", () => {
    expect(pollDelay(0, true)).toBe(60_000);
  });
});

describe("files", () => {
  it("names the download after the interaction and the format", () => {
    expect(recordingFileName("6650a1b2c3d4e5f6a7b8c9d0", info)).toBe("recording-6650a1b2c3d4e5f6a7b8c9d0.webm");
    expect(recordingFileName("abc", { format: "mp4" })).toBe("recording-abc.mp4");
    expect(recordingFileName("../x y", info)).toBe("recording-___x_y.webm");
    expect(recordingFileName("", info)).toBe("recording-call.webm");
  });
  it("gives the player's type", () => {
    expect(recordingMime("webm")).toBe("video/webm");
    expect(recordingMime("mp4")).toBe("video/mp4");
  });
  it("loads normal calls at once, long ones on demand", () => {
    expect(autoLoad({ size: 40 * 1024 * 1024 })).toBe(true);
    expect(autoLoad({ size: AUTO_LOAD_MAX_BYTES })).toBe(true);
    expect(autoLoad({ size: AUTO_LOAD_MAX_BYTES + 1 })).toBe(false);
  });
});

describe("formatDuration", () => {
  it("writes m:ss under an hour, h:mm:ss above", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(4.6)).toBe("0:05");
    expect(formatDuration(65.4)).toBe("1:05");
    expect(formatDuration(59 * 60 + 59.4)).toBe("59:59");
    expect(formatDuration(3600)).toBe("1:00:00");
    expect(formatDuration(3723)).toBe("1:02:03");
  });
  it("survives nonsense", () => {
    expect(formatDuration(-3)).toBe("0:00");
    expect(formatDuration(Number.NaN)).toBe("0:00");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("0:00");
  });
});

describe("percentOf", () => {
  it("is whole percent within 0..100", () => {
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(5, 4)).toBe(100);
  });
});

describe("a recording the retention policy deleted", () => {
  it("is shown as deleted, not as something to play, and is not waited for", () => {
    const gone: RecordingInfo = { ...info, deleted_at: "2026-12-01T03:00:00Z" };
    const m = new RecordingModel(facts({ status: "ended", ended_at: "2026-11-21T10:05:00Z", recording: gone, events: [ready(3)] }), T0);
    expect(m.view(T0)).toEqual({ state: "deleted", at: "2026-12-01T03:00:00Z" });
    expect(m.waiting).toBe(false);
    // A later read of the same interaction that learned of the deletion.
    const live = new RecordingModel(facts({ status: "ended", ended_at: "2026-11-21T10:05:00Z", recording: info }), T0);
    expect(live.view(T0).state).toBe("ready");
    live.applyInteraction(facts({ status: "ended", ended_at: "2026-11-21T10:05:00Z", recording: gone }), T0);
    expect(live.view(T0).state).toBe("deleted");
  });
});


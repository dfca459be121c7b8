// Pure: what the interaction panel's "Recording" section shows, from the
// interaction (`record`, `recording`, `status`, `ended_at`, `events`) and the
// live `recording_ready` / `recording_failed` events; the polling delays
// while the recording is processed; the file's name, type and sizes in words.

import { isFinished } from "@shared/labels";
import type { Interaction, InteractionEvent, RecordingFormat, RecordingInfo } from "@shared/protocol";

/** What the section shows. */
export type RecordingView =
  /** The call is not recorded: no section. */
  | { state: "off" }
  /** The call goes on and is recorded. */
  | { state: "live" }
  /** The call is over, the merged file is not there yet (`slow`: for a long time). */
  | { state: "processing"; slow: boolean }
  | { state: "ready"; info: RecordingInfo }
  /** The storage retention policy deleted the file (`at`): nothing to play. */
  | { state: "deleted"; at: string }
  | { state: "failed"; reason: string };

export type RecordingState = RecordingView["state"];

/** After this long without an outcome the section says it takes longer than usual. */
export const SLOW_AFTER_MS = 10 * 60_000;

/** The interaction fields the model reads. */
export type RecordingFacts = Pick<Interaction, "status" | "record" | "recording" | "ended_at"> & {
  events?: readonly InteractionEvent[];
};

type Outcome = { kind: "ready"; fileId: string } | { kind: "failed"; reason: string };

/**
 * The recording of one interaction as the panel knows it. Reads of the
 * interaction and events may come in any order and more than once: the
 * stored `recording` always wins, else the outcome event with the highest
 * `seq`; the call never goes from finished back to live.
 */
export class RecordingModel {
  private record = false;
  private finished = false;
  private endedAt: number | null = null;
  private info: RecordingInfo | null = null;
  private outcome: Outcome | null = null;
  private outcomeSeq = -Infinity;
  /** The log was read (events known), and whether the client's media ever connected in it. */
  private logSeen = false;
  private clientConnected = false;

  constructor(facts: RecordingFacts, now: number) {
    this.applyInteraction(facts, now);
  }

  /** A read of the interaction (create answer, list item, GET). */
  applyInteraction(facts: RecordingFacts, now: number): void {
    this.record = this.record || facts.record === true;
    if (facts.recording) this.info = facts.recording;
    if (isFinished(facts.status)) {
      const ended = facts.ended_at ? Date.parse(facts.ended_at) : NaN;
      this.markFinished(Number.isNaN(ended) ? now : ended, !Number.isNaN(ended));
    }
    const events = facts.events ?? [];
    if (events.length > 0) this.logSeen = true;
    for (const e of events) this.applyEvent(e);
  }

  /** An event of the interaction's log (replayed or live); others are ignored. */
  applyEvent(e: InteractionEvent): void {
    const ev = e.event;
    // Recording starts with the client's media: without it there is nothing to wait for.
    if (ev.type === "media" && ev.party === "client" && ev.connected) this.clientConnected = true;
    if (ev.type !== "recording_ready" && ev.type !== "recording_failed") return;
    if (e.seq <= this.outcomeSeq) return;
    this.outcomeSeq = e.seq;
    this.outcome = ev.type === "recording_ready" ? { kind: "ready", fileId: ev.file_id } : { kind: "failed", reason: ev.reason };
  }

  /** The panel saw the call end (status event, end answer). */
  setFinished(now: number): void {
    this.markFinished(now, false);
  }

  /** What to show now. */
  view(now: number): RecordingView {
    if (this.info?.deleted_at) return { state: "deleted", at: this.info.deleted_at };
    if (this.info) return { state: "ready", info: this.info };
    if (this.outcome?.kind === "failed") return { state: "failed", reason: this.outcome.reason };
    // A ready event without the file's details: they are one read away.
    if (this.outcome?.kind === "ready") return { state: "processing", slow: false };
    if (!this.record) return { state: "off" };
    if (!this.finished) return { state: "live" };
    if (this.nothingRecorded) return { state: "off" };
    return { state: "processing", slow: this.endedAt !== null && now - this.endedAt > SLOW_AFTER_MS };
  }

  /** Whether the panel should read the interaction (again) to learn the outcome. */
  get waiting(): boolean {
    if (this.info) return false;
    if (this.outcome?.kind === "ready") return true;
    return this.outcome === null && this.record && this.finished && !this.nothingRecorded;
  }

  /** The call ended and its log shows the client's media never connected: no recording will come. */
  private get nothingRecorded(): boolean {
    return this.finished && this.logSeen && !this.clientConnected && this.outcome === null;
  }

  /** A `recording_ready` event is known but not the stored recording: read at once. */
  get readyUnread(): boolean {
    return this.outcome?.kind === "ready" && this.info?.file_id !== this.outcome.fileId;
  }

  private markFinished(at: number, exact: boolean): void {
    if (!this.finished) {
      this.finished = true;
      this.endedAt = at;
    } else if (exact) {
      // The server's `ended_at` is better than the moment the page noticed.
      this.endedAt = at;
    }
  }
}

/** The first reads come quickly (a short call merges in seconds), then less often. */
const POLL_FIRST_MS = 3_000;
const POLL_MAX_MS = 15_000;
/** When it is already slow, once a minute is enough. */
const POLL_SLOW_MS = 60_000;

/** How long to wait before read number `attempt` (0, 1, 2, ...) of a processing recording. Pure. */
export function pollDelay(attempt: number, slow: boolean): number {
  if (slow) return POLL_SLOW_MS;
  const n = Math.max(0, Math.floor(attempt));
  return Math.min(POLL_MAX_MS, Math.round(POLL_FIRST_MS * 1.5 ** n));
}

/** Recordings up to this size are loaded into the player as soon as they are shown. */
export const AUTO_LOAD_MAX_BYTES = 100 * 1024 * 1024;

/**
 * Whether the panel loads the recording as soon as it shows it. The file
 * needs the bearer header, so the player plays a Blob held in memory: a
 * normal call (tens of MB) is loaded at once; a longer one waits for the
 * agent to ask (load, play or download), so opening an old interaction does
 * not pull hundreds of MB nobody watches. Pure.
 */
export function autoLoad(info: Pick<RecordingInfo, "size">): boolean {
  return info.size <= AUTO_LOAD_MAX_BYTES;
}

export function recordingExtension(format: RecordingFormat): string {
  return format === "mp4" ? "mp4" : "webm";
}

/** The content type of the Blob the player plays (`<video>` plays audio-only files too). */
export function recordingMime(format: RecordingFormat): string {
  return format === "mp4" ? "video/mp4" : "video/webm";
}

/** `recording-<interaction id>.webm` (characters other than letters, digits, `-`, `_` become `_`). Pure. */
export function recordingFileName(interactionId: string, info: Pick<RecordingInfo, "format">): string {
  const id = interactionId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80) || "call";
  return `recording-${id}.${recordingExtension(info.format)}`;
}

/** `0:05`, `12:34`, `1:02:03` (rounded to whole seconds). Pure. */
export function formatDuration(seconds: number): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.round(seconds)) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Progress in whole percent, 0..100 (0 while the total is unknown). Pure. */
export function percentOf(loaded: number, total: number): number {
  return total > 0 ? Math.min(100, Math.max(0, Math.floor((loaded / total) * 100))) : 0;
}

// Screen sharing: `getDisplayMedia` gives a screen track that replaces the
// camera on the call's video sender (`Call.setScreenTrack`, no
// renegotiation); when sharing stops, by the page or from the browser's own
// "Stop sharing" bar (the track's `ended` event), the camera comes back.

import { Emitter } from "./emitter";

/** Whether this browser can share a screen (desktop browsers; not mobile ones). */
export function screenShareSupported(
  md: unknown = typeof navigator === "undefined" ? undefined : navigator.mediaDevices,
): boolean {
  return typeof md === "object" && md !== null && typeof (md as { getDisplayMedia?: unknown }).getDisplayMedia === "function";
}

export type ShareOutcome = "started" | "cancelled" | "failed" | "busy";

/**
 * A failed `getDisplayMedia` as an outcome: the user cancelling the picker
 * or refusing (NotAllowedError, AbortError) is not an error. Pure.
 */
export function classifyShareError(err: unknown): "cancelled" | "failed" {
  const name = typeof err === "object" && err !== null && "name" in err ? String((err as { name: unknown }).name) : "";
  return name === "NotAllowedError" || name === "AbortError" || name === "PermissionDeniedError" ? "cancelled" : "failed";
}

export interface ScreenShareEvents {
  /** The screen track now shared, or null when sharing stopped. */
  change: MediaStreamTrack | null;
  /** Sharing could not start for another reason than the user cancelling. */
  error: unknown;
}

export class ScreenShare extends Emitter<ScreenShareEvents> {
  private current: MediaStreamTrack | null = null;
  private starting = false;

  /** `apply` puts a screen track (or null: the camera again) on the video sender. */
  constructor(private readonly apply: (track: MediaStreamTrack | null) => Promise<void>) {
    super();
  }

  get track(): MediaStreamTrack | null {
    return this.current;
  }

  get active(): boolean {
    return this.current !== null;
  }

  get busy(): boolean {
    return this.starting;
  }

  /** Asks the browser for a screen and shares it. Nothing changes when refused. */
  async start(): Promise<ShareOutcome> {
    if (this.current || this.starting) return "busy";
    if (!screenShareSupported()) return "failed";
    this.starting = true;
    let track: MediaStreamTrack | undefined;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      track = stream.getVideoTracks()[0];
      for (const other of stream.getTracks()) if (other !== track) other.stop();
    } catch (err) {
      this.starting = false;
      const outcome = classifyShareError(err);
      if (outcome === "failed") this.emit("error", err);
      return outcome;
    }
    this.starting = false;
    if (!track || track.readyState !== "live") {
      track?.stop();
      return "cancelled";
    }
    // Text and lines on a screen: keep the resolution, drop frames first.
    if ("contentHint" in track) track.contentHint = "detail";
    const shared = track;
    shared.addEventListener("ended", () => {
      if (this.current === shared) void this.stop();
    });
    this.current = shared;
    await this.apply(shared);
    this.emit("change", shared);
    return "started";
  }

  /** Stops sharing; the camera goes back on the sender. */
  async stop(): Promise<void> {
    const track = this.current;
    if (!track) return;
    this.current = null;
    await this.apply(null);
    track.stop();
    this.emit("change", null);
  }
}

// What the client draws of the agent's pointer, from the collab messages:
// where it is, whether it shows, and the clicks. Pure (time is passed in).

import type { CollabMessage } from "../protocol";
import type { Point } from "./geometry";

/** Without an update for this long the pointer hides (the agent resends every second). */
export const POINTER_STALE_MS = 3_000;

export interface RemotePointerView {
  /** The pointer's position (frame fractions), or null when hidden. */
  at: Point | null;
  /** A click to show a ripple for. */
  click: Point | null;
}

export class RemotePointer {
  private position: Point | null = null;
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly staleMs = POINTER_STALE_MS) {}

  apply(msg: CollabMessage, now: number): RemotePointerView {
    switch (msg.t) {
      case "pointer":
        this.position = { x: msg.x, y: msg.y };
        this.lastAt = now;
        return { at: this.position, click: null };
      case "click":
        this.position = { x: msg.x, y: msg.y };
        this.lastAt = now;
        return { at: this.position, click: this.position };
      case "pointer_off":
        this.position = null;
        return { at: null, click: null };
    }
  }

  /** The position at `now` (null once stale or switched off). */
  current(now: number): Point | null {
    if (this.position && now - this.lastAt >= this.staleMs) this.position = null;
    return this.position;
  }

  /** When the position goes stale, or null when hidden. */
  staleAt(): number | null {
    return this.position ? this.lastAt + this.staleMs : null;
  }

  reset(): void {
    this.position = null;
  }
}

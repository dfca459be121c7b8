// The `collab` data channel's messages (services/protocol/src/collab.rs):
// JSON text tagged by `t`, at most 16 KiB. Pure.

import type { CollabMessage } from "../protocol";

/** The data channel's label (`CHANNEL_LABEL`); both pages open it before their first offer. */
export const COLLAB_LABEL = "collab";

/** The largest message the gateway relays (`MAX_MESSAGE_BYTES`). */
export const COLLAB_MAX_BYTES = 16 * 1024;

/** Fractions travel with 4 decimals: 0.1 px on a 1000 px view, short frames. */
function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}

function fraction(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1 ? v : null;
}

/** A message as the text to send. */
export function encodeCollab(msg: CollabMessage): string {
  switch (msg.t) {
    case "pointer":
    case "click":
      return JSON.stringify({ t: msg.t, x: round(msg.x), y: round(msg.y) });
    case "pointer_off":
      return JSON.stringify({ t: msg.t });
  }
}

/**
 * A received frame as a message, or null for anything else: binary data,
 * oversized or malformed text, unknown types, coordinates outside 0..1.
 */
export function decodeCollab(data: unknown): CollabMessage | null {
  if (typeof data !== "string" || data.length > COLLAB_MAX_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const obj = value as Record<string, unknown>;
  switch (obj.t) {
    case "pointer":
    case "click": {
      const x = fraction(obj.x);
      const y = fraction(obj.y);
      if (x === null || y === null) return null;
      return { t: obj.t, x, y };
    }
    case "pointer_off":
      return { t: "pointer_off" };
    default:
      return null;
  }
}

// Which delivery channels the platform has (GET /api/deliveries/channels),
// fetched once per page session and shared by every panel.

import type { Channels } from "@shared/protocol";
import { api } from "@shared/api";

let cached: Promise<Channels> | null = null;

export function loadChannels(): Promise<Channels> {
  if (!cached) {
    const request = api<Channels>("GET", "/api/deliveries/channels");
    cached = request;
    // A failure is not remembered: the next caller asks again.
    request.catch(() => {
      if (cached === request) cached = null;
    });
  }
  return cached;
}

/** Forgets the answer (sign-out, or the server said a channel is gone). */
export function forgetChannels(): void {
  cached = null;
}

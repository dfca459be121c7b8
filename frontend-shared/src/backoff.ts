// Exponential reconnect delays: 0.5 s, 1 s, 2 s, 4 s, then 5 s. Pure.

export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 5_000;

/** The delay before reconnect attempt `attempt` (0 = first). */
export function backoffDelay(attempt: number, minMs = BACKOFF_MIN_MS, maxMs = BACKOFF_MAX_MS): number {
  const n = Math.max(0, Math.floor(attempt));
  return Math.min(maxMs, minMs * 2 ** Math.min(n, 20));
}

// "At most one per interval, and always the latest": a trailing throttle for
// pointer positions. The clock is injectable for tests.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class LatestThrottle<T> {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private pending: { value: T } | null = null;
  private timer: unknown = null;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => void,
    private readonly clock: Clock = realClock,
  ) {}

  /** Sends now if the interval has passed, else once it has (the latest value wins). */
  push(value: T): void {
    const wait = this.lastSentAt + this.intervalMs - this.clock.now();
    if (wait <= 0 && this.timer === null) {
      this.emit(value);
      return;
    }
    this.pending = { value };
    if (this.timer === null) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        const p = this.pending;
        this.pending = null;
        if (p) this.emit(p.value);
      }, Math.max(0, wait));
    }
  }

  /** Sends the waiting value now, if any. */
  flush(): void {
    const p = this.pending;
    this.cancel();
    if (p) this.emit(p.value);
  }

  /** Drops the waiting value. */
  cancel(): void {
    this.pending = null;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private emit(value: T): void {
    this.lastSentAt = this.clock.now();
    this.send(value);
  }
}

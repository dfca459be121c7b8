import { describe, expect, it } from "vitest";
import { LatestThrottle, type Clock } from "./throttle";

/** A manual clock: `advance` runs the timers that fall due. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}

describe("LatestThrottle", () => {
  it("sends the first value at once, then at most one per interval, always the latest", () => {
    const clock = fakeClock();
    const sent: number[] = [];
    const th = new LatestThrottle<number>(33, (v) => sent.push(v), clock);
    th.push(1);
    expect(sent).toEqual([1]);
    clock.advance(10);
    th.push(2);
    clock.advance(5);
    th.push(3);
    expect(sent).toEqual([1]);
    clock.advance(18); // t = 33
    expect(sent).toEqual([1, 3]);
    clock.advance(100);
    expect(sent).toEqual([1, 3]);
    th.push(4);
    expect(sent).toEqual([1, 3, 4]);
  });
  it("stays within ~30 per second under a flood of moves", () => {
    const clock = fakeClock();
    const sent: number[] = [];
    const th = new LatestThrottle<number>(33, (v) => sent.push(v), clock);
    for (let i = 0; i < 1000; i++) {
      th.push(i);
      clock.advance(1);
    }
    clock.advance(100);
    expect(sent.length).toBeLessThanOrEqual(32);
    expect(sent.length).toBeGreaterThanOrEqual(29);
    expect(sent.at(-1)).toBe(999);
  });
  it("flushes and cancels the waiting value", () => {
    const clock = fakeClock();
    const sent: number[] = [];
    const th = new LatestThrottle<number>(33, (v) => sent.push(v), clock);
    th.push(1);
    th.push(2);
    th.flush();
    expect(sent).toEqual([1, 2]);
    th.push(3);
    th.cancel();
    clock.advance(100);
    expect(sent).toEqual([1, 2]);
  });
});

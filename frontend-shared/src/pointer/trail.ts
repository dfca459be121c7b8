// The fading trail of recent pointer positions (frame fractions). Pure.

import type { Point } from "./geometry";

export interface TrailDot extends Point {
  /** 1 for the newest, fading to 0 at `maxAgeMs`. */
  alpha: number;
}

export class Trail {
  private points: { x: number; y: number; at: number }[] = [];

  constructor(
    private readonly maxAgeMs = 600,
    private readonly maxPoints = 24,
  ) {}

  add(p: Point, at: number): void {
    this.points.push({ x: p.x, y: p.y, at });
    if (this.points.length > this.maxPoints) this.points.splice(0, this.points.length - this.maxPoints);
  }

  clear(): void {
    this.points = [];
  }

  /** The dots still visible at `now`, oldest first; forgets the older ones. */
  dots(now: number): TrailDot[] {
    this.points = this.points.filter((p) => now - p.at < this.maxAgeMs);
    return this.points.map((p) => ({ x: p.x, y: p.y, alpha: Math.max(0, Math.min(1, 1 - (now - p.at) / this.maxAgeMs)) }));
  }

  get empty(): boolean {
    return this.points.length === 0;
  }
}

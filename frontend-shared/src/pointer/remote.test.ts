import { describe, expect, it } from "vitest";
import { RemotePointer } from "./remote";
import { Trail } from "./trail";

describe("RemotePointer", () => {
  it("shows moves and clicks, hides on pointer_off", () => {
    const r = new RemotePointer(3000);
    expect(r.apply({ t: "pointer", x: 0.1, y: 0.2 }, 0)).toEqual({ at: { x: 0.1, y: 0.2 }, click: null });
    expect(r.apply({ t: "click", x: 0.3, y: 0.7 }, 10)).toEqual({ at: { x: 0.3, y: 0.7 }, click: { x: 0.3, y: 0.7 } });
    expect(r.current(20)).toEqual({ x: 0.3, y: 0.7 });
    expect(r.apply({ t: "pointer_off" }, 30)).toEqual({ at: null, click: null });
    expect(r.current(40)).toBeNull();
    expect(r.staleAt()).toBeNull();
  });
  it("hides when no update came for a while", () => {
    const r = new RemotePointer(3000);
    r.apply({ t: "pointer", x: 0.5, y: 0.5 }, 1000);
    expect(r.staleAt()).toBe(4000);
    expect(r.current(3999)).not.toBeNull();
    r.apply({ t: "pointer", x: 0.5, y: 0.5 }, 3500); // the agent's repeat
    expect(r.current(6000)).not.toBeNull();
    expect(r.current(6500)).toBeNull();
  });
});

describe("Trail", () => {
  it("fades and forgets old points", () => {
    const trail = new Trail(600, 3);
    trail.add({ x: 0.1, y: 0.1 }, 0);
    trail.add({ x: 0.2, y: 0.2 }, 300);
    let dots = trail.dots(300);
    expect(dots.map((d) => d.alpha)).toEqual([0.5, 1]);
    dots = trail.dots(700);
    expect(dots).toHaveLength(1);
    expect(dots[0]!.x).toBe(0.2);
    expect(trail.dots(900)).toEqual([]);
    expect(trail.empty).toBe(true);
  });
  it("keeps at most maxPoints", () => {
    const trail = new Trail(600, 3);
    for (let i = 0; i < 10; i++) trail.add({ x: i / 10, y: 0 }, i);
    expect(trail.dots(10).map((d) => d.x)).toEqual([0.7, 0.8, 0.9]);
  });
});

import { describe, expect, it } from "vitest";
import {
  arrowHead,
  commandsOf,
  displayToImage,
  Drawing,
  extendPath,
  fitSize,
  hitTest,
  isDegenerate,
  isLight,
  lineWidth,
  normalizeRect,
  renderCommands,
  segmentDistance,
  type Shape,
} from "./model";

const rect = (x1: number, y1: number, x2: number, y2: number): Shape => ({
  kind: "rect",
  color: "#e53935",
  width: 4,
  from: { x: x1, y: y1 },
  to: { x: x2, y: y2 },
});

describe("Drawing history", () => {
  it("adds, undoes and redoes", () => {
    const d = new Drawing();
    expect(d.canUndo).toBe(false);
    expect(d.add(rect(0, 0, 10, 10))).toBe(true);
    expect(d.add(rect(5, 5, 20, 20))).toBe(true);
    expect(d.shapes).toHaveLength(2);
    expect(d.undo()).toBe(true);
    expect(d.shapes).toHaveLength(1);
    expect(d.canRedo).toBe(true);
    expect(d.redo()).toBe(true);
    expect(d.shapes).toHaveLength(2);
    expect(d.redo()).toBe(false);
  });

  it("forgets the redo steps after a new shape", () => {
    const d = new Drawing();
    d.add(rect(0, 0, 10, 10));
    d.undo();
    d.add(rect(1, 1, 10, 10));
    expect(d.canRedo).toBe(false);
    expect(d.shapes[0]).toEqual(rect(1, 1, 10, 10));
  });

  it("clears in one step that undo takes back", () => {
    const d = new Drawing();
    d.add(rect(0, 0, 10, 10));
    d.add(rect(0, 0, 20, 20));
    expect(d.clear()).toBe(true);
    expect(d.isEmpty).toBe(true);
    expect(d.clear()).toBe(false);
    d.undo();
    expect(d.shapes).toHaveLength(2);
  });

  it("ignores degenerate shapes", () => {
    const d = new Drawing();
    expect(d.add(rect(3, 3, 4, 40))).toBe(false);
    expect(d.add({ kind: "text", color: "#000000", size: 20, at: { x: 1, y: 1 }, text: "  " })).toBe(false);
    expect(d.canUndo).toBe(false);
  });

  it("keeps earlier lists unchanged (the history holds them)", () => {
    const d = new Drawing();
    d.add(rect(0, 0, 10, 10));
    const before = d.shapes;
    d.add(rect(0, 0, 20, 20));
    expect(before).toHaveLength(1);
  });
});

describe("geometry", () => {
  it("fits the image in the box keeping the aspect", () => {
    expect(fitSize({ width: 1280, height: 720 }, { width: 640, height: 640 })).toEqual({ width: 640, height: 360 });
    expect(fitSize({ width: 720, height: 1280 }, { width: 800, height: 640 })).toEqual({ width: 360, height: 640 });
    expect(fitSize({ width: 320, height: 240 }, { width: 800, height: 600 })).toEqual({ width: 320, height: 240 });
    expect(fitSize({ width: 320, height: 240 }, { width: 800, height: 600 }, true)).toEqual({ width: 800, height: 600 });
    expect(fitSize({ width: 0, height: 240 }, { width: 800, height: 600 })).toEqual({ width: 0, height: 0 });
  });

  it("maps the displayed canvas to image pixels", () => {
    const shown = { left: 100, top: 50, width: 320, height: 180 };
    const image = { width: 1280, height: 720 };
    expect(displayToImage(100, 50, shown, image)).toEqual({ x: 0, y: 0 });
    expect(displayToImage(260, 140, shown, image)).toEqual({ x: 640, y: 360 });
    expect(displayToImage(180, 95, shown, image)).toEqual({ x: 320, y: 180 });
    // Outside: clamped to the image.
    expect(displayToImage(0, 1000, shown, image)).toEqual({ x: 0, y: 720 });
  });

  it("scales line widths with the image", () => {
    expect(lineWidth("thin", { width: 640, height: 360 })).toBe(2);
    expect(lineWidth("thick", { width: 1280, height: 720 })).toBe(15);
    expect(lineWidth("medium", { width: 1080, height: 1920 })).toBe(12);
  });

  it("normalizes a rectangle dragged in any direction", () => {
    expect(normalizeRect({ x: 10, y: 30 }, { x: 2, y: 5 })).toEqual({ x: 2, y: 5, width: 8, height: 25 });
  });

  it("tells degenerate shapes", () => {
    expect(isDegenerate(rect(0, 0, 1, 100))).toBe(true);
    expect(isDegenerate(rect(0, 0, 10, 10))).toBe(false);
    expect(isDegenerate({ kind: "arrow", color: "#fff", width: 2, from: { x: 1, y: 1 }, to: { x: 1, y: 2 } })).toBe(true);
    expect(isDegenerate({ kind: "pen", color: "#fff", width: 2, points: [] })).toBe(true);
    expect(isDegenerate({ kind: "pen", color: "#fff", width: 2, points: [{ x: 1, y: 1 }] })).toBe(false);
  });

  it("puts the arrow's head at its end, pointing back", () => {
    const [a, b] = arrowHead({ x: 0, y: 0 }, { x: 100, y: 0 }, 4);
    expect(a.x).toBeLessThan(100);
    expect(b.x).toBeLessThan(100);
    expect(a.y).toBeCloseTo(-b.y);
    expect(Math.hypot(100 - a.x, a.y)).toBeCloseTo(16);
  });

  it("measures the distance to a segment", () => {
    expect(segmentDistance({ x: 5, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(3);
    expect(segmentDistance({ x: -4, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(5);
    expect(segmentDistance({ x: 1, y: 1 }, { x: 0, y: 0 }, { x: 0, y: 0 })).toBeCloseTo(Math.SQRT2);
  });

  it("hits a rectangle on its border, not inside", () => {
    const r = rect(0, 0, 100, 50);
    expect(hitTest(r, { x: 50, y: 1 }, 2)).toBe(true);
    expect(hitTest(r, { x: 100, y: 25 }, 2)).toBe(true);
    expect(hitTest(r, { x: 50, y: 25 }, 2)).toBe(false);
    const pen: Shape = { kind: "pen", color: "#fff", width: 2, points: [{ x: 0, y: 0 }, { x: 10, y: 10 }] };
    expect(hitTest(pen, { x: 5, y: 6 }, 1)).toBe(true);
    expect(hitTest(pen, { x: 0, y: 10 }, 1)).toBe(false);
    const text: Shape = { kind: "text", color: "#fff", size: 20, at: { x: 10, y: 40 }, text: "abc" };
    expect(hitTest(text, { x: 20, y: 30 }, 0)).toBe(true);
    expect(hitTest(text, { x: 20, y: 50 }, 0)).toBe(false);
  });

  it("skips pen points that do not move", () => {
    const p1 = extendPath([], { x: 0, y: 0 });
    const p2 = extendPath(p1, { x: 0.5, y: 0 });
    expect(p2).toBe(p1);
    expect(extendPath(p2, { x: 3, y: 0 })).toHaveLength(2);
  });

  it("tells light colours", () => {
    expect(isLight("#ffffff")).toBe(true);
    expect(isLight("#fdd835")).toBe(true);
    expect(isLight("#e53935")).toBe(false);
    expect(isLight("red")).toBe(false);
  });
});

describe("render commands", () => {
  it("strokes a closed rectangle in image pixels", () => {
    expect(commandsOf(rect(30, 20, 10, 40))).toEqual([
      {
        op: "stroke",
        closed: true,
        color: "#e53935",
        width: 4,
        points: [
          { x: 10, y: 20 },
          { x: 30, y: 20 },
          { x: 30, y: 40 },
          { x: 10, y: 40 },
        ],
      },
    ]);
  });

  it("draws an arrow as a shaft and a filled head", () => {
    const cmds = commandsOf({ kind: "arrow", color: "#1e88e5", width: 3, from: { x: 0, y: 0 }, to: { x: 50, y: 50 } });
    expect(cmds.map((c) => c.op)).toEqual(["stroke", "fill"]);
  });

  it("draws a pen tap as a dot and text with a contrasting edge", () => {
    expect(commandsOf({ kind: "pen", color: "#000000", width: 6, points: [{ x: 4, y: 4 }] })).toEqual([
      { op: "dot", at: { x: 4, y: 4 }, radius: 3, color: "#000000" },
    ]);
    const [t] = commandsOf({ kind: "text", color: "#ffffff", size: 30, at: { x: 1, y: 2 }, text: "hi" });
    expect(t).toMatchObject({ op: "text", outline: "#000000", text: "hi" });
  });

  it("renders the shapes in order, the draft last", () => {
    const cmds = renderCommands([rect(0, 0, 10, 10)], { kind: "pen", color: "#fff", width: 2, points: [{ x: 0, y: 0 }, { x: 5, y: 5 }] });
    expect(cmds.map((c) => c.op)).toEqual(["stroke", "stroke"]);
    expect(cmds[1]).toMatchObject({ closed: false });
  });
});

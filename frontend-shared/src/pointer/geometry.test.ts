import { describe, expect, it } from "vitest";
import {
  clamp01,
  elementToFrame,
  frameRect,
  frameToElement,
  isMirroredTransform,
  parseObjectFit,
  visibleFrameRect,
  type VideoView,
} from "./geometry";

const view = (over: Partial<VideoView>): VideoView => ({
  width: 800,
  height: 450,
  videoWidth: 640,
  videoHeight: 480,
  fit: "contain",
  mirrored: false,
  ...over,
});

function close(actual: { x: number; y: number } | null, x: number, y: number): void {
  expect(actual).not.toBeNull();
  expect(actual!.x).toBeCloseTo(x, 6);
  expect(actual!.y).toBeCloseTo(y, 6);
}

describe("frameRect", () => {
  it("pillarboxes a 4:3 frame in a 16:9 box (contain)", () => {
    // 450 high -> 600 wide, centred: bars of 100 px left and right.
    expect(frameRect(view({}))).toEqual({ x: 100, y: 0, width: 600, height: 450 });
  });
  it("letterboxes a 16:9 frame in a 4:3 box (contain)", () => {
    expect(frameRect(view({ width: 400, height: 300, videoWidth: 1280, videoHeight: 720 }))).toEqual({
      x: 0,
      y: 37.5,
      width: 400,
      height: 225,
    });
  });
  it("crops with cover", () => {
    // 800 wide -> 600 high, centred: 75 px cut off at the top and bottom.
    expect(frameRect(view({ fit: "cover" }))).toEqual({ x: 0, y: -75, width: 800, height: 600 });
    expect(visibleFrameRect(view({ fit: "cover" }))).toEqual({ x: 0, y: 0, width: 800, height: 450 });
  });
  it("stretches with fill, centres with none and scale-down", () => {
    expect(frameRect(view({ fit: "fill" }))).toEqual({ x: 0, y: 0, width: 800, height: 450 });
    expect(frameRect(view({ fit: "none" }))).toEqual({ x: 80, y: -15, width: 640, height: 480 });
    expect(frameRect(view({ fit: "scale-down", width: 1000, height: 1000 }))).toEqual({ x: 180, y: 260, width: 640, height: 480 });
    expect(frameRect(view({ fit: "scale-down" }))).toEqual({ x: 100, y: 0, width: 600, height: 450 });
  });
  it("is unknown before the first frame or without a box", () => {
    expect(frameRect(view({ videoWidth: 0, videoHeight: 0 }))).toBeNull();
    expect(frameRect(view({ width: 0 }))).toBeNull();
    expect(elementToFrame(view({ videoWidth: 0 }), { x: 10, y: 10 })).toBeNull();
    expect(frameToElement(view({ videoHeight: 0 }), { x: 0.5, y: 0.5 })).toBeNull();
  });
});

describe("elementToFrame / frameToElement", () => {
  it("maps corners and the centre of a pillarboxed frame", () => {
    close(elementToFrame(view({}), { x: 100, y: 0 }), 0, 0);
    close(elementToFrame(view({}), { x: 700, y: 450 }), 1, 1);
    close(elementToFrame(view({}), { x: 400, y: 225 }), 0.5, 0.5);
    close(elementToFrame(view({}), { x: 280, y: 315 }), 0.3, 0.7);
  });
  it("sends nothing for points in the bars or outside the box", () => {
    expect(elementToFrame(view({}), { x: 50, y: 200 })).toBeNull();
    expect(elementToFrame(view({}), { x: 750, y: 200 })).toBeNull();
    expect(elementToFrame(view({}), { x: 400, y: -1 })).toBeNull();
    expect(elementToFrame(view({ width: 400, height: 300, videoWidth: 1280, videoHeight: 720 }), { x: 200, y: 20 })).toBeNull();
  });
  it("accounts for the mirror: the left of the view is the right of the frame", () => {
    const m = view({ mirrored: true });
    close(elementToFrame(m, { x: 100, y: 0 }), 1, 0);
    close(elementToFrame(m, { x: 280, y: 315 }), 0.7, 0.7);
    close(frameToElement(m, { x: 0.3, y: 0.7 }), 520, 315);
  });
  it("maps a cropped (cover) view, and hides what is cropped away", () => {
    const c = view({ fit: "cover" });
    close(elementToFrame(c, { x: 0, y: 0 }), 0, 0.125);
    close(frameToElement(c, { x: 0.5, y: 0.5 }), 400, 225);
    expect(frameToElement(c, { x: 0.5, y: 0.05 })).toBeNull();
  });
  it("round-trips for every fit, mirrored or not", () => {
    for (const fit of ["contain", "cover", "fill", "none", "scale-down"] as const) {
      for (const mirrored of [false, true]) {
        const v = view({ fit, mirrored, width: 333, height: 517, videoWidth: 1280, videoHeight: 720 });
        for (const f of [
          { x: 0.3, y: 0.7 },
          { x: 0.5, y: 0.5 },
          { x: 0.45, y: 0.52 },
        ]) {
          const p = frameToElement(v, f);
          if (!p) continue;
          close(elementToFrame(v, p), f.x, f.y);
        }
      }
    }
  });
  it("agent point -> fraction -> client point: the same spot of the picture", () => {
    // The agent sees the client's 640x480 camera unmirrored in a 16:9 stage;
    // the client sees itself mirrored, cropped into a portrait box.
    const agent = view({ width: 960, height: 540 });
    const client = view({ width: 180, height: 240, fit: "cover", mirrored: true });
    const f = elementToFrame(agent, { x: 120 + 0.3 * 720, y: 0.5 * 540 });
    close(f, 0.3, 0.5);
    // The client's box shows the frame 320 px wide (240 high), centred: x 0.3 of
    // the frame is at 0.3*320 - 70 = 26 from the left of the unmirrored view.
    close(frameToElement(client, f!), 180 - 26, 120);
  });
});

describe("CSS values", () => {
  it("reads object-fit", () => {
    expect(parseObjectFit("contain")).toBe("contain");
    expect(parseObjectFit(" COVER ")).toBe("cover");
    expect(parseObjectFit("scale-down")).toBe("scale-down");
    expect(parseObjectFit("")).toBe("fill");
    expect(parseObjectFit("bogus")).toBe("fill");
  });
  it("tells a left-right flip from other transforms", () => {
    expect(isMirroredTransform("none")).toBe(false);
    expect(isMirroredTransform("matrix(-1, 0, 0, 1, 0, 0)")).toBe(true);
    expect(isMirroredTransform("matrix(1, 0, 0, 1, 0, 0)")).toBe(false);
    expect(isMirroredTransform("matrix(-1, 0, 0, -1, 0, 0)")).toBe(false); // rotate(180deg)
    expect(isMirroredTransform("matrix3d(-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)")).toBe(true);
    expect(isMirroredTransform("matrix3d(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)")).toBe(false);
  });
  it("clamps fractions", () => {
    expect(clamp01(-0.1)).toBe(0);
    expect(clamp01(1.2)).toBe(1);
    expect(clamp01(Number.NaN)).toBe(0);
    expect(clamp01(0.25)).toBe(0.25);
  });
});

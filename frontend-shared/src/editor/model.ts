// Pure: the drawing on a screenshot as the editor knows it. Shapes in image
// pixels (the screenshot's full resolution), the undo / redo history (clear
// is one step that undo takes back), the geometry of the display (the canvas
// scaled to fit, pointer positions mapped to image pixels) and the drawing
// commands a shape turns into, which the page plays on a 2D context.

export interface Point {
  readonly x: number;
  readonly y: number;
}

export type Tool = "pen" | "arrow" | "rect" | "text";
export const TOOLS: readonly Tool[] = ["pen", "arrow", "rect", "text"];

/** The swatches (CSS hex colours); red first, the default. */
export const COLORS: readonly string[] = ["#e53935", "#fdd835", "#43a047", "#1e88e5", "#ffffff", "#000000"];

export type WidthLevel = "thin" | "medium" | "thick";
export const WIDTH_LEVELS: readonly WidthLevel[] = ["thin", "medium", "thick"];

export type Shape =
  | { readonly kind: "pen"; readonly color: string; readonly width: number; readonly points: readonly Point[] }
  | { readonly kind: "arrow"; readonly color: string; readonly width: number; readonly from: Point; readonly to: Point }
  | { readonly kind: "rect"; readonly color: string; readonly width: number; readonly from: Point; readonly to: Point }
  | { readonly kind: "text"; readonly color: string; readonly size: number; readonly at: Point; readonly text: string };

/** One step of drawing on a 2D context. */
export type DrawCommand =
  | { readonly op: "stroke"; readonly points: readonly Point[]; readonly closed: boolean; readonly color: string; readonly width: number }
  | { readonly op: "fill"; readonly points: readonly Point[]; readonly color: string }
  | { readonly op: "dot"; readonly at: Point; readonly radius: number; readonly color: string }
  | {
      readonly op: "text";
      readonly at: Point;
      readonly text: string;
      readonly size: number;
      readonly color: string;
      /** A dark or light edge so the text reads on any picture. */
      readonly outline: string;
    };

/** The shapes and their history. Each change makes a new list; undo and redo swap lists. */
export class Drawing {
  private current: readonly Shape[] = [];
  private readonly past: (readonly Shape[])[] = [];
  private future: (readonly Shape[])[] = [];

  get shapes(): readonly Shape[] {
    return this.current;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  get isEmpty(): boolean {
    return this.current.length === 0;
  }

  /** Adds a finished shape (one undo step); degenerate shapes are ignored. False when ignored. */
  add(shape: Shape): boolean {
    if (isDegenerate(shape)) return false;
    this.commit([...this.current, shape]);
    return true;
  }

  /** Removes every shape (one undo step). False when there was nothing. */
  clear(): boolean {
    if (this.current.length === 0) return false;
    this.commit([]);
    return true;
  }

  undo(): boolean {
    const prev = this.past.pop();
    if (!prev) return false;
    this.future.push(this.current);
    this.current = prev;
    return true;
  }

  redo(): boolean {
    const next = this.future.pop();
    if (!next) return false;
    this.past.push(this.current);
    this.current = next;
    return true;
  }

  private commit(next: readonly Shape[]): void {
    this.past.push(this.current);
    this.future = [];
    this.current = next;
  }
}

// ---- geometry ----

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** The largest size with the image's aspect that fits the box (never upscaled above 1:1 unless `upscale`). */
export function fitSize(image: Size, box: Size, upscale = false): Size {
  if (image.width <= 0 || image.height <= 0 || box.width <= 0 || box.height <= 0) return { width: 0, height: 0 };
  let scale = Math.min(box.width / image.width, box.height / image.height);
  if (!upscale) scale = Math.min(scale, 1);
  return { width: Math.max(1, Math.floor(image.width * scale)), height: Math.max(1, Math.floor(image.height * scale)) };
}

/** The displayed canvas's box in the viewport (a `getBoundingClientRect`). */
export interface DisplayRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** A viewport point over the displayed canvas → image pixels, clamped to the image. */
export function displayToImage(clientX: number, clientY: number, rect: DisplayRect, image: Size): Point {
  if (rect.width <= 0 || rect.height <= 0) return { x: 0, y: 0 };
  const x = ((clientX - rect.left) / rect.width) * image.width;
  const y = ((clientY - rect.top) / rect.height) * image.height;
  return { x: clamp(x, 0, image.width), y: clamp(y, 0, image.height) };
}

/** Line width in image pixels for a level: a share of the image's longer side, at least 2 px. */
export function lineWidth(level: WidthLevel, image: Size): number {
  const share = level === "thin" ? 0.003 : level === "medium" ? 0.006 : 0.012;
  return Math.max(2, Math.round(Math.max(image.width, image.height) * share));
}

/** Text size in image pixels for a line width (about 5 widths, at least 12 px). */
export function textSize(width: number): number {
  return Math.max(12, Math.round(width * 5));
}

/** The rectangle of two corners, as left/top/width/height. */
export function normalizeRect(a: Point, b: Point): { x: number; y: number; width: number; height: number } {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
}

/** Too small to mean anything (a click with the rectangle or arrow tool, empty text). */
export function isDegenerate(shape: Shape): boolean {
  switch (shape.kind) {
    case "pen":
      return shape.points.length === 0;
    case "arrow":
      return distance(shape.from, shape.to) < 2;
    case "rect": {
      const r = normalizeRect(shape.from, shape.to);
      return r.width < 2 || r.height < 2;
    }
    case "text":
      return shape.text.trim() === "";
  }
}

/** The two barbs' ends of an arrow's head at `to` (length ~4 widths, at least 10 px, at most half the shaft). */
export function arrowHead(from: Point, to: Point, width: number): [Point, Point] {
  const len = distance(from, to);
  const head = Math.min(Math.max(10, width * 4), len / 2 || 10);
  const angle = Math.atan2(to.y - from.y, to.x - from.x);
  const spread = Math.PI / 7;
  return [
    { x: to.x - head * Math.cos(angle - spread), y: to.y - head * Math.sin(angle - spread) },
    { x: to.x - head * Math.cos(angle + spread), y: to.y - head * Math.sin(angle + spread) },
  ];
}

/** Whether a point lies within `tolerance` px of a shape's lines (or inside its text box). */
export function hitTest(shape: Shape, p: Point, tolerance: number): boolean {
  switch (shape.kind) {
    case "pen":
      if (shape.points.length === 1) return distance(shape.points[0] as Point, p) <= tolerance + shape.width / 2;
      return segments(shape.points, false).some(([a, b]) => segmentDistance(p, a, b) <= tolerance + shape.width / 2);
    case "arrow":
      return segmentDistance(p, shape.from, shape.to) <= tolerance + shape.width / 2;
    case "rect":
      return segments(rectPoints(shape.from, shape.to), true).some(([a, b]) => segmentDistance(p, a, b) <= tolerance + shape.width / 2);
    case "text": {
      // A rough box: 0.6 em per character, one line high above the baseline.
      const w = shape.text.length * shape.size * 0.6;
      return p.x >= shape.at.x - tolerance && p.x <= shape.at.x + w + tolerance && p.y >= shape.at.y - shape.size - tolerance && p.y <= shape.at.y + tolerance;
    }
  }
}

/** The drawing commands of one shape. */
export function commandsOf(shape: Shape): DrawCommand[] {
  switch (shape.kind) {
    case "pen":
      if (shape.points.length === 1) return [{ op: "dot", at: shape.points[0] as Point, radius: shape.width / 2, color: shape.color }];
      return [{ op: "stroke", points: shape.points, closed: false, color: shape.color, width: shape.width }];
    case "arrow": {
      const [left, right] = arrowHead(shape.from, shape.to, shape.width);
      return [
        { op: "stroke", points: [shape.from, shape.to], closed: false, color: shape.color, width: shape.width },
        { op: "fill", points: [shape.to, left, right], color: shape.color },
      ];
    }
    case "rect":
      return [{ op: "stroke", points: rectPoints(shape.from, shape.to), closed: true, color: shape.color, width: shape.width }];
    case "text":
      return [{ op: "text", at: shape.at, text: shape.text, size: shape.size, color: shape.color, outline: isLight(shape.color) ? "#000000" : "#ffffff" }];
  }
}

/** The commands of every shape, in order (the draft, if any, last). */
export function renderCommands(shapes: readonly Shape[], draft: Shape | null = null): DrawCommand[] {
  const all = draft ? [...shapes, draft] : shapes;
  return all.flatMap(commandsOf);
}

/** The four corners of a rectangle given by two opposite corners, clockwise from the top left. */
export function rectPoints(a: Point, b: Point): Point[] {
  const r = normalizeRect(a, b);
  return [
    { x: r.x, y: r.y },
    { x: r.x + r.width, y: r.y },
    { x: r.x + r.width, y: r.y + r.height },
    { x: r.x, y: r.y + r.height },
  ];
}

/** Adds a pen point unless it is closer than `minStep` px to the last one. */
export function extendPath(points: readonly Point[], p: Point, minStep = 1): readonly Point[] {
  const last = points[points.length - 1];
  if (last && distance(last, p) < minStep) return points;
  return [...points, p];
}

/** Whether a `#rrggbb` colour is light (text on it needs a dark edge). */
export function isLight(hex: string): boolean {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return false;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h as string, 16)) as [number, number, number];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150;
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** The distance from p to the segment ab. */
export function segmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return distance(p, a);
  const t = clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0, 1);
  return distance(p, { x: a.x + t * dx, y: a.y + t * dy });
}

function segments(points: readonly Point[], closed: boolean): [Point, Point][] {
  const out: [Point, Point][] = [];
  for (let i = 1; i < points.length; i += 1) out.push([points[i - 1] as Point, points[i] as Point]);
  if (closed && points.length > 2) out.push([points[points.length - 1] as Point, points[0] as Point]);
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

// Where a video's frame is drawn inside its element, and the mapping between
// element points (CSS px, as the user sees them) and frame fractions (0,0 top
// left .. 1,1 bottom right of the frame as the camera captures it, never
// mirrored). `object-position` is the default (centred). Pure.

export type ObjectFit = "contain" | "cover" | "fill" | "none" | "scale-down";

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A video element as laid out: its content box and how the frame fits in it. */
export interface VideoView {
  /** Content box size, CSS px (points are relative to its top left corner). */
  width: number;
  height: number;
  /** The frame's intrinsic size (`videoWidth` / `videoHeight`); 0 while unknown. */
  videoWidth: number;
  videoHeight: number;
  fit: ObjectFit;
  /** Flipped horizontally around the element's centre (a front-camera self-view). */
  mirrored: boolean;
}

const FITS: readonly ObjectFit[] = ["contain", "cover", "fill", "none", "scale-down"];

/** A computed `object-fit` value as an `ObjectFit` (unknown values: `fill`, the CSS default). */
export function parseObjectFit(value: string): ObjectFit {
  const v = value.trim().toLowerCase();
  return (FITS as readonly string[]).includes(v) ? (v as ObjectFit) : "fill";
}

/**
 * Whether a computed `transform` (`none`, `matrix(a, b, c, d, e, f)` or
 * `matrix3d(...)`) flips the x axis: a negative horizontal scale.
 */
export function isMirroredTransform(transform: string): boolean {
  const m = /^matrix(3d)?\(([^)]*)\)$/i.exec(transform.trim());
  if (!m || !m[2]) return false;
  const values = m[2].split(",").map((s) => Number.parseFloat(s));
  // 2D: a, d are values 0 and 3; 3D: m11, m22 are values 0 and 5.
  const a = values[0];
  const d = values[m[1] ? 5 : 3];
  if (a === undefined || d === undefined || !Number.isFinite(a) || !Number.isFinite(d)) return false;
  // A left-right flip: x scaled negatively, y not (a 180-degree turn flips both).
  return a < 0 && d > 0;
}

/**
 * The rectangle (in the element's unmirrored content box) the frame is
 * drawn into; it may extend past the box (`cover`, `none`). Null while the
 * frame size or the box is unknown.
 */
export function frameRect(view: VideoView): Rect | null {
  const { width: bw, height: bh, videoWidth: vw, videoHeight: vh } = view;
  if (!(bw > 0 && bh > 0 && vw > 0 && vh > 0)) return null;
  let w: number;
  let h: number;
  switch (view.fit) {
    case "fill":
      return { x: 0, y: 0, width: bw, height: bh };
    case "contain":
    case "cover": {
      const scale = view.fit === "contain" ? Math.min(bw / vw, bh / vh) : Math.max(bw / vw, bh / vh);
      w = vw * scale;
      h = vh * scale;
      break;
    }
    case "none":
      w = vw;
      h = vh;
      break;
    case "scale-down": {
      const scale = Math.min(1, Math.min(bw / vw, bh / vh));
      w = vw * scale;
      h = vh * scale;
      break;
    }
  }
  return { x: (bw - w) / 2, y: (bh - h) / 2, width: w, height: h };
}

/** The part of the frame the user can see: the frame rectangle clipped to the box. */
export function visibleFrameRect(view: VideoView): Rect | null {
  const r = frameRect(view);
  if (!r) return null;
  const x0 = Math.max(0, r.x);
  const y0 = Math.max(0, r.y);
  const x1 = Math.min(view.width, r.x + r.width);
  const y1 = Math.min(view.height, r.y + r.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/**
 * An element point -> the frame fraction under it. Null when the point is
 * not on the visible frame (letterbox bars, outside the box) or the frame
 * size is unknown.
 */
export function elementToFrame(view: VideoView, p: Point): Point | null {
  const r = frameRect(view);
  if (!r) return null;
  if (p.x < 0 || p.y < 0 || p.x > view.width || p.y > view.height) return null;
  // The mirror flips the drawn content around the box's centre.
  const ux = view.mirrored ? view.width - p.x : p.x;
  const fx = (ux - r.x) / r.width;
  const fy = (p.y - r.y) / r.height;
  if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return null;
  return { x: fx, y: fy };
}

/**
 * A frame fraction -> the element point where it is drawn. Null when the
 * frame size is unknown or that part of the frame is cropped away (`cover`).
 */
export function frameToElement(view: VideoView, f: Point): Point | null {
  const r = frameRect(view);
  if (!r) return null;
  const ux = r.x + f.x * r.width;
  const y = r.y + f.y * r.height;
  const x = view.mirrored ? view.width - ux : ux;
  // A little slack for rounding at the edges.
  const eps = 1e-6;
  if (x < -eps || y < -eps || x > view.width + eps || y > view.height + eps) return null;
  return { x, y };
}

/** Clamps a fraction to 0..1 (NaN -> 0). */
export function clamp01(v: number): number {
  if (!(v > 0)) return 0;
  return v > 1 ? 1 : v;
}

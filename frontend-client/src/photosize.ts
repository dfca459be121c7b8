// The frame size to ask the camera for while taking an HD photo (pure).

export interface Size {
  width: number;
  height: number;
}

/** The largest size a camera offers (`getCapabilities()`), or null when it does not say. */
export function largestSize(caps: { width?: { max?: number }; height?: { max?: number } } | undefined): Size | null {
  const w = caps?.width?.max;
  const h = caps?.height?.max;
  if (!w || !h || !Number.isFinite(w) || !Number.isFinite(h)) return null;
  return { width: Math.round(w), height: Math.round(h) };
}

/** The larger of two sizes (by pixel count); `a` on a tie. */
export function larger(a: Size, b: Size | null): Size {
  return b && b.width * b.height > a.width * a.height ? b : a;
}

/** "photo-2026-11-21-12-04-41.jpg" for a local time. */
export function photoName(at: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `photo-${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}-${p(at.getHours())}-${p(at.getMinutes())}-${p(at.getSeconds())}.jpg`;
}

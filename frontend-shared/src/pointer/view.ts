// A <video> element's layout as a `VideoView` (geometry.ts), and points in
// its content box. Reads the live DOM; the math is in geometry.ts.

import { isMirroredTransform, parseObjectFit, type Point, type VideoView } from "./geometry";

/** The element's content box size, the frame size, `object-fit` and mirroring, as laid out now. */
export function videoViewOf(video: HTMLVideoElement): VideoView {
  const style = getComputedStyle(video);
  return {
    width: video.clientWidth,
    height: video.clientHeight,
    videoWidth: video.videoWidth,
    videoHeight: video.videoHeight,
    fit: parseObjectFit(style.objectFit),
    mirrored: isMirroredTransform(style.transform),
  };
}

/** A viewport point (e.g. a pointer event's clientX/Y) relative to the video's content box. */
export function pointInVideo(video: HTMLVideoElement, clientX: number, clientY: number): Point {
  const r = video.getBoundingClientRect();
  // A flip around the centre leaves the bounding box (and equal borders) where they are.
  return { x: clientX - r.left - video.clientLeft, y: clientY - r.top - video.clientTop };
}

/** Whether the user asked for less motion. */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

// Connection-timing marks (docs/control-ws.md `timing`).

import type { ControlIn, TimingMark } from "./protocol";

/** The `timing` frame for a mark, stamped now; also logged with console.info. */
export function timingMark(mark: TimingMark, atMs: number = Date.now()): ControlIn {
  console.info(`timing ${mark} at_ms=${atMs}`);
  return { type: "timing", mark, at_ms: atMs };
}

/**
 * Calls `cb` once, when the first frame of the video element's current source
 * is decoded (requestVideoFrameCallback; the `playing` event where it is
 * missing). Returns a function that cancels.
 */
export function onFirstFrame(video: HTMLVideoElement, cb: () => void): () => void {
  let done = false;
  const fire = (): void => {
    if (done) return;
    done = true;
    cancel();
    cb();
  };
  let handle: number | undefined;
  const onPlaying = (): void => {
    if (video.videoWidth > 0) fire();
  };
  if (typeof video.requestVideoFrameCallback === "function") {
    handle = video.requestVideoFrameCallback(() => fire());
  } else {
    video.addEventListener("playing", onPlaying);
    video.addEventListener("resize", onPlaying);
  }
  function cancel(): void {
    if (handle !== undefined && typeof video.cancelVideoFrameCallback === "function") video.cancelVideoFrameCallback(handle);
    video.removeEventListener("playing", onPlaying);
    video.removeEventListener("resize", onPlaying);
  }
  return () => {
    done = true;
    cancel();
  };
}

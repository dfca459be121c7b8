// The HD photo the agent asks for: a still of the client's camera at its full
// resolution. `ImageCapture.takePhoto()` where the browser has it
// (Chromium); otherwise (or when its still is smaller than the camera's
// largest video size) the camera is asked for that size for a moment, one
// frame is drawn on a canvas, and the old constraints come back. The result
// is always a JPEG.

import { larger, largestSize, type Size } from "./photosize";

/** Why no photo could be taken. */
export class PhotoError extends Error {
  constructor(
    readonly outcome: "unavailable" | "failed",
    message: string,
  ) {
    super(message);
    this.name = "PhotoError";
  }
}

const JPEG_QUALITY = 0.92;
/** How long the camera may take to deliver the larger frames. */
const SETTLE_MS = 1_500;

interface PhotoCapabilitiesLike {
  imageWidth?: { max?: number };
  imageHeight?: { max?: number };
}
interface ImageCaptureLike {
  takePhoto(settings?: { imageWidth?: number; imageHeight?: number }): Promise<Blob>;
  getPhotoCapabilities?(): Promise<PhotoCapabilitiesLike>;
}
type ImageCaptureCtor = new (track: MediaStreamTrack) => ImageCaptureLike;

function imageCaptureCtor(): ImageCaptureCtor | null {
  const ctor = (globalThis as { ImageCapture?: ImageCaptureCtor }).ImageCapture;
  return typeof ctor === "function" ? ctor : null;
}

function sizeOf(track: MediaStreamTrack): Size {
  const s = track.getSettings();
  return { width: s.width ?? 0, height: s.height ?? 0 };
}

interface Shot {
  blob: Blob;
  size: Size;
}

const area = (s: Size): number => s.width * s.height;

/**
 * A JPEG of the camera's picture, as large as the camera gives: the
 * still of `takePhoto()` when it is at least the camera's largest video
 * size, else the larger of it and a frame grabbed at that size.
 */
export async function takePhoto(track: MediaStreamTrack | null): Promise<Shot> {
  if (!track || track.readyState !== "live") throw new PhotoError("unavailable", "no camera");
  const target = larger(sizeOf(track), largestSize(track.getCapabilities?.()));
  let best: Shot | null = null;
  const ctor = imageCaptureCtor();
  if (ctor) {
    try {
      const still = await viaImageCapture(new ctor(track));
      const bitmap = await createImageBitmap(still);
      const size = { width: bitmap.width, height: bitmap.height };
      best = { blob: still.type === "image/jpeg" ? still : await toJpeg(bitmap), size };
      bitmap.close();
      if (area(size) >= area(target)) return best;
    } catch (err) {
      console.warn("takePhoto failed, grabbing a frame instead", err);
    }
  }
  try {
    const grabbed = await grabFrame(track, target);
    if (!best || area(grabbed.size) > area(best.size)) best = grabbed;
  } catch (err) {
    if (!best) throw err;
  }
  return best;
}

async function viaImageCapture(capture: ImageCaptureLike): Promise<Blob> {
  try {
    const caps = await capture.getPhotoCapabilities?.();
    const w = caps?.imageWidth?.max;
    const h = caps?.imageHeight?.max;
    if (w && h) return await capture.takePhoto({ imageWidth: w, imageHeight: h });
  } catch {
    // the settings were refused: take it with the defaults
  }
  return capture.takePhoto();
}

/**
 * One frame at `target`: the camera is asked for that size for a moment
 * (the call sends it meanwhile, as WebRTC adapts), one frame is drawn, and
 * the old constraints come back. (A clone of the track would not do:
 * Chromium does not restart a camera that another track uses.)
 */
async function grabFrame(track: MediaStreamTrack, target: Size): Promise<Shot> {
  const saved = track.getConstraints();
  let want = sizeOf(track);
  let raised = false;
  if (area(target) > area(want)) {
    try {
      await track.applyConstraints({ ...saved, width: { ideal: target.width }, height: { ideal: target.height } });
      raised = true;
      // What the camera really gives now (it may not restart for a larger size).
      want = sizeOf(track);
    } catch {
      // keep the current size
    }
  }
  try {
    return await drawFrame(track, want);
  } finally {
    if (raised) await track.applyConstraints(saved).catch(() => undefined);
  }
}

/** Draws one frame of the track (after it reached `want`, or a moment) into a JPEG. */
async function drawFrame(track: MediaStreamTrack, want: Size): Promise<Shot> {
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  try {
    await video.play();
    const deadline = Date.now() + SETTLE_MS;
    while (Date.now() < deadline && (video.videoWidth < want.width || video.videoHeight < want.height)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!video.videoWidth || !video.videoHeight) throw new PhotoError("unavailable", "the camera gives no picture");
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new PhotoError("failed", "no canvas");
    ctx.drawImage(video, 0, 0);
    const blob = await canvasJpeg(canvas);
    return { blob, size: { width: canvas.width, height: canvas.height } };
  } finally {
    video.pause();
    video.srcObject = null;
  }
}

async function toJpeg(bitmap: ImageBitmap): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new PhotoError("failed", "no canvas");
  ctx.drawImage(bitmap, 0, 0);
  return canvasJpeg(canvas);
}

function canvasJpeg(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new PhotoError("failed", "the picture could not be encoded"))), "image/jpeg", JPEG_QUALITY),
  );
}

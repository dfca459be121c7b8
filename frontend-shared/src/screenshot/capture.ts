// Grabs the current frame of a <video> at its full decoded resolution
// (`videoWidth` × `videoHeight`, not the size it is shown at) and encodes
// it as JPEG. CSS transforms (the mirrored self-view) do not apply to
// `drawImage`, so the picture is the frame as captured, unmirrored.

/** JPEG quality of screenshots and annotated copies. */
export const JPEG_QUALITY = 0.92;

/** Whether the video has a frame to capture now. */
export function hasFrame(video: HTMLVideoElement): boolean {
  return video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0 && video.videoHeight > 0;
}

export interface Capture {
  readonly blob: Blob;
  readonly width: number;
  readonly height: number;
}

/** The canvas as a JPEG Blob. */
export function canvasToJpeg(canvas: HTMLCanvasElement, quality = JPEG_QUALITY): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the picture could not be encoded"))), "image/jpeg", quality);
  });
}

/** The video's current frame as a JPEG; rejects when there is none. */
export async function captureFrame(video: HTMLVideoElement): Promise<Capture> {
  if (!hasFrame(video)) throw new Error("no video frame");
  const width = video.videoWidth;
  const height = video.videoHeight;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas");
  ctx.drawImage(video, 0, 0, width, height);
  return { blob: await canvasToJpeg(canvas), width, height };
}

/**
 * Keeps a button enabled only while the video has a frame: checks on the
 * video's own events and once a second (a new `srcObject` does not always
 * say so). Returns a stop function.
 */
export function enableWhileFrames(video: HTMLVideoElement, button: HTMLButtonElement, busy: () => boolean): () => void {
  const check = (): void => {
    const ready = hasFrame(video);
    button.disabled = !ready || busy();
    button.dataset.ready = String(ready);
  };
  const events = ["loadeddata", "playing", "resize", "emptied", "ended", "pause"];
  for (const e of events) video.addEventListener(e, check);
  const timer = setInterval(check, 1000);
  check();
  return () => {
    clearInterval(timer);
    for (const e of events) video.removeEventListener(e, check);
  };
}

/** A short white flash over `stage` (the camera-shutter feedback). */
export function flash(stage: HTMLElement): void {
  const node = document.createElement("div");
  node.className = "shot-flash";
  node.setAttribute("aria-hidden", "true");
  stage.appendChild(node);
  setTimeout(() => node.remove(), 450);
}

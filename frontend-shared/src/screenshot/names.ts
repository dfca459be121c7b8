// Pure: names and kinds of screenshot files.

import type { FileInfo, FileKind } from "../protocol";

const pad = (n: number): string => String(n).padStart(2, "0");

/** `screenshot-2026-11-21-10-15-30.jpg` (local time); `prefix` for an annotated copy. */
export function screenshotName(at: Date, prefix = "screenshot"): string {
  const d = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  const t = `${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}`;
  return `${prefix}-${d}-${t}.jpg`;
}

/** Picture kinds the viewer and the editor deal with. */
const PICTURE_KINDS: readonly FileKind[] = ["screenshot", "photo", "annotated"];

/** A picture the browser can show (by its sniffed content type). */
export function isViewableImage(file: Pick<FileInfo, "content_type">): boolean {
  return /^image\/(jpeg|png|gif|webp)$/i.test(file.content_type);
}

/** A screenshot, photo or annotated picture (the viewer opens it from its thumbnail). */
export function isPicture(file: Pick<FileInfo, "kind" | "content_type">): boolean {
  return PICTURE_KINDS.includes(file.kind) && isViewableImage(file);
}

/** The agent can draw on a screenshot or a photo. */
export function canAnnotate(file: Pick<FileInfo, "kind" | "content_type">): boolean {
  return (file.kind === "screenshot" || file.kind === "photo") && isViewableImage(file);
}

/** The query of an upload of this kind (`?kind=annotated&original=<id>`); empty for a plain chat file. */
export function uploadQuery(kind: FileKind | undefined, original?: string): string {
  if (!kind || kind === "chat") return "";
  const q = new URLSearchParams({ kind });
  if (original) q.set("original", original);
  return `?${q.toString()}`;
}

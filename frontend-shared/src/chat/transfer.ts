// Files of the chat (vc-fileserver): upload with progress and cancel
// (XMLHttpRequest: `upload.onprogress`, `abort()`), download with progress
// (fetch + ReadableStream, saved through an object URL), thumbnails. Every
// request carries the bearer header; tokens never go into URLs.

import type { FileInfo, FileKind } from "../protocol";
import { ApiError, errorFrom } from "../api";
import { uploadQuery } from "../screenshot/names";

/** How a party authorizes its requests. */
export interface ChatAuth {
  /** The bearer token (staff access token or client token). */
  token(): Promise<string | null>;
  /** After a 401: get a fresh token; true when there is one to retry with. */
  renew(): Promise<boolean>;
}

/** The user cancelled the upload. */
export class UploadCancelled extends Error {
  constructor() {
    super("upload cancelled");
    this.name = "UploadCancelled";
  }
}

export interface Upload {
  readonly done: Promise<FileInfo>;
  /** Cancels: the request is aborted and the server keeps nothing. */
  cancel(): void;
}

export type Progress = (loaded: number, total: number) => void;

export function uploadPath(interactionId: string): string {
  return `/api/interactions/${encodeURIComponent(interactionId)}/files`;
}

export function filePath(fileId: string): string {
  return `/api/files/${encodeURIComponent(fileId)}`;
}

/** What a file is, for `?kind=&original=` (a plain chat file without). */
export interface UploadKind {
  kind?: FileKind;
  /** For `annotated`: the file drawn on. */
  original?: string;
}

/** `POST /api/interactions/{id}/files` with the raw file; retries once after a 401. */
export function uploadFile(
  interactionId: string,
  file: File,
  auth: ChatAuth,
  onProgress: Progress,
  what: UploadKind = {},
): Upload {
  let xhr: XMLHttpRequest | null = null;
  let cancelled = false;
  let rejectCancel: ((err: Error) => void) | null = null;

  const attempt = (token: string | null): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      if (cancelled) {
        reject(new UploadCancelled());
        return;
      }
      rejectCancel = reject;
      const req = new XMLHttpRequest();
      xhr = req;
      req.open("POST", uploadPath(interactionId) + uploadQuery(what.kind, what.original));
      if (token) req.setRequestHeader("Authorization", `Bearer ${token}`);
      req.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
      req.setRequestHeader("Content-Type", "application/octet-stream");
      req.setRequestHeader("Accept", "application/json");
      req.upload.onprogress = (ev) => onProgress(ev.loaded, ev.lengthComputable ? ev.total : file.size);
      req.onload = () => resolve({ status: req.status, body: req.responseText });
      req.onerror = () => reject(new ApiError(0, "network", "the upload was interrupted"));
      req.onabort = () => reject(new UploadCancelled());
      req.send(file);
    });

  const run = async (): Promise<FileInfo> => {
    let answer = await attempt(await auth.token());
    if (answer.status === 401 && !cancelled && (await auth.renew())) {
      onProgress(0, file.size);
      answer = await attempt(await auth.token());
    }
    if (answer.status === 201 || answer.status === 200) return JSON.parse(answer.body) as FileInfo;
    throw errorOf(answer.status, answer.body);
  };

  return {
    done: run(),
    cancel() {
      if (cancelled) return;
      cancelled = true;
      xhr?.abort();
      rejectCancel?.(new UploadCancelled());
    },
  };
}

/** The `ApiError` of an answer body `{code, message}`. Pure. */
export function errorOf(status: number, body: string): ApiError {
  let code = `http_${status}`;
  let message = code;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null) {
      const r = parsed as Record<string, unknown>;
      if (typeof r.code === "string") code = r.code;
      if (typeof r.message === "string") message = r.message;
    }
  } catch {
    // not JSON
  }
  if (status === 413 && code === `http_${status}`) code = "file_too_large";
  return new ApiError(status, code, message);
}

/** A GET with the bearer header; once more with a fresh token after a 401. */
async function authorizedGet(path: string, auth: ChatAuth, signal?: AbortSignal): Promise<Response> {
  const get = async (): Promise<Response> => {
    const token = await auth.token();
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await fetch(path, { headers, credentials: "same-origin", signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiError(0, "network", err instanceof Error ? err.message : String(err));
    }
  };
  let res = await get();
  if (res.status === 401 && (await auth.renew())) res = await get();
  if (!res.ok) throw await errorFrom(res);
  return res;
}

/** `GET /api/files/{id}` read chunk by chunk, with progress; the whole file as a Blob.
 * Takes a chat file's `FileInfo`, or just what a download needs (a recording). */
export async function downloadFile(
  file: Pick<FileInfo, "id" | "size" | "content_type">,
  auth: ChatAuth,
  onProgress: Progress,
  signal?: AbortSignal,
): Promise<Blob> {
  const res = await authorizedGet(filePath(file.id), auth, signal);
  const length = Number(res.headers.get("Content-Length"));
  const total = Number.isFinite(length) && length > 0 ? length : file.size;
  const type = file.content_type || "application/octet-stream";
  if (!res.body) {
    const blob = await res.blob();
    onProgress(blob.size, blob.size);
    return blob;
  }
  const reader = res.body.getReader();
  const chunks: BlobPart[] = [];
  let loaded = 0;
  onProgress(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress(loaded, total);
  }
  return new Blob(chunks, { type });
}

/** `GET /api/files/{id}/thumbnail` as a Blob. */
export async function fetchThumbnail(fileId: string, auth: ChatAuth, signal?: AbortSignal): Promise<Blob> {
  const res = await authorizedGet(`${filePath(fileId)}/thumbnail`, auth, signal);
  return res.blob();
}

/** Saves a Blob as a download named `name` (an `<a download>` on an object URL). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The browser has taken the data once the download started.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

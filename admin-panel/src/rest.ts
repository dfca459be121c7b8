// REST calls the shared JSON client does not cover: a raw upload with the
// staff session (refreshed once on an expired token, like `api()`), and
// query strings.

import { ApiError, errorFrom, freshAccessToken, refreshSession } from "@shared/api";

/** `?a=1&b=x` from the given values; empty and undefined ones are left out. */
export function query(params: Readonly<Record<string, string | number | boolean | null | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

async function post(path: string, body: Blob, type: string, token: string): Promise<Response> {
  try {
    return await fetch(path, {
      method: "POST",
      headers: { "Content-Type": type, Accept: "application/json", Authorization: `Bearer ${token}` },
      body,
      credentials: "same-origin",
    });
  } catch (err) {
    throw new ApiError(0, "network", err instanceof Error ? err.message : String(err));
  }
}

/** POSTs a file as the raw body with its content type; the JSON answer. */
export async function uploadRaw<T>(path: string, file: Blob, type: string): Promise<T> {
  const token = await freshAccessToken();
  if (!token) throw new ApiError(401, "unauthorized", "not signed in");
  let res = await post(path, file, type, token);
  if (res.status === 401) {
    const renewed = await refreshSession();
    if (!renewed) throw await errorFrom(res);
    res = await post(path, file, type, renewed.access_token);
  }
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

/** Where the public logo of a file id is served. */
export function logoUrl(fileId: string): string {
  return `/api/branding/logo/${encodeURIComponent(fileId)}`;
}

async function get(path: string, token: string): Promise<Response> {
  try {
    return await fetch(path, { headers: { Authorization: `Bearer ${token}` }, credentials: "same-origin", cache: "no-store" });
  } catch (err) {
    throw new ApiError(0, "network", err instanceof Error ? err.message : String(err));
  }
}

/** The file name of a `Content-Disposition` header (`filename*=UTF-8''…` first), or null. */
export function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain?.[1]?.trim() || null;
}

/**
 * GETs a file with the staff session's bearer header (refreshed once on a
 * 401, like `api()`); the body as a Blob and the name the server gave. A
 * failure is an `ApiError` from the `{code, message}` answer.
 */
export async function getBlob(path: string): Promise<{ blob: Blob; name: string | null }> {
  const token = await freshAccessToken();
  if (!token) throw new ApiError(401, "unauthorized", "not signed in");
  let res = await get(path, token);
  if (res.status === 401) {
    const renewed = await refreshSession();
    if (!renewed) throw await errorFrom(res);
    res = await get(path, renewed.access_token);
  }
  if (!res.ok) throw await errorFrom(res);
  return { blob: await res.blob(), name: dispositionName(res.headers.get("Content-Disposition")) };
}

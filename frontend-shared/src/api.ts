// JSON REST client. Errors become `ApiError {status, code, message}` from the
// server's `{code, message}` bodies. Staff calls carry the access token of the
// session kept in sessionStorage; on a 401 for an expired, revoked or invalid
// token the client refreshes once (rotation: the answer is a new pair) and
// retries. A failed refresh clears the session and tells the app (-> login).

import type { LoginRequest, RefreshRequest, TokenPair, UserRef } from "./protocol";
import { Emitter } from "./emitter";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The server's error code (`ErrorCode` or an interaction code such as
     * `link_expired`); `network` when the server could not be reached. */
    readonly code: string,
    message: string,
    /** Seconds from `Retry-After` (429, 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** How a request is authorized. */
export type Auth = { kind: "staff" } | { kind: "bearer"; token: string } | { kind: "none" };

export interface StaffSession {
  access_token: string;
  refresh_token: string;
  /** Epoch ms when the access token expires (from `expires_in`). */
  access_expires_at: number;
  user: UserRef;
}

const SESSION_KEY = "va.staff.session";
const REFRESHABLE = new Set(["token_expired", "token_revoked", "invalid_token"]);

const sessionEvents = new Emitter<{ lost: ApiError | null; changed: StaffSession | null }>();

function isStaffSession(v: unknown): v is StaffSession {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.access_token === "string" &&
    typeof r.refresh_token === "string" &&
    typeof r.access_expires_at === "number" &&
    typeof r.user === "object" &&
    r.user !== null
  );
}

export const session = {
  get(): StaffSession | null {
    try {
      const raw = sessionStorage.getItem(SESSION_KEY);
      if (!raw) return null;
      const parsed: unknown = JSON.parse(raw);
      return isStaffSession(parsed) ? parsed : null;
    } catch {
      return null;
    }
  },
  store(pair: TokenPair): StaffSession {
    const s: StaffSession = {
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
      access_expires_at: Date.now() + pair.expires_in * 1000,
      user: pair.user,
    };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    sessionEvents.emit("changed", s);
    return s;
  },
  clear(): void {
    sessionStorage.removeItem(SESSION_KEY);
    sessionEvents.emit("changed", null);
  },
  /** Called when the session is gone (refresh failed); the app shows login. */
  onLost(listener: (reason: ApiError | null) => void): () => void {
    return sessionEvents.on("lost", listener);
  },
};

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** The `ApiError` of a failed answer (`{code, message}` body, else the status). */
export async function errorFrom(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || code;
  try {
    const body: unknown = await res.json();
    if (typeof body === "object" && body !== null) {
      const r = body as Record<string, unknown>;
      if (typeof r.code === "string") code = r.code;
      if (typeof r.message === "string") message = r.message;
    }
  } catch {
    // not JSON: keep the status
  }
  return new ApiError(res.status, code, message, parseRetryAfter(res.headers.get("Retry-After")));
}

async function send(method: string, path: string, body: unknown, bearer: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      // Answers are the state now (settings, branding): never from the HTTP cache.
      cache: "no-store",
    });
  } catch (err) {
    throw new ApiError(0, "network", err instanceof Error ? err.message : String(err));
  }
}

async function decode<T>(res: Response): Promise<T> {
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

let refreshing: Promise<StaffSession | null> | null = null;

/** Refreshes the staff session once (concurrent callers share the attempt). */
export function refreshSession(): Promise<StaffSession | null> {
  if (!refreshing) {
    refreshing = (async () => {
      const current = session.get();
      if (!current) return null;
      try {
        const body: RefreshRequest = { refresh_token: current.refresh_token };
        const res = await send("POST", "/api/auth/refresh", body, null);
        const pair = await decode<TokenPair>(res);
        return session.store(pair);
      } catch (err) {
        // A network failure is not a verdict on the session: keep it.
        if (err instanceof ApiError && err.code === "network") return null;
        session.clear();
        sessionEvents.emit("lost", err instanceof ApiError ? err : null);
        return null;
      }
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

/** The access token, refreshed first when it expires within `marginMs`. */
export async function freshAccessToken(marginMs = 30_000): Promise<string | null> {
  const s = session.get();
  if (!s) return null;
  if (s.access_expires_at - Date.now() > marginMs) return s.access_token;
  const renewed = await refreshSession();
  return renewed?.access_token ?? null;
}

/** A JSON REST call. `body` is sent as JSON when given. */
export async function api<T>(method: string, path: string, body?: unknown, auth: Auth = { kind: "staff" }): Promise<T> {
  if (auth.kind !== "staff") {
    return decode<T>(await send(method, path, body, auth.kind === "bearer" ? auth.token : null));
  }
  const s = session.get();
  if (!s) {
    const err = new ApiError(401, "unauthorized", "not signed in");
    sessionEvents.emit("lost", err);
    throw err;
  }
  const res = await send(method, path, body, s.access_token);
  if (res.status !== 401) return decode<T>(res);
  const err = await errorFrom(res);
  if (!REFRESHABLE.has(err.code)) throw err;
  // Another call may have refreshed meanwhile: then just use the new token.
  const latest = session.get();
  const renewed = latest && latest.access_token !== s.access_token ? latest : await refreshSession();
  if (!renewed) throw err;
  const retry = await send(method, path, body, renewed.access_token);
  if (retry.status === 401) {
    const again = await errorFrom(retry);
    session.clear();
    sessionEvents.emit("lost", again);
    throw again;
  }
  return decode<T>(retry);
}

/** Signs in and stores the session. */
export async function login(loginName: string, password: string): Promise<StaffSession> {
  const body: LoginRequest = { login: loginName, password };
  const pair = await api<TokenPair>("POST", "/api/auth/login", body, { kind: "none" });
  return session.store(pair);
}

/** Signs out (ends the refresh session on the server) and clears the session. */
export async function logout(): Promise<void> {
  const s = session.get();
  session.clear();
  if (!s) return;
  const body: RefreshRequest = { refresh_token: s.refresh_token };
  try {
    await api<void>("POST", "/api/auth/logout", body, { kind: "none" });
  } catch {
    // the session is cleared locally either way
  }
}

// The signaling WebSocket with the media gateway (docs/signaling.md): typed
// frames in and out, a keep-alive ping.

import type { SignalIn, SignalOut } from "./protocol";
import { Emitter } from "./emitter";

/**
 * `MediaAccess.signaling_url` as a WebSocket URL: an absolute ws(s) URL is
 * kept, an http(s) URL or a path is resolved against the page origin with
 * ws:// (or wss:// on https pages). Pure.
 */
export function resolveSignalingUrl(url: string, loc: { protocol: string; host: string }): string {
  if (/^wss?:\/\//i.test(url)) return url;
  const base = `${loc.protocol}//${loc.host}/`;
  const resolved = new URL(url, base);
  if (resolved.protocol === "https:") resolved.protocol = "wss:";
  else if (resolved.protocol === "http:") resolved.protocol = "ws:";
  return resolved.toString();
}

export interface SignalingEvents {
  open: undefined;
  message: SignalOut;
  close: { code: number; reason: string };
}

const PING_MS = 15_000;

export class SignalingSocket extends Emitter<SignalingEvents> {
  private readonly ws: WebSocket;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(url: string) {
    super();
    this.ws = new WebSocket(url);
    this.ws.onopen = () => {
      this.pingTimer = setInterval(() => this.send({ type: "ping" }), PING_MS);
      this.emit("open", undefined);
    };
    this.ws.onmessage = (ev: MessageEvent) => {
      if (this.closed || typeof ev.data !== "string") return;
      let msg: SignalOut;
      try {
        msg = JSON.parse(ev.data) as SignalOut;
      } catch {
        return;
      }
      this.emit("message", msg);
    };
    this.ws.onclose = (ev: CloseEvent) => {
      if (this.closed) return;
      this.closed = true;
      this.stopPing();
      this.emit("close", { code: ev.code, reason: ev.reason });
    };
  }

  send(msg: SignalIn): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /** Closes without emitting `close` (the page chose to). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopPing();
    this.clear();
    this.ws.onopen = null;
    this.ws.onmessage = null;
    this.ws.onclose = null;
    if (this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000);
  }

  private stopPing(): void {
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }
}

// The control channel (docs/control-ws.md): one WebSocket per page to
// `/api/interactions/{id}/ws`. First frame `hello {token, last_seq}`; keeps
// the last event seq so a reconnect resumes without gaps or repeats; `ping`
// every 10 s; reconnects with backoff 0.5-5 s until a final close
// (4401/4403/4404) or the interaction ended.

import type { ChatMessage, ControlIn, ControlOut, InteractionEvent, InteractionSnapshot, Party, ReadMarks } from "./protocol";
import { Emitter } from "./emitter";
import { backoffDelay } from "./backoff";

/** Close codes after which the page must not reconnect. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([4401, 4403, 4404]);

export function isFinalClose(code: number): boolean {
  return FINAL_CLOSE_CODES.has(code);
}

/** `ws(s)://<host>/api/interactions/<id>/ws` for the page's location. Pure. */
export function controlUrl(interactionId: string, loc: { protocol: string; host: string }): string {
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${loc.host}/api/interactions/${encodeURIComponent(interactionId)}/ws`;
}

export type SeqVerdict = "live" | "replay" | "duplicate";

/**
 * Seq bookkeeping across reconnects. `hello` carries `lastSeq`; after a
 * welcome, events up to the welcome's `last_seq` are already reflected in its
 * snapshot ("replay"), later ones are "live"; anything at or below the last
 * seen seq is a duplicate. Pure.
 */
export class ResumeState {
  private last: number | undefined;
  private welcomeSeq: number | undefined;

  /** The `last_seq` to put in the next `hello` (undefined on first open). */
  get lastSeq(): number | undefined {
    return this.last;
  }

  onWelcome(lastSeq: number): void {
    this.welcomeSeq = lastSeq;
  }

  onEvent(seq: number): SeqVerdict {
    if (this.last !== undefined && seq <= this.last) return "duplicate";
    this.last = seq;
    return this.welcomeSeq !== undefined && seq <= this.welcomeSeq ? "replay" : "live";
  }
}

export interface WelcomeInfo {
  role: Party;
  interaction: InteractionSnapshot;
  last_seq: number;
  /** The chat's last seq; stored messages after the hello's `last_chat_seq` follow as `chat`. */
  last_chat_seq: number;
  /** Up to which chat seq each party has read. */
  read: ReadMarks;
  /** True for the first welcome of this channel object. */
  first: boolean;
}

export interface ControlEvents {
  welcome: WelcomeInfo;
  /** `live` is false for events already reflected in the last welcome's snapshot. */
  event: { event: InteractionEvent; live: boolean };
  state: ControlState;
  error: { code: string; message: string };
  /** The channel stopped for good (final close code, ended, or `close()`). */
  closed: { code: number; reason: string };
  /** A stored chat message (replayed after a welcome, then live). */
  chat: ChatMessage;
  /** The server stored a chat message this connection sent. */
  chat_ack: { client_msg_id: string; message: ChatMessage };
  /** The server refused a chat message this connection sent. */
  chat_error: { client_msg_id: string; code: string; message: string };
  /** A party has read the chat up to `seq`. */
  chat_read: { party: Party; seq: number };
}

export type ControlState = "connecting" | "open" | "reconnecting" | "closed";

export interface ControlOptions {
  interactionId: string;
  /** The access token or client token to put in `hello`. */
  getToken: () => Promise<string | null>;
  /** On 4401: try to get a fresh token; resolve true to retry once. */
  onUnauthorized?: () => Promise<boolean>;
  /** Overrides the URL (tests). */
  url?: string;
}

const PING_MS = 10_000;
const SILENCE_MS = 25_000;
const MAX_QUEUE = 32;

export class ControlChannel extends Emitter<ControlEvents> {
  private ws: WebSocket | null = null;
  private readonly resume = new ResumeState();
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  private welcomed = false;
  private welcomes = 0;
  private stopped = false;
  private ended = false;
  private unauthorizedRetried = false;
  private queue: ControlIn[] = [];
  private chatSeq: (() => number) | null = null;
  private readonly onOnline = (): void => {
    if (this.reconnectTimer !== undefined) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      void this.connect();
    }
  };

  constructor(private readonly options: ControlOptions) {
    super();
  }

  get state(): ControlState {
    if (this.stopped) return "closed";
    if (this.welcomed) return "open";
    return this.attempt === 0 && this.welcomes === 0 ? "connecting" : "reconnecting";
  }

  get lastSeq(): number | undefined {
    return this.resume.lastSeq;
  }

  /** Welcomed on an open socket: frames sent now go out at once. */
  get isOpen(): boolean {
    return !this.stopped && this.welcomed && this.ws?.readyState === WebSocket.OPEN;
  }

  /** The chat's `last_chat_seq` to put in every hello (the page's chat sets it). */
  setChatSeq(get: () => number): void {
    this.chatSeq = get;
  }

  start(): void {
    window.addEventListener("online", this.onOnline);
    void this.connect();
  }

  /** Sends a frame; frames sent before the welcome are queued. */
  send(msg: ControlIn): void {
    if (this.stopped) return;
    if (this.welcomed && this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(msg));
      return;
    }
    if (msg.type === "ping" || msg.type === "hello") return;
    if (msg.type === "media_state") this.queue = this.queue.filter((m) => m.type !== "media_state");
    this.queue.push(msg);
    if (this.queue.length > MAX_QUEUE) this.queue.shift();
  }

  /** Stops for good (no reconnect). */
  close(): void {
    this.finish(1000, "closed by page");
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.emit("state", this.welcomes === 0 ? "connecting" : "reconnecting");
    let token: string | null;
    try {
      token = await this.options.getToken();
    } catch {
      token = null;
    }
    if (this.stopped) return;
    if (!token) {
      this.finish(4401, "no token");
      return;
    }
    const url = this.options.url ?? controlUrl(this.options.interactionId, location);
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.welcomed = false;
    ws.onopen = () => {
      const last = this.resume.lastSeq;
      const hello: ControlIn = last === undefined ? { type: "hello", token } : { type: "hello", token, last_seq: last };
      if (this.chatSeq && hello.type === "hello") hello.last_chat_seq = this.chatSeq();
      ws.send(JSON.stringify(hello));
      this.lastFrameAt = Date.now();
      this.startPing(ws);
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws || typeof ev.data !== "string") return;
      this.lastFrameAt = Date.now();
      let msg: ControlOut;
      try {
        msg = JSON.parse(ev.data) as ControlOut;
      } catch {
        return;
      }
      this.handle(msg);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.detach(ws);
      void this.onSocketClosed(ev.code, ev.reason);
    };
  }

  private detach(ws: WebSocket): void {
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    if (this.ws === ws) this.ws = null;
    this.welcomed = false;
    this.stopPing();
  }

  private handle(msg: ControlOut): void {
    switch (msg.type) {
      case "welcome": {
        this.welcomed = true;
        this.attempt = 0;
        this.unauthorizedRetried = false;
        this.resume.onWelcome(msg.last_seq);
        const first = this.welcomes === 0;
        this.welcomes += 1;
        this.emit("state", "open");
        this.emit("welcome", {
          role: msg.role,
          interaction: msg.interaction,
          last_seq: msg.last_seq,
          // Absent from a server without chat.
          last_chat_seq: msg.last_chat_seq ?? 0,
          read: msg.read ?? { agent: 0, client: 0 },
          first,
        });
        const queued = this.queue;
        this.queue = [];
        for (const m of queued) this.send(m);
        if (msg.interaction.status === "ended" || msg.interaction.status === "failed") this.ended = true;
        break;
      }
      case "event": {
        const verdict = this.resume.onEvent(msg.event.seq);
        if (verdict === "duplicate") return;
        if (msg.event.event.type === "ended") this.ended = true;
        if (msg.event.event.type === "status" && (msg.event.event.status === "ended" || msg.event.event.status === "failed")) {
          this.ended = true;
        }
        this.emit("event", { event: msg.event, live: verdict === "live" });
        break;
      }
      case "chat":
        this.emit("chat", msg.message);
        break;
      case "chat_ack":
        this.emit("chat_ack", { client_msg_id: msg.client_msg_id, message: msg.message });
        break;
      case "chat_error":
        this.emit("chat_error", { client_msg_id: msg.client_msg_id, code: msg.code, message: msg.message });
        break;
      case "chat_read":
        this.emit("chat_read", { party: msg.party, seq: msg.seq });
        break;
      case "pong":
        break;
      case "error":
        this.emit("error", { code: msg.code, message: msg.message });
        break;
    }
  }

  private async onSocketClosed(code: number, reason: string): Promise<void> {
    if (this.stopped) return;
    if (this.ended) {
      this.finish(code, reason || "interaction ended");
      return;
    }
    if (code === 4401 && this.options.onUnauthorized && !this.unauthorizedRetried) {
      this.unauthorizedRetried = true;
      let retry = false;
      try {
        retry = await this.options.onUnauthorized();
      } catch {
        retry = false;
      }
      if (retry && !this.stopped) {
        void this.connect();
        return;
      }
    }
    if (isFinalClose(code)) {
      this.finish(code, reason);
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.emit("state", "reconnecting");
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  private startPing(ws: WebSocket): void {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (Date.now() - this.lastFrameAt > SILENCE_MS) {
        // A half-open connection (network switch): drop it and reconnect
        // now rather than wait for the closing handshake.
        this.detach(ws);
        ws.close(4000, "silent");
        void this.onSocketClosed(4000, "silent");
        return;
      }
      ws.send(JSON.stringify({ type: "ping" } satisfies ControlIn));
    }, PING_MS);
  }

  private stopPing(): void {
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  private finish(code: number, reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.welcomed = false;
    this.stopPing();
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    window.removeEventListener("online", this.onOnline);
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
    this.emit("state", "closed");
    this.emit("closed", { code, reason });
  }
}

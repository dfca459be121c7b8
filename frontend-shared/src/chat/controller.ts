// The chat of one interaction for one page: the ChatLog fed by the control
// channel (replay after each welcome, then live), sending with
// acknowledgement and resend after a reconnect or a reload, read marks, the
// history over REST (a finished interaction, or a gap), and file uploads one
// at a time. The view listens to `changed`.

import type { ChatHistory, ChatMessage, FileInfo, Party } from "../protocol";
import { ApiError } from "../api";
import type { ControlChannel, WelcomeInfo } from "../control";
import { Emitter } from "../emitter";
import { errorText } from "../errors";
import { isMessageKey, lang, t } from "../i18n";
import type { LocationDraft } from "../geo/format";
import { locationFrame } from "../geo/format";
import { ChatLog, type PendingMessage } from "./model";
import { PendingStore } from "./pending";
import { humanSize, MAX_FILE_BYTES, MAX_TEXT_BYTES, normalizeText, utf8Bytes, uuid } from "./text";
import { type ChatAuth, type Upload, UploadCancelled, uploadFile } from "./transfer";

export interface ChatOptions {
  interactionId: string;
  me: Party;
  auth: ChatAuth;
  /** A JSON REST call with this party's authorization. */
  rest: <T>(method: string, path: string) => Promise<T>;
}

export type UploadState = "queued" | "uploading" | "failed";

export interface UploadItem {
  readonly id: string;
  readonly file: File;
  state: UploadState;
  loaded: number;
  total: number;
  error?: string;
  handle?: Upload;
}

export interface ChatEvents {
  /** Messages, marks or the divider changed. */
  changed: undefined;
  /** The uploads list changed (or one's progress). */
  uploads: undefined;
  /** A message for the user (null clears it). */
  notice: string | null;
  /** Whether the page can send (and whether the channel is connected). */
  live: { canSend: boolean; connected: boolean };
}

const HISTORY_PAGE = 200;
const GAP_WAIT_MS = 1500;

/** The text of a refusal code from the server. */
export function chatErrorText(code: string, message: string): string {
  if (code === "validation_failed") return t("err.validation_failed", { message });
  const key = `err.${code}`;
  return isMessageKey(key) ? t(key) : t("err.generic", { message: message || code });
}

export class ChatController extends Emitter<ChatEvents> {
  readonly log: ChatLog;
  readonly uploads: UploadItem[] = [];
  private readonly store: PendingStore;
  private control: ControlChannel | null = null;
  private unsubscribe: (() => void)[] = [];
  /** The chat's last seq at the current connection's welcome: later ones are live. */
  private welcomeChatSeq = Number.POSITIVE_INFINITY;
  private visible: () => boolean = () => false;
  private ended = false;
  private disposed = false;
  private connected = false;
  private uploading = false;
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private historyRunning: Promise<void> | null = null;

  constructor(private readonly opts: ChatOptions) {
    super();
    this.store = new PendingStore(opts.interactionId);
    this.log = new ChatLog(opts.me, this.store.load());
  }

  get canSend(): boolean {
    return this.control !== null && !this.ended && !this.disposed;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Tells whether the user can see the chat now (open, page visible and focused). */
  setVisibility(visible: () => boolean): void {
    this.visible = visible;
  }

  /** The chat became visible or hidden: report what was read. */
  visibilityChanged(): void {
    this.reportRead();
    this.emit("changed", undefined);
  }

  /** Follows the interaction's control channel (before it starts). */
  attach(control: ControlChannel): void {
    this.control = control;
    control.setChatSeq(() => this.log.contiguousSeq);
    this.unsubscribe.push(
      control.on("welcome", (w) => this.onWelcome(w)),
      control.on("chat", (m) => this.onChat(m)),
      control.on("chat_ack", ({ client_msg_id, message }) => this.onAck(client_msg_id, message)),
      control.on("chat_error", ({ client_msg_id, code, message }) => this.onRefused(client_msg_id, code, message)),
      control.on("chat_read", ({ party, seq }) => {
        if (this.log.setRead(party, seq)) this.emit("changed", undefined);
      }),
      control.on("state", (s) => {
        const connected = s === "open";
        if (connected !== this.connected) {
          this.connected = connected;
          this.emitLive();
        }
      }),
    );
    this.emitLive();
    this.emit("changed", undefined);
  }

  /** Reads the chat over REST (a finished interaction shown from the list). */
  loadHistory(): Promise<void> {
    this.historyRunning ??= this.fetchHistory().finally(() => {
      this.historyRunning = null;
    });
    return this.historyRunning;
  }

  /** The call is over: read-only; what is still waiting will not go. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.detach();
    for (const u of [...this.uploads]) this.cancelUpload(u.id);
    this.emitLive();
    await this.loadHistory();
    this.log.settle("interaction_ended", t("err.interaction_ended"));
    this.store.clear();
    this.emit("changed", undefined);
  }

  /** The page leaves the chat (the interaction may go on: waiting messages stay stored). */
  dispose(): void {
    this.disposed = true;
    this.detach();
    for (const u of this.uploads) u.handle?.cancel();
    this.uploads.length = 0;
    this.clear();
  }

  /** The call is over and the page leaves it: nothing waiting is kept. */
  forget(): void {
    this.dispose();
    this.store.clear();
  }

  // ---- sending ----

  /** Sends what the user typed; false when it was not accepted (the input keeps it). */
  sendText(raw: string): boolean {
    const text = normalizeText(raw);
    if (!text) return false;
    const bytes = utf8Bytes(text);
    if (bytes > MAX_TEXT_BYTES) {
      this.emit("notice", t("chat.tooLong", { bytes, limit: MAX_TEXT_BYTES }));
      return false;
    }
    if (!this.canSend) {
      this.emit("notice", t("chat.readOnly"));
      return false;
    }
    this.emit("notice", null);
    this.queue(text);
    return true;
  }

  /** Checks and queues files for upload; each becomes a message once uploaded. */
  sendFiles(files: readonly File[]): void {
    if (!this.canSend) {
      this.emit("notice", t("chat.readOnly"));
      return;
    }
    const refused: string[] = [];
    for (const file of files) {
      if (file.size > MAX_FILE_BYTES) {
        refused.push(
          t("chat.fileTooLarge", {
            name: file.name,
            size: humanSize(file.size, lang()),
            limit: humanSize(MAX_FILE_BYTES, lang()),
          }),
        );
        continue;
      }
      this.uploads.push({ id: uuid(), file, state: "queued", loaded: 0, total: file.size });
    }
    this.emit("notice", refused.length ? refused.join(" ") : null);
    this.emit("uploads", undefined);
    void this.pumpUploads();
  }

  /** Sends a file the page uploaded itself (a screenshot) as a chat message; false when read-only. */
  sendUploaded(info: FileInfo): boolean {
    if (!this.canSend) {
      this.emit("notice", t("chat.readOnly"));
      return false;
    }
    this.queue("", info);
    return true;
  }

  /** Sends the client's position (a location message, acknowledged like chat); false when read-only. */
  sendLocation(draft: LocationDraft, requestId?: string): boolean {
    if (!this.canSend) {
      this.emit("notice", t("chat.readOnly"));
      return false;
    }
    this.queue("", undefined, { location: draft, ...(requestId ? { request_id: requestId } : {}) });
    return true;
  }

  /** Sends an uploaded file as the answer to the agent's request (an HD photo); false when read-only. */
  sendAnswer(info: FileInfo, requestId: string): boolean {
    if (!this.canSend) return false;
    this.queue("", info, { request_id: requestId });
    return true;
  }

  cancelUpload(id: string): void {
    const u = this.uploads.find((x) => x.id === id);
    if (!u) return;
    u.handle?.cancel();
    this.uploads.splice(this.uploads.indexOf(u), 1);
    this.emit("uploads", undefined);
  }

  /** Forgets a refused message or a failed upload. */
  dismiss(key: string): void {
    const u = this.uploads.findIndex((x) => x.id === key);
    if (u >= 0) {
      this.uploads.splice(u, 1);
      this.emit("uploads", undefined);
      return;
    }
    this.log.dismiss(key);
    this.emit("changed", undefined);
  }

  private queue(text: string, file?: FileInfo, extra?: Pick<PendingMessage, "location" | "request_id">): void {
    const chatEnd = Number.isFinite(this.welcomeChatSeq) ? this.welcomeChatSeq : 0;
    const p = this.log.queue(text, uuid(), Date.now(), file, chatEnd);
    if (extra?.location) p.location = extra.location;
    if (extra?.request_id) p.request_id = extra.request_id;
    this.store.save(this.log.unsent());
    this.transmit(p);
    this.emit("changed", undefined);
  }

  private transmit(p: PendingMessage): void {
    const control = this.control;
    // Not connected: the next welcome resends every waiting message.
    if (!control?.isOpen) return;
    if (p.location) {
      control.send(locationFrame(p.location, p.client_msg_id, p.request_id));
      return;
    }
    control.send({
      type: "chat",
      client_msg_id: p.client_msg_id,
      ...(p.text ? { text: p.text } : {}),
      ...(p.file ? { file_id: p.file.id } : {}),
      ...(p.request_id ? { request_id: p.request_id } : {}),
    });
  }

  private async pumpUploads(): Promise<void> {
    if (this.uploading) return;
    this.uploading = true;
    try {
      for (;;) {
        const u = this.uploads.find((x) => x.state === "queued");
        if (!u || this.disposed) break;
        await this.runUpload(u);
      }
    } finally {
      this.uploading = false;
    }
  }

  private async runUpload(u: UploadItem): Promise<void> {
    u.state = "uploading";
    let lastEmit = 0;
    const handle = uploadFile(this.opts.interactionId, u.file, this.opts.auth, (loaded, total) => {
      u.loaded = loaded;
      u.total = total;
      const now = Date.now();
      if (now - lastEmit > 100 || loaded >= total) {
        lastEmit = now;
        this.emit("uploads", undefined);
      }
    });
    u.handle = handle;
    this.emit("uploads", undefined);
    try {
      const info = await handle.done;
      const index = this.uploads.indexOf(u);
      if (index < 0) return; // cancelled meanwhile
      this.uploads.splice(index, 1);
      this.emit("uploads", undefined);
      if (this.ended || this.disposed) return;
      this.queue("", info);
    } catch (err) {
      if (err instanceof UploadCancelled || !this.uploads.includes(u)) return;
      u.state = "failed";
      delete u.handle;
      u.error = t("chat.uploadFailed", { name: u.file.name, reason: uploadErrorText(err) });
      this.emit("notice", u.error);
      this.emit("uploads", undefined);
    }
  }

  // ---- from the server ----

  private onWelcome(w: WelcomeInfo): void {
    this.welcomeChatSeq = w.last_chat_seq;
    const mine = this.log.readMarks[this.opts.me];
    this.log.setRead("agent", w.read.agent);
    this.log.setRead("client", w.read.client);
    for (const p of this.log.unsent()) this.transmit(p);
    // Read while disconnected: tell the server now.
    if (mine > w.read[this.opts.me]) this.control?.send({ type: "chat_read", seq: mine });
    this.reportRead();
    this.emit("changed", undefined);
  }

  private onChat(m: ChatMessage): void {
    const seen = m.seq > this.welcomeChatSeq && this.visible();
    if (!this.log.add(m, seen)) return;
    this.reportRead();
    this.watchGap();
    this.emit("changed", undefined);
  }

  private onAck(clientMsgId: string, m: ChatMessage): void {
    this.log.ack(clientMsgId, m);
    this.store.save(this.log.unsent());
    this.reportRead();
    this.watchGap();
    this.emit("changed", undefined);
  }

  private onRefused(clientMsgId: string, code: string, message: string): void {
    const p = this.log.fail(clientMsgId, code, message);
    this.store.save(this.log.unsent());
    if (p) this.emit("notice", chatErrorText(code, message));
    if (code === "interaction_ended") void this.end();
    this.emit("changed", undefined);
  }

  /** Tells the server what the user has seen (only while the chat is visible). */
  private reportRead(): void {
    if (!this.visible()) return;
    const seq = this.log.markSeen();
    if (seq !== null && this.control?.isOpen) this.control.send({ type: "chat_read", seq });
  }

  /** A seq is missing for a while (it should not be): read it over REST. */
  private watchGap(): void {
    if (!this.log.hasGap || this.gapTimer !== undefined) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      if (this.log.hasGap && !this.disposed) void this.loadHistory();
    }, GAP_WAIT_MS);
  }

  private async fetchHistory(): Promise<void> {
    const base = `/api/interactions/${encodeURIComponent(this.opts.interactionId)}/messages`;
    try {
      for (let page = 0; page < 1000; page += 1) {
        const after = this.log.contiguousSeq;
        const answer = await this.opts.rest<ChatHistory>("GET", `${base}?after_seq=${after}&limit=${HISTORY_PAGE}`);
        if (this.disposed) return;
        this.log.setRead("agent", answer.read.agent);
        this.log.setRead("client", answer.read.client);
        for (const m of answer.items) this.log.add(m, false);
        this.emit("changed", undefined);
        if (answer.items.length === 0 || this.log.contiguousSeq >= answer.last_seq || this.log.contiguousSeq === after) break;
      }
      this.reportRead();
    } catch (err) {
      if (!this.disposed) this.emit("notice", t("chat.historyFailed", { reason: errorText(err) }));
    }
  }

  private detach(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.control = null;
    this.connected = false;
    if (this.gapTimer !== undefined) clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }

  private emitLive(): void {
    this.emit("live", { canSend: this.canSend, connected: this.connected });
  }
}

function uploadErrorText(err: unknown): string {
  if (err instanceof ApiError && err.status === 413) return t("err.file_too_large");
  return errorText(err);
}

// The chat as a page knows it (pure): stored messages by `seq` (no
// duplicates, shown in seq order), this page's messages waiting for their
// `chat_ack` (shown after them, resent after a reconnect with the same
// `client_msg_id`), read marks, the unread count and the "new messages"
// divider.
//
// The sender gets both a `chat` frame and a `chat_ack` for its message, in
// either order. A `chat` of one's own party that matches a waiting message
// (same text and file, and a seq after the chat's end when it was written)
// is taken to be it until the ack says otherwise, so it is never shown twice.

import type { ChatMessage, FileInfo, Party, ReadMarks } from "../protocol";
import type { LocationDraft } from "../geo/format";

export interface PendingMessage {
  client_msg_id: string;
  text: string;
  /** The uploaded file the message carries. */
  file?: FileInfo;
  /** A position (sent as a `location` frame instead of `chat`). */
  location?: LocationDraft;
  /** The agent's request this message answers. */
  request_id?: string;
  /** The chat's last seq known when it was written: its own seq is greater. */
  after: number;
  /** Epoch ms when it was written. */
  at: number;
  /** Refused by the server: shown as not sent, never resent. */
  failed?: { code: string; message: string };
}

export type ChatItem =
  | {
      kind: "message";
      /** Stable across pending -> stored (the client_msg_id when sent from this page). */
      key: string;
      message: ChatMessage;
      mine: boolean;
      /** Mine, and the other party has read up to it. */
      readByPeer: boolean;
    }
  | { kind: "pending"; key: string; pending: PendingMessage }
  | { kind: "divider"; key: "divider" };

export class ChatLog {
  private readonly bySeq = new Map<number, ChatMessage>();
  /** Stored seqs, ascending. */
  private order: number[] = [];
  private pending: PendingMessage[];
  /** seq -> client_msg_id of a stored message sent from this page. */
  private readonly keyOf = new Map<number, string>();
  /** client_msg_id -> seq of the stored message that is probably it (before the ack). */
  private readonly claims = new Map<string, number>();
  private marks: ReadMarks = { agent: 0, client: 0 };
  private divider: number | null = null;
  private contiguous = 0;
  private max = 0;

  constructor(
    readonly me: Party,
    pending: readonly PendingMessage[] = [],
  ) {
    this.pending = pending.map((p) => ({ ...p }));
  }

  get peer(): Party {
    return this.me === "agent" ? "client" : "agent";
  }

  /** Every seq up to this one is here: the `last_chat_seq` of the next hello. */
  get contiguousSeq(): number {
    return this.contiguous;
  }

  /** The highest seq here. */
  get lastSeq(): number {
    return this.max;
  }

  /** Some seq below `lastSeq` is missing. */
  get hasGap(): boolean {
    return this.max > this.contiguous;
  }

  get size(): number {
    return this.order.length;
  }

  get readMarks(): ReadMarks {
    return { ...this.marks };
  }

  has(seq: number): boolean {
    return this.bySeq.has(seq);
  }

  /**
   * Adds a stored message; false when it is already here. `seen`: the user
   * watched it arrive (chat visible, live), so it does not move the divider.
   */
  add(m: ChatMessage, seen: boolean): boolean {
    if (!this.insert(m)) return false;
    if (m.from === this.me) this.claim(m);
    else if (!seen && m.seq > this.marks[this.me]) {
      const stale = this.divider === null || this.divider <= this.marks[this.me];
      if (stale || m.seq < (this.divider ?? 0)) this.divider = m.seq;
    }
    return true;
  }

  /** The server stored a message of this page. */
  ack(clientMsgId: string, m: ChatMessage): void {
    const index = this.pending.findIndex((p) => p.client_msg_id === clientMsgId);
    if (index >= 0) this.pending.splice(index, 1);
    this.dropClaim(clientMsgId);
    // Another waiting message took this one for its own: it is not.
    for (const [cid, seq] of this.claims) {
      if (seq === m.seq) this.dropClaim(cid);
    }
    this.keyOf.set(m.seq, clientMsgId);
    this.insert(m);
  }

  /** The server refused a message of this page. */
  fail(clientMsgId: string, code: string, message: string): PendingMessage | null {
    const p = this.pending.find((x) => x.client_msg_id === clientMsgId);
    if (!p) return null;
    p.failed = { code, message };
    this.dropClaim(clientMsgId);
    return p;
  }

  /**
   * No ack will come any more (the call is over): a waiting message that
   * the chat has (matched) was stored; every other one fails.
   */
  settle(code: string, message: string): void {
    for (const p of this.unsent()) {
      const seq = this.claims.get(p.client_msg_id);
      if (seq === undefined) {
        this.fail(p.client_msg_id, code, message);
        continue;
      }
      this.claims.delete(p.client_msg_id);
      this.pending = this.pending.filter((x) => x !== p);
    }
  }

  /** Forgets a refused message. */
  dismiss(clientMsgId: string): void {
    this.pending = this.pending.filter((p) => p.client_msg_id !== clientMsgId || !p.failed);
  }

  /**
   * A new message of this page, waiting for its ack. `chatEnd`: the chat's
   * last seq as the server last said (its welcome), when it may be ahead
   * of what has arrived.
   */
  queue(text: string, clientMsgId: string, at: number, file?: FileInfo, chatEnd = 0): PendingMessage {
    const p: PendingMessage = { client_msg_id: clientMsgId, text, after: Math.max(this.max, chatEnd), at };
    if (file) p.file = file;
    this.pending.push(p);
    return p;
  }

  /** Messages to (re)send, in the order written. */
  unsent(): PendingMessage[] {
    return this.pending.filter((p) => !p.failed);
  }

  /** Moves a party's read mark forward; true when it moved. */
  setRead(party: Party, seq: number): boolean {
    if (!(seq > this.marks[party])) return false;
    this.marks[party] = seq;
    return true;
  }

  /** The user saw everything: the seq to report in `chat_read`, or null when already reported. */
  markSeen(): number | null {
    return this.setRead(this.me, this.max) ? this.max : null;
  }

  /** Messages of the other party after this party's read mark. */
  unread(): number {
    let n = 0;
    for (let i = this.order.length - 1; i >= 0; i -= 1) {
      const seq = this.order[i] ?? 0;
      if (seq <= this.marks[this.me]) break;
      if (this.bySeq.get(seq)?.from !== this.me) n += 1;
    }
    return n;
  }

  /** The seq the "new messages" divider stands above, if any. */
  get dividerSeq(): number | null {
    return this.divider;
  }

  /** Removes the divider once what it marks has been read (the chat was closed). */
  clearReadDivider(): void {
    if (this.divider !== null && this.divider <= this.marks[this.me]) this.divider = null;
  }

  /** What to show, in order: stored messages (with the divider), then waiting ones. */
  items(): ChatItem[] {
    const out: ChatItem[] = [];
    for (const seq of this.order) {
      const message = this.bySeq.get(seq);
      if (!message) continue;
      if (seq === this.divider) out.push({ kind: "divider", key: "divider" });
      const mine = message.from === this.me;
      out.push({
        kind: "message",
        key: this.keyOf.get(seq) ?? `s${seq}`,
        message,
        mine,
        readByPeer: mine && seq <= this.marks[this.peer],
      });
    }
    for (const p of this.pending) {
      if (!p.failed && this.claims.has(p.client_msg_id)) continue;
      out.push({ kind: "pending", key: p.client_msg_id, pending: p });
    }
    return out;
  }

  private insert(m: ChatMessage): boolean {
    if (!Number.isInteger(m.seq) || m.seq < 1 || this.bySeq.has(m.seq)) return false;
    this.bySeq.set(m.seq, m);
    const last = this.order[this.order.length - 1];
    if (last === undefined || m.seq > last) this.order.push(m.seq);
    else {
      const at = this.order.findIndex((s) => s > m.seq);
      this.order.splice(at, 0, m.seq);
    }
    this.max = Math.max(this.max, m.seq);
    while (this.bySeq.has(this.contiguous + 1)) this.contiguous += 1;
    return true;
  }

  private claim(m: ChatMessage): void {
    if (this.keyOf.has(m.seq)) return;
    const fileId = m.file?.id ?? null;
    const p = this.pending.find(
      (x) =>
        !x.failed &&
        !this.claims.has(x.client_msg_id) &&
        m.seq > x.after &&
        x.text === m.text &&
        (x.file?.id ?? null) === fileId &&
        !!x.location === !!m.location,
    );
    if (!p) return;
    this.claims.set(p.client_msg_id, m.seq);
    this.keyOf.set(m.seq, p.client_msg_id);
  }

  private dropClaim(clientMsgId: string): void {
    const seq = this.claims.get(clientMsgId);
    if (seq === undefined) return;
    this.claims.delete(clientMsgId);
    if (this.keyOf.get(seq) === clientMsgId) this.keyOf.delete(seq);
  }
}

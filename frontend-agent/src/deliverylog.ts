// The deliveries of one interaction's link, folded from what the console
// hears about them: `delivery` events (event log and control channel, in
// `seq` order, possibly replayed), the answer to the send request, and
// `GET /api/deliveries/{id}`. Pure: no DOM, no network.

import type { Channel, Delivery, DeliveryAttempt, DeliveryStatus, FailureReason, InteractionEvent, SendLinkAccepted } from "@shared/protocol";

export interface DeliveryRow {
  id: string;
  channel: Channel;
  status: DeliveryStatus;
  /** Set while `failed`. */
  reason: FailureReason | null;
  /** The provider's own words about a failure. */
  detail: string | null;
  /** Telegram: the bot link the client opens to press Start. */
  startUrl: string | null;
  /** Where it went (from the delivery's details). */
  to: string | null;
  /** Epoch ms: when it was created (best known) and last changed. */
  createdAt: number;
  updatedAt: number;
  /** Seq of the last event folded in; 0 when none yet. */
  seq: number;
  /** From the details; null until fetched. */
  attempts: DeliveryAttempt[] | null;
}

/** How sure `createdAt` is: the server's record beats an event, which beats this page's clock. */
type TimeSource = 0 | 1 | 2;
const LOCAL: TimeSource = 0;
const EVENT: TimeSource = 1;
const SERVER: TimeSource = 2;

const RANK: Record<DeliveryStatus, number> = { queued: 0, awaiting_start: 1, sent: 2, delivered: 3, failed: 3 };

/** Whether nothing more will happen to the delivery. */
export function isFinal(status: DeliveryStatus): boolean {
  return status === "delivered" || status === "failed";
}

function time(iso: string | null | undefined, fallback: number): number {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? fallback : ms;
}

export class DeliveryLog {
  private readonly rows = new Map<string, DeliveryRow>();
  private readonly created = new Map<string, TimeSource>();
  /** Insertion counter: orders rows created in the same millisecond. */
  private readonly order = new Map<string, number>();
  private next = 0;

  get size(): number {
    return this.rows.size;
  }

  get(id: string): DeliveryRow | undefined {
    return this.rows.get(id);
  }

  /** Newest first. */
  list(): DeliveryRow[] {
    return [...this.rows.values()].sort(
      (a, b) => b.createdAt - a.createdAt || (this.order.get(b.id) ?? 0) - (this.order.get(a.id) ?? 0),
    );
  }

  /**
   * Folds one event of the interaction's log. Returns the delivery id when
   * the event changed a row, null for other events, repeats and stale ones.
   */
  applyEvent(e: InteractionEvent): string | null {
    const ev = e.event;
    if (ev.type !== "delivery") return null;
    const at = time(e.at, Date.now());
    let row = this.rows.get(ev.delivery_id);
    if (!row) {
      row = this.add(ev.delivery_id, ev.channel, ev.status, at, EVENT);
    } else if (e.seq <= row.seq) {
      return null;
    }
    if ((this.created.get(row.id) ?? LOCAL) < EVENT) {
      row.createdAt = at;
      this.created.set(row.id, EVENT);
    }
    row.seq = e.seq;
    row.channel = ev.channel;
    row.status = ev.status;
    row.reason = ev.status === "failed" ? (ev.reason ?? row.reason) : null;
    if (ev.detail !== undefined) row.detail = ev.detail;
    else if (ev.status !== "failed") row.detail = null;
    if (ev.start_url) row.startUrl = ev.start_url;
    row.updatedAt = Math.max(row.updatedAt, at);
    return row.id;
  }

  /** Folds a whole event log (e.g. `GET /api/interactions/{id}`); returns the ids changed. */
  applyEvents(events: readonly InteractionEvent[]): string[] {
    const changed = new Set<string>();
    for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
      const id = this.applyEvent(e);
      if (id) changed.add(id);
    }
    return [...changed];
  }

  /** The answer to `POST /send` (202): the row appears before its first event. */
  applyAccepted(a: SendLinkAccepted, channel: Channel, now: number): DeliveryRow {
    let row = this.rows.get(a.delivery_id);
    if (!row) row = this.add(a.delivery_id, channel, a.status, now, LOCAL);
    else if (row.seq === 0 && RANK[a.status] >= RANK[row.status]) row.status = a.status;
    if (a.telegram_start_url && !row.startUrl) row.startUrl = a.telegram_start_url;
    return row;
  }

  /**
   * `GET /api/deliveries/{id}`: destination, attempts, times. Its status is
   * taken only when it is further along than what the events said (the
   * answer may be older than the last event, or newer than the next).
   */
  applyDetails(d: Delivery): DeliveryRow {
    const created = time(d.created_at, Date.now());
    const row = this.rows.get(d.id) ?? this.add(d.id, d.channel, d.status, created, SERVER);
    row.channel = d.channel;
    row.to = d.to || row.to;
    row.attempts = [...d.attempts].sort((a, b) => a.n - b.n);
    row.createdAt = created;
    this.created.set(row.id, SERVER);
    row.updatedAt = Math.max(row.updatedAt, time(d.updated_at, row.updatedAt));
    if (RANK[d.status] > RANK[row.status] || (d.status === row.status && row.seq === 0)) {
      row.status = d.status;
      row.reason = d.status === "failed" ? d.reason : null;
      row.detail = d.detail;
    } else if (d.status === row.status && d.status === "failed") {
      row.reason = row.reason ?? d.reason;
      row.detail = row.detail ?? d.detail;
    }
    if (d.start_url) row.startUrl = d.start_url;
    return row;
  }

  private add(id: string, channel: Channel, status: DeliveryStatus, at: number, source: TimeSource): DeliveryRow {
    const row: DeliveryRow = {
      id,
      channel,
      status,
      reason: null,
      detail: null,
      startUrl: null,
      to: null,
      createdAt: at,
      updatedAt: at,
      seq: 0,
      attempts: null,
    };
    this.rows.set(id, row);
    this.created.set(id, source);
    this.order.set(id, this.next++);
    return row;
  }
}

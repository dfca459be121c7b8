// The agent's requests to the client's page (its location, an HD photo) as
// the event log tells them (pure): `requested` opens one, `request_answered`
// with the same id ends it. The log is replayed after every (re)connect, so
// a page that reloads learns which requests are still open.

import type { EventKind, InteractionEvent, RequestKind, RequestOutcome } from "../protocol";

export interface RequestInfo {
  readonly id: string;
  readonly what: RequestKind;
  /** Seq of the `requested` event (order of the requests). */
  readonly seq: number;
  /** Absent while the request is open. */
  outcome?: RequestOutcome;
  detail?: string;
}

export class RequestBook {
  private readonly byId = new Map<string, RequestInfo>();
  /** Answers that came before their request (not expected; kept anyway). */
  private readonly early = new Map<string, { outcome: RequestOutcome; detail?: string }>();

  /** Folds one event in; true when it changed a request. */
  apply(event: InteractionEvent): boolean {
    return this.applyKind(event.seq, event.event);
  }

  applyKind(seq: number, e: EventKind): boolean {
    if (e.type === "requested") {
      if (this.byId.has(e.request_id)) return false;
      const info: RequestInfo = { id: e.request_id, what: e.what, seq };
      const answer = this.early.get(e.request_id);
      if (answer) {
        this.early.delete(e.request_id);
        info.outcome = answer.outcome;
        if (answer.detail !== undefined) info.detail = answer.detail;
      }
      this.byId.set(e.request_id, info);
      return true;
    }
    if (e.type === "request_answered") {
      const info = this.byId.get(e.request_id);
      if (!info) {
        this.early.set(e.request_id, e.detail === undefined ? { outcome: e.outcome } : { outcome: e.outcome, detail: e.detail });
        return false;
      }
      // A second answer changes nothing (as on the server).
      if (info.outcome !== undefined) return false;
      info.outcome = e.outcome;
      if (e.detail !== undefined) info.detail = e.detail;
      return true;
    }
    return false;
  }

  get(id: string): RequestInfo | undefined {
    return this.byId.get(id);
  }

  /** Open requests, oldest first (optionally of one kind). */
  open(what?: RequestKind): RequestInfo[] {
    return this.all().filter((r) => r.outcome === undefined && (what === undefined || r.what === what));
  }

  /** The newest request of a kind, open or answered. */
  last(what: RequestKind): RequestInfo | null {
    const list = this.all().filter((r) => r.what === what);
    return list[list.length - 1] ?? null;
  }

  private all(): RequestInfo[] {
    return [...this.byId.values()].sort((a, b) => a.seq - b.seq);
  }
}

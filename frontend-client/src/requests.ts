// The agent's requests on the client's page: folds the event log (replayed
// after every (re)connect) into a RequestBook and answers each open request
// once: a location request opens the prompt, a photo request takes the
// photo. `auto_location` in the welcome asks for the position at join. The
// requests this page already answered are kept in sessionStorage, so a
// reload does not ask again before the server's answer event is back.
// A switched-off function has no part here: no prompt or button without
// geolocation, no photo without HD photos (such requests stay unanswered;
// the server refuses them anyway).

import type { ChatController } from "@shared/chat/controller";
import type { ChatAuth } from "@shared/chat/transfer";
import type { ControlChannel } from "@shared/control";
import { RequestBook } from "@shared/geo/requests";
import type { RequestOutcome } from "@shared/protocol";
import { ClientGeolocation } from "./geolocation";
import { ClientPhoto } from "./photorequest";

export interface ClientRequestsOptions {
  interactionId: string;
  control: ControlChannel;
  chat: ChatController;
  auth: ChatAuth;
  /** The camera track now. */
  track(): MediaStreamTrack | null;
  /** Location requests, `send-geolocation` and the prompt. */
  location: boolean;
  /** HD photo requests. */
  photo: boolean;
  /**
   * Ask for the location at join: true / false from the interaction's
   * functions, null to follow the welcome's `auto_location` (a server that
   * does not tell the functions).
   */
  autoLocation: boolean | null;
}

/** After replayed events stop coming, decide what is still open. */
const REPLAY_SETTLE_MS = 400;

export class ClientRequests {
  readonly geo: ClientGeolocation | null;
  readonly photo: ClientPhoto | null;
  private readonly book = new RequestBook();
  private readonly handled: Set<string>;
  private readonly storeKey: string;
  private autoAsk = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly offs: (() => void)[] = [];

  constructor(opts: ClientRequestsOptions) {
    this.storeKey = `va.requests.${opts.interactionId}`;
    this.handled = new Set(this.load());
    const decline = (requestId: string, outcome: Exclude<RequestOutcome, "done">, detail?: string): void =>
      opts.control.send({ type: "request_declined", request_id: requestId, outcome, ...(detail ? { detail } : {}) });
    const handled = (requestId: string): void => this.markHandled(requestId);
    this.geo = opts.location ? new ClientGeolocation({ chat: opts.chat, decline, handled, idle: () => this.schedule(0) }) : null;
    this.photo = opts.photo
      ? new ClientPhoto({ interactionId: opts.interactionId, auth: opts.auth, chat: opts.chat, track: opts.track, decline, handled })
      : null;
    this.offs.push(
      opts.control.on("welcome", (w) => {
        const auto = this.geo !== null && (opts.autoLocation ?? w.interaction.auto_location);
        if (w.first && auto && !this.handled.has("auto")) {
          this.autoAsk = true;
          this.markHandled("auto");
        }
        this.schedule(REPLAY_SETTLE_MS);
      }),
      opts.control.on("event", ({ event, live }) => {
        if (!this.book.apply(event)) return;
        if (event.event.type === "request_answered") this.geo?.withdraw(event.event.request_id);
        this.schedule(live ? 0 : REPLAY_SETTLE_MS);
      }),
    );
  }

  dispose(): void {
    for (const off of this.offs) off();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.geo?.dispose();
    this.photo?.dispose();
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.review();
    }, ms);
  }

  /** Answers what is open and not answered by this page yet. */
  private review(): void {
    const { geo, photo } = this;
    for (const r of this.book.open()) {
      if (this.handled.has(r.id)) continue;
      if (r.what === "location" && geo && (!geo.active || geo.askingWithoutRequest)) {
        this.autoAsk = false;
        geo.ask(r.id);
      } else if (r.what === "photo" && photo && !photo.busy) {
        void photo.take(r.id).then(() => this.schedule(0));
      }
    }
    if (this.autoAsk && geo && !geo.active) {
      this.autoAsk = false;
      geo.ask();
    }
  }

  private markHandled(id: string): void {
    this.handled.add(id);
    // Another request may have waited for this one.
    this.schedule(0);
    try {
      sessionStorage.setItem(this.storeKey, JSON.stringify([...this.handled].slice(-50)));
    } catch {
      // storage disabled: the page still answers each request once while it lives
    }
  }

  private load(): string[] {
    try {
      const parsed: unknown = JSON.parse(sessionStorage.getItem(this.storeKey) ?? "[]");
      return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === "string") : [];
    } catch {
      return [];
    }
  }
}

// The agent's requests to the client's page: `request-geolocation` and
// `request-photo` in the call bar, and the `geolocation` box with the state
// of the last location request (waiting, declined, unavailable, received),
// the last position the client sent, and the state of the last photo
// request. Both come from the event log (replayed after reconnects) and the
// chat (location messages). A switched-off function has no button and no
// line in the box (no box at all when both are off).

import "@shared/geo/geo.css";
import type { ControlChannel } from "@shared/control";
import type { CallView } from "@shared/callview";
import { el, setText, show } from "@shared/dom";
import { formatAccuracy, formatCoords } from "@shared/geo/format";
import { formatWhen } from "@shared/geo/locationview";
import { type RequestInfo, RequestBook } from "@shared/geo/requests";
import { lang, t, type MessageKey } from "@shared/i18n";
import type { Location, RequestKind } from "@shared/protocol";

export type LocationState = "none" | "waiting" | "declined" | "unavailable" | "failed" | "received";
export type PhotoState = "none" | "waiting" | "done" | "declined" | "unavailable" | "failed";

/** What the box says about the last location request (pure). */
export function locationState(last: RequestInfo | null, haveLocation: boolean): LocationState {
  if (!last) return haveLocation ? "received" : "none";
  if (last.outcome === undefined) return "waiting";
  return last.outcome === "done" ? "received" : last.outcome;
}

/** What the box says about the last photo request (pure). */
export function photoState(last: RequestInfo | null): PhotoState {
  if (!last) return "none";
  return last.outcome ?? "waiting";
}

const LOCATION_KEYS: Record<LocationState, MessageKey> = {
  none: "geo.state.none",
  waiting: "geo.state.waiting",
  declined: "geo.state.declined",
  unavailable: "geo.state.unavailable",
  failed: "geo.state.failed",
  received: "geo.state.received",
};

const PHOTO_KEYS: Record<Exclude<PhotoState, "none">, MessageKey> = {
  waiting: "photo.state.waiting",
  done: "photo.state.done",
  declined: "photo.state.declined",
  unavailable: "photo.state.unavailable",
  failed: "photo.state.failed",
};

export interface AgentRequestOptions {
  /** Location requests (the geolocation function). */
  location: boolean;
  /** HD photo requests. */
  photo: boolean;
}

export class AgentRequests {
  /** The `geolocation` box (`photo-request` with photos only; null with neither). */
  readonly root: HTMLElement | null;
  readonly locationButton: HTMLButtonElement | null;
  readonly photoButton: HTMLButtonElement | null;
  private readonly stateEl: HTMLElement;
  private readonly lastEl: HTMLElement;
  private readonly photoEl: HTMLElement;
  private readonly book = new RequestBook();
  private lastLocation: Location | null;
  private control: ControlChannel | null = null;
  private offs: (() => void)[] = [];

  /** `locations`: what the interaction already has (oldest first). */
  constructor(view: CallView, locations: readonly Location[], opts: AgentRequestOptions) {
    this.lastLocation = locations[locations.length - 1] ?? null;
    this.locationButton = opts.location ? this.button("request-geolocation", "geo.request", "location") : null;
    this.photoButton = opts.photo ? this.button("request-photo", "photo.request", "photo") : null;
    view.controls.append(...[this.locationButton, this.photoButton].filter((b): b is HTMLButtonElement => b !== null));
    this.stateEl = el("span", { class: "request-state", testid: "geolocation-state", attrs: { role: "status", "aria-live": "polite" } });
    this.lastEl = el("span", { class: "geo-last", testid: "geolocation-last", hidden: true });
    this.photoEl = el("span", { class: "request-state", testid: "photo-request-state", attrs: { role: "status", "aria-live": "polite" }, hidden: true });
    if (opts.location) {
      this.root = el("div", { class: "request-box", testid: "geolocation" }, [
        el("span", { class: "field-label", text: t("geo.title") }),
        this.stateEl,
        this.lastEl,
        opts.photo ? this.photoEl : null,
      ]);
    } else if (opts.photo) {
      this.root = el("div", { class: "request-box", testid: "photo-request" }, [this.photoEl]);
    } else {
      this.root = null;
    }
    this.render();
  }

  /** Follows the call's control channel (before it starts). */
  attach(control: ControlChannel): void {
    this.control = control;
    this.offs.push(
      control.on("event", ({ event }) => {
        if (this.book.apply(event)) this.render();
      }),
      control.on("chat", (m) => {
        if (!m.location || m.from !== "client") return;
        if (this.lastLocation && Date.parse(this.lastLocation.received_at) > Date.parse(m.location.received_at)) return;
        this.lastLocation = m.location;
        this.render();
      }),
      control.on("state", (s) => this.setEnabled(s !== "closed")),
    );
    this.setEnabled(true);
  }

  /** The call is over: no more requests. */
  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
    this.control = null;
    this.setEnabled(false);
  }

  private button(testid: string, key: MessageKey, what: RequestKind): HTMLButtonElement {
    const b = el("button", { class: "btn toggle", testid, text: t(key), attrs: { type: "button", disabled: true } });
    b.addEventListener("click", () => this.control?.send({ type: "request", what }));
    return b;
  }

  private setEnabled(on: boolean): void {
    for (const b of [this.locationButton, this.photoButton]) if (b) b.disabled = !on;
  }

  private render(): void {
    if (!this.root) return;
    if (this.locationButton) this.renderLocation(this.root);
    const photo = photoState(this.book.last("photo"));
    this.photoEl.dataset.state = photo;
    show(this.photoEl, photo !== "none");
    if (photo !== "none") setText(this.photoEl, `${t("photo.title")}: ${t(PHOTO_KEYS[photo])}`);
    // Photos only: the box is there once there is something to say.
    if (!this.locationButton) show(this.root, photo !== "none");
  }

  private renderLocation(root: HTMLElement): void {
    const last = this.book.last("location");
    const state = locationState(last, this.lastLocation !== null);
    root.dataset.state = state;
    this.stateEl.dataset.state = state;
    if (last) root.dataset.requestId = last.id;
    setText(this.stateEl, t(LOCATION_KEYS[state]));
    const loc = this.lastLocation;
    show(this.lastEl, loc !== null);
    if (loc) {
      const where = loc.address?.display?.trim() || formatCoords(loc.lat, loc.lon);
      const when = formatWhen(new Date(loc.measured_at));
      setText(this.lastEl, `${t("geo.last")} ${where} (${formatAccuracy(loc.accuracy_m, lang())}${when ? `, ${when}` : ""})`);
      this.lastEl.dataset.lat = String(loc.lat);
      this.lastEl.dataset.lon = String(loc.lon);
    }
  }
}

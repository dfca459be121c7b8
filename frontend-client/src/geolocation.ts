// The client's location: the `send-geolocation` button of the call bar, a
// status line with progress and errors (`geolocation-status`), and the
// prompt the agent's request (or `auto_location` at join) opens
// (`geolocation-prompt` with `geolocation-allow` / `geolocation-decline`).
// Reading the position is locate.ts; sending it is the chat's (a location
// is a chat message, acknowledged and resent like one).

import "@shared/geo/geo.css";
import type { ChatController } from "@shared/chat/controller";
import { el, setText, show } from "@shared/dom";
import { outcomeOf, type GeoErrorKind } from "@shared/geo/format";
import { locate, LocateError } from "@shared/geo/locate";
import { lang, t, type MessageKey } from "@shared/i18n";
import type { RequestOutcome } from "@shared/protocol";

export interface GeoHost {
  chat: ChatController;
  /** Answers the agent's request with a refusal. */
  decline(requestId: string, outcome: Exclude<RequestOutcome, "done">, detail?: string): void;
  /** The page is done with a request (answered one way or the other). */
  handled(requestId: string): void;
  /** The prompt closed and nothing is being read: another request may be asked. */
  idle(): void;
}

type Status = "locating" | "sent" | GeoErrorKind;

const STATUS_KEYS: Record<Status, MessageKey> = {
  locating: "geo.locating",
  sent: "geo.sent",
  denied: "geo.denied",
  unavailable: "geo.unavailable",
  timeout: "geo.timeout",
  unsupported: "geo.unsupported",
  failed: "geo.failed",
};

export class ClientGeolocation {
  /** For the call bar. */
  readonly button: HTMLButtonElement;
  /** Progress and errors (a toast over the page). */
  readonly status: HTMLElement;
  /** The question (a dialog over the page). */
  readonly prompt: HTMLElement;
  private readonly promptTitle: HTMLElement;
  private busy = false;
  /** The request the prompt answers (undefined: asked at join, no request). */
  private promptFor: { requestId?: string } | null = null;
  private hideTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: GeoHost) {
    this.button = el("button", { class: "btn toggle", testid: "send-geolocation", text: t("geo.send"), attrs: { type: "button" } });
    this.button.addEventListener("click", () => void this.share(this.promptFor?.requestId));
    this.status = el("p", { class: "geo-status call-toast", testid: "geolocation-status", attrs: { role: "status", "aria-live": "polite" }, hidden: true });
    this.promptTitle = el("h2", { attrs: { id: "geo-prompt-title" } });
    const allow = el("button", { class: "btn btn-primary", testid: "geolocation-allow", text: t("geo.allow"), attrs: { type: "button" } });
    const decline = el("button", { class: "btn", testid: "geolocation-decline", text: t("geo.decline"), attrs: { type: "button" } });
    allow.addEventListener("click", () => void this.share(this.promptFor?.requestId));
    decline.addEventListener("click", () => this.refuse());
    this.prompt = el(
      "div",
      { class: "geo-prompt", testid: "geolocation-prompt", attrs: { role: "dialog", "aria-labelledby": "geo-prompt-title" }, hidden: true },
      [this.promptTitle, el("p", { text: t("geo.promptText") }), el("div", { class: "row" }, [decline, allow])],
    );
  }

  /** Whether the prompt is up (or a reading is running). */
  get active(): boolean {
    return this.promptFor !== null || this.busy;
  }

  /** The prompt is up for the question at join (no request): a request may take it over. */
  get askingWithoutRequest(): boolean {
    return this.promptFor !== null && this.promptFor.requestId === undefined && !this.busy;
  }

  /** Asks the client (for the agent's request, or at join without one). */
  ask(requestId?: string): void {
    if (this.busy) return;
    this.promptFor = requestId ? { requestId } : {};
    setText(this.promptTitle, t(requestId ? "geo.promptTitle" : "geo.promptAuto"));
    if (requestId) this.prompt.dataset.requestId = requestId;
    else delete this.prompt.dataset.requestId;
    show(this.prompt, true);
  }

  /** The request was answered elsewhere (another tab): the prompt goes. */
  withdraw(requestId: string): void {
    if (this.promptFor?.requestId === requestId && !this.busy) this.closePrompt();
  }

  dispose(): void {
    if (this.hideTimer !== undefined) clearTimeout(this.hideTimer);
    this.prompt.remove();
    this.status.remove();
  }

  private closePrompt(): void {
    this.promptFor = null;
    show(this.prompt, false);
  }

  private refuse(): void {
    const requestId = this.promptFor?.requestId;
    this.closePrompt();
    if (requestId) {
      this.host.decline(requestId, "declined", "the client declined");
      this.host.handled(requestId);
    }
    this.host.idle();
  }

  /** Reads the position and sends it (answering `requestId` when given). */
  private async share(requestId: string | undefined): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    show(this.prompt, false);
    this.button.disabled = true;
    this.setStatus("locating");
    try {
      const draft = await locate(lang());
      if (!this.host.chat.sendLocation(draft, requestId)) throw new LocateError("failed", t("chat.readOnly"));
      this.setStatus("sent");
      if (requestId) this.host.handled(requestId);
    } catch (err) {
      const kind = err instanceof LocateError ? err.kind : "failed";
      const reason = err instanceof Error ? err.message : String(err);
      this.setStatus(kind, reason);
      if (requestId) {
        this.host.decline(requestId, outcomeOf(kind), `${kind}: ${reason}`.slice(0, 200));
        this.host.handled(requestId);
      }
    } finally {
      this.busy = false;
      this.promptFor = null;
      this.button.disabled = false;
      this.host.idle();
    }
  }

  private setStatus(status: Status, reason = ""): void {
    if (this.hideTimer !== undefined) clearTimeout(this.hideTimer);
    this.hideTimer = undefined;
    this.status.dataset.state = status;
    this.status.dataset.kind = status === "locating" || status === "sent" ? "info" : "error";
    this.status.setAttribute("role", this.status.dataset.kind === "error" ? "alert" : "status");
    setText(this.status, t(STATUS_KEYS[status], { reason }));
    show(this.status, true);
    if (status === "sent") this.hideTimer = setTimeout(() => show(this.status, false), 6_000);
  }
}

// Sending the client link by SMS, Telegram, e-mail or the platform's webhook,
// and the live status of every delivery of this interaction.
//
// Buttons are enabled only for channels the platform has and the client has
// a contact for, and not after the call; a disabled one says why. Rows come
// from `delivery` events (the interaction's event log, then the control
// channel) and the send answer; `GET /api/deliveries/{id}` adds destination
// and attempts: on every live event, for the few newest rows after a
// rebuild, and when the agent opens a row's attempts.

import type { Channel, Delivery, InteractionEvent, SendLinkAccepted, SendLinkRequest } from "@shared/protocol";
import { api, ApiError } from "@shared/api";
import { el, select, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { lang, t, type MessageKey } from "@shared/i18n";
import { channelLabel } from "@shared/labels";
import { CHANNELS, likelyDestination, unavailable, type ChannelsState, type Contacts, type Unavailable } from "./availability";
import { forgetChannels, loadChannels } from "./channels";
import { DeliveryLog, isFinal } from "./deliverylog";
import { DeliveryRowView } from "./deliveryrow";

export interface DeliveryHost {
  showError(text: string): void;
  clearError(): void;
  /** The server refused because the call is over. */
  ended(): void;
}

/** A button stays disabled this long after its request, so a double click sends once. */
const SEND_COOLDOWN_MS = 1_500;
/** Retry after the channel list could not be fetched. */
const CHANNELS_RETRY_MS = 10_000;
/** After a rebuild from the event log, details are fetched for this many newest rows. */
const DETAILS_ON_REBUILD = 5;
const DETAILS_DEBOUNCE_MS = 300;
/**
 * After the call ends the control channel closes, so a provider's late
 * report (an SMS delivered a minute later) would not arrive live: the box
 * asks for deliveries that are not final yet, first after this long, then
 * twice as long each time up to `FOLLOW_MAX_MS`, for `FOLLOW_FOR_MS`.
 */
const FOLLOW_FIRST_MS = 2_000;
const FOLLOW_MAX_MS = 60_000;
const FOLLOW_FOR_MS = 15 * 60_000;

const SEND_KEYS: Record<Exclude<Channel, "webhook">, MessageKey> = {
  sms: "delivery.send.sms",
  telegram: "delivery.send.telegram",
  email: "delivery.send.email",
};

/** Reasons that concern the whole box rather than one button. */
const BOX_REASONS: ReadonlySet<Unavailable> = new Set(["ended", "loading", "channels_error"]);

let boxes = 0;

export class DeliveryBox {
  readonly root: HTMLElement;
  private readonly log = new DeliveryLog();
  private readonly views = new Map<string, DeliveryRowView>();
  private readonly buttons = new Map<Channel, HTMLButtonElement>();
  private readonly options = new Map<Channel, HTMLElement>();
  private readonly hints = new Map<Channel, HTMLElement>();
  private readonly boxHint: HTMLElement;
  private readonly languageSelect: HTMLSelectElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLElement;
  private channels: ChannelsState = { kind: "loading" };
  private finished = false;
  private disposed = false;
  /** Channels with a send in flight or cooling down. */
  private readonly busy = new Set<Channel>();
  /** Channels whose request is in flight (their button says so). */
  private readonly sending = new Set<Channel>();
  /** Detail fetches in flight; true when another was asked for meanwhile. */
  private readonly fetching = new Map<string, boolean>();
  private readonly pending = new Set<string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private detailsTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly interactionId: string,
    private readonly contacts: Contacts,
    private readonly host: DeliveryHost,
  ) {
    const uid = `delivery-${++boxes}`;
    this.languageSelect = select(
      "delivery-language",
      [
        ["ru", t("delivery.lang.ru")],
        ["en", t("delivery.lang.en")],
      ],
      "ru",
      t("delivery.language"),
    );
    const sendRow = el("div", { class: "delivery-send" });
    for (const channel of CHANNELS) {
      const button = el("button", {
        class: "btn btn-small",
        testid: `send-${channel}`,
        attrs: { type: "button", disabled: true, "data-channel": channel },
      });
      button.addEventListener("click", () => void this.send(channel));
      const hint = el("span", {
        class: "send-hint muted",
        testid: "channel-hint",
        attrs: { id: `${uid}-${channel}`, "data-channel": channel },
        hidden: true,
      });
      const option = el("div", { class: "send-option" }, [button, hint]);
      this.buttons.set(channel, button);
      this.hints.set(channel, hint);
      this.options.set(channel, option);
      sendRow.appendChild(option);
    }
    this.boxHint = el("p", { class: "muted delivery-hint", testid: "delivery-hint", attrs: { id: `${uid}-box` }, hidden: true });
    this.list = el("ul", {
      class: "delivery-list",
      testid: "delivery-status",
      attrs: { "aria-label": t("delivery.list"), "aria-live": "polite", "aria-relevant": "additions" },
    });
    this.empty = el("p", { class: "muted delivery-empty", text: t("delivery.empty") });
    this.root = el("section", { class: "delivery-box", attrs: { "aria-labelledby": `${uid}-title` } }, [
      el("div", { class: "delivery-head" }, [
        el("h3", { class: "field-label delivery-title", text: t("delivery.title"), attrs: { id: `${uid}-title` } }),
        el("label", { class: "delivery-lang" }, [el("span", { class: "muted", text: t("delivery.language") }), this.languageSelect]),
      ]),
      sendRow,
      this.boxHint,
      this.empty,
      this.list,
    ]);
    this.renderButtons();
  }

  /** Fetches the platform's channels (once per page session). */
  start(): void {
    void this.fetchChannels();
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.detailsTimer !== undefined) clearTimeout(this.detailsTimer);
  }

  setFinished(finished: boolean): void {
    if (finished === this.finished) return;
    this.finished = finished;
    this.renderButtons();
    this.render();
    if (finished) {
      const until = Date.now() + FOLLOW_FOR_MS;
      this.later(() => this.follow(until, FOLLOW_FIRST_MS), FOLLOW_FIRST_MS);
    }
  }

  /** Asks for the deliveries that may still change (see `FOLLOW_FIRST_MS`). */
  private follow(until: number, every: number): void {
    const open = this.log.list().filter((row) => !isFinal(row.status));
    if (open.length === 0 || Date.now() > until) return;
    for (const row of open) this.fetchDetails(row.id);
    const next = Math.min(every * 2, FOLLOW_MAX_MS);
    this.later(() => this.follow(until, next), next);
  }

  /** One event of the interaction (`live`: it just happened, rather than being replayed). */
  applyEvent(e: InteractionEvent, live: boolean): void {
    const id = this.log.applyEvent(e);
    if (!id) return;
    this.render();
    if (live) this.fetchDetails(id);
    else this.queueDetails([id]);
  }

  /** A whole event log (the interaction as read from the server). */
  applyEvents(events: readonly InteractionEvent[]): void {
    const changed = this.log.applyEvents(events);
    if (changed.length === 0) return;
    this.render();
    this.queueDetails(changed);
  }

  // ---- sending ----

  private async send(channel: Channel): Promise<void> {
    if (this.busy.has(channel) || this.buttons.get(channel)?.disabled) return;
    this.busy.add(channel);
    this.sending.add(channel);
    this.renderButtons();
    this.host.clearError();
    const language = this.languageSelect.value === "en" ? "en" : "ru";
    const body: SendLinkRequest = { channel, language };
    try {
      const accepted = await api<SendLinkAccepted>(
        "POST",
        `/api/interactions/${encodeURIComponent(this.interactionId)}/send`,
        body,
      );
      if (this.disposed) return;
      this.log.applyAccepted(accepted, channel, Date.now());
      this.render();
    } catch (err) {
      if (this.disposed) return;
      this.host.showError(errorText(err));
      if (err instanceof ApiError && err.code === "channel_not_configured") {
        forgetChannels();
        void this.fetchChannels();
      }
      if (err instanceof ApiError && err.code === "interaction_ended") this.host.ended();
    } finally {
      this.sending.delete(channel);
      if (!this.disposed) this.renderButtons();
      this.later(() => {
        this.busy.delete(channel);
        this.renderButtons();
      }, SEND_COOLDOWN_MS);
    }
  }

  private async fetchChannels(): Promise<void> {
    try {
      const channels = await loadChannels();
      if (this.disposed) return;
      this.channels = { kind: "ready", channels };
    } catch (err) {
      if (this.disposed) return;
      console.warn("delivery channels:", errorText(err));
      this.channels = { kind: "error" };
      this.later(() => void this.fetchChannels(), CHANNELS_RETRY_MS);
    }
    this.renderButtons();
    this.render();
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.disposed) fn();
    }, ms);
    this.timers.add(timer);
  }

  // ---- details ----

  /** After a rebuild: details for the newest changed rows, a moment later, in one go. */
  private queueDetails(ids: readonly string[]): void {
    for (const id of ids) this.pending.add(id);
    if (this.detailsTimer !== undefined) return;
    this.detailsTimer = setTimeout(() => {
      this.detailsTimer = undefined;
      if (this.disposed) return;
      const wanted = this.log
        .list()
        .filter((row) => this.pending.has(row.id))
        .slice(0, DETAILS_ON_REBUILD);
      this.pending.clear();
      for (const row of wanted) this.fetchDetails(row.id);
    }, DETAILS_DEBOUNCE_MS);
  }

  /** One request per delivery at a time; a request asked for meanwhile runs once after it. */
  private fetchDetails(id: string): void {
    if (this.disposed) return;
    if (this.fetching.has(id)) {
      this.fetching.set(id, true);
      return;
    }
    this.fetching.set(id, false);
    api<Delivery>("GET", `/api/deliveries/${encodeURIComponent(id)}`)
      .then((d) => {
        if (this.disposed) return;
        this.log.applyDetails(d);
        this.render();
      })
      .catch((err: unknown) => console.warn(`delivery ${id}:`, errorText(err)))
      .finally(() => {
        const again = this.fetching.get(id) === true;
        this.fetching.delete(id);
        if (again) this.fetchDetails(id);
      });
  }

  // ---- rendering ----

  private webhookLabel(): string | undefined {
    return this.channels.kind === "ready" ? this.channels.channels.webhook_label?.[lang()] : undefined;
  }

  private caption(channel: Channel): string {
    if (this.sending.has(channel)) return t("delivery.sending");
    return channel === "webhook" ? channelLabel("webhook", this.webhookLabel()) : t(SEND_KEYS[channel]);
  }

  private whyText(channel: Channel, why: Unavailable): string {
    switch (why) {
      case "ended":
        return t("delivery.why.ended");
      case "loading":
        return t("delivery.why.loading");
      case "channels_error":
        return t("delivery.why.channels_error");
      case "not_configured":
        return t("delivery.why.not_configured", { channel: channelLabel(channel, this.webhookLabel()) });
      case "no_phone":
        return t("delivery.why.no_phone");
      case "no_email":
        return t("delivery.why.no_email");
      case "no_telegram":
        return t("delivery.why.no_telegram");
      case "no_contact":
        return t("delivery.why.no_contact");
    }
  }

  private renderButtons(): void {
    let boxWhy: Unavailable | null = null;
    for (const channel of CHANNELS) {
      const button = this.buttons.get(channel);
      const hint = this.hints.get(channel);
      if (!button || !hint) continue;
      const why = unavailable(channel, this.channels, this.contacts, this.finished);
      const busy = this.busy.has(channel);
      setText(button, this.caption(channel));
      button.disabled = why !== null || busy;
      button.setAttribute("aria-busy", String(busy));
      if (why) button.dataset.why = why;
      else delete button.dataset.why;
      const text = why ? this.whyText(channel, why) : "";
      if (text) button.title = text;
      else button.removeAttribute("title");
      const own = why !== null && !BOX_REASONS.has(why);
      if (why && !own) boxWhy = why;
      setText(hint, own ? text : "");
      show(hint, own);
      const describedBy = own ? hint.id : why ? this.boxHint.id : null;
      if (describedBy) button.setAttribute("aria-describedby", describedBy);
      else button.removeAttribute("aria-describedby");
    }
    // The webhook is the platform's own channel: without it there is nothing to explain.
    const webhookOption = this.options.get("webhook");
    if (webhookOption) show(webhookOption, !(this.channels.kind === "ready" && !this.channels.channels.webhook));
    setText(this.boxHint, boxWhy ? this.whyText("sms", boxWhy) : "");
    show(this.boxHint, boxWhy !== null);
    this.languageSelect.disabled = this.finished;
  }

  private render(): void {
    const rows = this.log.list();
    show(this.empty, rows.length === 0);
    const webhookLabel = this.webhookLabel();
    rows.forEach((row, i) => {
      let view = this.views.get(row.id);
      if (!view) {
        view = new DeliveryRowView(row.id, () => this.fetchDetails(row.id));
        this.views.set(row.id, view);
      }
      view.update(row, { webhookLabel, likelyTo: likelyDestination(row.channel, this.contacts), finished: this.finished });
      const at = this.list.children.item(i);
      if (at !== view.root) this.list.insertBefore(view.root, at);
    });
  }
}

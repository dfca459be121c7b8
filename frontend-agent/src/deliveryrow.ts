// One delivery in the interaction panel's list: channel, destination,
// status in words, failure reason, time, the bot link for Telegram awaiting
// Start, and the attempts (fetched on demand). Updated in place, so an open
// attempts list stays open and screen readers hear only what changed.

import type { DeliveryAttempt } from "@shared/protocol";
import { el, replaceChildren, setText, show } from "@shared/dom";
import { lang, t } from "@shared/i18n";
import { attemptOutcomeLabel, channelLabel, deliveryStatusLabel, failureReasonLabel } from "@shared/labels";
import { copyText } from "./clipboard";
import type { DeliveryRow } from "./deliverylog";

export interface RowContext {
  /** The webhook's caption in the page language. */
  webhookLabel: string | undefined;
  /** Where the channel probably goes, until the details say. */
  likelyTo: string | null;
  /** The call is over: the bot link would lead to a dead client link. */
  finished: boolean;
}

function formatTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? "" : new Intl.DateTimeFormat(lang(), { timeStyle: "medium" }).format(d);
}

export class DeliveryRowView {
  readonly root: HTMLLIElement;
  private readonly channelEl: HTMLElement;
  private readonly toEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly timeEl: HTMLTimeElement;
  private readonly reasonEl: HTMLElement;
  private readonly detailEl: HTMLElement;
  private readonly noteEl: HTMLElement;
  private readonly startBox: HTMLElement;
  private readonly startLink: HTMLAnchorElement;
  private readonly startFeedback: HTMLElement;
  private readonly attempts: HTMLDetailsElement;
  private readonly attemptsSummary: HTMLElement;
  private readonly attemptsList: HTMLOListElement;
  private startUrl: string | null = null;

  constructor(id: string, onExpand: () => void) {
    this.channelEl = el("span", { class: "delivery-channel" });
    this.toEl = el("span", { class: "delivery-to" });
    this.statusEl = el("span", { class: "delivery-state", testid: "delivery-state", attrs: { "aria-live": "polite" } });
    this.timeEl = el("time", { class: "delivery-time muted" });
    this.reasonEl = el("p", { class: "delivery-reason", testid: "delivery-reason", hidden: true });
    this.detailEl = el("p", { class: "delivery-detail muted", testid: "delivery-detail", hidden: true });
    this.noteEl = el("p", { class: "delivery-note muted", text: t("delivery.emailNote"), hidden: true });

    this.startLink = el("a", {
      class: "delivery-start-url",
      testid: "delivery-start-url",
      attrs: { target: "_blank", rel: "noopener noreferrer" },
    });
    const copyStart = el("button", {
      class: "btn btn-small",
      testid: "copy-start-url",
      text: t("delivery.copyStart"),
      attrs: { type: "button" },
    });
    this.startFeedback = el("span", { class: "copy-feedback", attrs: { role: "status", "aria-live": "polite" } });
    copyStart.addEventListener("click", () => void this.copyStart());
    this.startBox = el("div", { class: "delivery-start", hidden: true }, [
      el("p", { class: "muted", text: t("delivery.startHint") }),
      el("div", { class: "link-row" }, [this.startLink, copyStart, this.startFeedback]),
    ]);

    this.attemptsSummary = el("summary", { text: t("delivery.attemptsUnknown") });
    this.attemptsList = el("ol", { class: "delivery-attempts-list" });
    this.attempts = el("details", { class: "delivery-attempts", testid: "delivery-attempts" }, [
      this.attemptsSummary,
      this.attemptsList,
    ]);
    this.attempts.addEventListener("toggle", () => {
      if (this.attempts.open) onExpand();
    });

    this.root = el("li", { class: "delivery", testid: "delivery", attrs: { "data-delivery-id": id } }, [
      el("div", { class: "delivery-line" }, [this.channelEl, this.toEl, this.statusEl, this.timeEl]),
      this.reasonEl,
      this.detailEl,
      this.noteEl,
      this.startBox,
      this.attempts,
    ]);
  }

  /** Whether the agent has the attempts open (then they are kept fresh). */
  get expanded(): boolean {
    return this.attempts.open;
  }

  update(row: DeliveryRow, ctx: RowContext): void {
    const r = this.root;
    r.dataset.channel = row.channel;
    r.dataset.status = row.status;
    if (row.status === "failed" && row.reason) r.dataset.reason = row.reason;
    else delete r.dataset.reason;

    setText(this.channelEl, channelLabel(row.channel, ctx.webhookLabel));
    const to = row.to ?? ctx.likelyTo;
    setText(this.toEl, to ?? "");
    show(this.toEl, !!to);
    setText(this.statusEl, deliveryStatusLabel(row.status, row.channel));
    this.statusEl.dataset.status = row.status;
    setText(this.timeEl, formatTime(row.updatedAt));
    const iso = new Date(row.updatedAt);
    if (!Number.isNaN(iso.getTime())) this.timeEl.dateTime = iso.toISOString();

    const failed = row.status === "failed";
    setText(this.reasonEl, failed && row.reason ? failureReasonLabel(row.reason) : "");
    show(this.reasonEl, failed && !!row.reason);
    setText(this.detailEl, failed && row.detail ? t("delivery.detail", { detail: row.detail }) : "");
    show(this.detailEl, failed && !!row.detail);
    show(this.noteEl, row.channel === "email" && row.status === "sent");

    const awaiting = row.status === "awaiting_start" && !!row.startUrl && !ctx.finished;
    this.startUrl = awaiting ? row.startUrl : null;
    setText(this.startLink, this.startUrl ?? "");
    if (this.startUrl) this.startLink.href = this.startUrl;
    else this.startLink.removeAttribute("href");
    show(this.startBox, awaiting);

    this.renderAttempts(row.attempts);
  }

  private renderAttempts(attempts: DeliveryAttempt[] | null): void {
    setText(this.attemptsSummary, attempts ? t("delivery.attempts", { count: attempts.length }) : t("delivery.attemptsUnknown"));
    this.attempts.dataset.count = attempts ? String(attempts.length) : "";
    if (!attempts) {
      if (!this.attemptsList.firstChild) this.attemptsList.appendChild(el("li", { class: "muted", text: t("common.loading") }));
      return;
    }
    replaceChildren(
      this.attemptsList,
      attempts.map((a) =>
        el("li", { class: "delivery-attempt", attrs: { "data-outcome": a.outcome } }, [
          el("span", { text: t("delivery.attempt", { n: a.n }) }),
          " ",
          el("time", { class: "muted", text: formatTime(Date.parse(a.at)), attrs: { datetime: a.at } }),
          " ",
          el("span", { class: "delivery-attempt-outcome", text: attemptOutcomeLabel(a.outcome) }),
          a.error ? el("span", { class: "muted", text: ` — ${a.error}` }) : null,
        ]),
      ),
    );
  }

  private async copyStart(): Promise<void> {
    if (!this.startUrl) return;
    const ok = await copyText(this.startUrl, this.startLink);
    setText(this.startFeedback, t(ok ? "panel.copied" : "panel.copyFailed"));
    setTimeout(() => setText(this.startFeedback, ""), 3000);
  }
}

// The client link of an interaction: shown, copied, or renewed. The short
// link (from every read of the interaction) is the one shown first and
// copied; the long one (`client-link`, only in the create / renew answers,
// kept in sessionStorage) stays visible under it when both are known.

import type { ClientLink } from "@shared/protocol";
import { api } from "@shared/api";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import { copyText } from "./clipboard";
import { links, shortLinks } from "./store";

/** What to show: the link to copy first, and the long one when it differs. Pure. */
export function linkChoice(long: string | null, short: string | null): { primary: string | null; distinctShort: boolean } {
  const distinctShort = !!short && short !== long;
  return { primary: short ?? long, distinctShort };
}

export class LinkBox {
  readonly root: HTMLElement;
  private readonly linkEl: HTMLAnchorElement;
  private readonly shortEl: HTMLAnchorElement;
  private readonly linkRow: HTMLElement;
  private readonly fullRow: HTMLElement;
  private readonly copyButton: HTMLButtonElement;
  private readonly copyFeedback: HTMLElement;
  private readonly newLinkButton: HTMLButtonElement;
  private readonly note: HTMLElement;
  private finished = false;

  constructor(
    private readonly interactionId: string,
    private readonly onError: (text: string) => void,
  ) {
    const anchor = (testid: string): HTMLAnchorElement =>
      el("a", { class: "client-link", testid, attrs: { target: "_blank", rel: "noopener noreferrer" } });
    this.linkEl = anchor("client-link");
    this.shortEl = anchor("short-link");
    this.copyButton = el("button", { class: "btn btn-small", testid: "copy-link", text: t("panel.copy"), attrs: { type: "button" } });
    this.copyFeedback = el("span", { class: "copy-feedback", attrs: { role: "status", "aria-live": "polite" } });
    this.newLinkButton = el("button", { class: "btn btn-small", testid: "new-link", text: t("panel.newLink"), attrs: { type: "button" } });
    this.note = el("p", { class: "muted", text: t("panel.linkUnavailable"), hidden: true });
    this.copyButton.addEventListener("click", () => void this.copy());
    this.newLinkButton.addEventListener("click", () => void this.renew());
    this.linkRow = el("div", { class: "link-row" }, [this.shortEl, this.linkEl, this.copyButton, this.newLinkButton, this.copyFeedback]);
    this.fullRow = el("div", { class: "link-full muted", hidden: true }, [el("span", { text: t("panel.shortLinkFull") })]);
    this.root = el("div", { class: "link-box" }, [
      el("span", { class: "field-label", text: t("panel.link") }),
      this.linkRow,
      this.fullRow,
      this.note,
    ]);
    this.render();
  }

  /** After the end: the link no longer works, nothing to renew. */
  setFinished(finished: boolean): void {
    this.finished = finished;
    this.render();
  }

  /** The stored links changed (a fresh read of the interaction). */
  refresh(): void {
    this.render();
  }

  private render(): void {
    const long = links.get(this.interactionId);
    const short = shortLinks.get(this.interactionId);
    const { primary, distinctShort } = linkChoice(long, short);
    setAnchor(this.linkEl, long);
    setAnchor(this.shortEl, distinctShort ? short : null);
    // The long link sits in the main row unless a distinct short one is there.
    if (distinctShort && this.linkEl.parentElement !== this.fullRow) this.fullRow.appendChild(this.linkEl);
    if (!distinctShort && this.linkEl.parentElement !== this.linkRow) this.linkRow.insertBefore(this.linkEl, this.copyButton);
    this.linkEl.classList.toggle("secondary", distinctShort);
    show(this.fullRow, distinctShort && !!long);
    show(this.copyButton, !!primary);
    show(this.newLinkButton, !this.finished);
    show(this.note, !primary && !this.finished);
  }

  private async copy(): Promise<void> {
    const { primary, distinctShort } = linkChoice(links.get(this.interactionId), shortLinks.get(this.interactionId));
    if (!primary) return;
    const ok = await copyText(primary, distinctShort ? this.shortEl : this.linkEl);
    setText(this.copyFeedback, t(ok ? "panel.copied" : "panel.copyFailed"));
    setTimeout(() => setText(this.copyFeedback, ""), 3000);
  }

  private async renew(): Promise<void> {
    this.newLinkButton.disabled = true;
    try {
      const link = await api<ClientLink>("POST", `/api/interactions/${encodeURIComponent(this.interactionId)}/link`);
      links.set(this.interactionId, link.client_url);
      if (link.short_url) shortLinks.set(this.interactionId, link.short_url);
      this.render();
    } catch (err) {
      this.onError(errorText(err));
    } finally {
      this.newLinkButton.disabled = false;
    }
  }
}

function setAnchor(a: HTMLAnchorElement, url: string | null): void {
  setText(a, url ?? "");
  if (url) a.href = url;
  else a.removeAttribute("href");
  show(a, !!url);
}

// The client link of an interaction: shown (from sessionStorage: the server
// returns it only when created or renewed), copied, or renewed.

import type { ClientLink } from "@shared/protocol";
import { api } from "@shared/api";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import { copyText } from "./clipboard";
import { links } from "./store";

export class LinkBox {
  readonly root: HTMLElement;
  private readonly linkEl: HTMLAnchorElement;
  private readonly copyButton: HTMLButtonElement;
  private readonly copyFeedback: HTMLElement;
  private readonly newLinkButton: HTMLButtonElement;
  private readonly note: HTMLElement;
  private finished = false;

  constructor(
    private readonly interactionId: string,
    private readonly onError: (text: string) => void,
  ) {
    this.linkEl = el("a", { class: "client-link", testid: "client-link", attrs: { target: "_blank", rel: "noopener noreferrer" } });
    this.copyButton = el("button", { class: "btn btn-small", testid: "copy-link", text: t("panel.copy"), attrs: { type: "button" } });
    this.copyFeedback = el("span", { class: "copy-feedback", attrs: { role: "status", "aria-live": "polite" } });
    this.newLinkButton = el("button", { class: "btn btn-small", testid: "new-link", text: t("panel.newLink"), attrs: { type: "button" } });
    this.note = el("p", { class: "muted", text: t("panel.linkUnavailable"), hidden: true });
    this.copyButton.addEventListener("click", () => void this.copy());
    this.newLinkButton.addEventListener("click", () => void this.renew());
    this.root = el("div", { class: "link-box" }, [
      el("span", { class: "field-label", text: t("panel.link") }),
      el("div", { class: "link-row" }, [this.linkEl, this.copyButton, this.newLinkButton, this.copyFeedback]),
      this.note,
    ]);
    this.render();
  }

  /** After the end: the link no longer works, nothing to renew. */
  setFinished(finished: boolean): void {
    this.finished = finished;
    this.render();
  }

  private render(): void {
    const url = links.get(this.interactionId);
    this.linkEl.textContent = url ?? "";
    if (url) this.linkEl.href = url;
    else this.linkEl.removeAttribute("href");
    show(this.linkEl, !!url);
    show(this.copyButton, !!url);
    show(this.newLinkButton, !this.finished);
    show(this.note, !url && !this.finished);
  }

  private async copy(): Promise<void> {
    const url = links.get(this.interactionId);
    if (!url) return;
    const ok = await copyText(url, this.linkEl);
    setText(this.copyFeedback, t(ok ? "panel.copied" : "panel.copyFailed"));
    setTimeout(() => setText(this.copyFeedback, ""), 3000);
  }

  private async renew(): Promise<void> {
    this.newLinkButton.disabled = true;
    try {
      const link = await api<ClientLink>("POST", `/api/interactions/${encodeURIComponent(this.interactionId)}/link`);
      links.set(this.interactionId, link.client_url);
      this.render();
    } catch (err) {
      this.onError(errorText(err));
    } finally {
      this.newLinkButton.disabled = false;
    }
  }
}

// The agent's recent interactions (GET /api/interactions?limit=20).

import type { Interaction, InteractionList } from "@shared/protocol";
import { api } from "@shared/api";
import { el, replaceChildren, setText } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t, lang } from "@shared/i18n";
import { statusLabel } from "@shared/labels";

export class RecentList {
  readonly root: HTMLElement;
  private readonly list: HTMLElement;
  private readonly message: HTMLElement;
  private activeId: string | null = null;
  private loading = false;

  constructor(private readonly onOpen: (i: Interaction) => void) {
    const refresh = el("button", {
      class: "btn btn-small",
      testid: "recent-refresh",
      text: t("recent.refresh"),
      attrs: { type: "button" },
    });
    refresh.addEventListener("click", () => void this.refresh());
    this.list = el("ul", { class: "recent-list", testid: "recent-interactions" });
    this.message = el("p", { class: "muted", hidden: true });
    this.root = el("section", { class: "card recent", attrs: { "aria-labelledby": "recent-title" } }, [
      el("div", { class: "recent-head" }, [el("h2", { text: t("recent.title"), attrs: { id: "recent-title" } }), refresh]),
      this.message,
      this.list,
    ]);
  }

  setActive(id: string | null): void {
    this.activeId = id;
    for (const item of this.list.querySelectorAll<HTMLElement>("[data-id]")) {
      item.classList.toggle("active", item.dataset.id === id);
      if (item.dataset.id === id) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    }
  }

  async refresh(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      const answer = await api<InteractionList>("GET", "/api/interactions?limit=20");
      this.render(answer.items);
    } catch (err) {
      setText(this.message, errorText(err));
      this.message.hidden = false;
    } finally {
      this.loading = false;
    }
  }

  private render(items: readonly Interaction[]): void {
    this.message.hidden = items.length > 0;
    setText(this.message, items.length ? "" : t("recent.empty"));
    const fmt = new Intl.DateTimeFormat(lang(), { dateStyle: "short", timeStyle: "short" });
    replaceChildren(
      this.list,
      items.map((i) => {
        const created = new Date(i.created_at);
        const button = el("button", { class: "recent-item", testid: "recent-interaction", attrs: { type: "button", "data-id": i.id } }, [
          el("span", { class: "recent-name", text: i.client_name || i.client_phone || i.client_email || t("panel.noClientName") }),
          el("span", { class: "recent-time muted", text: Number.isNaN(created.getTime()) ? "" : fmt.format(created) }),
          el("span", { class: `status-chip status-${i.status}`, text: statusLabel(i.status), attrs: { "data-status": i.status } }),
        ]);
        button.addEventListener("click", () => this.onOpen(i));
        return el("li", {}, [button]);
      }),
    );
    this.setActive(this.activeId);
  }
}

// The agent's upcoming scheduled calls (`scheduled-list`), read with
// `GET /api/schedules?agent_id=<me>&from=<now>`, soonest first, without the
// cancelled ones; each `scheduled-item` opens its interaction. The card also
// has the "Schedule a call" button (`schedule-call`).

import type { Interaction, ScheduledCall, ScheduleList } from "@shared/protocol";
import { api } from "@shared/api";
import { el, replaceChildren, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import { scheduleStateLabel, scheduleTime } from "./summary";
import { upcoming } from "./reminded";

const REFRESH_MS = 60_000;

export interface ScheduledListHost {
  open(i: Interaction): void;
  schedule(): void;
}

export class ScheduledList {
  readonly root: HTMLElement;
  private readonly list: HTMLElement;
  private readonly message: HTMLElement;
  private timer: ReturnType<typeof setInterval> | undefined;
  private loading = false;
  private disposed = false;

  constructor(
    private readonly agentId: string,
    private readonly host: ScheduledListHost,
  ) {
    const refresh = el("button", { class: "btn btn-small", testid: "scheduled-refresh", text: t("recent.refresh"), attrs: { type: "button" } });
    refresh.addEventListener("click", () => void this.refresh());
    const schedule = el("button", { class: "btn btn-small btn-primary", testid: "schedule-call", text: t("sched.open"), attrs: { type: "button" } });
    schedule.addEventListener("click", () => host.schedule());
    this.list = el("ul", { class: "recent-list scheduled-list", testid: "scheduled-list" });
    this.message = el("p", { class: "muted", testid: "scheduled-message", hidden: true });
    this.root = el("section", { class: "card recent scheduled", attrs: { "aria-labelledby": "scheduled-title" } }, [
      el("div", { class: "recent-head" }, [el("h2", { text: t("sched.listTitle"), attrs: { id: "scheduled-title" } }), refresh]),
      schedule,
      this.message,
      this.list,
    ]);
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    if (this.loading || this.disposed) return;
    this.loading = true;
    try {
      const q = new URLSearchParams({ agent_id: this.agentId, from: new Date().toISOString(), limit: "50" });
      const answer = await api<ScheduleList>("GET", `/api/schedules?${q.toString()}`);
      if (!this.disposed) this.render(upcoming(answer.items ?? []));
    } catch (err) {
      setText(this.message, errorText(err));
      show(this.message, true);
    } finally {
      this.loading = false;
    }
  }

  private render(items: readonly ScheduledCall[]): void {
    setText(this.message, items.length ? "" : t("sched.empty"));
    show(this.message, items.length === 0);
    replaceChildren(
      this.list,
      items.map((c) => {
        const button = el(
          "button",
          { class: "recent-item scheduled-item", testid: "scheduled-item", attrs: { type: "button", "data-id": c.interaction_id, "data-state": c.schedule.state } },
          [
            el("span", { class: "recent-name", text: c.client_name || c.client_phone || c.client_email || c.client_telegram || t("panel.noClientName") }),
            el("span", { class: "recent-time muted", testid: "scheduled-time", text: scheduleTime(c.schedule.at, c.schedule.time_zone) }),
            el("span", { class: `status-chip schedule-${c.schedule.state}`, text: scheduleStateLabel(c.schedule.state) }),
          ],
        );
        button.addEventListener("click", () => void this.open(c.interaction_id, button));
        return el("li", {}, [button]);
      }),
    );
  }

  private async open(id: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      this.host.open(await api<Interaction>("GET", `/api/interactions/${encodeURIComponent(id)}`));
    } catch (err) {
      setText(this.message, errorText(err));
      show(this.message, true);
    } finally {
      button.disabled = false;
    }
  }
}

// Reminders of the agent's scheduled calls: `GET /api/schedules/reminders`
// every 30 s; each call that is due shows once (per tab) as a
// `schedule-reminder` card (client, time, `schedule-reminder-open` to open
// the interaction, `schedule-reminder-dismiss`), in a corner of the console.

import type { Interaction, ScheduledCall, ScheduleList } from "@shared/protocol";
import { api } from "@shared/api";
import { el, setText } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import { reminded, unseen } from "./reminded";
import { scheduleTime } from "./summary";

export const REMINDER_POLL_MS = 30_000;

export class ScheduleReminders {
  /** Where the cards stack (for the page). */
  readonly root: HTMLElement;
  private timer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;
  private polling = false;

  constructor(private readonly open: (i: Interaction) => void) {
    this.root = el("div", { class: "schedule-reminders", testid: "schedule-reminders", attrs: { "aria-live": "assertive" } });
  }

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), REMINDER_POLL_MS);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    this.root.remove();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.disposed) return;
    this.polling = true;
    try {
      const answer = await api<ScheduleList>("GET", "/api/schedules/reminders");
      if (this.disposed) return;
      for (const c of unseen(answer.items ?? [], reminded.load())) {
        reminded.add(c.interaction_id);
        this.root.appendChild(this.card(c));
      }
    } catch (err) {
      console.warn("reminders could not be read", errorText(err));
    } finally {
      this.polling = false;
    }
  }

  private card(c: ScheduledCall): HTMLElement {
    const who = c.client_name || c.client_phone || c.client_email || c.client_telegram || t("panel.noClientName");
    const error = el("p", { class: "error", attrs: { role: "alert" }, hidden: true });
    const openButton = el("button", { class: "btn btn-primary btn-small", testid: "schedule-reminder-open", text: t("sched.reminderOpen"), attrs: { type: "button" } });
    const dismiss = el("button", { class: "btn btn-small", testid: "schedule-reminder-dismiss", text: t("sched.reminderDismiss"), attrs: { type: "button" } });
    const card = el("section", { class: "card schedule-reminder", testid: "schedule-reminder", attrs: { role: "alert", "data-id": c.interaction_id } }, [
      el("strong", { text: t("sched.reminderTitle") }),
      el("p", { testid: "schedule-reminder-text", text: t("sched.reminder", { name: who, time: scheduleTime(c.schedule.at, c.schedule.time_zone) }) }),
      error,
      el("div", { class: "button-row" }, [openButton, dismiss]),
    ]);
    dismiss.addEventListener("click", () => card.remove());
    openButton.addEventListener("click", () => {
      openButton.disabled = true;
      api<Interaction>("GET", `/api/interactions/${encodeURIComponent(c.interaction_id)}`)
        .then((i) => {
          card.remove();
          this.open(i);
        })
        .catch((err: unknown) => {
          setText(error, errorText(err));
          error.hidden = false;
          openButton.disabled = false;
        });
    });
    return card;
  }
}

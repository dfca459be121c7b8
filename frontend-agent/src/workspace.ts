// The signed-in console: header, recent interactions and scheduled calls,
// and either the "new interaction" form, the "schedule a call" form or the
// interaction panel; reminders of scheduled calls in a corner.

import type { Interaction } from "@shared/protocol";
import { api, logout, type StaffSession } from "@shared/api";
import { el, replaceChildren } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import { forgetChannels } from "./channels";
import { newInteractionForm } from "./form";
import { InteractionPanel } from "./panel";
import { RecentList } from "./recent";
import { scheduleForm } from "./schedule/form";
import { ScheduledList } from "./schedule/list";
import { ScheduleReminders } from "./schedule/reminders";
import { current } from "./store";

export class Workspace {
  readonly root: HTMLElement;
  private readonly main: HTMLElement;
  private readonly recent: RecentList;
  private readonly scheduled: ScheduledList;
  private readonly reminders: ScheduleReminders;
  private panel: InteractionPanel | null = null;

  constructor(session: StaffSession, onLogout: () => void) {
    const logoutButton = el("button", { class: "btn btn-small", testid: "logout", text: t("header.logout"), attrs: { type: "button" } });
    logoutButton.addEventListener("click", () => {
      this.dispose();
      current.set(null);
      forgetChannels();
      void logout().finally(onLogout);
    });
    this.recent = new RecentList((i) => this.open(i));
    this.scheduled = new ScheduledList(session.user.id, { open: (i) => this.open(i), schedule: () => this.showSchedule() });
    this.reminders = new ScheduleReminders((i) => this.open(i));
    this.main = el("div", { class: "workspace-main" });
    this.root = el("div", { class: "workspace" }, [
      el("header", { class: "topbar" }, [
        el("span", { class: "brand", text: "VideoAssist" }),
        el("span", { class: "muted user", testid: "current-user", text: t("header.signedInAs", { login: session.user.login }) }),
        // The history of the agent's calls (with quality and the Excel export) is in the admin panel's Reports.
        el("a", { class: "btn btn-small", testid: "call-history", text: t("header.history"), attrs: { href: "/admin/#/reports", target: "_blank", rel: "noopener" } }),
        logoutButton,
      ]),
      el("div", { class: "workspace-body" }, [this.main, el("aside", { class: "workspace-side" }, [this.scheduled.root, this.recent.root])]),
      this.reminders.root,
    ]);
  }

  /** Reopens the interaction of the last page load, else shows the form. */
  async init(): Promise<void> {
    void this.recent.refresh();
    this.scheduled.start();
    this.reminders.start();
    const id = current.get();
    if (!id) {
      this.showForm();
      return;
    }
    try {
      const i = await api<Interaction>("GET", `/api/interactions/${encodeURIComponent(id)}`);
      this.open(i);
    } catch (err) {
      console.warn("could not reopen the interaction", errorText(err));
      current.set(null);
      this.showForm();
    }
  }

  showForm(): void {
    this.closePanel();
    current.set(null);
    this.recent.setActive(null);
    replaceChildren(this.main, [newInteractionForm((i) => this.open(i))]);
  }

  /** The "schedule a call" form in place of the panel. */
  showSchedule(): void {
    this.closePanel();
    current.set(null);
    this.recent.setActive(null);
    replaceChildren(this.main, [
      scheduleForm({
        scheduled: () => void this.scheduled.refresh(),
        cancel: () => this.showForm(),
      }),
    ]);
  }

  open(i: Interaction): void {
    if (this.panel?.id === i.id) return;
    this.closePanel();
    current.set(i.id);
    const panel = new InteractionPanel(i, {
      newInteraction: () => this.showForm(),
      changed: () => void this.recent.refresh(),
    });
    this.panel = panel;
    replaceChildren(this.main, [panel.root]);
    this.recent.setActive(i.id);
    panel.start();
    void this.recent.refresh();
  }

  /** Leaves the open panel (its call stops; the interaction goes on). */
  closePanel(): void {
    this.panel?.dispose();
    this.panel = null;
  }

  /** Signed out: the panel closes and nothing polls any more. */
  dispose(): void {
    this.closePanel();
    this.scheduled.dispose();
    this.reminders.dispose();
  }
}

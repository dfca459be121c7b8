// Scheduled calls (supervisors and admins): the list with filters and
// pages, times in the viewer's zone and the client's; reschedule, reassign,
// cancel; booking a new one (scheduleform.ts).

import { api } from "@shared/api";
import { el, field, replaceChildren, show } from "@shared/dom";
import { lang } from "@shared/i18n";
import { channelLabel } from "@shared/labels";
import type { CancelScheduleRequest, Interaction, ScheduledCall, ScheduleList, ScheduleState, Team, TeamList, UpdateScheduleRequest, User, UserList } from "@shared/protocol";
import { browserZone, formatInZone, instantToWall, isZone, wallToInstant } from "@shared/zones";
import { scheduleStateLabel, ta } from "./messages";
import { query } from "./rest";
import { ScheduleForm, zoneSelect } from "./scheduleform";
import type { Section } from "./section";
import { busy, button, cell, confirmAction, Dialog, heading, input, options, Pager, selectBox, StatusLine, table, textarea } from "./ui";

const PAGE = 20;
const STATES: readonly ScheduleState[] = ["pending", "link_sent", "started", "cancelled", "missed"];
/** States in which a call can still be moved, given to someone else or cancelled. */
const OPEN: ReadonlySet<ScheduleState> = new Set(["pending", "link_sent"]);

/** `YYYY-MM-DD` (a date input, the viewer's day) → the instant it starts, ISO. */
function dayStart(date: string, plusDays = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).toISOString();
}

export class ScheduleSection implements Section {
  readonly root: HTMLElement;
  private agents: User[] = [];
  private teams: Team[] = [];
  private readonly from = input("schedule-from", { type: "date" });
  private readonly to = input("schedule-to", { type: "date" });
  private readonly agentFilter = selectBox("schedule-agent", ta("schedule.agent"), [["", ta("schedule.allAgents")]]);
  private readonly teamFilter = selectBox("schedule-team", ta("schedule.team"), [["", ta("schedule.allTeams")]]);
  private readonly stateFilter = selectBox("schedule-state", ta("schedule.state"), [["", ta("schedule.allStates")], ...STATES.map((s) => [s, scheduleStateLabel(s)] as const)]);
  private readonly list = table("schedule-table", [ta("schedule.when"), ta("schedule.client"), ta("schedule.agent"), ta("schedule.channel"), ta("schedule.state"), ""]);
  private readonly pager = new Pager("schedule", PAGE, () => void this.loadList());
  private readonly status = new StatusLine("schedule-status");
  private readonly form: ScheduleForm;
  private generation = 0;

  constructor(admin: boolean) {
    this.form = new ScheduleForm((i: Interaction) => {
      this.status.ok(ta("schedule.createdFor", { name: i.client_name ?? i.client_phone ?? i.client_email ?? i.client_telegram ?? "" }));
      void this.loadList();
    });
    for (const f of [this.from, this.to, this.agentFilter, this.teamFilter, this.stateFilter]) {
      f.addEventListener("change", () => {
        this.pager.offset = 0;
        void this.loadList();
      });
    }
    const filters = el("div", { class: "filters" }, [
      field(ta("schedule.from"), this.from),
      field(ta("schedule.to"), this.to),
      field(ta("schedule.agent"), this.agentFilter),
      field(ta("schedule.team"), this.teamFilter),
      field(ta("schedule.state"), this.stateFilter),
    ]);
    this.root = el("section", { class: "section", testid: "schedule" }, [
      heading(ta("nav.schedule"), admin ? "schedule.helpAdmin" : "schedule.helpSupervisor"),
      this.form.root,
      el("section", { class: "card" }, [filters, el("p", { class: "muted small", text: ta("schedule.zonesNote", { zone: browserZone() }) }), this.status.root, this.list.root, this.pager.root]),
    ]);
  }

  async load(): Promise<void> {
    await Promise.all([this.loadPeople(), this.loadList()]);
    this.root.dataset.loaded = "true";
  }

  private async loadPeople(): Promise<void> {
    try {
      const [users, teams] = await Promise.all([api<UserList>("GET", `/api/users${query({ role: "agent", limit: 500 })}`), api<TeamList>("GET", "/api/teams")]);
      this.agents = users.items;
      this.teams = teams.items;
    } catch (err) {
      this.status.failed(err);
      return;
    }
    const agentKeep = this.agentFilter.value;
    options(this.agentFilter, [["", ta("schedule.allAgents")], ...this.agents.map((a) => [a.id, a.name] as const)], agentKeep);
    const teamKeep = this.teamFilter.value;
    options(this.teamFilter, [["", ta("schedule.allTeams")], ...this.teams.map((t) => [t.id, t.name] as const)], teamKeep);
    this.form.setAgents(this.agents);
  }

  private async loadList(): Promise<void> {
    const gen = ++this.generation;
    const q = query({
      from: dayStart(this.from.value),
      to: dayStart(this.to.value, 1),
      agent_id: this.agentFilter.value,
      team_id: this.teamFilter.value,
      state: this.stateFilter.value,
      limit: PAGE,
      offset: this.pager.offset,
    });
    let list: ScheduleList;
    try {
      list = await api<ScheduleList>("GET", `/api/schedules${q}`);
    } catch (err) {
      if (gen === this.generation) this.status.failed(err);
      return;
    }
    if (gen !== this.generation) return;
    replaceChildren(this.list.body, list.items.map((c) => this.row(c)));
    show(this.list.empty, list.items.length === 0);
    this.pager.update(list.items.length, list.total);
  }

  private teamName(id: string | undefined): string {
    return id ? (this.teams.find((t) => t.id === id)?.name ?? "") : "";
  }

  private row(c: ScheduledCall): HTMLTableRowElement {
    const at = Date.parse(c.schedule.at);
    const mine = browserZone();
    const zone = isZone(c.schedule.time_zone) ? c.schedule.time_zone : "UTC";
    const when = el("div", { class: "when" }, [
      el("span", { testid: "schedule-time-local", text: formatInZone(at, mine, lang()) }),
      el("span", { class: "muted small", testid: "schedule-time-client", text: ta("schedule.clientTime", { time: formatInZone(at, zone, lang()), zone }) }),
    ]);
    const contact = [c.client_phone, c.client_email, c.client_telegram].filter((x): x is string => !!x).join(", ");
    const client = el("div", { class: "when" }, [el("span", { text: c.client_name ?? "—" }), el("span", { class: "muted small", text: contact })]);
    const agent = el("div", { class: "when" }, [el("span", { testid: "schedule-agent-name", text: c.agent_name }), el("span", { class: "muted small", text: this.teamName(c.team_id) })]);
    const state = el("span", { class: "state", testid: "schedule-row-state", text: scheduleStateLabel(c.schedule.state) });
    state.dataset.state = c.schedule.state;
    if (c.schedule.cancel_reason) state.title = c.schedule.cancel_reason;
    const actions: HTMLElement[] = [];
    if (OPEN.has(c.schedule.state)) {
      const move = button(ta("schedule.reschedule"), "schedule-reschedule", "plain", true);
      move.addEventListener("click", () => void this.reschedule(c));
      const reassign = button(ta("schedule.reassign"), "schedule-reassign", "plain", true);
      reassign.addEventListener("click", () => void this.reassign(c));
      const cancel = button(ta("action.cancelCall"), "schedule-cancel", "danger", true);
      cancel.addEventListener("click", () => void this.cancel(c, cancel));
      actions.push(move, reassign, cancel);
    }
    const tr = el("tr", { testid: "schedule-row" }, [
      cell(when),
      cell(client),
      cell(agent),
      cell(`${channelLabel(c.schedule.send_via)} · ${ta("schedule.leadShort", { n: c.schedule.lead_minutes })}`),
      cell(state),
      el("td", { class: "row-actions" }, actions),
    ]);
    tr.dataset.interactionId = c.interaction_id;
    tr.dataset.state = c.schedule.state;
    tr.dataset.agentId = c.agent_id;
    return tr;
  }

  private async patch(c: ScheduledCall, body: UpdateScheduleRequest): Promise<void> {
    await api<unknown>("PATCH", `/api/schedules/${encodeURIComponent(c.interaction_id)}`, body);
  }

  private async reschedule(c: ScheduledCall): Promise<void> {
    const d = new Dialog("reschedule-dialog", ta("schedule.rescheduleTitle"), ta("action.save"), { okTestid: "reschedule-save" });
    const zone = zoneSelect("reschedule-zone", isZone(c.schedule.time_zone) ? c.schedule.time_zone : browserZone());
    const w = instantToWall(Date.parse(c.schedule.at), zone.value);
    const date = input("reschedule-date", { type: "date" });
    const time = input("reschedule-time", { type: "time" });
    date.value = w.date;
    time.value = w.time;
    d.body.append(
      el("p", { class: "muted", text: ta("schedule.rescheduleHelp") }),
      el("div", { class: "row" }, [field(ta("schedule.date"), date), field(ta("schedule.time"), time)]),
      field(ta("schedule.zone"), zone),
    );
    d.onSubmit = () => {
      const at = wallToInstant(date.value, time.value, zone.value);
      if (at === null) return d.status.error(ta("schedule.badTime"));
      if (at <= Date.now()) return d.status.error(ta("schedule.past"));
      const body: UpdateScheduleRequest = { at: new Date(at).toISOString() };
      if (zone.value !== c.schedule.time_zone) body.time_zone = zone.value;
      void busy(d.ok, d.status, async () => {
        await this.patch(c, body);
        d.close(true);
      });
    };
    if (await d.open()) {
      this.status.ok(ta("schedule.rescheduled"));
      await this.loadList();
    }
  }

  private async reassign(c: ScheduledCall): Promise<void> {
    const d = new Dialog("reassign-dialog", ta("schedule.reassignTitle"), ta("schedule.reassign"), { okTestid: "reassign-save" });
    const others = this.agents.filter((a) => !a.disabled && a.id !== c.agent_id);
    const agent = selectBox("reassign-agent", ta("schedule.agent"), [["", ta("schedule.pickAgent")], ...others.map((a) => [a.id, `${a.name} (${a.login})`] as const)]);
    d.body.append(el("p", { class: "muted", text: ta("schedule.reassignHelp", { name: c.agent_name }) }), field(ta("schedule.agent"), agent));
    d.onSubmit = () => {
      if (!agent.value) return d.status.error(ta("schedule.noAgent"));
      void busy(d.ok, d.status, async () => {
        await this.patch(c, { agent_id: agent.value });
        d.close(true);
      });
    };
    if (await d.open()) {
      this.status.ok(ta("schedule.reassigned"));
      await this.loadList();
    }
  }

  private async cancel(c: ScheduledCall, btn: HTMLButtonElement): Promise<void> {
    const reason = textarea("cancel-reason", 2);
    reason.maxLength = 500;
    const ok = await confirmAction(ta("schedule.cancelConfirm", { name: c.client_name ?? "—", time: formatInZone(Date.parse(c.schedule.at), browserZone(), lang()) }), ta("action.cancelCall"), true, [
      field(ta("schedule.cancelReason"), reason),
    ]);
    if (!ok) return;
    const body: CancelScheduleRequest = {};
    if (reason.value.trim()) body.reason = reason.value.trim();
    await busy(
      btn,
      this.status,
      async () => {
        await api<unknown>("POST", `/api/schedules/${encodeURIComponent(c.interaction_id)}/cancel`, body);
        await this.loadList();
      },
      ta("schedule.cancelled"),
    );
  }
}

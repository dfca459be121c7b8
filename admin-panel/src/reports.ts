// Reports (admins, supervisors, and agents for their own calls): the interactions the viewer may see
// (`GET /api/interactions`, scoped by role on the server), filtered by days,
// agent, team, status, quality, the client's phone and a custom field; 50 a
// page; each row opens the interaction's page (`#/reports/<id>`); the same
// filters exported to Excel (`GET /api/reports/interactions.xlsx`).

import { api } from "@shared/api";
import { saveBlob } from "@shared/chat/transfer";
import { el, field, replaceChildren, setText, show } from "@shared/dom";
import { lang } from "@shared/i18n";
import { statusLabel } from "@shared/labels";
import type { CustomFieldDef, CustomFieldsSettings, Interaction, InteractionList, InteractionStatus, QualityRating, Team, TeamList, User, UserList } from "@shared/protocol";
import { ta } from "./messages";
import { qualityBadge } from "./metricsview";
import { deviceText, duration, qualityLabel, when } from "./reportlabels";
import { filterParams, filterProblem, lastWeek, type ReportFilters } from "./reportquery";
import { clientName, InteractionPage } from "./reportpage";
import { getBlob, query } from "./rest";
import type { Section } from "./section";
import { button, cell, heading, input, options, Pager, selectBox, StatusLine, table } from "./ui";

const PAGE = 50;
const STATUSES: readonly InteractionStatus[] = ["created", "waiting", "active", "ended", "failed"];
const QUALITIES: readonly QualityRating[] = ["good", "fair", "poor", "unknown"];

/** The hash of an interaction's page. */
export function pageHash(id: string): string {
  return `#/reports/${encodeURIComponent(id)}`;
}

/** Talk time: the metrics' when known, else from the start and end. */
function talkSeconds(i: Interaction): number | undefined {
  if (i.metrics?.timing.talk_s !== undefined) return i.metrics.timing.talk_s;
  if (i.started_at && i.ended_at) return Math.max(0, (Date.parse(i.ended_at) - Date.parse(i.started_at)) / 1000);
  return undefined;
}

export class ReportsSection implements Section {
  readonly root: HTMLElement;
  private readonly listView: HTMLElement;
  private readonly from = input("report-from", { type: "date" });
  private readonly to = input("report-to", { type: "date" });
  private readonly agent = selectBox("report-agent", ta("reports.agent"), [["", ta("reports.allAgents")]]);
  private readonly team = selectBox("report-team", ta("reports.team"), [["", ta("reports.allTeams")]]);
  private readonly statusFilter = selectBox("report-status", ta("reports.status"), [["", ta("reports.allStatuses")], ...STATUSES.map((s) => [s, statusLabel(s)] as const)]);
  private readonly quality = selectBox("report-quality", ta("reports.quality"), [["", ta("reports.allQualities")], ...QUALITIES.map((q) => [q, qualityLabel(q)] as const)]);
  private readonly phone = input("report-phone", { type: "tel", autocomplete: "off", placeholder: "+7 999 123-45-67" });
  private readonly fieldKey = selectBox("report-field", ta("reports.field"), [["", ta("reports.noField")]]);
  private readonly fieldValue = input("report-field-value", { autocomplete: "off" });
  private readonly apply = button(ta("reports.apply"), "report-apply", "primary");
  private readonly exportButton = button(ta("reports.export"), "export-xlsx");
  private readonly total = el("span", { class: "report-total", testid: "report-total" });
  private readonly list = table("report-table", [
    ta("reports.created"),
    ta("reports.agent"),
    ta("reports.client"),
    ta("reports.status"),
    ta("reports.talk"),
    ta("reports.quality"),
    ta("reports.device"),
  ]);
  private readonly pager = new Pager("report", PAGE, () => void this.loadList());
  private readonly status = new StatusLine("reports-status");
  private applied: ReportFilters;
  private sub: string | null = null;
  private page: InteractionPage | null = null;
  private peopleRead = false;
  private generation = 0;

  /** Agents see only their own calls: no agent or team to choose. */
  private readonly staffFilters: boolean;

  constructor(role: string) {
    const admin = role === "admin";
    this.staffFilters = role !== "agent";
    const week = lastWeek();
    this.from.value = week.from;
    this.to.value = week.to;
    this.applied = this.filters();
    this.fieldValue.disabled = true;
    this.fieldKey.addEventListener("change", () => {
      this.fieldValue.disabled = !this.fieldKey.value;
    });
    this.apply.type = "submit";
    const form = el("form", { class: "filters report-filters", testid: "report-filters", attrs: { novalidate: true } }, [
      field(ta("reports.from"), this.from),
      field(ta("reports.to"), this.to),
      ...(this.staffFilters ? [field(ta("reports.agent"), this.agent), field(ta("reports.team"), this.team)] : []),
      field(ta("reports.status"), this.statusFilter),
      field(ta("reports.quality"), this.quality),
      field(ta("reports.phone"), this.phone),
      field(ta("reports.field"), this.fieldKey),
      field(ta("reports.fieldValue"), this.fieldValue),
      el("div", { class: "filter-actions" }, [this.apply, this.exportButton]),
    ]);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.applyFilters();
    });
    this.exportButton.addEventListener("click", () => void this.exportXlsx());
    this.listView = el("div", { class: "section report-list" }, [
      heading(ta("nav.reports"), admin ? "reports.helpAdmin" : this.staffFilters ? "reports.helpSupervisor" : "reports.helpAgent"),
      el("section", { class: "card" }, [form, this.status.root]),
      el("section", { class: "card" }, [el("div", { class: "report-summary" }, [this.total]), this.list.root, this.pager.root]),
    ]);
    this.root = el("section", { class: "section", testid: "reports" }, [this.listView]);
  }

  /** `null`: the list; an id: that interaction's page. */
  route(sub: string | null): void {
    this.sub = sub;
  }

  async load(): Promise<void> {
    if (this.sub) {
      const id = this.sub;
      if (this.page?.id !== id) {
        this.page?.close();
        this.page = new InteractionPage(id);
      }
      show(this.listView, false);
      replaceChildren(this.root, [this.listView, this.page.root]);
      window.scrollTo(0, 0);
      await this.page.load();
    } else {
      this.page?.close();
      this.page?.root.remove();
      this.page = null;
      show(this.listView, true);
      await Promise.all([this.peopleRead ? Promise.resolve() : this.loadPeople(), this.loadList()]);
    }
    this.root.dataset.loaded = "true";
  }

  close(): void {
    this.page?.close();
  }

  private filters(): ReportFilters {
    return {
      from: this.from.value,
      to: this.to.value,
      agentId: this.agent.value,
      teamId: this.team.value,
      status: this.statusFilter.value,
      quality: this.quality.value,
      phone: this.phone.value,
      fieldKey: this.fieldKey.value,
      fieldValue: this.fieldValue.value,
    };
  }

  /** The form's filters, checked; null (and the reason said) when they cannot be sent. */
  private checked(): ReportFilters | null {
    const f = this.filters();
    const problem = filterProblem(f);
    if (problem) {
      this.status.error(ta(problem === "range" ? "reports.badRange" : "reports.pickField"));
      return null;
    }
    return f;
  }

  private applyFilters(): void {
    const f = this.checked();
    if (!f) return;
    this.status.clear();
    this.applied = f;
    this.pager.offset = 0;
    void this.loadList();
  }

  private async loadPeople(): Promise<void> {
    const staff = this.staffFilters;
    const [users, teams, fields] = await Promise.all([
      staff ? api<UserList>("GET", `/api/users${query({ role: "agent", limit: 500 })}`).catch(() => null) : Promise.resolve(null),
      staff ? api<TeamList>("GET", "/api/teams").catch(() => null) : Promise.resolve(null),
      api<CustomFieldsSettings>("GET", "/api/settings/custom-fields").catch(() => null),
    ]);
    const agents: User[] = users?.items ?? [];
    const teamList: Team[] = teams?.items ?? [];
    const defs: CustomFieldDef[] = fields?.fields ?? [];
    const l = lang();
    options(this.agent, [["", ta("reports.allAgents")], ...agents.map((a) => [a.id, a.name || a.login] as const)], this.agent.value);
    options(this.team, [["", ta("reports.allTeams")], ...teamList.map((t) => [t.id, t.name] as const)], this.team.value);
    options(this.fieldKey, [["", ta("reports.noField")], ...defs.map((d) => [d.key, d.label[l] || d.label.en || d.key] as const)], this.fieldKey.value);
    this.fieldValue.disabled = !this.fieldKey.value;
    this.peopleRead = (!staff || (users !== null && teams !== null)) && fields !== null;
  }

  private async loadList(): Promise<void> {
    const gen = ++this.generation;
    this.list.root.setAttribute("aria-busy", "true");
    let list: InteractionList;
    try {
      list = await api<InteractionList>("GET", `/api/interactions${query({ ...filterParams(this.applied), limit: PAGE, offset: this.pager.offset })}`);
    } catch (err) {
      if (gen === this.generation) {
        this.status.failed(err);
        this.list.root.removeAttribute("aria-busy");
      }
      return;
    }
    if (gen !== this.generation) return;
    this.list.root.removeAttribute("aria-busy");
    replaceChildren(this.list.body, list.items.map((i) => this.row(i)));
    show(this.list.empty, list.items.length === 0);
    setText(this.list.empty, ta("reports.none"));
    this.pager.update(list.items.length, list.total);
    setText(this.total, ta("reports.total", { n: new Intl.NumberFormat(lang() === "ru" ? "ru-RU" : "en-GB").format(list.total) }));
    this.total.dataset.total = String(list.total);
  }

  private row(i: Interaction): HTMLTableRowElement {
    const contacts = [i.client_phone, i.client_email, i.client_telegram].filter((x): x is string => !!x).join(", ");
    const name = el("a", { class: "row-link", testid: "report-row-link", text: clientName(i), attrs: { href: pageHash(i.id) } });
    const state = el("span", { class: "state", text: statusLabel(i.status) });
    state.dataset.state = i.status;
    const d = i.metrics?.device;
    const tr = el("tr", { class: "report-row", testid: "report-row" }, [
      cell(el("span", { class: "nowrap", text: when(i.created_at) })),
      cell(i.agent_name),
      cell(el("div", { class: "when" }, [name, i.client_name && contacts ? el("span", { class: "muted small", text: contacts }) : null])),
      cell(state),
      cell(el("span", { class: "nowrap", text: duration(talkSeconds(i)) })),
      cell(qualityBadge(i.metrics?.quality)),
      cell(el("span", { class: "small", text: deviceText(d), attrs: { title: d?.user_agent ?? "" } })),
    ]);
    tr.dataset.id = i.id;
    tr.dataset.status = i.status;
    tr.dataset.quality = i.metrics?.quality.rating ?? "";
    tr.dataset.agentId = i.agent_id;
    tr.addEventListener("click", (ev) => {
      // The link itself navigates; a click elsewhere on the row does the same.
      if (ev.target instanceof Element && ev.target.closest("a")) return;
      location.hash = pageHash(i.id);
    });
    return tr;
  }

  private async exportXlsx(): Promise<void> {
    const f = this.checked();
    if (!f) return;
    const b = this.exportButton;
    if (b.disabled) return;
    b.disabled = true;
    b.setAttribute("aria-busy", "true");
    this.status.progress(ta("reports.exporting"));
    try {
      const { blob, name } = await getBlob(`/api/reports/interactions.xlsx${query({ ...filterParams(f), lang: lang() })}`);
      const fallback = `interactions-${f.from || "all"}-${f.to || "now"}.xlsx`;
      saveBlob(blob, name ?? fallback);
      b.dataset.downloaded = "true";
      this.status.ok(ta("reports.exported"));
    } catch (err) {
      this.status.failed(err);
    } finally {
      b.disabled = false;
      b.removeAttribute("aria-busy");
    }
  }
}

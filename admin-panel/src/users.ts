// Users and teams. Admins: search, filter, page, create, edit, disable /
// enable, set a new password; teams below. Supervisors: the agents of their
// teams and those teams, read-only.

import { api } from "@shared/api";
import { el, field, replaceChildren, show } from "@shared/dom";
import type { Team, UpdateUserRequest, User, UserList } from "@shared/protocol";
import { roleLabel, ta } from "./messages";
import { query } from "./rest";
import type { Section } from "./section";
import { TeamsCard } from "./teams";
import { busy, button, cell, confirmAction, heading, input, Pager, selectBox, StatusLine, table } from "./ui";
import { editUser, resetPassword } from "./userform";

const PAGE = 20;

export class UsersSection implements Section {
  readonly root: HTMLElement;
  private readonly teamsCard: TeamsCard;
  private readonly list = table("users-table", [ta("users.login"), ta("users.name"), ta("users.role"), ta("users.teams"), ta("users.state"), ""]);
  private readonly status = new StatusLine("users-status");
  private readonly search = input("user-search", { type: "search", placeholder: ta("users.searchHint"), autocomplete: "off" });
  private readonly roleFilter = selectBox("user-role-filter", ta("users.role"), [
    ["", ta("users.allRoles")],
    ["admin", roleLabel("admin")],
    ["supervisor", roleLabel("supervisor")],
    ["agent", roleLabel("agent")],
  ]);
  private readonly pager = new Pager("users", PAGE, () => void this.loadUsers());
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Answers to older requests are dropped. */
  private generation = 0;

  constructor(
    private readonly admin: boolean,
    /** The signed-in user, who cannot disable itself here. */
    private readonly selfId: string,
  ) {
    this.teamsCard = new TeamsCard(admin, () => void this.loadUsers());
    const create = button(ta("users.create"), "user-create", "primary");
    create.addEventListener("click", () => void this.edit(null));
    show(create, admin);
    this.search.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.refilter(), 300);
    });
    this.roleFilter.addEventListener("change", () => this.refilter());
    const filters = el("div", { class: "filters" }, [field(ta("users.search"), this.search), admin ? field(ta("users.role"), this.roleFilter) : null, el("div", { class: "grow" }), create]);
    this.root = el("section", { class: "section", testid: "users" }, [
      heading(ta("nav.users"), admin ? undefined : "users.supervisorHelp"),
      el("section", { class: "card" }, [filters, this.status.root, this.list.root, this.pager.root]),
      this.teamsCard.root,
    ]);
  }

  async load(): Promise<void> {
    await this.teamsCard.load();
    await this.loadUsers();
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private refilter(): void {
    this.pager.offset = 0;
    void this.loadUsers();
  }

  private async loadUsers(): Promise<void> {
    const gen = ++this.generation;
    const q = query({
      q: this.search.value.trim(),
      role: this.admin ? this.roleFilter.value : "agent",
      limit: PAGE,
      offset: this.pager.offset,
    });
    let list: UserList;
    try {
      list = await api<UserList>("GET", `/api/users${q}`);
    } catch (err) {
      if (gen === this.generation) this.status.failed(err);
      return;
    }
    if (gen !== this.generation) return;
    if (list.items.length === 0 && this.pager.offset > 0 && list.total > 0) {
      // The last page emptied (a filter or a change): go back one.
      this.pager.offset = Math.max(0, this.pager.offset - PAGE);
      return this.loadUsers();
    }
    this.root.dataset.loaded = "true";
    replaceChildren(this.list.body, list.items.map((u) => this.row(u)));
    show(this.list.empty, list.items.length === 0);
    this.pager.update(list.items.length, list.total);
  }

  private teamNames(ids: readonly string[]): string {
    const byId = new Map(this.teamsCard.teams.map((t) => [t.id, t.name]));
    return ids.map((id) => byId.get(id) ?? id).join(", ");
  }

  private row(u: User): HTMLTableRowElement {
    const teams = u.role === "agent" ? (u.team_id ? this.teamNames([u.team_id]) : "—") : u.role === "supervisor" ? this.teamNames(u.supervises) || "—" : "";
    const actions: HTMLElement[] = [];
    if (this.admin) {
      const edit = button(ta("action.edit"), "user-edit", "plain", true);
      edit.addEventListener("click", () => void this.edit(u));
      const pw = button(ta("users.resetPassword"), "user-reset-password", "plain", true);
      pw.addEventListener("click", () => void this.reset(u));
      const toggle = button(u.disabled ? ta("users.enable") : ta("users.disable"), "user-toggle", u.disabled ? "plain" : "danger", true);
      toggle.dataset.action = u.disabled ? "enable" : "disable";
      toggle.addEventListener("click", () => void this.toggle(u, toggle));
      if (u.id === this.selfId) {
        toggle.disabled = true;
        toggle.title = ta("users.notSelf");
      }
      actions.push(edit, pw, toggle);
    }
    const tr = el("tr", { testid: "user-row", class: u.disabled ? "is-disabled" : "" }, [
      cell(el("span", { testid: "user-row-login", text: u.login })),
      cell(el("span", { testid: "user-row-name", text: u.name })),
      cell(roleLabel(u.role)),
      cell(el("span", { testid: "user-row-teams", text: teams })),
      cell(el("span", { testid: "user-row-state", text: u.disabled ? ta("users.disabled") : ta("users.active") })),
      el("td", { class: "row-actions" }, actions),
    ]);
    tr.dataset.userId = u.id;
    tr.dataset.login = u.login;
    tr.dataset.role = u.role;
    tr.dataset.disabled = String(u.disabled);
    if (u.team_id) tr.dataset.teamId = u.team_id;
    return tr;
  }

  private async edit(u: User | null): Promise<void> {
    const teams: readonly Team[] = this.teamsCard.teams;
    const saved = await editUser(teams, u);
    if (!saved) return;
    this.status.ok(u ? ta("users.saved", { login: saved.login }) : ta("users.createdOne", { login: saved.login }));
    await this.teamsCard.load();
    await this.loadUsers();
  }

  private async reset(u: User): Promise<void> {
    if (await resetPassword(u)) this.status.ok(ta("users.passwordSet", { login: u.login }));
  }

  private async toggle(u: User, btn: HTMLButtonElement): Promise<void> {
    const disable = !u.disabled;
    if (disable && !(await confirmAction(ta("users.disableConfirm", { login: u.login }), ta("users.disable")))) return;
    await busy(
      btn,
      this.status,
      async () => {
        const body: UpdateUserRequest = { name: null, role: null, password: null, disabled: disable };
        await api<User>("PATCH", `/api/users/${encodeURIComponent(u.id)}`, body);
        await this.loadUsers();
      },
      disable ? ta("users.disabledOne", { login: u.login }) : ta("users.enabledOne", { login: u.login }),
    );
  }
}

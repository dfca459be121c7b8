// Teams: the list (admin: create, rename, delete; supervisor: its teams, read-only).

import { api } from "@shared/api";
import { el, field, replaceChildren, show } from "@shared/dom";
import type { Team, TeamList, TeamRequest } from "@shared/protocol";
import { ta } from "./messages";
import { busy, button, cell, confirmAction, Dialog, input, StatusLine, table } from "./ui";

export class TeamsCard {
  readonly root: HTMLElement;
  teams: Team[] = [];
  private readonly list = table("teams", [ta("teams.name"), ta("teams.agents"), ta("teams.supervisors"), ""]);
  private readonly status = new StatusLine("teams-status");

  constructor(
    private readonly admin: boolean,
    /** Teams changed (the users' list shows their names). */
    private readonly onChange: () => void,
  ) {
    const name = input("team-name", { maxlength: "100", placeholder: ta("teams.newName") });
    const create = button(ta("teams.create"), "team-create", "primary");
    const form = el("form", { class: "inline-form", attrs: { novalidate: true } }, [field(ta("teams.name"), name), create]);
    create.type = "submit";
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const n = name.value.trim();
      if (!n || n.length > 100) {
        this.status.error(ta("teams.badName"));
        name.focus();
        return;
      }
      void busy(
        create,
        this.status,
        async () => {
          const body: TeamRequest = { name: n };
          await api<Team>("POST", "/api/teams", body);
          name.value = "";
          await this.load();
          this.onChange();
        },
        ta("teams.created", { name: n }),
      );
    });
    show(form, admin);
    this.root = el("section", { class: "card", testid: "teams-card" }, [el("h2", { text: ta("teams.title") }), form, this.status.root, this.list.root]);
  }

  async load(): Promise<void> {
    try {
      this.teams = (await api<TeamList>("GET", "/api/teams")).items;
    } catch (err) {
      this.status.failed(err);
      return;
    }
    replaceChildren(this.list.body, this.teams.map((t) => this.row(t)));
    show(this.list.empty, this.teams.length === 0);
  }

  private row(t: Team): HTMLTableRowElement {
    const actions: HTMLElement[] = [];
    if (this.admin) {
      const rename = button(ta("teams.rename"), "team-rename", "plain", true);
      rename.addEventListener("click", () => void this.rename(t));
      const del = button(ta("action.delete"), "team-delete", "plain", true);
      del.addEventListener("click", () => void this.remove(t, del));
      actions.push(rename, del);
    }
    const tr = el("tr", { testid: "team-row" }, [
      cell(el("span", { testid: "team-row-name", text: t.name })),
      cell(String(t.agents)),
      cell(String(t.supervisors)),
      el("td", { class: "row-actions" }, actions),
    ]);
    tr.dataset.teamId = t.id;
    tr.dataset.name = t.name;
    return tr;
  }

  private async rename(t: Team): Promise<void> {
    const d = new Dialog("team-rename-dialog", ta("teams.renameTitle"), ta("action.save"), { okTestid: "team-rename-save" });
    const name = input("team-rename-name", { maxlength: "100" });
    name.value = t.name;
    d.body.append(field(ta("teams.name"), name));
    d.onSubmit = () => {
      const n = name.value.trim();
      if (!n || n.length > 100) {
        d.status.error(ta("teams.badName"));
        return;
      }
      void busy(d.ok, d.status, async () => {
        const body: TeamRequest = { name: n };
        await api<Team>("PATCH", `/api/teams/${encodeURIComponent(t.id)}`, body);
        d.close(true);
      });
    };
    if (await d.open()) {
      this.status.ok(ta("teams.renamed"));
      await this.load();
      this.onChange();
    }
  }

  private async remove(t: Team, btn: HTMLButtonElement): Promise<void> {
    const members = t.agents + t.supervisors;
    const message = members > 0 ? ta("teams.deleteMembers", { name: t.name, n: members }) : ta("teams.deleteConfirm", { name: t.name });
    if (!(await confirmAction(message, ta("action.delete")))) return;
    await busy(
      btn,
      this.status,
      async () => {
        await api<void>("DELETE", `/api/teams/${encodeURIComponent(t.id)}`);
        await this.load();
        this.onChange();
      },
      ta("teams.deleted", { name: t.name }),
    );
  }
}

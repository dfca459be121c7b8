// The dialog that creates or edits a user (admin): login, name, role,
// password (new users), team (agents) and supervised teams (supervisors).

import { api } from "@shared/api";
import { el, field, show } from "@shared/dom";
import type { CreateUserRequest, Role, Team, UpdateUserRequest, User } from "@shared/protocol";
import { roleLabel, ta } from "./messages";
import { busy, checkbox, Dialog, input, selectBox } from "./ui";
import { isLogin } from "./validate";

const ROLES: readonly Role[] = ["agent", "supervisor", "admin"];

/** Opens the form; resolves with the saved user, or null when cancelled. */
export function editUser(teams: readonly Team[], user: User | null): Promise<User | null> {
  const d = new Dialog("user-form", user ? ta("users.edit") : ta("users.create"), ta("action.save"), { okTestid: "user-save" });
  const login = input("user-login", { autocomplete: "off", autocapitalize: "none", spellcheck: "false", maxlength: "64" });
  const name = input("user-name", { maxlength: "200", autocomplete: "off" });
  const role = selectBox("user-role", ta("users.role"), ROLES.map((r) => [r, roleLabel(r)] as const), user?.role ?? "agent");
  const password = input("user-password", { type: "password", autocomplete: "new-password" });
  const team = selectBox("user-team", ta("users.team"), [["", ta("users.noTeam")], ...teams.map((t) => [t.id, t.name] as const)], user?.team_id ?? "");
  const supervised = new Set(user?.supervises ?? []);
  const boxes = teams.map((t) => {
    const c = checkbox("user-supervises-team", t.name);
    c.box.value = t.id;
    c.box.dataset.teamId = t.id;
    c.box.checked = supervised.has(t.id);
    return c;
  });
  const supervisesBox = el("fieldset", { class: "checks", testid: "user-supervises" }, [
    el("legend", { text: ta("users.supervises") }),
    ...(boxes.length ? boxes.map((b) => b.root) : [el("p", { class: "muted", text: ta("users.noTeamsYet") })]),
  ]);
  const teamField = field(ta("users.team"), team);
  const passwordField = field(ta("users.password"), password);

  if (user) {
    login.value = user.login;
    login.disabled = true;
    name.value = user.name;
    show(passwordField, false);
  }
  const byRole = (): void => {
    show(teamField, role.value === "agent");
    show(supervisesBox, role.value === "supervisor");
  };
  role.addEventListener("change", byRole);
  byRole();

  d.body.append(field(ta("users.login"), login), field(ta("users.name"), name), field(ta("users.role"), role), passwordField, teamField, supervisesBox);

  let saved: User | null = null;
  d.onSubmit = () => {
    const r = role.value as Role;
    if (!user && !isLogin(login.value)) return fail(login, ta("users.badLogin"));
    const n = name.value.trim();
    if (!n || n.length > 200) return fail(name, ta("users.badName"));
    if (!user && !password.value) return fail(password, ta("users.noPassword"));
    const teamId = team.value || null;
    const sup = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
    void busy(d.ok, d.status, async () => {
      if (!user) {
        const body: CreateUserRequest = { login: login.value.trim(), password: password.value, role: r, name: n };
        if (r === "agent" && teamId) body.team_id = teamId;
        if (r === "supervisor") body.supervises = sup;
        saved = await api<User>("POST", "/api/users", body);
      } else {
        const body: UpdateUserRequest = {
          name: n === user.name ? null : n,
          role: r === user.role ? null : r,
          password: null,
          disabled: null,
        };
        const wantTeam = r === "agent" ? teamId : null;
        if (wantTeam !== user.team_id) body.team_id = wantTeam;
        const wantSup = r === "supervisor" ? sup : [];
        if (wantSup.join(",") !== user.supervises.join(",")) body.supervises = wantSup;
        saved = await api<User>("PATCH", `/api/users/${encodeURIComponent(user.id)}`, body);
      }
      d.close(true);
    });
  };

  function fail(control: HTMLElement, message: string): void {
    d.status.error(message);
    control.setAttribute("aria-invalid", "true");
    control.focus();
  }

  if (!user) queueMicrotask(() => login.focus());
  return d.open().then((ok) => (ok ? saved : null));
}

/** Sets a user's new password (admin): resolves true when done. */
export function resetPassword(user: User): Promise<boolean> {
  const d = new Dialog("password-dialog", ta("users.resetFor", { login: user.login }), ta("users.setPassword"), { okTestid: "password-save" });
  const password = input("new-password", { type: "text", autocomplete: "new-password", spellcheck: "false" });
  d.body.append(el("p", { class: "muted", text: ta("users.resetHelp") }), field(ta("users.newPassword"), password));
  d.onSubmit = () => {
    if (!password.value) {
      d.status.error(ta("users.noPassword"));
      password.focus();
      return;
    }
    void busy(d.ok, d.status, async () => {
      const body: UpdateUserRequest = { name: null, role: null, password: password.value, disabled: null };
      await api<User>("PATCH", `/api/users/${encodeURIComponent(user.id)}`, body);
      d.close(true);
    });
  };
  queueMicrotask(() => password.focus());
  return d.open();
}

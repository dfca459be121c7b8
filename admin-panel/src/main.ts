// The admin panel (/admin/): admins and supervisors.

import "@shared/base.css";
import "./styles.css";
import { logout, session, type StaffSession } from "@shared/api";
import { replaceChildren } from "@shared/dom";
import { initLang, t } from "@shared/i18n";
import { loginView } from "./login";
import { ta } from "./messages";
import { Shell } from "./shell";

initLang();
document.title = ta("app.title");

const app = document.getElementById("app") ?? document.body;
let shell: Shell | null = null;

function showLogin(notice: string | null = null, reason?: string): void {
  shell?.close();
  shell = null;
  replaceChildren(app, [loginView(showShell, notice, reason)]);
}

function showShell(s: StaffSession): void {
  if (s.user.role === "agent") {
    // The panel is not for agents: end the session it just opened.
    void logout();
    showLogin(ta("login.notStaff"), "role");
    return;
  }
  shell?.close();
  shell = new Shell(s, () => {
    void logout().then(() => showLogin());
  });
  replaceChildren(app, [shell.root]);
  shell.start();
}

session.onLost(() => {
  if (shell) showLogin(t("err.session_expired"), "expired");
});

const existing = session.get();
if (existing) showShell(existing);
else showLogin();

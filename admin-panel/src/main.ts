// The admin panel (/admin/): admins and supervisors; agents see only
// Reports, with their own calls.

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

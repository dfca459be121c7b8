// The agent console (/agent/).

import "@shared/base.css";
import "./styles.css";
import { session, type StaffSession } from "@shared/api";
import { replaceChildren } from "@shared/dom";
import { initLang, t } from "@shared/i18n";
import { loginView } from "./login";
import { Workspace } from "./workspace";

initLang();
document.title = t("app.agentTitle");

const app = document.getElementById("app") ?? document.body;
let workspace: Workspace | null = null;

function showLogin(notice: string | null = null): void {
  workspace?.dispose();
  workspace = null;
  replaceChildren(app, [loginView(showWorkspace, notice)]);
}

function showWorkspace(s: StaffSession): void {
  workspace?.dispose();
  workspace = new Workspace(s, () => showLogin());
  replaceChildren(app, [workspace.root]);
  void workspace.init();
}

session.onLost(() => {
  if (workspace) showLogin(t("err.session_expired"));
});

const existing = session.get();
if (existing) showWorkspace(existing);
else showLogin();

// The sign-in form (staff).

import { login, type StaffSession } from "@shared/api";
import { el, field, setText, show } from "@shared/dom";
import { t } from "@shared/i18n";
import { errorText } from "./errors";
import { ta } from "./messages";

export function loginView(onSignedIn: (s: StaffSession) => void, notice: string | null = null, reason?: string): HTMLElement {
  const username = el("input", {
    testid: "login-username",
    attrs: { type: "text", name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" },
  });
  const password = el("input", {
    testid: "login-password",
    attrs: { type: "password", name: "password", autocomplete: "current-password", required: true },
  });
  const submit = el("button", { class: "btn btn-primary", testid: "login-submit", text: t("login.submit"), attrs: { type: "submit" } });
  const error = el("p", { class: "error", testid: "login-error", attrs: { role: "alert" }, hidden: notice === null, text: notice ?? "" });
  if (reason) error.dataset.reason = reason;
  const agentLink = el("a", { class: "muted", testid: "agent-console-link", text: ta("login.agentConsole"), attrs: { href: "/agent/" }, hidden: reason !== "role" });

  const form = el("form", { class: "card login", attrs: { novalidate: true } }, [
    el("h1", { text: ta("login.title") }),
    el("p", { class: "muted", text: ta("login.who") }),
    field(t("login.username"), username),
    field(t("login.password"), password),
    error,
    agentLink,
    submit,
  ]);

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    const name = username.value.trim();
    if (!name || !password.value) {
      setText(error, ta("login.fillBoth"));
      error.dataset.reason = "empty";
      show(error, true);
      (name ? password : username).focus();
      return;
    }
    submit.disabled = true;
    setText(submit, t("login.signingIn"));
    show(error, false);
    show(agentLink, false);
    login(name, password.value)
      .then((s) => onSignedIn(s))
      .catch((err: unknown) => {
        setText(error, errorText(err));
        error.dataset.reason = "error";
        show(error, true);
        password.select();
      })
      .finally(() => {
        submit.disabled = false;
        setText(submit, t("login.submit"));
      });
  });

  queueMicrotask(() => username.focus());
  return el("div", { class: "login-page" }, [form]);
}

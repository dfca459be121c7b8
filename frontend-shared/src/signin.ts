// The staff sign-in form (agent console, admin panel): login and password
// -> `POST /api/auth/login`, the button busy while it runs, the error line
// (`login-error`) saying what went wrong. Each app gives its own heading and
// words, and may open it with a notice (why the session ended, a wrong role)
// and add nodes under the error line.

import { login, type StaffSession } from "./api";
import { el, field, setText, show } from "./dom";
import { errorText as sharedErrorText } from "./errors";
import { t } from "./i18n";
import "./signin.css";

export interface SignInOptions {
  /** The heading. */
  title: string;
  /** A muted line under the heading. */
  intro?: string;
  /** Shown in the error line from the start. */
  notice?: string | null;
  /** The notice's `data-reason` (the line's later ones: `empty`, `error`). */
  reason?: string;
  /** Said when a field is left empty; without it the empty field only takes the focus. */
  emptyText?: string;
  /** Words for a failed sign-in (the shared `errorText` unless given). */
  errorText?: (err: unknown) => string;
  /** Nodes under the error line, hidden once the form is sent. */
  extras?: readonly HTMLElement[];
}

/** The sign-in page; `onSignedIn` gets the session. */
export function signInForm(onSignedIn: (s: StaffSession) => void, options: SignInOptions): HTMLElement {
  const { title, intro, notice = null, reason, emptyText, errorText = sharedErrorText, extras = [] } = options;
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

  const form = el("form", { class: "card login", attrs: { novalidate: true } }, [
    el("h1", { text: title }),
    intro ? el("p", { class: "muted", text: intro }) : null,
    field(t("login.username"), username),
    field(t("login.password"), password),
    error,
    ...extras,
    submit,
  ]);

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    const name = username.value.trim();
    if (!name || !password.value) {
      if (emptyText) {
        setText(error, emptyText);
        error.dataset.reason = "empty";
        show(error, true);
      }
      (name ? password : username).focus();
      return;
    }
    submit.disabled = true;
    setText(submit, t("login.signingIn"));
    show(error, false);
    for (const node of extras) show(node, false);
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

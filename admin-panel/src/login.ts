// The sign-in form (staff), with a link to the agent console for agents
// who came here to take calls.

import type { StaffSession } from "@shared/api";
import { el } from "@shared/dom";
import { signInForm } from "@shared/signin";
import { errorText } from "./errors";
import { ta } from "./messages";

export function loginView(onSignedIn: (s: StaffSession) => void, notice: string | null = null, reason?: string): HTMLElement {
  const agentLink = el("a", { class: "muted", testid: "agent-console-link", text: ta("login.agentConsole"), attrs: { href: "/agent/" }, });
  return signInForm(onSignedIn, {
    title: ta("login.title"),
    intro: ta("login.who"),
    notice,
    reason,
    emptyText: ta("login.fillBoth"),
    errorText,
    extras: [agentLink],
  });
}

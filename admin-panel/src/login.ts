// The sign-in form (staff). An agent who signs in here is sent back with a
// notice (`reason` "role") and a link to the agent console.

import type { StaffSession } from "@shared/api";
import { el } from "@shared/dom";
import { signInForm } from "@shared/signin";
import { errorText } from "./errors";
import { ta } from "./messages";

export function loginView(onSignedIn: (s: StaffSession) => void, notice: string | null = null, reason?: string): HTMLElement {
  const agentLink = el("a", { class: "muted", testid: "agent-console-link", text: ta("login.agentConsole"), attrs: { href: "/agent/" }, hidden: reason !== "role" });
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

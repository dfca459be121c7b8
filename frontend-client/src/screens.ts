// Full-page message screens of the client page.

import type { Branding, InteractionStatus } from "@shared/protocol";
import { el, type Child } from "@shared/dom";
import { t } from "@shared/i18n";
import { logoSrc } from "./branding";

/** The company header (logo + name) when branding is known. */
export function brandHeader(branding: Branding | null): HTMLElement | null {
  if (!branding) return null;
  const src = logoSrc(branding.logo_url);
  const logo = src
    ? el("img", {
        class: "logo",
        testid: "company-logo",
        attrs: { src, alt: branding.company_name, referrerpolicy: "no-referrer", decoding: "async" },
      })
    : null;
  return el("header", { class: "brand-head" }, [logo, el("span", { class: "company", testid: "company-name", text: branding.company_name })]);
}

export function messageScreen(
  testid: string,
  title: string,
  help: string | null,
  branding: Branding | null = null,
  extra: readonly Child[] = [],
): HTMLElement {
  return el("div", { class: "screen" }, [
    brandHeader(branding),
    el("section", { class: "card message", testid, attrs: { role: "status" } }, [
      el("h1", { text: title }),
      help ? el("p", { class: "muted", text: help }) : null,
      ...extra,
    ]),
  ]);
}

/** The "call is over" card: thank-you, or a distinct message when it failed. */
export function endedCard(status: InteractionStatus | "replaced", extra: readonly Child[] = []): HTMLElement {
  const text = status === "failed" ? t("client.failed") : status === "replaced" ? t("call.replaced") : t("client.ended");
  return el("section", { class: "card message ended", testid: "call-ended", attrs: { role: "status", "data-status": status } }, [
    el("h1", { text }),
    ...extra,
  ]);
}

/** The end of the call as a whole screen. */
export function endedScreen(status: InteractionStatus | "replaced", branding: Branding | null, extra: readonly Child[] = []): HTMLElement {
  return el("div", { class: "screen" }, [brandHeader(branding), endedCard(status, extra)]);
}

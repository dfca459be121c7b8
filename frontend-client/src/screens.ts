// Full-page message screens of the client page.

import type { Branding, InteractionStatus } from "@shared/protocol";
import { el, type Child } from "@shared/dom";
import { t } from "@shared/i18n";

/** The company header (logo + name) when branding is known. */
export function brandHeader(branding: Branding | null): HTMLElement | null {
  if (!branding) return null;
  const logo = branding.logo_url && /^(https?:\/\/|\/)/i.test(branding.logo_url)
    ? el("img", { class: "logo", attrs: { src: branding.logo_url, alt: "", referrerpolicy: "no-referrer" } })
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

/** The end of the call: thank-you, or a distinct message when it failed. */
export function endedScreen(status: InteractionStatus | "replaced", branding: Branding | null): HTMLElement {
  const text = status === "failed" ? t("client.failed") : status === "replaced" ? t("call.replaced") : t("client.ended");
  const box = el("section", { class: "card message ended", testid: "call-ended", attrs: { role: "status", "data-status": status } }, [
    el("h1", { text }),
  ]);
  return el("div", { class: "screen" }, [brandHeader(branding), box]);
}

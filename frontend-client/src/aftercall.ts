// What the client sees once the call is over: the post-call survey when the
// interaction has one (and the page has not sent or skipped it yet), then
// thanks; and, after a call that ended normally, the company's own page
// (`branding.redirect_url`, http(s) only) about two seconds later.

import type { Branding, JoinInfo } from "@shared/protocol";
import { el } from "@shared/dom";
import { t } from "@shared/i18n";
import { httpUrl } from "./branding";
import { brandHeader, endedCard, endedScreen } from "./screens";
import { joinWithConsent, type Outcome } from "./session";
import { joined } from "./store";
import { questionsOf } from "./survey/model";
import { type SurveyResult, surveyForm } from "./survey/view";

/** How long the thanks stay on screen before the redirect. */
export const REDIRECT_DELAY_MS = 2_000;

export interface AfterCallOptions {
  outcome: Outcome;
  linkToken: string;
  /** What the link said at load (null when the link no longer answers). */
  info: JoinInfo | null;
  render(node: HTMLElement): void;
}

let redirectTimer: ReturnType<typeof setTimeout> | undefined;

export function showAfterCall(opts: AfterCallOptions): void {
  const { outcome, info, linkToken } = opts;
  const branding = info?.branding ?? null;
  const record = joined.get(linkToken);
  const surveyOn = info?.features.enabled?.survey ?? true;
  const questions = outcome === "ended" && info && surveyOn && record && !record.survey_done ? questionsOf(info.survey) : [];
  if (!record || questions.length === 0) {
    opts.render(endedScreen(outcome, branding, outcome === "ended" ? redirectNote(branding) : []));
    return;
  }
  const done = (result: SurveyResult): void => {
    const latest = joined.get(linkToken) ?? record;
    joined.put(linkToken, { ...latest, survey_done: true });
    opts.render(result === "sent" ? thanksScreen(branding) : endedScreen(outcome, branding, redirectNote(branding)));
  };
  const form = surveyForm({
    interactionId: record.interaction_id,
    questions,
    token: () => (joined.get(linkToken) ?? record).client_token,
    renew: async () => {
      try {
        const fresh = await joinWithConsent(linkToken);
        joined.put(linkToken, { ...fresh, finished: "ended", survey_done: false });
        return fresh.client_token;
      } catch {
        return null;
      }
    },
    onDone: done,
  });
  opts.render(el("div", { class: "screen after-call" }, [brandHeader(branding), endedCard(outcome), form]));
  form.querySelector<HTMLElement>("button, input, textarea")?.focus({ preventScroll: true });
}

function thanksScreen(branding: Branding | null): HTMLElement {
  return el("div", { class: "screen" }, [
    brandHeader(branding),
    el("section", { class: "card message ended", testid: "survey-thanks", attrs: { role: "status" } }, [
      el("h1", { text: t("survey.thanks") }),
      ...redirectNote(branding),
    ]),
  ]);
}

/** "Taking you to …" with a link, and the redirect itself; nothing without a usable URL. */
function redirectNote(branding: Branding | null): HTMLElement[] {
  const url = httpUrl(branding?.redirect_url);
  if (!url) return [];
  if (redirectTimer !== undefined) clearTimeout(redirectTimer);
  redirectTimer = setTimeout(() => window.location.assign(url), REDIRECT_DELAY_MS);
  return [
    el("p", { class: "muted redirect-notice", testid: "redirect-notice" }, [
      t("client.redirecting"),
      " ",
      el("a", { testid: "redirect-link", text: t("client.redirectNow"), attrs: { href: url, rel: "noopener noreferrer" } }),
    ]),
  ];
}

// The post-call survey form (`survey`): per question a rating (1-5 buttons),
// a choice (radios) or a text (textarea); required questions must be
// answered before `survey-submit` sends; `survey-skip` leaves without
// answering. Sent with the client token to
// `POST /api/interactions/{id}/survey`; a 409 `already_answered` counts as
// sent (another tab, or a retry after a lost answer).

import type { SurveyResponse } from "@shared/protocol";
import { api, ApiError } from "@shared/api";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { lang, t } from "@shared/i18n";
import { type Draft, localized, MAX_TEXT, missingRequired, type Question, RATINGS, submissionOf } from "./model";

export type SurveyResult = "sent" | "skipped";

export interface SurveyFormOptions {
  interactionId: string;
  questions: readonly Question[];
  /** The client token (the latest the page has). */
  token(): string | null;
  /** A fresh client token after a 401 (null when none can be had). */
  renew(): Promise<string | null>;
  onDone(result: SurveyResult): void;
}

interface QuestionView {
  q: Question;
  node: HTMLElement;
  error: HTMLElement;
  focus(): void;
}

export function surveyForm(opts: SurveyFormOptions): HTMLElement {
  const lng = lang();
  const drafts: Record<string, Draft> = {};
  const views: QuestionView[] = opts.questions.map((q, i) => questionView(q, i, lng, drafts, () => clearInvalid()));
  const error = el("p", { class: "error", testid: "survey-error", attrs: { role: "alert" }, hidden: true });
  const submit = el("button", { class: "btn btn-primary", testid: "survey-submit", text: t("survey.submit"), attrs: { type: "submit" } });
  const skip = el("button", { class: "btn", testid: "survey-skip", text: t("survey.skip"), attrs: { type: "button" } });
  let busy = false;

  const clearInvalid = (): void => {
    const missing = new Set(missingRequired(opts.questions, drafts));
    for (const v of views) {
      if (v.node.dataset.invalid === "true" && !missing.has(v.q.id)) markInvalid(v, false);
    }
    if (missing.size === 0) show(error, false);
  };

  const send = async (): Promise<void> => {
    const path = `/api/interactions/${encodeURIComponent(opts.interactionId)}/survey`;
    const body = submissionOf(opts.questions, drafts);
    const post = (token: string | null): Promise<SurveyResponse> =>
      api<SurveyResponse>("POST", path, body, token ? { kind: "bearer", token } : { kind: "none" });
    try {
      await post(opts.token()).catch(async (err: unknown) => {
        if (!(err instanceof ApiError) || err.status !== 401) throw err;
        const fresh = await opts.renew();
        if (!fresh) throw err;
        return post(fresh);
      });
      opts.onDone("sent");
    } catch (err) {
      // Already answered, or the survey was switched off meanwhile: nothing more to do here.
      if (err instanceof ApiError && (err.code === "already_answered" || err.code === "feature_disabled")) {
        opts.onDone("sent");
        return;
      }
      setText(error, t("survey.failed", { reason: errorText(err) }));
      show(error, true);
      busy = false;
      submit.disabled = false;
      skip.disabled = false;
      setText(submit, t("survey.submit"));
    }
  };

  const form = el("form", { class: "card survey", testid: "survey", attrs: { novalidate: true, "aria-labelledby": "survey-title" } }, [
    el("h2", { text: t("survey.title"), attrs: { id: "survey-title" } }),
    el("p", { class: "muted", text: t("survey.intro") }),
    ...views.map((v) => v.node),
    error,
    el("div", { class: "button-row survey-actions" }, [submit, skip]),
  ]);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (busy) return;
    const missing = new Set(missingRequired(opts.questions, drafts));
    for (const v of views) markInvalid(v, missing.has(v.q.id));
    if (missing.size > 0) {
      setText(error, t("survey.required", { count: missing.size }));
      show(error, true);
      views.find((v) => missing.has(v.q.id))?.focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    skip.disabled = true;
    setText(submit, t("survey.sending"));
    show(error, false);
    void send();
  });
  skip.addEventListener("click", () => {
    if (busy) return;
    busy = true;
    opts.onDone("skipped");
  });
  return form;
}

function markInvalid(v: QuestionView, invalid: boolean): void {
  v.node.dataset.invalid = String(invalid);
  v.node.setAttribute("aria-invalid", String(invalid));
  setText(v.error, invalid ? t("survey.answerThis") : "");
  show(v.error, invalid);
}

function questionView(q: Question, index: number, lng: "ru" | "en", drafts: Record<string, Draft>, changed: () => void): QuestionView {
  const titleId = `survey-q-${index}`;
  const error = el("p", { class: "error survey-question-error", testid: "survey-question-error", attrs: { role: "alert" }, hidden: true });
  const title = el("legend", { class: "survey-question-text", attrs: { id: titleId } }, [
    localized(q.text, lng),
    q.required ? el("span", { class: "survey-required", text: " *", attrs: { "aria-hidden": "true" } }) : null,
  ]);
  const draft: Draft = {};
  drafts[q.id] = draft;
  let body: HTMLElement;
  let focus: () => void;
  switch (q.kind) {
    case "rating": {
      const buttons = RATINGS.map((n) =>
        el("button", {
          class: "btn survey-rating",
          testid: `survey-rating-${n}`,
          text: String(n),
          attrs: { type: "button", "aria-pressed": "false", "aria-label": t("survey.ratingOf", { n, max: RATINGS.length }), "data-value": String(n) },
        }),
      );
      for (const b of buttons) {
        b.addEventListener("click", () => {
          const n = Number(b.dataset.value);
          draft.rating = n;
          for (const other of buttons) other.setAttribute("aria-pressed", String(other === b));
          changed();
        });
      }
      body = el("div", { class: "survey-ratings", attrs: { role: "group", "aria-labelledby": titleId } }, [
        el("span", { class: "muted survey-scale", text: t("survey.scaleLow") }),
        ...buttons,
        el("span", { class: "muted survey-scale", text: t("survey.scaleHigh") }),
      ]);
      focus = () => buttons[0]?.focus();
      break;
    }
    case "choice": {
      const inputs = q.options.map((o, i) => {
        const input = el("input", {
          testid: `survey-choice-${i}`,
          attrs: { type: "radio", name: `survey-${q.id}`, value: String(i), id: `${titleId}-${i}` },
        });
        input.addEventListener("change", () => {
          if (input.checked) draft.choice = i;
          changed();
        });
        return el("label", { class: "check survey-choice", attrs: { for: `${titleId}-${i}` } }, [input, el("span", { text: localized(o, lng) })]);
      });
      body = el("div", { class: "survey-choices", attrs: { role: "radiogroup", "aria-labelledby": titleId } }, inputs);
      focus = () => body.querySelector("input")?.focus();
      break;
    }
    default: {
      const area = el("textarea", {
        class: "survey-textarea",
        testid: "survey-text",
        attrs: { rows: "3", maxlength: String(MAX_TEXT), "aria-labelledby": titleId },
      });
      area.addEventListener("input", () => {
        draft.text = area.value;
        changed();
      });
      body = area;
      focus = () => area.focus();
      break;
    }
  }
  const node = el(
    "fieldset",
    {
      class: "survey-question",
      testid: "survey-question",
      attrs: { "data-question-id": q.id, "data-kind": q.kind, "data-required": String(q.required), "aria-required": q.required ? "true" : undefined },
    },
    [title, body, error],
  );
  return { q, node, error, focus };
}

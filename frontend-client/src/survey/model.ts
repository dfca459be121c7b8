// The post-call survey as the client fills it in: which questions can be
// answered, what is still required, and the body of
// `POST /api/interactions/{id}/survey`. Pure.

import type { Localized, QuestionKind, SurveyAnswer, SurveySettings, SurveySubmission } from "@shared/protocol";

export const RATINGS = [1, 2, 3, 4, 5] as const;
/** The longest free-text answer the page sends (characters). */
export const MAX_TEXT = 2000;

export interface Question {
  id: string;
  kind: QuestionKind;
  text: Localized;
  options: Localized[];
  required: boolean;
}

/** What the client gave for one question so far. */
export interface Draft {
  rating?: number;
  choice?: number;
  text?: string;
}

export type Drafts = Readonly<Record<string, Draft | undefined>>;

/** The questions the page can show: with an id (the server gives one), a choice with options. */
export function questionsOf(survey: SurveySettings | null | undefined): Question[] {
  const out: Question[] = [];
  for (const q of survey?.questions ?? []) {
    if (!q.id) continue;
    if (q.kind === "choice" && q.options.length === 0) continue;
    out.push({ id: q.id, kind: q.kind, text: q.text, options: q.options, required: q.required });
  }
  return out;
}

/** The text in `lang`, else the other language's. */
export function localized(l: Localized, lang: "ru" | "en"): string {
  const own = l[lang].trim();
  return own || (lang === "ru" ? l.en : l.ru).trim();
}

/** The answer to one question, or null when it has none (yet). */
export function answerOf(q: Question, d: Draft | undefined): SurveyAnswer | null {
  if (!d) return null;
  switch (q.kind) {
    case "rating":
      return d.rating !== undefined && Number.isInteger(d.rating) && d.rating >= 1 && d.rating <= 5
        ? { question_id: q.id, rating: d.rating }
        : null;
    case "choice":
      return d.choice !== undefined && Number.isInteger(d.choice) && d.choice >= 0 && d.choice < q.options.length
        ? { question_id: q.id, choice: d.choice }
        : null;
    case "text": {
      const text = (d.text ?? "").trim().slice(0, MAX_TEXT);
      return text ? { question_id: q.id, text } : null;
    }
    default:
      return null;
  }
}

/** The ids of required questions without an answer, in order. */
export function missingRequired(questions: readonly Question[], drafts: Drafts): string[] {
  return questions.filter((q) => q.required && answerOf(q, drafts[q.id]) === null).map((q) => q.id);
}

/** The answers given (unanswered optional questions are left out). */
export function submissionOf(questions: readonly Question[], drafts: Drafts): SurveySubmission {
  const answers: SurveyAnswer[] = [];
  for (const q of questions) {
    const a = answerOf(q, drafts[q.id]);
    if (a) answers.push(a);
  }
  return { answers };
}

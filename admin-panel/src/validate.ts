// Pure: the checks the forms make before they send anything. Each answers
// null (fine) or the message key of the first problem, with its parameters.

import type { CustomFieldDef, SurveyQuestion } from "@shared/protocol";
import type { AdminKey } from "./messages";

export interface Problem {
  key: AdminKey;
  params?: Record<string, string | number>;
  /** The index of the row (field, question) it is about. */
  index?: number;
}

export function isHexColor(v: string): boolean {
  return /^#[0-9a-fA-F]{6}$/.test(v);
}

/** 3-64 of latin letters, digits, `.`, `_`, `-`, `@` (the server lower-cases it). */
export function isLogin(v: string): boolean {
  return /^[A-Za-z0-9._@-]{3,64}$/.test(v.trim());
}

/** A custom field key: 1-40 of `a-z`, `0-9`, `_`, starting with a letter. */
export function isFieldKey(v: string): boolean {
  return /^[a-z][a-z0-9_]{0,39}$/.test(v);
}

/** An absolute http(s) URL. */
export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && u.host !== "";
  } catch {
    return false;
  }
}

/**
 * A cron expression of 5 fields (minute hour day month weekday), each made
 * of numbers, `*`, `,`, `-`, `/` or names (`mon`, `jan`). A shape check; the
 * server has the last word.
 */
export function isCron5(v: string): boolean {
  const fields = v.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => /^[0-9A-Za-z*,\-/?]+$/.test(f));
}

/** Retention days from an input: empty = keep for ever (null); else 1-36500. */
export function parseDays(v: string): number | null | "invalid" {
  const s = v.trim();
  if (s === "") return null;
  if (!/^\d+$/.test(s)) return "invalid";
  const n = Number(s);
  return n >= 1 && n <= 36500 ? n : "invalid";
}

/** One option a line, trimmed, blank lines dropped. */
export function splitLines(v: string): string[] {
  return v
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function checkCustomFields(fields: readonly CustomFieldDef[]): Problem | null {
  if (fields.length > 30) return { key: "fields.tooMany", params: { max: 30 } };
  const seen = new Set<string>();
  for (const [index, f] of fields.entries()) {
    if (!isFieldKey(f.key)) return { key: "fields.badKey", index, params: { n: index + 1 } };
    if (seen.has(f.key)) return { key: "fields.duplicateKey", index, params: { key: f.key } };
    seen.add(f.key);
    if (!f.label.ru.trim() || !f.label.en.trim()) return { key: "fields.noLabel", index, params: { key: f.key } };
    if (f.kind === "select") {
      if (f.options.length < 1 || f.options.length > 50) return { key: "fields.badOptions", index, params: { key: f.key } };
      if (f.options.some((o) => o.length > 100)) return { key: "fields.optionTooLong", index, params: { key: f.key } };
      if (new Set(f.options).size !== f.options.length) return { key: "fields.duplicateOption", index, params: { key: f.key } };
    }
  }
  return null;
}

export function checkSurvey(questions: readonly SurveyQuestion[]): Problem | null {
  if (questions.length > 20) return { key: "survey.tooMany", params: { max: 20 } };
  for (const [index, q] of questions.entries()) {
    const n = index + 1;
    if (!q.text.ru.trim() || !q.text.en.trim()) return { key: "survey.noText", index, params: { n } };
    if (q.kind === "choice") {
      if (q.options.length < 2 || q.options.length > 10) return { key: "survey.badOptions", index, params: { n } };
      if (q.options.some((o) => !o.ru.trim() || !o.en.trim())) return { key: "survey.emptyOption", index, params: { n } };
    }
  }
  return null;
}

/** What one page of a list shows: `21–40` of `total`, and whether there are neighbours. */
export function pageInfo(offset: number, count: number, total: number): { from: number; to: number; prev: boolean; next: boolean } {
  return {
    from: count === 0 ? 0 : offset + 1,
    to: offset + count,
    prev: offset > 0,
    next: offset + count < total,
  };
}

/** Moves item `i` by `delta` (−1 up, +1 down); a copy, unchanged at the ends. */
export function moved<T>(items: readonly T[], i: number, delta: number): T[] {
  const j = i + delta;
  const out = [...items];
  if (i < 0 || i >= out.length || j < 0 || j >= out.length) return out;
  const [item] = out.splice(i, 1);
  if (item !== undefined) out.splice(j, 0, item);
  return out;
}

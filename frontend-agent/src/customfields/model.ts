// The admins' custom interaction fields as the console fills them in: a
// value typed into an input checked against its definition (required,
// number, one of the options, a calendar date), and whether it changed
// (for `PATCH /api/interactions/{id}`). Pure.

import type { CustomFieldDef, CustomValue } from "@shared/protocol";

/** The longest text value the console sends (characters). */
export const MAX_TEXT = 1000;

export type FieldProblem = "required" | "number" | "option" | "date" | "too_long";

export type FieldCheck = { ok: true; value: CustomValue | null } | { ok: false; problem: FieldProblem };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The value of what was typed (`null`: empty), or why it cannot be sent. */
export function checkField(def: CustomFieldDef, raw: string): FieldCheck {
  const text = raw.trim();
  if (!text) return def.required ? { ok: false, problem: "required" } : { ok: true, value: null };
  switch (def.kind) {
    case "number": {
      const n = Number(text.replace(",", "."));
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, problem: "number" };
    }
    case "select":
      return def.options.includes(text) ? { ok: true, value: text } : { ok: false, problem: "option" };
    case "date":
      return isIsoDate(text) ? { ok: true, value: text } : { ok: false, problem: "date" };
    default:
      return text.length <= MAX_TEXT ? { ok: true, value: text } : { ok: false, problem: "too_long" };
  }
}

/** A stored value as an input shows it. */
export function inputValue(value: CustomValue | null | undefined): string {
  if (value === null || value === undefined) return "";
  return typeof value === "number" ? String(value) : value;
}

/** Whether a checked value differs from the stored one (`null`: none stored). */
export function changed(stored: CustomValue | null | undefined, next: CustomValue | null): boolean {
  return (stored ?? null) !== next;
}

/** The label in `lang`, else the other language's, else the key. */
export function fieldLabel(def: CustomFieldDef, lang: "ru" | "en"): string {
  const own = def.label[lang]?.trim();
  const other = def.label[lang === "ru" ? "en" : "ru"]?.trim();
  return own || other || def.key;
}

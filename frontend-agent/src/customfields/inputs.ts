// Inputs for the admins' custom fields (`custom-field-<key>`): text, number,
// select and date, labelled in the page language, with a required mark and
// the reason a value cannot be sent under each (`custom-field-error`). A
// FieldSet is the fields of one form (create, schedule) or of the panel.

import type { CustomFieldDef, CustomValue } from "@shared/protocol";
import { el, setText, show } from "@shared/dom";
import { lang, t, type MessageKey } from "@shared/i18n";
import { checkField, type FieldCheck, fieldLabel, type FieldProblem, inputValue, MAX_TEXT } from "./model";

const PROBLEM_KEYS: Record<FieldProblem, MessageKey> = {
  required: "cf.required",
  number: "cf.number",
  option: "cf.option",
  date: "cf.date",
  too_long: "cf.tooLong",
};

let uid = 0;

export class FieldControl {
  readonly root: HTMLElement;
  readonly input: HTMLInputElement | HTMLSelectElement;
  private readonly error: HTMLElement;

  constructor(
    readonly def: CustomFieldDef,
    value: CustomValue | null | undefined,
  ) {
    uid += 1;
    const id = `cf-${def.key}-${uid}`;
    const testid = `custom-field-${def.key}`;
    const common = { id, name: def.key, "aria-describedby": `${id}-error`, "aria-required": def.required ? "true" : undefined };
    if (def.kind === "select") {
      const select = el("select", { testid, attrs: common }, [
        el("option", { text: t("cf.choose"), attrs: { value: "" } }),
        ...def.options.map((o) => el("option", { text: o, attrs: { value: o } })),
      ]);
      this.input = select;
    } else {
      // A number is typed as text (with the decimal keyboard on phones), so
      // "12,5" reaches the check instead of being dropped by the browser.
      this.input = el("input", {
        testid,
        attrs: {
          ...common,
          type: def.kind === "date" ? "date" : "text",
          inputmode: def.kind === "number" ? "decimal" : undefined,
          maxlength: def.kind === "text" ? String(MAX_TEXT) : undefined,
          autocomplete: "off",
        },
      });
    }
    this.input.dataset.kind = def.kind;
    this.error = el("span", { class: "error field-error", testid: "custom-field-error", attrs: { id: `${id}-error`, "data-key": def.key }, hidden: true });
    this.root = el("label", { class: "field custom-field", attrs: { for: id, "data-key": def.key } }, [
      el("span", { class: "field-label" }, [
        fieldLabel(def, lang()),
        def.required ? el("span", { class: "required-mark", text: " *", attrs: { "aria-hidden": "true" } }) : null,
      ]),
      this.input,
      this.error,
    ]);
    this.setValue(value);
  }

  setValue(value: CustomValue | null | undefined): void {
    const v = inputValue(value);
    if (this.input instanceof HTMLSelectElement && v && !this.def.options.includes(v)) {
      // A value from before the options changed: keep it choosable.
      this.input.appendChild(el("option", { text: v, attrs: { value: v } }));
    }
    this.input.value = v;
  }

  /** The input's value, checked (a date the browser could not read is a problem too). */
  check(): FieldCheck {
    if (this.input instanceof HTMLInputElement && this.input.validity.badInput) return { ok: false, problem: "date" };
    return checkField(this.def, this.input.value);
  }

  setProblem(problem: FieldProblem | null): void {
    setText(this.error, problem ? t(PROBLEM_KEYS[problem]) : "");
    show(this.error, problem !== null);
    this.input.setAttribute("aria-invalid", String(problem !== null));
  }

  set disabled(on: boolean) {
    this.input.disabled = on;
  }
}

/** The fields of one form. */
export class FieldSet {
  readonly root: HTMLElement;
  readonly controls: FieldControl[];

  constructor(defs: readonly CustomFieldDef[], values: Readonly<Record<string, CustomValue | undefined>> = {}) {
    this.controls = defs.map((d) => new FieldControl(d, values[d.key]));
    this.root = el("div", { class: "custom-fields", testid: "custom-fields", hidden: defs.length === 0 }, this.controls.map((c) => c.root));
    for (const c of this.controls) c.input.addEventListener("input", () => c.setProblem(null));
  }

  /** The values to send, or null (problems shown, the first one focused). */
  collect(): Record<string, CustomValue> | null {
    const values: Record<string, CustomValue> = {};
    let first: FieldControl | null = null;
    for (const c of this.controls) {
      const check = c.check();
      c.setProblem(check.ok ? null : check.problem);
      if (!check.ok) first ??= c;
      else if (check.value !== null) values[c.def.key] = check.value;
    }
    if (first) {
      first.input.focus();
      return null;
    }
    return values;
  }
}

// Custom fields (admin): what agents fill in for an interaction besides the
// contacts. Add, remove, reorder; key, labels, kind, options, required.

import { api } from "@shared/api";
import { el, field, replaceChildren, show } from "@shared/dom";
import type { CustomFieldDef, CustomFieldKind, CustomFieldsSettings } from "@shared/protocol";
import { ta } from "./messages";
import type { Section } from "./section";
import { busy, button, checkbox, heading, input, selectBox, StatusLine, textarea } from "./ui";
import { checkCustomFields, moved, splitLines } from "./validate";

const KINDS: readonly CustomFieldKind[] = ["text", "number", "select", "date"];

interface Draft {
  def: CustomFieldDef;
  /** Options as typed, one a line. */
  optionsText: string;
  /** Stored on the server already: its key stays (values refer to it). */
  stored: boolean;
}

export class CustomFieldsSection implements Section {
  readonly root: HTMLElement;
  private drafts: Draft[] = [];
  private readonly list = el("ol", { class: "editor-list", testid: "custom-field-list" });
  private readonly save = button(ta("action.save"), "custom-fields-save", "primary");
  private readonly add = button(ta("fields.add"), "field-add");
  private readonly status = new StatusLine("custom-fields-status");
  private readonly empty = el("p", { class: "muted empty", testid: "custom-fields-empty", text: ta("fields.none"), hidden: true });

  constructor() {
    this.add.addEventListener("click", () => {
      if (this.drafts.length >= 30) {
        this.status.error(ta("fields.tooMany", { max: 30 }));
        return;
      }
      this.drafts.push({ def: { key: "", label: { ru: "", en: "" }, kind: "text", options: [], required: false }, optionsText: "", stored: false });
      this.render(this.drafts.length - 1);
    });
    this.save.type = "submit";
    const form = el("form", { class: "card form", attrs: { novalidate: true } }, [
      this.list,
      this.empty,
      el("div", { class: "actions split" }, [this.add, this.save]),
      this.status.root,
    ]);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.root = el("section", { class: "section", testid: "custom-fields" }, [heading(ta("nav.customFields"), "fields.help"), form]);
  }

  async load(): Promise<void> {
    this.status.clear();
    try {
      this.fill(await api<CustomFieldsSettings>("GET", "/api/settings/custom-fields"));
      this.root.dataset.loaded = "true";
    } catch (err) {
      this.status.failed(err);
    }
  }

  private fill(s: CustomFieldsSettings): void {
    this.drafts = s.fields.map((def) => ({ def: { ...def, label: { ...def.label }, options: [...def.options] }, optionsText: def.options.join("\n"), stored: true }));
    this.render();
  }

  private render(focus?: number): void {
    replaceChildren(this.list, this.drafts.map((d, i) => this.item(d, i)));
    show(this.empty, this.drafts.length === 0);
    this.list.dataset.count = String(this.drafts.length);
    if (focus !== undefined) this.list.children[focus]?.querySelector<HTMLInputElement>("input")?.focus();
  }

  private item(d: Draft, i: number): HTMLLIElement {
    const key = input("field-key", { maxlength: "40", spellcheck: "false", autocapitalize: "none", placeholder: "policy_number" });
    key.value = d.def.key;
    key.readOnly = d.stored;
    key.addEventListener("input", () => {
      d.def.key = key.value.trim();
    });
    const ru = input("field-label-ru", { maxlength: "100" });
    ru.value = d.def.label.ru;
    ru.addEventListener("input", () => {
      d.def.label.ru = ru.value;
    });
    const en = input("field-label-en", { maxlength: "100" });
    en.value = d.def.label.en;
    en.addEventListener("input", () => {
      d.def.label.en = en.value;
    });
    const kind = selectBox("field-kind", ta("fields.kind"), KINDS.map((k) => [k, ta(`fields.kind.${k}`)] as const), d.def.kind);
    const opts = textarea("field-options", 3);
    opts.value = d.optionsText;
    opts.addEventListener("input", () => {
      d.optionsText = opts.value;
    });
    const optsField = field(ta("fields.options"), opts);
    show(optsField, d.def.kind === "select");
    kind.addEventListener("change", () => {
      d.def.kind = kind.value as CustomFieldKind;
      show(optsField, d.def.kind === "select");
    });
    const required = checkbox("field-required", ta("fields.required"));
    required.box.checked = d.def.required;
    required.box.addEventListener("change", () => {
      d.def.required = required.box.checked;
    });
    const up = button("↑", "field-up", "plain", true);
    up.title = ta("action.up");
    up.setAttribute("aria-label", ta("action.up"));
    up.disabled = i === 0;
    up.addEventListener("click", () => this.move(i, -1));
    const down = button("↓", "field-down", "plain", true);
    down.title = ta("action.down");
    down.setAttribute("aria-label", ta("action.down"));
    down.disabled = i === this.drafts.length - 1;
    down.addEventListener("click", () => this.move(i, 1));
    const remove = button(ta("action.remove"), "field-remove", "plain", true);
    remove.addEventListener("click", () => {
      this.drafts.splice(i, 1);
      this.render();
    });
    const li = el("li", { class: "editor-item", testid: "custom-field" }, [
      el("div", { class: "row" }, [field(ta("fields.key"), key), field(ta("fields.kind"), kind)]),
      el("div", { class: "row" }, [field(ta("fields.labelRu"), ru), field(ta("fields.labelEn"), en)]),
      optsField,
      el("div", { class: "item-actions" }, [required.root, el("span", { class: "grow" }), up, down, remove]),
    ]);
    li.dataset.key = d.def.key;
    li.dataset.index = String(i);
    return li;
  }

  private move(i: number, delta: number): void {
    this.drafts = moved(this.drafts, i, delta);
    this.render();
    this.list.children[i + delta]?.querySelector<HTMLButtonElement>(delta < 0 ? '[data-testid="field-up"]' : '[data-testid="field-down"]')?.focus();
  }

  private submit(): void {
    const fields: CustomFieldDef[] = this.drafts.map((d) => ({
      key: d.def.key.trim(),
      label: { ru: d.def.label.ru.trim(), en: d.def.label.en.trim() },
      kind: d.def.kind,
      options: d.def.kind === "select" ? splitLines(d.optionsText) : [],
      required: d.def.required,
    }));
    const problem = checkCustomFields(fields);
    if (problem) {
      this.status.error(ta(problem.key, problem.params));
      if (problem.index !== undefined) this.list.children[problem.index]?.querySelector<HTMLInputElement>("input:not([readonly])")?.focus();
      return;
    }
    const body: CustomFieldsSettings = { fields };
    void busy(
      this.save,
      this.status,
      async () => {
        const saved = await api<CustomFieldsSettings | undefined>("PUT", "/api/settings/custom-fields", body);
        this.fill(saved ?? body);
      },
      ta("fields.saved"),
    );
  }
}

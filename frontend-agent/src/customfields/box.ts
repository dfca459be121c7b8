// The interaction's custom fields in the panel (`custom-fields`), editable
// during and after the call: a changed input is checked and saved at once
// with `PATCH /api/interactions/{id}` (`custom_fields`, merged; an emptied
// optional field is sent as null). `custom-fields-status` says saving /
// saved / failed (`data-state`).

import type { CustomFieldDef, CustomValue, Interaction, UpdateInteractionRequest } from "@shared/protocol";
import { api } from "@shared/api";
import { el, replaceChildren, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import { loadFields } from "../settings";
import { type FieldControl, FieldSet } from "./inputs";
import { changed } from "./model";

type SaveState = "saving" | "saved" | "failed";

export class CustomFieldsBox {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly status: HTMLElement;
  private values: Record<string, CustomValue>;
  private set: FieldSet | null = null;
  private disposed = false;
  /** Saves run one after another, so answers come back in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly interactionId: string,
    values: Record<string, CustomValue> | undefined,
  ) {
    this.values = { ...(values ?? {}) };
    this.body = el("div", { class: "custom-fields-body" });
    this.status = el("span", { class: "muted custom-fields-status", testid: "custom-fields-status", attrs: { role: "status", "aria-live": "polite" }, hidden: true });
    this.root = el("section", { class: "custom-fields-box", attrs: { "aria-labelledby": `cf-title-${interactionId}` }, hidden: true }, [
      el("div", { class: "custom-fields-head" }, [
        el("span", { class: "field-label", text: t("cf.title"), attrs: { id: `cf-title-${interactionId}` } }),
        this.status,
      ]),
      this.body,
    ]);
  }

  /** Reads the definitions and shows the fields (nothing when there are none). */
  async start(): Promise<void> {
    let defs: CustomFieldDef[];
    try {
      defs = await loadFields();
    } catch (err) {
      if (this.disposed) return;
      this.setStatus("failed", t("cf.loadFailed", { reason: errorText(err) }));
      show(this.root, true);
      return;
    }
    if (this.disposed) return;
    const set = new FieldSet(defs, this.values);
    this.set = set;
    for (const c of set.controls) c.input.addEventListener("change", () => this.save(c));
    replaceChildren(this.body, [set.root]);
    show(this.root, defs.length > 0);
  }

  /** Values read again from the server (another tab may have changed them). */
  update(values: Record<string, CustomValue> | undefined): void {
    this.values = { ...(values ?? {}) };
    for (const c of this.set?.controls ?? []) {
      if (document.activeElement !== c.input) c.setValue(this.values[c.def.key]);
    }
  }

  dispose(): void {
    this.disposed = true;
  }

  private save(c: FieldControl): void {
    const check = c.check();
    c.setProblem(check.ok ? null : check.problem);
    if (!check.ok || !changed(this.values[c.def.key], check.value)) return;
    const key = c.def.key;
    const body: UpdateInteractionRequest = { custom_fields: { [key]: check.value } };
    this.setStatus("saving", t("cf.saving"));
    this.queue = this.queue.then(async () => {
      try {
        const updated = await api<Interaction>("PATCH", `/api/interactions/${encodeURIComponent(this.interactionId)}`, body);
        if (this.disposed) return;
        this.values = { ...(updated.custom_fields ?? {}) };
        this.setStatus("saved", t("cf.saved"));
      } catch (err) {
        if (this.disposed) return;
        this.setStatus("failed", t("cf.saveFailed", { reason: errorText(err) }));
      }
    });
  }

  private setStatus(state: SaveState, text: string): void {
    this.status.dataset.state = state;
    this.status.setAttribute("role", state === "failed" ? "alert" : "status");
    this.status.classList.toggle("error", state === "failed");
    setText(this.status, text);
    show(this.status, true);
  }
}

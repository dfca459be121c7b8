// Small building blocks of the panel's forms and lists. Text goes in through
// the shared DOM helpers (textContent only).

import { el, setText, show, type Child } from "@shared/dom";
import { errorText } from "./errors";
import { ta, type AdminKey } from "./messages";
import { pageInfo } from "./validate";

/** The line under a form that says it worked or why not (`data-state` ok / error / busy). */
export class StatusLine {
  readonly root: HTMLParagraphElement;

  constructor(testid: string) {
    this.root = el("p", { class: "status-line", testid, attrs: { role: "status", "aria-live": "polite" }, hidden: true });
  }

  ok(text: string): void {
    this.set("ok", text);
  }

  error(text: string): void {
    this.set("error", text);
  }

  /** Work under way (`data-state="busy"`). */
  progress(text: string): void {
    this.set("busy", text);
  }

  /** The error of a failed request, in words. */
  failed(err: unknown): void {
    this.error(errorText(err));
  }

  clear(): void {
    this.root.dataset.state = "";
    setText(this.root, "");
    show(this.root, false);
  }

  private set(state: string, text: string): void {
    this.root.dataset.state = state;
    this.root.setAttribute("role", state === "error" ? "alert" : "status");
    setText(this.root, text);
    show(this.root, true);
  }
}

/**
 * Runs `work` with the button disabled (and `aria-busy`); a second press
 * meanwhile does nothing. Errors go to `status`; `done` is said on success.
 */
export async function busy<T>(button: HTMLButtonElement, status: StatusLine, work: () => Promise<T>, done?: string): Promise<T | undefined> {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  status.clear();
  try {
    const result = await work();
    if (done) status.ok(done);
    return result;
  } catch (err) {
    status.failed(err);
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

export function button(text: string, testid: string, kind: "primary" | "danger" | "plain" = "plain", small = false): HTMLButtonElement {
  const cls = ["btn", kind === "primary" ? "btn-primary" : kind === "danger" ? "btn-danger" : "", small ? "btn-small" : ""].filter(Boolean).join(" ");
  return el("button", { class: cls, testid, text, attrs: { type: "button" } });
}

export function input(testid: string, attrs: Record<string, string | boolean | undefined> = {}): HTMLInputElement {
  return el("input", { testid, attrs: { type: "text", ...attrs } });
}

export function textarea(testid: string, rows = 3): HTMLTextAreaElement {
  return el("textarea", { testid, attrs: { rows: String(rows) } });
}

/** A checkbox with its label after it. */
export function checkbox(testid: string, label: string): { root: HTMLLabelElement; box: HTMLInputElement } {
  const box = el("input", { testid, attrs: { type: "checkbox" } });
  return { root: el("label", { class: "check" }, [box, el("span", { text: label })]), box };
}

/** A `<select>` of `[value, label]` pairs. */
export function options(node: HTMLSelectElement, pairs: readonly (readonly [string, string])[], value?: string): HTMLSelectElement {
  node.replaceChildren(...pairs.map(([v, text]) => el("option", { text, attrs: { value: v } })));
  if (value !== undefined) node.value = value;
  return node;
}

export function selectBox(testid: string, label: string, pairs: readonly (readonly [string, string])[] = [], value?: string): HTMLSelectElement {
  return options(el("select", { testid, attrs: { "aria-label": label } }), pairs, value);
}

/** A table in a box that scrolls sideways when narrow; rows go into `body`. */
export function table(testid: string, headings: readonly string[]): { root: HTMLElement; body: HTMLTableSectionElement; empty: HTMLElement } {
  const body = el("tbody");
  const empty = el("p", { class: "muted empty", testid: `${testid}-empty`, text: ta("list.empty"), hidden: true });
  const root = el("div", { class: "table-wrap" }, [
    el("table", { class: "list", testid }, [el("thead", {}, [el("tr", {}, headings.map((h) => el("th", { text: h, attrs: { scope: "col" } })))]), body]),
    empty,
  ]);
  return { root, body, empty };
}

export function cell(...children: Child[]): HTMLTableCellElement {
  return el("td", {}, children);
}

/** Previous / next page buttons and "21–40 of 57". */
export class Pager {
  readonly root: HTMLElement;
  offset = 0;
  private readonly prev: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private readonly label: HTMLSpanElement;

  constructor(prefix: string, readonly limit: number, onPage: () => void) {
    this.prev = button(ta("list.prev"), `${prefix}-prev`, "plain", true);
    this.next = button(ta("list.next"), `${prefix}-next`, "plain", true);
    this.label = el("span", { class: "muted", testid: `${prefix}-page` });
    this.prev.addEventListener("click", () => {
      this.offset = Math.max(0, this.offset - this.limit);
      onPage();
    });
    this.next.addEventListener("click", () => {
      this.offset += this.limit;
      onPage();
    });
    this.prev.disabled = true;
    this.next.disabled = true;
    this.root = el("div", { class: "pager" }, [this.prev, this.label, this.next]);
  }

  update(count: number, total: number): void {
    const p = pageInfo(this.offset, count, total);
    this.prev.disabled = !p.prev;
    this.next.disabled = !p.next;
    setText(this.label, ta("list.range", { from: p.from, to: p.to, total }));
    this.root.dataset.total = String(total);
  }
}

/** A modal dialog; `open()` resolves true when confirmed. */
export class Dialog {
  readonly root: HTMLDialogElement;
  readonly body: HTMLElement;
  readonly ok: HTMLButtonElement;
  readonly status: StatusLine;
  private readonly cancel: HTMLButtonElement;

  constructor(
    testid: string,
    title: string,
    okLabel: string,
    { danger = false, okTestid = `${testid}-ok`, cancelTestid = `${testid}-cancel` } = {},
  ) {
    this.ok = button(okLabel, okTestid, danger ? "danger" : "primary");
    this.ok.type = "submit";
    this.cancel = button(ta("action.cancel"), cancelTestid);
    this.body = el("div", { class: "dialog-body" });
    this.status = new StatusLine(`${testid}-status`);
    const form = el("form", { attrs: { method: "dialog", novalidate: true } }, [
      el("h2", { text: title }),
      this.body,
      this.status.root,
      el("div", { class: "actions" }, [this.cancel, this.ok]),
    ]);
    this.root = el("dialog", { class: "dialog", testid }, [form]);
    this.cancel.addEventListener("click", () => this.root.close("cancel"));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.onSubmit();
    });
  }

  /** Called on OK; by default closes as confirmed. */
  onSubmit: () => void = () => this.root.close("ok");

  open(): Promise<boolean> {
    this.status.clear();
    document.body.appendChild(this.root);
    this.root.showModal();
    return new Promise((resolve) => {
      this.root.addEventListener(
        "close",
        () => {
          resolve(this.root.returnValue === "ok");
          this.root.remove();
        },
        { once: true },
      );
    });
  }

  close(ok: boolean): void {
    this.root.close(ok ? "ok" : "cancel");
  }
}

/** Asks a yes/no question (`confirm-dialog`, `confirm-ok`, `confirm-cancel`). */
export function confirmAction(message: string, okLabel: string, danger = true, extra: Child[] = []): Promise<boolean> {
  const d = new Dialog("confirm-dialog", ta("confirm.title"), okLabel, { danger, okTestid: "confirm-ok", cancelTestid: "confirm-cancel" });
  d.body.append(el("p", { testid: "confirm-message", text: message }));
  for (const c of extra) if (c) d.body.append(c);
  return d.open();
}

/** A section's heading with an optional line under it. */
export function heading(title: string, help?: AdminKey): HTMLElement {
  return el("div", { class: "section-head" }, [el("h1", { text: title }), help ? el("p", { class: "muted", text: ta(help) }) : null]);
}

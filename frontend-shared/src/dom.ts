// DOM helpers. Text always goes in through `textContent` / text nodes, never
// `innerHTML`, so names and other data from users or the server cannot inject
// markup.

export type Child = Node | string | null | undefined | false;

export interface ElOptions {
  /** CSS class names, space separated. */
  class?: string;
  /** The `data-testid` hook (see CONTRACT.md). */
  testid?: string;
  /** Text content (set with `textContent`). */
  text?: string;
  /** Other attributes, set with `setAttribute`. */
  attrs?: Record<string, string | boolean | undefined>;
  /** Initially hidden (`hidden` attribute). */
  hidden?: boolean;
}

/** Creates an element: `el("button", { testid: "join", text: t("join") })`. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElOptions = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.class) node.className = options.class;
  if (options.testid) node.dataset.testid = options.testid;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.hidden) node.hidden = true;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : value);
  }
  append(node, children);
  return node;
}

/** Appends children; strings become text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, children: readonly Child[] = []): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Shows or hides with the `hidden` attribute. */
export function show(node: HTMLElement, visible: boolean): void {
  node.hidden = !visible;
}

/** Sets text safely (no-op when unchanged, so screen readers are not spammed). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** A `<select>` with options `[value, label]`. */
export function select(
  testid: string,
  options: readonly (readonly [string, string])[],
  value: string,
  label: string,
): HTMLSelectElement {
  const node = el("select", { testid, attrs: { "aria-label": label } });
  for (const [v, text] of options) {
    node.appendChild(el("option", { text, attrs: { value: v } }));
  }
  node.value = value;
  return node;
}

/** A labelled form field: `<label><span>Label</span><input></label>`. */
export function field(label: string, control: HTMLElement): HTMLLabelElement {
  return el("label", { class: "field" }, [el("span", { class: "field-label", text: label }), control]);
}

// The chat panel both pages use: the message list (a live region, updated
// in place by key so a sent message turns from "sending" into "sent"
// without being announced twice), the "new messages" divider, uploads with
// progress and cancel (uploadlist.ts), the composer (text, file, send), errors, and the
// toggle with the unread badge, which each page puts where it fits.
// Message text goes in as text nodes; links are <a> elements made here.

import "./chat.css";
import type { ChatMessage, FileInfo, Party } from "../protocol";
import { el, setText, show } from "../dom";
import { lang, t } from "../i18n";
import { type ChatController, chatErrorText } from "./controller";
import { type FileActions, FileBlock } from "./filemessage";
import type { ChatItem, PendingMessage } from "./model";
import { linkify, MAX_TEXT_BYTES, normalizeText, utf8Bytes } from "./text";
import type { ChatAuth } from "./transfer";
import { UploadList } from "./uploadlist";
import { locationBlock, pendingLocationBlock } from "../geo/locationview";

export interface ChatViewOptions {
  controller: ChatController;
  auth: ChatAuth;
  /** Open at first. */
  open: boolean;
  /**
   * `head`: the toggle is the panel's heading (a disclosure); `elsewhere`:
   * the page places `toggle` and the header gets a close button.
   */
  toggleIn: "head" | "elsewhere";
  /** Called when the panel opens or closes. */
  onOpenChange?: (open: boolean) => void;
  /** Files can be attached (default true); false: no attach button, no `file-input`. */
  files?: boolean;
}

interface Row {
  node: HTMLElement;
  status: HTMLElement | null;
  dismiss: HTMLButtonElement | null;
  file: FileBlock | null;
  /** A location message: stored, or this page's still waiting for its ack. */
  location: { node: HTMLElement; stored: boolean } | null;
}

/** Byte count from which the composer shows how much room is left. */
const COUNTER_FROM = MAX_TEXT_BYTES - 512;

export class ChatView {
  readonly root: HTMLElement;
  /** Opens / closes the panel; carries the unread badge. */
  readonly toggle: HTMLButtonElement;
  private readonly badge: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly empty: HTMLElement;
  private readonly uploads: UploadList;
  private readonly input: HTMLTextAreaElement;
  private readonly send: HTMLButtonElement;
  /** The file button and input (null when files are switched off). */
  private readonly attach: HTMLButtonElement | null;
  private readonly fileInput: HTMLInputElement | null;
  private readonly counter: HTMLElement;
  private readonly error: HTMLElement;
  private readonly state: HTMLElement;
  private readonly body: HTMLElement;
  private readonly rows = new Map<string, Row>();
  private divider: HTMLElement | null = null;
  private open: boolean;
  private renderTimer: ReturnType<typeof setTimeout> | undefined;
  private tooLongShown = false;
  private readonly offs: (() => void)[] = [];
  private readonly timeFormat = new Intl.DateTimeFormat(lang() === "ru" ? "ru-RU" : "en-GB", { hour: "2-digit", minute: "2-digit" });
  private readonly ctl: ChatController;
  /** What the pictures in messages open (viewer, editor); set by the page. */
  private fileActions: FileActions = {};

  constructor(private readonly opts: ChatViewOptions) {
    this.ctl = opts.controller;
    this.open = opts.open;
    const uid = Math.random().toString(36).slice(2, 8);

    this.badge = el("span", { class: "chat-unread", testid: "chat-unread", hidden: true });
    this.toggle = el("button", {
      class: "btn toggle chat-toggle",
      testid: "chat-toggle",
      attrs: { type: "button", "aria-controls": `chat-${uid}` },
    }, [el("span", { class: "chat-toggle-label", text: t("chat.title") }), this.badge]);
    this.toggle.addEventListener("click", () => this.setOpen(!this.open, true));

    this.list = el("ol", {
      class: "chat-messages",
      testid: "chat-messages",
      attrs: { role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": t("chat.messages"), tabindex: "0" },
    });
    this.empty = el("p", { class: "chat-empty muted", text: t("chat.empty") });
    this.uploads = new UploadList(this.ctl);
    this.error = el("p", { class: "error chat-error", testid: "chat-error", attrs: { role: "alert" }, hidden: true });
    this.state = el("p", { class: "chat-state muted", testid: "chat-state", attrs: { role: "status" }, hidden: true });

    this.input = el("textarea", {
      class: "chat-input",
      testid: "chat-input",
      attrs: { rows: "2", "aria-label": t("chat.input"), placeholder: t("chat.placeholder"), id: `chat-input-${uid}`, enterkeyhint: "send" },
    });
    this.counter = el("span", { class: "chat-counter muted", testid: "chat-counter", attrs: { "aria-live": "polite" }, hidden: true });
    this.send = el("button", { class: "btn btn-primary chat-send", testid: "chat-send", text: t("chat.send"), attrs: { type: "submit" } });
    if (opts.files !== false) {
      const fileInput = el("input", {
        class: "chat-file-input",
        testid: "file-input",
        attrs: { type: "file", multiple: true, tabindex: "-1", "aria-hidden": "true" },
        hidden: true,
      });
      const attach = el("button", {
        class: "btn chat-attach",
        testid: "chat-attach",
        attrs: { type: "button", "aria-label": t("chat.attach"), title: t("chat.attach") },
      }, [paperclip()]);
      attach.addEventListener("click", () => fileInput.click());
      fileInput.addEventListener("change", () => {
        const files = [...(fileInput.files ?? [])];
        fileInput.value = "";
        if (files.length) this.ctl.sendFiles(files);
      });
      this.fileInput = fileInput;
      this.attach = attach;
    } else {
      this.fileInput = null;
      this.attach = null;
    }

    const composer = el("form", { class: "chat-composer", attrs: { novalidate: true } }, [
      this.attach,
      this.fileInput,
      this.input,
      this.send,
    ]);
    composer.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener("input", () => this.checkLength());

    const title = el("h2", { class: "chat-title", attrs: { id: `chat-title-${uid}` } }, [
      opts.toggleIn === "head" ? this.toggle : t("chat.title"),
    ]);
    const head = el("div", { class: "chat-head" }, [title, this.state]);
    if (opts.toggleIn === "elsewhere") {
      const close = el("button", {
        class: "btn btn-small chat-close",
        testid: "chat-close",
        text: t("common.close"),
        attrs: { type: "button", "aria-label": t("chat.close") },
      });
      close.addEventListener("click", () => this.setOpen(false, true));
      head.appendChild(close);
    }
    this.body = el("div", { class: "chat-body" }, [this.list, this.empty, this.uploads.root, this.error, composer, this.counter]);
    this.root = el("section", {
      class: "chat-panel",
      testid: "chat",
      attrs: { id: `chat-${uid}`, "aria-labelledby": `chat-title-${uid}` },
    }, [head, this.body]);

    this.offs.push(
      this.ctl.on("changed", () => this.scheduleRender()),
      this.ctl.on("uploads", () => this.uploads.render()),
      this.ctl.on("notice", (text) => this.showError(text)),
      this.ctl.on("live", () => this.renderState()),
    );
    this.ctl.setVisibility(() => this.isSeen());
    window.addEventListener("focus", this.onPageVisibility);
    window.addEventListener("blur", this.onPageVisibility);
    document.addEventListener("visibilitychange", this.onPageVisibility);
    this.applyOpen();
    this.renderState();
    this.render();
  }

  get isOpen(): boolean {
    return this.open;
  }

  setOpen(open: boolean, byUser = false): void {
    if (open === this.open) return;
    this.open = open;
    if (!open) this.ctl.log.clearReadDivider();
    this.applyOpen();
    this.opts.onOpenChange?.(open);
    this.render();
    if (open) {
      this.scrollToNews();
      if (byUser) this.input.focus();
    } else if (byUser) {
      this.toggle.focus();
    }
    this.ctl.visibilityChanged();
  }

  /** The page's viewer / editor for pictures in messages (applies to those shown already too). */
  setFileActions(actions: FileActions): void {
    this.fileActions = actions;
    for (const row of this.rows.values()) row.file?.setActions(actions);
  }

  /** The layout around the panel changed (shown, hidden): re-check what the user sees. */
  refresh(): void {
    this.ctl.visibilityChanged();
  }

  dispose(): void {
    for (const off of this.offs) off();
    window.removeEventListener("focus", this.onPageVisibility);
    window.removeEventListener("blur", this.onPageVisibility);
    document.removeEventListener("visibilitychange", this.onPageVisibility);
    if (this.renderTimer !== undefined) clearTimeout(this.renderTimer);
    for (const row of this.rows.values()) row.file?.dispose();
    this.rows.clear();
  }

  private readonly onPageVisibility = (): void => {
    this.ctl.visibilityChanged();
  };

  /** Open, on screen, in a visible and focused page. */
  private isSeen(): boolean {
    return (
      this.open &&
      this.root.isConnected &&
      this.root.getClientRects().length > 0 &&
      document.visibilityState === "visible" &&
      document.hasFocus()
    );
  }

  private applyOpen(): void {
    this.root.dataset.open = String(this.open);
    show(this.body, this.open);
    this.toggle.setAttribute("aria-expanded", String(this.open));
    this.toggle.dataset.on = String(this.open);
    this.toggle.title = t(this.open ? "chat.close" : "chat.open");
  }

  private submit(): void {
    if (this.ctl.sendText(this.input.value)) {
      this.input.value = "";
      this.checkLength();
      this.scrollToBottom();
    } else if (!normalizeText(this.input.value)) {
      this.input.focus();
    }
  }

  private checkLength(): void {
    const bytes = utf8Bytes(normalizeText(this.input.value));
    const over = bytes > MAX_TEXT_BYTES;
    this.input.setAttribute("aria-invalid", String(over));
    show(this.counter, bytes >= COUNTER_FROM);
    setText(this.counter, t("chat.counter", { bytes, limit: MAX_TEXT_BYTES }));
    this.counter.dataset.over = String(over);
    if (over) {
      this.tooLongShown = true;
      this.showError(t("chat.tooLong", { bytes, limit: MAX_TEXT_BYTES }));
    } else if (this.tooLongShown) {
      this.tooLongShown = false;
      this.showError(null);
    }
  }

  private showError(text: string | null): void {
    setText(this.error, text ?? "");
    show(this.error, text !== null);
  }

  private renderState(): void {
    const ended = !this.ctl.canSend;
    this.input.disabled = ended;
    this.send.disabled = ended;
    if (this.attach) this.attach.disabled = ended;
    if (this.fileInput) this.fileInput.disabled = ended;
    const text = ended ? t("chat.readOnly") : this.ctl.isConnected ? null : t("chat.offline");
    setText(this.state, text ?? "");
    show(this.state, text !== null);
    this.root.dataset.live = String(!ended);
  }

  // ---- messages ----

  private scheduleRender(): void {
    if (this.renderTimer !== undefined) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.render();
    }, 0);
  }

  private render(): void {
    const log = this.ctl.log;
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 48;
    const items = log.items();
    const keep = new Set<string>();
    let index = 0;
    let addedMine = false;
    for (const item of items) {
      let node: HTMLElement;
      if (item.kind === "divider") {
        this.divider ??= el("li", {
          class: "chat-divider",
          testid: "chat-new-divider",
          attrs: { role: "separator", "aria-label": t("chat.newMessages") },
        }, [el("span", { text: t("chat.newMessages") })]);
        node = this.divider;
      } else {
        let row = this.rows.get(item.key);
        if (!row) {
          row = this.createRow(item);
          this.rows.set(item.key, row);
          if (item.kind === "pending") addedMine = true;
        }
        this.updateRow(row, item);
        node = row.node;
      }
      keep.add(item.key);
      if (this.list.children[index] !== node) this.list.insertBefore(node, this.list.children[index] ?? null);
      index += 1;
    }
    for (const [key, row] of this.rows) {
      if (keep.has(key)) continue;
      row.file?.dispose();
      row.node.remove();
      this.rows.delete(key);
    }
    if (!keep.has("divider") && this.divider) {
      this.divider.remove();
      this.divider = null;
    }
    show(this.empty, items.length === 0);
    this.renderBadge();
    if (atBottom || addedMine) this.scrollToBottom();
  }

  private renderBadge(): void {
    const unread = this.ctl.log.unread();
    setText(this.badge, unread > 99 ? "99+" : String(unread));
    this.badge.dataset.count = String(unread);
    this.badge.setAttribute("aria-label", t("chat.unread", { count: unread }));
    show(this.badge, unread > 0);
    this.toggle.setAttribute("aria-label", unread > 0 ? `${t("chat.title")}: ${t("chat.unread", { count: unread })}` : t("chat.title"));
  }

  private createRow(item: Exclude<ChatItem, { kind: "divider" }>): Row {
    const m = item.kind === "message" ? item.message : null;
    const p = item.kind === "pending" ? item.pending : null;
    const from: Party = m ? m.from : this.ctl.log.me;
    const mine = from === this.ctl.log.me;
    const text = m ? m.text : (p?.text ?? "");
    const file: FileInfo | undefined = m ? m.file : p?.file;
    const at = m ? new Date(m.at) : new Date(p?.at ?? Date.now());
    const author = mine ? t("chat.you") : authorOf(m, from);

    const fileBlock = file ? new FileBlock(file, this.opts.auth) : null;
    fileBlock?.setActions(this.fileActions);
    const loc = m?.location
      ? { node: locationBlock(m.location), stored: true }
      : p?.location
        ? { node: pendingLocationBlock(p.location), stored: false }
        : null;
    const status = mine ? el("span", { class: "chat-status", testid: "chat-status" }) : null;
    const node = el("li", { class: `chat-message ${mine ? "mine" : "theirs"}`, testid: "chat-message", attrs: { "data-from": from } }, [
      el("div", { class: "chat-meta" }, [
        el("span", { class: "chat-author", testid: "chat-author", text: author }),
        el("time", {
          class: "chat-time",
          text: Number.isNaN(at.getTime()) ? "" : this.timeFormat.format(at),
          attrs: { datetime: Number.isNaN(at.getTime()) ? undefined : at.toISOString() },
        }),
      ]),
      text ? textNode(text) : null,
      fileBlock?.root,
      loc?.node,
      status,
    ]);
    return { node, status, dismiss: null, file: fileBlock, location: loc };
  }

  private updateRow(row: Row, item: Exclude<ChatItem, { kind: "divider" }>): void {
    const node = row.node;
    if (item.kind === "message") {
      node.dataset.seq = String(item.message.seq);
      node.dataset.id = item.message.id;
      delete node.dataset.pending;
      delete node.dataset.failed;
      if (item.message.location && row.location && !row.location.stored) {
        const stored = locationBlock(item.message.location);
        row.location.node.replaceWith(stored);
        row.location = { node: stored, stored: true };
      }
      if (item.mine) node.dataset.read = String(item.readByPeer);
      if (row.status) setText(row.status, t(item.readByPeer ? "chat.read" : "chat.sent"));
      row.dismiss?.remove();
      row.dismiss = null;
      return;
    }
    const p: PendingMessage = item.pending;
    delete node.dataset.seq;
    node.dataset.clientMsgId = p.client_msg_id;
    if (p.failed) {
      delete node.dataset.pending;
      node.dataset.failed = p.failed.code;
      if (row.status) setText(row.status, t("chat.notSent", { reason: chatErrorText(p.failed.code, p.failed.message) }));
      if (!row.dismiss) {
        const dismiss = el("button", {
          class: "btn btn-small chat-dismiss",
          testid: "chat-dismiss",
          text: t("chat.dismiss"),
          attrs: { type: "button" },
        });
        dismiss.addEventListener("click", () => this.ctl.dismiss(p.client_msg_id));
        node.appendChild(dismiss);
        row.dismiss = dismiss;
      }
    } else {
      node.dataset.pending = "true";
      if (row.status) setText(row.status, t("chat.sending"));
    }
  }

  private scrollToBottom(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }

  private scrollToNews(): void {
    // The list is the divider's offset parent (position: relative): scroll
    // only the list, never the page.
    if (this.divider?.isConnected) this.list.scrollTop = Math.max(0, this.divider.offsetTop - this.list.clientHeight / 3);
    else this.scrollToBottom();
  }
}

/** The message text: text nodes and <a> for http(s) links; newlines kept by CSS. */
function textNode(text: string): HTMLElement {
  const box = el("div", { class: "chat-text", testid: "chat-text" });
  for (const part of linkify(text)) {
    if (part.kind === "text") {
      box.appendChild(document.createTextNode(part.text));
      continue;
    }
    box.appendChild(
      el("a", { text: part.text, attrs: { href: part.href, target: "_blank", rel: "noopener noreferrer nofollow" } }),
    );
  }
  return box;
}

function authorOf(m: ChatMessage | null, from: Party): string {
  const name = m?.author?.trim();
  const role = t(from === "agent" ? "chat.agent" : "chat.client");
  return name ? `${name} (${role})` : role;
}

/** A paperclip icon (SVG built node by node). */
function paperclip(): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "20");
  svg.setAttribute("height", "20");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9");
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  svg.appendChild(path);
  return svg;
}

// The drawing editor (`screenshot-editor`): a full-screen layer with the
// screenshot on a canvas at its full resolution, scaled to fit, and tools
// to draw on it (pen, arrow, rectangle, text; colour; line width; undo,
// redo, clear). "Send" renders the picture and the shapes at full
// resolution into a JPEG, uploads it as `kind=annotated` with the
// screenshot as `original`, and sends it in the chat. The original stays
// as it was stored. The document model is pure (@shared/editor/model).

import "./editor.css";
import type { FileInfo } from "@shared/protocol";
import type { ChatAuth } from "@shared/chat/transfer";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t, type MessageKey } from "@shared/i18n";
import {
  COLORS,
  type DrawCommand,
  Drawing,
  displayToImage,
  extendPath,
  fitSize,
  lineWidth,
  type Point,
  renderCommands,
  type Shape,
  type Size,
  textSize,
  type Tool,
  TOOLS,
  type WidthLevel,
  WIDTH_LEVELS,
} from "@shared/editor/model";
import { canvasToJpeg } from "@shared/screenshot/capture";
import { screenshotName } from "@shared/screenshot/names";
import { uploadPicture } from "@shared/screenshot/upload";

export interface EditorHost {
  interactionId: string;
  auth: ChatAuth;
  /** Sends the stored annotated picture in the chat; false when the chat is read-only. */
  send(info: FileInfo): boolean;
}

/** What the editor draws on. */
export interface EditorSource {
  /** The picture itself. */
  image: Blob;
  /** The stored file of the picture (its upload may still be running). */
  original: Promise<FileInfo>;
}

const TOOL_KEYS: Record<Tool, MessageKey> = {
  pen: "editor.tool.pen",
  arrow: "editor.tool.arrow",
  rect: "editor.tool.rect",
  text: "editor.tool.text",
};
const WIDTH_KEYS: Record<WidthLevel, MessageKey> = {
  thin: "editor.width.thin",
  medium: "editor.width.medium",
  thick: "editor.width.thick",
};

export class ScreenshotEditor {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly stage: HTMLElement;
  private readonly toolButtons = new Map<Tool, HTMLButtonElement>();
  private readonly colorButtons = new Map<string, HTMLButtonElement>();
  private readonly widthSelect: HTMLSelectElement;
  private readonly undoButton: HTMLButtonElement;
  private readonly redoButton: HTMLButtonElement;
  private readonly clearButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly textInput: HTMLInputElement;
  private readonly resize: ResizeObserver | null;

  private drawing = new Drawing();
  private image: HTMLImageElement | null = null;
  private size: Size = { width: 0, height: 0 };
  private original: Promise<FileInfo> | null = null;
  private tool: Tool = "rect";
  private color: string = COLORS[0] ?? "#e53935";
  private width: WidthLevel = "medium";
  private draft: Shape | null = null;
  private drag: number | null = null;
  private textAt: Point | null = null;
  private sending = false;
  /** Bumped on every open / close, so a late image load or upload does not touch a newer one. */
  private generation = 0;

  constructor(private readonly host: EditorHost) {
    this.canvas = el("canvas", {
      class: "editor-canvas",
      testid: "editor-canvas",
      attrs: { "aria-label": t("editor.canvas"), role: "img" },
    });
    this.ctx = this.canvas.getContext("2d");
    this.textInput = el("input", {
      class: "editor-text-input",
      testid: "editor-text-input",
      attrs: { type: "text", "aria-label": t("editor.textInput"), placeholder: t("editor.textPlaceholder"), maxlength: "200" },
      hidden: true,
    });
    this.stage = el("div", { class: "editor-stage" }, [this.canvas, this.textInput]);

    const tools = el("div", { class: "editor-group", attrs: { role: "group", "aria-label": t("editor.tools") } });
    for (const tool of TOOLS) {
      const b = el("button", {
        class: "btn btn-small editor-tool",
        testid: "editor-tool",
        text: t(TOOL_KEYS[tool]),
        attrs: { type: "button", "data-tool": tool },
      });
      b.addEventListener("click", () => this.setTool(tool));
      this.toolButtons.set(tool, b);
      tools.appendChild(b);
    }
    const colors = el("div", { class: "editor-group", attrs: { role: "group", "aria-label": t("editor.colors") } });
    for (const color of COLORS) {
      const b = el("button", {
        class: "editor-color",
        testid: "editor-color",
        attrs: { type: "button", "data-color": color, "aria-label": color, title: color, style: `background:${color}` },
      });
      b.addEventListener("click", () => this.setColor(color));
      this.colorButtons.set(color, b);
      colors.appendChild(b);
    }
    this.widthSelect = el("select", { class: "editor-width", testid: "editor-width", attrs: { "aria-label": t("editor.width") } });
    for (const level of WIDTH_LEVELS) this.widthSelect.appendChild(el("option", { text: t(WIDTH_KEYS[level]), attrs: { value: level } }));
    this.widthSelect.value = this.width;
    this.widthSelect.addEventListener("change", () => {
      const v = WIDTH_LEVELS.find((l) => l === this.widthSelect.value);
      if (v) this.width = v;
    });

    const button = (testid: string, key: MessageKey, cls = "btn btn-small"): HTMLButtonElement =>
      el("button", { class: `${cls} ${testid}`, testid, text: t(key), attrs: { type: "button" } });
    this.undoButton = button("editor-undo", "editor.undo");
    this.redoButton = button("editor-redo", "editor.redo");
    this.clearButton = button("editor-clear", "editor.clear");
    this.cancelButton = button("editor-cancel", "editor.cancel", "btn");
    this.sendButton = button("send-screenshot", "editor.send", "btn btn-primary");
    this.undoButton.title = "Ctrl+Z";
    this.redoButton.title = "Ctrl+Shift+Z";
    this.undoButton.addEventListener("click", () => this.change(this.drawing.undo()));
    this.redoButton.addEventListener("click", () => this.change(this.drawing.redo()));
    this.clearButton.addEventListener("click", () => this.change(this.drawing.clear()));
    this.cancelButton.addEventListener("click", () => this.close());
    this.sendButton.addEventListener("click", () => void this.send());
    this.error = el("p", { class: "error editor-error", testid: "editor-error", attrs: { role: "alert" }, hidden: true });

    const title = el("h2", { class: "editor-title", text: t("editor.title"), attrs: { id: `editor-title-${Math.random().toString(36).slice(2, 8)}` } });
    this.root = el(
      "div",
      {
        class: "screenshot-editor",
        testid: "screenshot-editor",
        attrs: { role: "dialog", "aria-modal": "true", "aria-labelledby": title.id },
        hidden: true,
      },
      [
        el("div", { class: "editor-bar" }, [
          title,
          tools,
          colors,
          el("label", { class: "editor-width-label" }, [el("span", { text: t("editor.width") }), this.widthSelect]),
          el("div", { class: "editor-group" }, [this.undoButton, this.redoButton, this.clearButton]),
          el("div", { class: "editor-group editor-actions" }, [this.cancelButton, this.sendButton]),
        ]),
        this.error,
        this.stage,
      ],
    );

    this.canvas.addEventListener("pointerdown", this.onDown);
    this.canvas.addEventListener("pointermove", this.onMove);
    this.canvas.addEventListener("pointerup", this.onUp);
    this.canvas.addEventListener("pointercancel", this.onCancelDrag);
    this.textInput.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        this.commitText();
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        ev.stopPropagation();
        this.hideText();
      }
    });
    this.textInput.addEventListener("blur", () => this.commitText());
    this.resize = typeof ResizeObserver === "function" ? new ResizeObserver(() => this.layout()) : null;
    this.resize?.observe(this.stage);
    this.setTool(this.tool);
    this.setColor(this.color);
    this.renderButtons();
  }

  get isOpen(): boolean {
    return !this.root.hidden;
  }

  /** Opens the editor on a picture; replaces what was being drawn. */
  async open(source: EditorSource): Promise<void> {
    if (!this.root.isConnected) document.body.appendChild(this.root);
    const generation = ++this.generation;
    this.drawing = new Drawing();
    this.draft = null;
    this.hideText();
    this.original = source.original;
    // An upload that fails is reported on send; nothing unhandled meanwhile.
    source.original.catch(() => undefined);
    this.showError(null);
    this.root.dataset.loaded = "false";
    show(this.root, true);
    document.addEventListener("keydown", this.onKey, true);
    this.renderButtons();
    try {
      const image = await loadImage(source.image);
      if (generation !== this.generation) return;
      this.image = image;
      this.size = { width: image.naturalWidth, height: image.naturalHeight };
      this.canvas.width = this.size.width;
      this.canvas.height = this.size.height;
      this.root.dataset.width = String(this.size.width);
      this.root.dataset.height = String(this.size.height);
      this.layout();
      this.render();
      this.root.dataset.loaded = "true";
      this.renderButtons();
      this.sendButton.focus();
    } catch (err) {
      if (generation === this.generation) this.showError(t("editor.loadFailed", { reason: errorText(err) }));
    }
  }

  close(): void {
    if (!this.isOpen) return;
    this.generation += 1;
    show(this.root, false);
    document.removeEventListener("keydown", this.onKey, true);
    this.hideText();
    this.image = null;
    this.original = null;
    this.drawing = new Drawing();
    this.draft = null;
    this.sending = false;
    this.renderButtons();
  }

  dispose(): void {
    this.close();
    this.resize?.disconnect();
    this.root.remove();
  }

  // ---- tools ----

  private setTool(tool: Tool): void {
    this.commitText();
    this.tool = tool;
    for (const [k, b] of this.toolButtons) b.setAttribute("aria-pressed", String(k === tool));
    this.root.dataset.tool = tool;
  }

  private setColor(color: string): void {
    this.color = color;
    for (const [k, b] of this.colorButtons) b.setAttribute("aria-pressed", String(k === color));
    this.root.dataset.color = color;
  }

  private change(changed: boolean): void {
    if (!changed) return;
    this.render();
    this.renderButtons();
  }

  private renderButtons(): void {
    const ready = this.image !== null && !this.sending;
    this.undoButton.disabled = !ready || !this.drawing.canUndo;
    this.redoButton.disabled = !ready || !this.drawing.canRedo;
    this.clearButton.disabled = !ready || this.drawing.isEmpty;
    this.sendButton.disabled = !ready;
    this.cancelButton.disabled = this.sending;
    this.root.dataset.shapes = String(this.drawing.shapes.length);
    this.root.dataset.sending = String(this.sending);
    setText(this.sendButton, t(this.sending ? "editor.sending" : "editor.send"));
  }

  // ---- layout and drawing ----

  /** The canvas keeps its full resolution; CSS scales it to fit the stage. */
  private layout(): void {
    if (!this.image) return;
    const box = { width: this.stage.clientWidth, height: this.stage.clientHeight };
    const shown = fitSize(this.size, box, true);
    if (shown.width === 0) return;
    this.canvas.style.width = `${shown.width}px`;
    this.canvas.style.height = `${shown.height}px`;
  }

  private render(): void {
    const ctx = this.ctx;
    if (!ctx || !this.image) return;
    ctx.clearRect(0, 0, this.size.width, this.size.height);
    ctx.drawImage(this.image, 0, 0, this.size.width, this.size.height);
    for (const cmd of renderCommands(this.drawing.shapes, this.draft)) play(ctx, cmd);
  }

  private pointAt(ev: PointerEvent | { clientX: number; clientY: number }): Point {
    return displayToImage(ev.clientX, ev.clientY, this.canvas.getBoundingClientRect(), this.size);
  }

  private get strokeWidth(): number {
    return lineWidth(this.width, this.size);
  }

  private readonly onDown = (ev: PointerEvent): void => {
    if (!this.image || this.sending || (ev.pointerType === "mouse" && ev.button !== 0)) return;
    ev.preventDefault();
    const p = this.pointAt(ev);
    if (this.tool === "text") {
      this.commitText();
      this.showText(p, ev);
      return;
    }
    if (this.drag !== null) return;
    this.drag = ev.pointerId;
    this.canvas.setPointerCapture?.(ev.pointerId);
    const base = { color: this.color, width: this.strokeWidth };
    this.draft =
      this.tool === "pen"
        ? { kind: "pen", ...base, points: [p] }
        : this.tool === "arrow"
          ? { kind: "arrow", ...base, from: p, to: p }
          : { kind: "rect", ...base, from: p, to: p };
    this.render();
  };

  private readonly onMove = (ev: PointerEvent): void => {
    if (this.drag !== ev.pointerId || !this.draft) return;
    const p = this.pointAt(ev);
    const d = this.draft;
    if (d.kind === "pen") this.draft = { ...d, points: extendPath(d.points, p, Math.max(1, d.width / 4)) };
    else if (d.kind === "arrow" || d.kind === "rect") this.draft = { ...d, to: p };
    this.render();
  };

  private readonly onUp = (ev: PointerEvent): void => {
    if (this.drag !== ev.pointerId) return;
    this.onMove(ev);
    this.drag = null;
    const d = this.draft;
    this.draft = null;
    if (d) this.drawing.add(d);
    this.render();
    this.renderButtons();
  };

  private readonly onCancelDrag = (ev: PointerEvent): void => {
    if (this.drag !== ev.pointerId) return;
    this.drag = null;
    this.draft = null;
    this.render();
  };

  // ---- text ----

  private showText(at: Point, ev: PointerEvent): void {
    this.textAt = at;
    const stageBox = this.stage.getBoundingClientRect();
    this.textInput.style.left = `${ev.clientX - stageBox.left}px`;
    this.textInput.style.top = `${ev.clientY - stageBox.top}px`;
    this.textInput.style.color = this.color;
    this.textInput.value = "";
    show(this.textInput, true);
    // After the pointerdown's default focus handling.
    setTimeout(() => this.textInput.focus(), 0);
  }

  private commitText(): void {
    const at = this.textAt;
    if (!at) return;
    const text = this.textInput.value.trim();
    this.hideText();
    if (text && this.drawing.add({ kind: "text", color: this.color, size: textSize(this.strokeWidth), at, text })) {
      this.render();
      this.renderButtons();
    }
  }

  private hideText(): void {
    this.textAt = null;
    this.textInput.value = "";
    show(this.textInput, false);
  }

  // ---- keys ----

  private readonly onKey = (ev: KeyboardEvent): void => {
    if (!this.isOpen || ev.target === this.textInput) return;
    const mod = ev.ctrlKey || ev.metaKey;
    if (ev.key === "Escape" && !this.sending) {
      ev.preventDefault();
      this.close();
    } else if (mod && ev.key.toLowerCase() === "z") {
      ev.preventDefault();
      this.change(ev.shiftKey ? this.drawing.redo() : this.drawing.undo());
    } else if (mod && ev.key.toLowerCase() === "y") {
      ev.preventDefault();
      this.change(this.drawing.redo());
    }
  };

  // ---- send ----

  private async send(): Promise<void> {
    if (this.sending || !this.image || !this.original) return;
    this.commitText();
    const generation = this.generation;
    this.sending = true;
    this.draft = null;
    this.showError(null);
    this.renderButtons();
    try {
      this.render();
      const blob = await canvasToJpeg(this.canvas);
      const original = await this.original;
      const info = await uploadPicture(
        this.host.interactionId,
        blob,
        screenshotName(new Date(), "annotated"),
        { kind: "annotated", original: original.id },
        this.host.auth,
      );
      if (generation !== this.generation) return;
      this.root.dataset.sentFileId = info.id;
      if (!this.host.send(info)) throw new Error(t("chat.readOnly"));
      this.close();
    } catch (err) {
      if (generation !== this.generation) return;
      this.sending = false;
      this.showError(t("editor.sendFailed", { reason: errorText(err) }));
      this.renderButtons();
    }
  }

  private showError(text: string | null): void {
    setText(this.error, text ?? "");
    show(this.error, text !== null);
  }
}

/** Plays one drawing command on a 2D context. */
function play(ctx: CanvasRenderingContext2D, cmd: DrawCommand): void {
  ctx.save();
  switch (cmd.op) {
    case "stroke": {
      const [first, ...rest] = cmd.points;
      if (!first) break;
      ctx.beginPath();
      ctx.moveTo(first.x, first.y);
      for (const p of rest) ctx.lineTo(p.x, p.y);
      if (cmd.closed) ctx.closePath();
      ctx.strokeStyle = cmd.color;
      ctx.lineWidth = cmd.width;
      ctx.lineCap = "round";
      ctx.lineJoin = cmd.closed ? "miter" : "round";
      ctx.stroke();
      break;
    }
    case "fill": {
      const [first, ...rest] = cmd.points;
      if (!first) break;
      ctx.beginPath();
      ctx.moveTo(first.x, first.y);
      for (const p of rest) ctx.lineTo(p.x, p.y);
      ctx.closePath();
      ctx.fillStyle = cmd.color;
      ctx.fill();
      break;
    }
    case "dot":
      ctx.beginPath();
      ctx.arc(cmd.at.x, cmd.at.y, cmd.radius, 0, Math.PI * 2);
      ctx.fillStyle = cmd.color;
      ctx.fill();
      break;
    case "text":
      ctx.font = `bold ${cmd.size}px system-ui, sans-serif`;
      ctx.textBaseline = "alphabetic";
      ctx.lineJoin = "round";
      ctx.lineWidth = Math.max(2, cmd.size / 6);
      ctx.strokeStyle = cmd.outline;
      ctx.strokeText(cmd.text, cmd.at.x, cmd.at.y);
      ctx.fillStyle = cmd.color;
      ctx.fillText(cmd.text, cmd.at.x, cmd.at.y);
      break;
  }
  ctx.restore();
}

/** A Blob as a decoded <img> (through an object URL, revoked once decoded). */
function loadImage(blob: Blob): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(blob);
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error(t("viewer.notAPicture")));
    };
    img.src = url;
  });
}

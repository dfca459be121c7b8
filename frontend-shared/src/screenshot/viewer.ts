// The full-screen picture viewer (`image-viewer`): the whole file, fetched
// with the bearer header and shown from an object URL; a download button and
// a close button (Esc closes too). One per page; opening another picture
// replaces the one shown.

import "./screenshot.css";
import type { FileInfo } from "../protocol";
import { el, setText, show } from "../dom";
import { errorText } from "../errors";
import { t } from "../i18n";
import { type ChatAuth, downloadFile, saveBlob } from "../chat/transfer";

export class ImageViewer {
  readonly root: HTMLElement;
  private readonly img: HTMLImageElement;
  private readonly title: HTMLElement;
  private readonly status: HTMLElement;
  private readonly closeButton: HTMLButtonElement;
  private readonly downloadButton: HTMLButtonElement;
  private file: FileInfo | null = null;
  private blob: Blob | null = null;
  private url: string | null = null;
  private aborter: AbortController | null = null;
  private returnFocus: HTMLElement | null = null;

  constructor(private readonly auth: ChatAuth) {
    this.img = el("img", { class: "image-viewer-image", testid: "image-viewer-image", attrs: { alt: "" } });
    this.title = el("h2", { class: "image-viewer-title", attrs: { id: `image-viewer-title-${uid()}` } });
    this.status = el("p", { class: "image-viewer-status", testid: "image-viewer-status", attrs: { role: "status" } });
    this.closeButton = el("button", {
      class: "btn image-viewer-close",
      testid: "image-viewer-close",
      text: t("common.close"),
      attrs: { type: "button" },
    });
    this.downloadButton = el("button", {
      class: "btn image-viewer-download",
      testid: "image-viewer-download",
      text: t("chat.download"),
      attrs: { type: "button" },
    });
    this.closeButton.addEventListener("click", () => this.close());
    this.downloadButton.addEventListener("click", () => {
      if (this.blob && this.file) saveBlob(this.blob, this.file.name);
    });
    this.root = el(
      "div",
      {
        class: "image-viewer",
        testid: "image-viewer",
        attrs: { role: "dialog", "aria-modal": "true", "aria-labelledby": this.title.id, tabindex: "-1" },
        hidden: true,
      },
      [
        el("div", { class: "image-viewer-bar" }, [this.title, this.downloadButton, this.closeButton]),
        el("div", { class: "image-viewer-stage" }, [this.img, this.status]),
      ],
    );
    // A click on the dark backdrop (not on the picture or the bar) closes.
    this.root.addEventListener("click", (ev) => {
      if (ev.target === this.root || (ev.target instanceof HTMLElement && ev.target.classList.contains("image-viewer-stage"))) this.close();
    });
  }

  /** Esc closes, wherever the focus is while the viewer is open. */
  private readonly onKey = (ev: KeyboardEvent): void => {
    if (ev.key !== "Escape" || !this.isOpen) return;
    ev.preventDefault();
    ev.stopPropagation();
    this.close();
  };

  get isOpen(): boolean {
    return !this.root.hidden;
  }

  /** Opens the viewer on a stored file. */
  async open(file: FileInfo): Promise<void> {
    if (!this.root.isConnected) document.body.appendChild(this.root);
    this.reset();
    this.file = file;
    if (!this.isOpen && document.activeElement instanceof HTMLElement) this.returnFocus = document.activeElement;
    this.root.dataset.fileId = file.id;
    this.root.dataset.kind = file.kind;
    this.root.dataset.loaded = "false";
    setText(this.title, file.name);
    this.img.alt = file.name;
    show(this.img, false);
    setText(this.status, t("common.loading"));
    show(this.status, true);
    this.downloadButton.disabled = true;
    show(this.root, true);
    document.addEventListener("keydown", this.onKey, true);
    this.closeButton.focus();
    const aborter = new AbortController();
    this.aborter = aborter;
    try {
      const blob = await downloadFile(file, this.auth, () => undefined, aborter.signal);
      if (aborter.signal.aborted) return;
      this.blob = blob;
      this.url = URL.createObjectURL(blob);
      await new Promise<void>((resolve, reject) => {
        this.img.onload = () => resolve();
        this.img.onerror = () => reject(new Error(t("viewer.notAPicture")));
        this.img.src = this.url ?? "";
      });
      if (aborter.signal.aborted) return;
      show(this.img, true);
      show(this.status, false);
      this.downloadButton.disabled = false;
      this.root.dataset.loaded = "true";
    } catch (err) {
      if (aborter.signal.aborted) return;
      setText(this.status, t("viewer.failed", { name: file.name, reason: errorText(err) }));
      this.root.dataset.loaded = "error";
    }
  }

  close(): void {
    if (!this.isOpen) return;
    show(this.root, false);
    document.removeEventListener("keydown", this.onKey, true);
    this.reset();
    this.returnFocus?.focus();
    this.returnFocus = null;
  }

  dispose(): void {
    this.close();
    this.root.remove();
  }

  private reset(): void {
    this.aborter?.abort();
    this.aborter = null;
    this.img.onload = null;
    this.img.onerror = null;
    this.img.removeAttribute("src");
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    this.blob = null;
    this.file = null;
    delete this.root.dataset.fileId;
  }
}

function uid(): string {
  return Math.random().toString(36).slice(2, 8);
}

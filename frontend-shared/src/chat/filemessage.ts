// A file in a chat message: type icon, name, size, the thumbnail of an
// image (fetched with the bearer header, shown through an object URL) and
// a download with progress.

import type { FileInfo } from "../protocol";
import { el, setText, show } from "../dom";
import { errorText } from "../errors";
import { lang, t, type MessageKey } from "../i18n";
import { fileKind, humanSize, type FileKind } from "./text";
import { type ChatAuth, downloadFile, fetchThumbnail, saveBlob } from "./transfer";
import { canAnnotate, isViewableImage } from "../screenshot/names";

/** What a page does with a picture in the chat (the viewer, the agent's editor). */
export interface FileActions {
  /** Shows the picture full screen. */
  open?(file: FileInfo): void;
  /** Opens the drawing editor on it (agent). */
  annotate?(file: FileInfo): void;
}

/** The short label of the type badge (no icon font or emoji needed). */
const BADGES: Record<FileKind, string> = {
  image: "IMG",
  video: "VID",
  audio: "AUD",
  pdf: "PDF",
  archive: "ZIP",
  document: "DOC",
  text: "TXT",
  other: "FILE",
};

const KIND_KEYS: Record<FileKind, MessageKey> = {
  image: "file.kind.image",
  video: "file.kind.video",
  audio: "file.kind.audio",
  pdf: "file.kind.pdf",
  archive: "file.kind.archive",
  document: "file.kind.document",
  text: "file.kind.text",
  other: "file.kind.other",
};

export class FileBlock {
  readonly root: HTMLElement;
  private readonly download: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressText: HTMLElement;
  private readonly error: HTMLElement;
  private thumbUrl: string | null = null;
  private readonly aborter = new AbortController();
  private busy = false;
  private actions: FileActions = {};
  private thumb: HTMLImageElement | null = null;
  private annotateButton: HTMLButtonElement | null = null;

  constructor(
    private readonly file: FileInfo,
    private readonly auth: ChatAuth,
  ) {
    const kind = fileKind(file.content_type);
    const size = humanSize(file.size, lang());
    this.download = el("button", {
      class: "btn btn-small file-download",
      testid: "file-download",
      text: t("chat.download"),
      attrs: { type: "button", "aria-label": t("chat.downloadNamed", { name: file.name }) },
    });
    this.download.addEventListener("click", () => void this.save());
    this.progress = el("progress", {
      class: "file-progress",
      testid: "file-progress",
      attrs: { max: "100", value: "0", "aria-label": t("chat.downloadNamed", { name: file.name }) },
      hidden: true,
    });
    this.progressText = el("span", { class: "file-progress-text muted", attrs: { "aria-live": "polite" }, hidden: true });
    this.error = el("p", { class: "error file-error", testid: "file-error", attrs: { role: "alert" }, hidden: true });
    const icon = el("span", {
      class: "file-icon",
      testid: "file-icon",
      text: BADGES[kind],
      attrs: { role: "img", "aria-label": t(KIND_KEYS[kind]), "data-kind": kind, title: t(KIND_KEYS[kind]) },
    });
    this.root = el(
      "div",
      {
        class: "file-message",
        testid: "file-message",
        attrs: {
          "data-file-id": file.id,
          "data-sha256": file.sha256,
          "data-kind": kind,
          "data-size": String(file.size),
          "data-file-kind": file.kind,
        },
      },
      [
        el("div", { class: "file-row" }, [
          icon,
          el("div", { class: "file-info" }, [
            el("span", { class: "file-name", testid: "file-name", text: file.name, attrs: { title: file.name } }),
            el("span", { class: "file-size muted", testid: "file-size", text: size }),
          ]),
          this.download,
        ]),
        el("div", { class: "file-progress-row" }, [this.progress, this.progressText]),
        this.error,
      ],
    );
    if (file.thumbnail) void this.loadThumbnail();
  }

  /** Screenshots and photos: the thumbnail opens the viewer; "Draw" opens the editor. */
  setActions(actions: FileActions): void {
    this.actions = actions;
    this.renderActions();
  }

  private renderActions(): void {
    const viewable = isViewableImage(this.file) && !!this.actions.open;
    if (this.thumb) {
      this.thumb.classList.toggle("clickable", viewable);
      if (viewable) {
        this.thumb.tabIndex = 0;
        this.thumb.setAttribute("role", "button");
        this.thumb.title = t("viewer.open");
      }
    }
    const annotate = canAnnotate(this.file) && !!this.actions.annotate;
    if (annotate && !this.annotateButton) {
      this.annotateButton = el("button", {
        class: "btn btn-small file-annotate",
        testid: "annotate",
        text: t("editor.draw"),
        attrs: { type: "button", "aria-label": t("editor.drawOn", { name: this.file.name }) },
      });
      this.annotateButton.addEventListener("click", () => this.actions.annotate?.(this.file));
      this.download.before(this.annotateButton);
    } else if (!annotate && this.annotateButton) {
      this.annotateButton.remove();
      this.annotateButton = null;
    }
  }

  private readonly openViewer = (ev: Event): void => {
    if (!this.actions.open || !isViewableImage(this.file)) return;
    if (ev instanceof KeyboardEvent && ev.key !== "Enter" && ev.key !== " ") return;
    ev.preventDefault();
    this.actions.open(this.file);
  };

  dispose(): void {
    this.aborter.abort();
    if (this.thumbUrl) URL.revokeObjectURL(this.thumbUrl);
    this.thumbUrl = null;
  }

  private async loadThumbnail(): Promise<void> {
    try {
      const blob = await fetchThumbnail(this.file.id, this.auth, this.aborter.signal);
      if (this.aborter.signal.aborted) return;
      this.thumbUrl = URL.createObjectURL(blob);
      const img = el("img", {
        class: "file-thumbnail",
        testid: "file-thumbnail",
        attrs: { src: this.thumbUrl, alt: t("chat.thumbnailOf", { name: this.file.name }) },
      });
      img.addEventListener("click", this.openViewer);
      img.addEventListener("keydown", this.openViewer);
      this.thumb = img;
      this.root.insertBefore(img, this.root.firstChild);
      this.renderActions();
    } catch {
      // no thumbnail: the icon stays
    }
  }

  private async save(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.download.disabled = true;
    show(this.error, false);
    show(this.progress, true);
    show(this.progressText, true);
    this.root.dataset.downloading = "true";
    let lastPercent = -1;
    try {
      const blob = await downloadFile(
        this.file,
        this.auth,
        (loaded, total) => {
          const percent = total > 0 ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;
          if (percent === lastPercent) return;
          lastPercent = percent;
          this.progress.value = percent;
          setText(this.progressText, t("chat.downloading", { percent }));
        },
        this.aborter.signal,
      );
      if (this.aborter.signal.aborted) return;
      saveBlob(blob, this.file.name);
      this.progress.value = 100;
      setText(this.progressText, t("chat.downloaded"));
      this.root.dataset.downloaded = "true";
    } catch (err) {
      if (this.aborter.signal.aborted) return;
      show(this.progress, false);
      show(this.progressText, false);
      setText(this.error, t("chat.downloadFailed", { name: this.file.name, reason: errorText(err) }));
      show(this.error, true);
    } finally {
      this.busy = false;
      this.download.disabled = false;
      delete this.root.dataset.downloading;
    }
  }
}

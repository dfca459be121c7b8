// The files being sent from this page: one row each with its progress bar
// and a cancel button (a failed one says why and can be removed). Rows are
// updated in place so screen readers are not flooded.

import { el, setText, show } from "../dom";
import { t } from "../i18n";
import type { ChatController } from "./controller";

export class UploadList {
  readonly root: HTMLUListElement;

  constructor(private readonly ctl: ChatController) {
    this.root = el("ul", { class: "chat-uploads", attrs: { "aria-label": t("chat.uploads") } });
  }

  render(): void {
    const existing = new Map<string, HTMLElement>();
    for (const li of this.root.querySelectorAll<HTMLElement>("li[data-upload-id]")) {
      existing.set(li.dataset.uploadId ?? "", li);
    }
    const keep = new Set<string>();
    this.ctl.uploads.forEach((u, i) => {
      keep.add(u.id);
      let li = existing.get(u.id);
      if (!li) {
        li = this.row(u.id, u.file.name);
        this.root.insertBefore(li, this.root.children[i] ?? null);
      }
      li.dataset.state = u.state;
      const percent = u.total > 0 ? Math.min(100, Math.floor((u.loaded / u.total) * 100)) : 0;
      const bar = li.querySelector<HTMLProgressElement>("progress");
      if (bar) {
        bar.value = percent;
        bar.dataset.loaded = String(u.loaded);
        show(bar, u.state !== "failed");
      }
      const label = li.querySelector<HTMLElement>(".upload-percent");
      if (label) setText(label, u.state === "failed" ? (u.error ?? "") : u.state === "queued" ? t("chat.uploadQueued") : `${percent}%`);
      const button = li.querySelector<HTMLButtonElement>("button");
      if (button) {
        setText(button, t(u.state === "failed" ? "chat.dismiss" : "chat.cancelUpload"));
        button.dataset.testid = u.state === "failed" ? "upload-dismiss" : "file-cancel";
      }
    });
    for (const [id, li] of existing) if (!keep.has(id)) li.remove();
  }

  private row(id: string, name: string): HTMLElement {
    const button = el("button", { class: "btn btn-small", testid: "file-cancel", text: t("chat.cancelUpload"), attrs: { type: "button" } });
    button.addEventListener("click", () => {
      const u = this.ctl.uploads.find((x) => x.id === id);
      if (u?.state === "failed") this.ctl.dismiss(id);
      else this.ctl.cancelUpload(id);
    });
    return el("li", { class: "chat-upload", testid: "upload", attrs: { "data-upload-id": id } }, [
      el("span", { class: "upload-name", text: t("chat.uploading", { name }) }),
      el("progress", {
        class: "upload-progress",
        testid: "upload-progress",
        attrs: { max: "100", value: "0", "aria-label": t("chat.uploading", { name }) },
      }),
      el("span", { class: "upload-percent muted" }),
      button,
    ]);
  }
}

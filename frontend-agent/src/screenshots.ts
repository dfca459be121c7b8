// The agent's screenshots: `take-screenshot` beside the pointer toggle grabs
// the client's video (`remote-video`) at its full received resolution,
// uploads it as `kind=screenshot`, sends it in the chat and opens the
// drawing editor on it. Pictures in the chat open in the viewer; "Draw"
// (`annotate`) on a screenshot or photo opens the editor on it.

import type { FileInfo } from "@shared/protocol";
import type { CallView } from "@shared/callview";
import { downloadFile } from "@shared/chat/transfer";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import { captureFrame, enableWhileFrames, flash } from "@shared/screenshot/capture";
import { screenshotName } from "@shared/screenshot/names";
import { uploadPicture } from "@shared/screenshot/upload";
import { ImageViewer } from "@shared/screenshot/viewer";
import type { AgentChat } from "./chatpanel";
import { ScreenshotEditor } from "./editor/editor";

export class AgentScreenshots {
  readonly button: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly editor: ScreenshotEditor;
  private readonly viewer: ImageViewer;
  private busy = false;
  private live = true;
  private stopWatch: (() => void) | null;

  constructor(
    private readonly interactionId: string,
    private readonly view: CallView,
    private readonly chat: AgentChat,
  ) {
    this.button = el("button", {
      class: "btn toggle take-screenshot",
      testid: "take-screenshot",
      text: t("shot.take"),
      attrs: { type: "button", title: t("shot.takeHint") },
    });
    this.button.addEventListener("click", () => void this.take());
    this.error = el("span", { class: "error shot-error", testid: "screenshot-error", attrs: { role: "alert" }, hidden: true });
    // Beside the pointer toggle when there is one.
    const pointer = view.controls.querySelector(".pointer-toggle");
    if (pointer) pointer.after(this.button, this.error);
    else view.controls.append(this.button, this.error);
    this.stopWatch = enableWhileFrames(view.remoteVideo, this.button, () => this.busy);

    this.editor = new ScreenshotEditor({
      interactionId,
      auth: chat.auth,
      send: (info) => chat.sendUploaded(info),
    });
    this.viewer = new ImageViewer(chat.auth);
    this.chat.setFileActions({
      open: (file) => void this.viewer.open(file),
      annotate: (file) => void this.annotate(file),
    });
  }

  /** The call is over: no more captures or drawing; the viewer stays. */
  stop(): void {
    if (!this.live) return;
    this.live = false;
    this.stopWatch?.();
    this.stopWatch = null;
    this.button.disabled = true;
    this.editor.close();
    this.chat.setFileActions({ open: (file) => void this.viewer.open(file) });
  }

  dispose(): void {
    this.stop();
    this.editor.dispose();
    this.viewer.dispose();
  }

  private async take(): Promise<void> {
    if (this.busy || !this.live) return;
    this.busy = true;
    this.button.disabled = true;
    this.button.dataset.state = "capturing";
    this.showError(null);
    try {
      const shot = await captureFrame(this.view.remoteVideo);
      flash(this.view.stage);
      this.button.dataset.lastWidth = String(shot.width);
      this.button.dataset.lastHeight = String(shot.height);
      const original = uploadPicture(this.interactionId, shot.blob, screenshotName(new Date()), { kind: "screenshot" }, this.chat.auth).then(
        (info) => {
          this.button.dataset.lastFileId = info.id;
          this.chat.sendUploaded(info);
          return info;
        },
      );
      original.catch((err: unknown) => this.showError(t("shot.uploadFailed", { reason: errorText(err) })));
      void this.editor.open({ image: shot.blob, original });
    } catch (err) {
      this.showError(t("shot.failed", { reason: errorText(err) }));
    } finally {
      this.busy = false;
      delete this.button.dataset.state;
      this.button.disabled = !this.live || this.button.dataset.ready !== "true";
    }
  }

  /** "Draw" on a picture of the chat: the editor on the stored file. */
  private async annotate(file: FileInfo): Promise<void> {
    if (!this.live) return;
    this.showError(null);
    try {
      const blob = await downloadFile(file, this.chat.auth, () => undefined);
      if (!this.live) return;
      await this.editor.open({ image: blob, original: Promise.resolve(file) });
    } catch (err) {
      this.showError(t("viewer.failed", { name: file.name, reason: errorText(err) }));
    }
  }

  private showError(text: string | null): void {
    setText(this.error, text ?? "");
    show(this.error, text !== null);
  }
}

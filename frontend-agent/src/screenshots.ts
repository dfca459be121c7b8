// The agent's screenshots: `take-screenshot` beside the pointer toggle grabs
// the client's video (`remote-video`) at its full received resolution,
// uploads it as `kind=screenshot`, sends it in the chat and opens the
// drawing editor on it. Pictures in the chat open in the viewer; "Draw"
// (`annotate`) on a screenshot or photo opens the editor on it. Without the
// screenshot function there is no button and no drawing; without a chat
// panel, the client's HD photos open in the viewer as they arrive.

import type { ChatMessage, FileInfo } from "@shared/protocol";
import type { CallView } from "@shared/callview";
import type { ControlChannel } from "@shared/control";
import type { FileActions } from "@shared/chat/filemessage";
import { downloadFile } from "@shared/chat/transfer";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import { captureFrame, enableWhileFrames, flash } from "@shared/screenshot/capture";
import { isViewableImage, screenshotName } from "@shared/screenshot/names";
import { uploadPicture } from "@shared/screenshot/upload";
import { ImageViewer } from "@shared/screenshot/viewer";
import type { AgentChat } from "./chatpanel";
import { ScreenshotEditor } from "./editor/editor";

export class AgentScreenshots {
  /** `take-screenshot` (null when screenshots are switched off). */
  readonly button: HTMLButtonElement | null;
  private readonly error: HTMLElement;
  /** The drawing editor (screenshots on only). */
  private readonly editor: ScreenshotEditor | null;
  private readonly viewer: ImageViewer;
  private busy = false;
  private live = true;
  private stopWatch: (() => void) | null = null;
  private offs: (() => void)[] = [];
  /** The chat's last seq at the latest welcome: later messages are new. */
  private chatEnd = Number.POSITIVE_INFINITY;

  constructor(
    private readonly interactionId: string,
    private readonly view: CallView,
    private readonly chat: AgentChat,
    capture: boolean,
  ) {
    this.error = el("span", { class: "error shot-error", testid: "screenshot-error", attrs: { role: "alert" }, hidden: true });
    if (capture) {
      const button = el("button", {
        class: "btn toggle take-screenshot",
        testid: "take-screenshot",
        text: t("shot.take"),
        attrs: { type: "button", title: t("shot.takeHint") },
      });
      button.addEventListener("click", () => void this.take());
      // Beside the pointer toggle when there is one.
      const pointer = view.controls.querySelector(".pointer-toggle");
      if (pointer) pointer.after(button, this.error);
      else view.controls.append(button, this.error);
      this.stopWatch = enableWhileFrames(view.remoteVideo, button, () => this.busy);
      this.button = button;
      this.editor = new ScreenshotEditor({
        interactionId,
        auth: chat.auth,
        send: (info) => chat.sendUploaded(info),
      });
    } else {
      this.button = null;
      this.editor = null;
      view.controls.append(this.error);
    }
    this.viewer = new ImageViewer(chat.auth);
    this.chat.setFileActions(this.actions());
  }

  /** Without a chat panel: opens the client's photos as they arrive (not those replayed). */
  attach(control: ControlChannel): void {
    if (this.chat.hasPanel) return;
    this.offs.push(
      control.on("welcome", (w) => {
        this.chatEnd = w.last_chat_seq;
      }),
      control.on("chat", (m) => this.onChat(m)),
    );
  }

  private actions(): FileActions {
    const open = (file: FileInfo): void => void this.viewer.open(file);
    return this.editor && this.live ? { open, annotate: (file) => void this.annotate(file) } : { open };
  }

  private onChat(m: ChatMessage): void {
    const file = m.file;
    if (!this.live || !file || m.from !== "client" || file.kind !== "photo" || m.seq <= this.chatEnd) return;
    if (isViewableImage(file)) void this.viewer.open(file);
  }

  /** The call is over: no more captures or drawing; the viewer stays. */
  stop(): void {
    if (!this.live) return;
    this.live = false;
    for (const off of this.offs) off();
    this.offs = [];
    this.stopWatch?.();
    this.stopWatch = null;
    if (this.button) this.button.disabled = true;
    this.editor?.close();
    this.chat.setFileActions(this.actions());
  }

  dispose(): void {
    this.stop();
    this.editor?.dispose();
    this.viewer.dispose();
  }

  private async take(): Promise<void> {
    const { button, editor } = this;
    if (this.busy || !this.live || !button || !editor) return;
    this.busy = true;
    button.disabled = true;
    button.dataset.state = "capturing";
    this.showError(null);
    try {
      const shot = await captureFrame(this.view.remoteVideo);
      flash(this.view.stage);
      button.dataset.lastWidth = String(shot.width);
      button.dataset.lastHeight = String(shot.height);
      const original = uploadPicture(this.interactionId, shot.blob, screenshotName(new Date()), { kind: "screenshot" }, this.chat.auth).then(
        (info) => {
          button.dataset.lastFileId = info.id;
          this.chat.sendUploaded(info);
          return info;
        },
      );
      original.catch((err: unknown) => this.showError(t("shot.uploadFailed", { reason: errorText(err) })));
      void editor.open({ image: shot.blob, original });
    } catch (err) {
      this.showError(t("shot.failed", { reason: errorText(err) }));
    } finally {
      this.busy = false;
      delete button.dataset.state;
      button.disabled = !this.live || button.dataset.ready !== "true";
    }
  }

  /** "Draw" on a picture of the chat: the editor on the stored file. */
  private async annotate(file: FileInfo): Promise<void> {
    const editor = this.editor;
    if (!this.live || !editor) return;
    this.showError(null);
    try {
      const blob = await downloadFile(file, this.chat.auth, () => undefined);
      if (!this.live) return;
      await editor.open({ image: blob, original: Promise.resolve(file) });
    } catch (err) {
      this.showError(t("viewer.failed", { name: file.name, reason: errorText(err) }));
    }
  }

  private showError(text: string | null): void {
    setText(this.error, text ?? "");
    show(this.error, text !== null);
  }
}

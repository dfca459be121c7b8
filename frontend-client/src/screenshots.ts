// The client's screenshots: `take-screenshot` in the call bar grabs the
// client's own view (its camera, `local-video`, at full resolution and
// unmirrored; the screen while sharing), uploads it as `kind=screenshot`
// and sends it in the chat. Pictures in the chat open in the viewer, and a
// picture the agent drew on (`annotated`) opens by itself when it arrives.
// Without the screenshot function there is no button (the viewer stays).

import type { ChatMessage } from "@shared/protocol";
import type { CallView } from "@shared/callview";
import type { ControlChannel } from "@shared/control";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import { captureFrame, enableWhileFrames, flash } from "@shared/screenshot/capture";
import { isViewableImage, screenshotName } from "@shared/screenshot/names";
import { uploadPicture } from "@shared/screenshot/upload";
import { ImageViewer } from "@shared/screenshot/viewer";
import type { ClientChat } from "./chatpanel";

export class ClientScreenshots {
  /** `take-screenshot` (null when screenshots are switched off). */
  readonly button: HTMLButtonElement | null;
  private readonly error: HTMLElement;
  private readonly viewer: ImageViewer;
  private busy = false;
  private live = true;
  private stopWatch: (() => void) | null;
  private offs: (() => void)[] = [];
  /** The chat's last seq at the latest welcome: later messages are new. */
  private chatEnd = Number.POSITIVE_INFINITY;
  private readonly shown = new Set<string>();

  constructor(
    private readonly interactionId: string,
    private readonly view: CallView,
    private readonly chat: ClientChat,
    capture: boolean,
  ) {
    this.error = el("span", { class: "error shot-error", testid: "screenshot-error", attrs: { role: "alert" }, hidden: true });
    if (capture) {
      const button = el("button", {
        class: "btn toggle take-screenshot",
        testid: "take-screenshot",
        text: t("shot.take"),
        attrs: { type: "button", title: t("shot.takeOwnHint") },
      });
      button.addEventListener("click", () => void this.take());
      view.controls.append(button, this.error);
      this.button = button;
      this.stopWatch = enableWhileFrames(view.localVideo, button, () => this.busy);
    } else {
      this.button = null;
      this.stopWatch = null;
    }
    this.viewer = new ImageViewer(chat.auth);
    chat.setFileActions({ open: (file) => void this.viewer.open(file) });
  }

  /** Opens the agent's annotated pictures as they arrive (not the ones replayed after a reload). */
  attach(control: ControlChannel): void {
    this.offs.push(
      control.on("welcome", (w) => {
        this.chatEnd = w.last_chat_seq;
      }),
      control.on("chat", (m) => this.onChat(m)),
    );
  }

  stop(): void {
    this.live = false;
    for (const off of this.offs) off();
    this.offs = [];
    this.stopWatch?.();
    this.stopWatch = null;
    if (this.button) this.button.disabled = true;
    this.viewer.dispose();
  }

  private onChat(m: ChatMessage): void {
    const file = m.file;
    if (!file || m.from !== "agent" || file.kind !== "annotated" || m.seq <= this.chatEnd) return;
    if (this.shown.has(file.id) || !isViewableImage(file)) return;
    this.shown.add(file.id);
    void this.viewer.open(file);
  }

  private async take(): Promise<void> {
    const button = this.button;
    if (this.busy || !this.live || !button) return;
    this.busy = true;
    button.disabled = true;
    button.dataset.state = "capturing";
    setText(this.error, "");
    show(this.error, false);
    try {
      const shot = await captureFrame(this.view.localVideo);
      flash(this.view.stage);
      button.dataset.lastWidth = String(shot.width);
      button.dataset.lastHeight = String(shot.height);
      const info = await uploadPicture(this.interactionId, shot.blob, screenshotName(new Date()), { kind: "screenshot" }, this.chat.auth);
      button.dataset.lastFileId = info.id;
      if (this.live) this.chat.controller.sendUploaded(info);
    } catch (err) {
      setText(this.error, t("shot.failed", { reason: errorText(err) }));
      show(this.error, true);
    } finally {
      this.busy = false;
      delete button.dataset.state;
      button.disabled = !this.live || button.dataset.ready !== "true";
    }
  }
}

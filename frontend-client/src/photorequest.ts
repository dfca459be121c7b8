// The agent's HD photo request on the client's page: an overlay on the
// video ("the agent is taking a photo", `photo-in-progress`), the still
// (photo.ts), its upload (`kind=photo`) and the chat message that answers
// the request; or `request_declined` when there is no camera or it failed.

import type { ChatController } from "@shared/chat/controller";
import { type ChatAuth, uploadFile } from "@shared/chat/transfer";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import type { RequestOutcome } from "@shared/protocol";
import { PhotoError, takePhoto } from "./photo";
import { photoName } from "./photosize";

export interface PhotoHost {
  interactionId: string;
  auth: ChatAuth;
  chat: ChatController;
  /** The camera track now (it changes with a camera switch). */
  track(): MediaStreamTrack | null;
  decline(requestId: string, outcome: Exclude<RequestOutcome, "done">, detail?: string): void;
  handled(requestId: string): void;
}

export class ClientPhoto {
  /** Over the video while the photo is taken and sent. */
  readonly overlay: HTMLElement;
  private readonly text: HTMLElement;
  private running: string | null = null;

  constructor(private readonly host: PhotoHost) {
    this.text = el("span", { text: t("photo.inProgress") });
    this.overlay = el("div", { class: "photo-overlay", testid: "photo-in-progress", attrs: { role: "status", "aria-live": "assertive" }, hidden: true }, [this.text]);
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Takes, uploads and sends the photo the request `requestId` asks for. */
  async take(requestId: string): Promise<void> {
    if (this.running) return;
    this.running = requestId;
    setText(this.text, t("photo.inProgress"));
    show(this.overlay, true);
    try {
      const { blob, size } = await takePhoto(this.host.track());
      console.info(`photo ${size.width}x${size.height}, ${blob.size} bytes`);
      const file = new File([blob], photoName(new Date()), { type: "image/jpeg" });
      const upload = uploadFile(
        this.host.interactionId,
        file,
        this.host.auth,
        (loaded, total) => setText(this.text, t("photo.uploading", { percent: total > 0 ? Math.floor((loaded / total) * 100) : 0 })),
        { kind: "photo" },
      );
      const info = await upload.done;
      if (!this.host.chat.sendAnswer(info, requestId)) throw new PhotoError("failed", t("chat.readOnly"));
    } catch (err) {
      const outcome = err instanceof PhotoError ? err.outcome : "failed";
      console.warn("the photo failed", err);
      this.host.decline(requestId, outcome, (err instanceof PhotoError ? err.message : errorText(err)).slice(0, 200));
    } finally {
      this.host.handled(requestId);
      this.running = null;
      show(this.overlay, false);
    }
  }

  dispose(): void {
    this.overlay.remove();
  }
}

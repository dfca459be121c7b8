// The agent's own camera and microphone for a call: opened with fallbacks
// (camera + microphone, then the microphone alone, then receiving only) and
// the reason shown in the panel's `camera-denied` / `media-error` line.

import type { MaxQuality, VideoMode } from "@shared/protocol";
import { el, setText, show } from "@shared/dom";
import { t } from "@shared/i18n";
import { LocalMedia, MediaError } from "@shared/media";

export class AgentMedia {
  /** The line that says why the camera or microphone could not be opened. */
  readonly error: HTMLElement;

  constructor() {
    this.error = el("p", { class: "error", testid: "camera-denied", attrs: { role: "alert" }, hidden: true });
  }

  /** Microphone and (two-way) camera; falls back to audio only, then to receiving only. */
  async open(mode: VideoMode, quality: MaxQuality): Promise<LocalMedia> {
    const video = mode === "two_way";
    try {
      return await LocalMedia.open({ audio: true, video, quality });
    } catch (err) {
      this.showError(err);
    }
    if (video) {
      try {
        return await LocalMedia.open({ audio: true, video: false, quality });
      } catch {
        // keep the first message
      }
    }
    return new LocalMedia();
  }

  showError(err: unknown): void {
    const kind = err instanceof MediaError ? err.kind : "failed";
    const text =
      kind === "denied"
        ? `${t("media.denied")} ${t("media.deniedHelp")}`
        : kind === "not-found"
          ? t("media.notFound")
          : t("media.failed", { message: err instanceof Error ? err.message : String(err) });
    this.error.dataset.testid = kind === "denied" ? "camera-denied" : "media-error";
    setText(this.error, text);
    show(this.error, true);
  }
}

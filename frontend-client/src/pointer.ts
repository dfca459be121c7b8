// The agent's pointer on the client's own camera view: a layer over
// `local-video` that draws the pointer, click ripples and a short trail from
// the collab data channel's messages. The positions are fractions of the
// camera frame as captured; the layer maps them onto the self-view as it is
// shown (mirrored for the front camera, cropped by `object-fit: cover`).
// Hidden after `pointer_off`, or when no update came for a few seconds.

import type { CollabMessage } from "@shared/protocol";
import type { CollabChannel } from "@shared/collab";
import { el } from "@shared/dom";
import { t } from "@shared/i18n";
import { PointerOverlay } from "@shared/pointer/overlay";
import { RemotePointer } from "@shared/pointer/remote";

export class ClientPointer {
  readonly layer: HTMLElement;
  private readonly overlay: PointerOverlay;
  private readonly state = new RemotePointer();
  private staleTimer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void)[] = [];

  constructor(video: HTMLVideoElement) {
    this.layer = el("div", {
      class: "pointer-layer",
      testid: "pointer-layer",
      attrs: { role: "group", "aria-label": t("pointer.clientLayer") },
    });
    // Over the self-view (the last thing on the stage).
    video.after(this.layer);
    this.overlay = new PointerOverlay(this.layer, video);
  }

  bind(collab: CollabChannel): void {
    this.unbind();
    this.unsubscribe = [
      collab.on("message", (msg) => this.onMessage(msg)),
      collab.on("close", () => this.hide()),
    ];
  }

  /** The self-view's source or layout changed (camera switch, screen shared). */
  redraw(): void {
    this.overlay.redraw();
  }

  dispose(): void {
    this.unbind();
    clearTimeout(this.staleTimer);
    this.overlay.dispose();
    this.layer.remove();
  }

  private unbind(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }

  private onMessage(msg: CollabMessage): void {
    const view = this.state.apply(msg, performance.now());
    this.overlay.moveTo(view.at);
    if (view.click) this.overlay.ripple(view.click);
    this.layer.dataset.active = String(view.at !== null);
    this.scheduleStale();
  }

  private hide(): void {
    this.state.reset();
    this.overlay.moveTo(null);
    this.layer.dataset.active = "false";
  }

  private scheduleStale(): void {
    clearTimeout(this.staleTimer);
    const at = this.state.staleAt();
    if (at === null) return;
    this.staleTimer = setTimeout(() => {
      if (this.state.current(performance.now()) === null) this.hide();
      else this.scheduleStale();
    }, Math.max(0, at - performance.now()) + 20);
  }
}

// The agent's pointer on the client's video: a toggle (off by default) and a
// layer over `remote-video` that, while on, turns mouse moves and clicks into
// `pointer` / `click` / `pointer_off` messages on the collab data channel, in
// fractions of the client's camera frame. Moves are throttled to ~30 a
// second (the last one always goes out); while the pointer is on, its
// position is repeated every second and when the channel (re)opens, because
// messages sent while the client's end is not open are lost.

import type { CollabChannel } from "@shared/collab";
import { el, setText } from "@shared/dom";
import { t } from "@shared/i18n";
import { elementToFrame, type Point } from "@shared/pointer/geometry";
import { fitLayerToVideo, PointerOverlay } from "@shared/pointer/overlay";
import { LatestThrottle } from "@shared/pointer/throttle";
import { pointInVideo, videoViewOf } from "@shared/pointer/view";

const SEND_INTERVAL_MS = 33;
const REPEAT_MS = 1_000;

export class AgentPointer {
  readonly toggle: HTMLButtonElement;
  readonly layer: HTMLElement;
  private on = false;
  /** The pointer's frame position while it is over the client's frame. */
  private position: Point | null = null;
  private collab: CollabChannel | null = null;
  private unsubscribe: (() => void) | null = null;
  private repeatTimer: ReturnType<typeof setInterval> | undefined;
  private readonly throttle: LatestThrottle<Point>;
  private readonly overlay: PointerOverlay;

  constructor(private readonly video: HTMLVideoElement) {
    this.toggle = el("button", {
      class: "btn toggle pointer-toggle",
      testid: "pointer-toggle",
      attrs: { type: "button", title: t("pointer.hint") },
    });
    this.toggle.addEventListener("click", () => this.setOn(!this.on));
    this.layer = el("div", {
      class: "pointer-layer",
      testid: "pointer-layer",
      attrs: { role: "group", "aria-label": t("pointer.layer"), "data-on": "false" },
    });
    // Over the video, under the self-view and the badges that follow it.
    video.after(this.layer);
    this.overlay = new PointerOverlay(this.layer, video, { pointer: false });
    this.throttle = new LatestThrottle<Point>(SEND_INTERVAL_MS, (p) => this.send({ t: "pointer", x: p.x, y: p.y }));
    this.layer.addEventListener("pointermove", this.onMove);
    this.layer.addEventListener("pointerdown", this.onDown);
    this.layer.addEventListener("pointerleave", this.onLeave);
    this.layer.addEventListener("pointercancel", this.onLeave);
    this.render();
  }

  /** The current call's channel (null when there is no call). */
  bind(collab: CollabChannel | null): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.collab = collab;
    if (collab) this.unsubscribe = collab.on("open", () => this.repeat());
  }

  setOn(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    if (on) {
      this.repeatTimer = setInterval(() => this.repeat(), REPEAT_MS);
    } else {
      clearInterval(this.repeatTimer);
      this.repeatTimer = undefined;
      this.leave();
    }
    this.render();
  }

  dispose(): void {
    this.setOn(false);
    this.bind(null);
    this.overlay.dispose();
    this.layer.removeEventListener("pointermove", this.onMove);
    this.layer.removeEventListener("pointerdown", this.onDown);
    this.layer.removeEventListener("pointerleave", this.onLeave);
    this.layer.removeEventListener("pointercancel", this.onLeave);
  }

  private render(): void {
    this.toggle.dataset.on = String(this.on);
    this.toggle.setAttribute("aria-pressed", String(this.on));
    setText(this.toggle, t(this.on ? "pointer.turnOff" : "pointer.turnOn"));
    this.layer.classList.toggle("capturing", this.on);
    this.layer.dataset.on = String(this.on);
    fitLayerToVideo(this.layer, this.video);
  }

  /** The frame fraction under a pointer event, or null off the visible frame. */
  private frameAt(ev: PointerEvent): Point | null {
    return elementToFrame(videoViewOf(this.video), pointInVideo(this.video, ev.clientX, ev.clientY));
  }

  private readonly onMove = (ev: PointerEvent): void => {
    if (!this.on) return;
    const p = this.frameAt(ev);
    if (!p) {
      this.leave();
      return;
    }
    this.position = p;
    this.throttle.push(p);
  };

  private readonly onDown = (ev: PointerEvent): void => {
    if (!this.on || ev.button !== 0) return;
    const p = this.frameAt(ev);
    if (!p) return;
    ev.preventDefault();
    this.position = p;
    this.throttle.cancel();
    this.send({ t: "click", x: p.x, y: p.y });
    this.overlay.ripple(p);
  };

  private readonly onLeave = (): void => {
    if (this.on) this.leave();
  };

  /** The pointer is no longer on the client's frame. */
  private leave(): void {
    this.throttle.cancel();
    if (this.position === null) return;
    this.position = null;
    this.send({ t: "pointer_off" });
  }

  private repeat(): void {
    if (this.on && this.position) this.send({ t: "pointer", x: this.position.x, y: this.position.y });
  }

  private send(msg: Parameters<CollabChannel["send"]>[0]): void {
    this.collab?.send(msg);
  }
}

// Screen sharing in the call view: the `share-screen` toggle (hidden where
// the browser cannot share a screen), the self-view while sharing, and the
// "screen" look of the remote video when the other party shares.

import "./screenshare.css";
import type { CallView } from "./callview";
import { el, setText, show } from "./dom";
import { t, type MessageKey } from "./i18n";
import type { LocalMedia } from "./media";
import { screenShareSupported, type ScreenShare } from "./screenshare";

export class ShareScreenControl {
  /** The button and its hint, for the call view's controls. */
  readonly root: HTMLElement;
  readonly button: HTMLButtonElement;
  private readonly hint: HTMLElement;
  private blocked: MessageKey | null = null;
  private failed = false;
  private readonly off: (() => void)[];

  constructor(private readonly share: ScreenShare) {
    this.button = el("button", { class: "btn toggle share-screen", testid: "share-screen", attrs: { type: "button" } });
    this.hint = el("span", { class: "share-hint muted", testid: "share-screen-hint", attrs: { role: "status" }, hidden: true });
    this.root = el("span", { class: "share-control" }, [this.button, this.hint]);
    this.button.addEventListener("click", () => void this.toggle());
    this.off = [share.on("change", () => this.render()), share.on("error", (err) => this.onError(err))];
    show(this.root, screenShareSupported());
    this.render();
  }

  /** Disables the button with a reason (null: allowed). Stopping a share is the page's business. */
  setBlocked(reason: MessageKey | null): void {
    this.blocked = reason;
    this.render();
  }

  dispose(): void {
    for (const off of this.off) off();
  }

  private async toggle(): Promise<void> {
    if (this.share.active) {
      await this.share.stop();
      return;
    }
    if (this.blocked) return;
    this.failed = false;
    this.button.disabled = true;
    try {
      await this.share.start();
    } finally {
      this.render();
    }
  }

  private onError(err: unknown): void {
    console.warn("screen sharing failed", err);
    this.failed = true;
    this.render();
  }

  private render(): void {
    const active = this.share.active;
    this.button.dataset.on = String(!active);
    this.button.dataset.sharing = String(active);
    this.button.setAttribute("aria-pressed", String(active));
    setText(this.button, t(active ? "screen.stop" : "screen.start"));
    this.button.disabled = this.share.busy || (!active && this.blocked !== null);
    if (this.blocked) this.button.dataset.why = this.blocked;
    else delete this.button.dataset.why;
    const hint = !active && this.blocked ? t(this.blocked) : this.failed && !active ? t("screen.failed") : null;
    this.button.title = hint ?? "";
    setText(this.hint, hint ?? "");
    show(this.hint, hint !== null);
  }
}

/**
 * The self-view shows what this page sends: the shared screen (whole and
 * unmirrored) while sharing, else the camera (mirrored for the front one).
 */
export function showLocalSource(view: CallView, local: LocalMedia, screen: MediaStreamTrack | null): void {
  view.localVideo.classList.toggle("screen", screen !== null);
  if (screen) {
    view.attachLocal(new MediaStream([screen]));
    view.setMirror(false);
  } else {
    view.attachLocal(local.stream);
    view.setMirror(local.frontFacing);
  }
}

/** The remote video while the other party shares a screen: a "screen" badge, whole and unmirrored. */
export class RemoteScreen {
  private readonly badge: HTMLElement;

  constructor(private readonly view: CallView) {
    this.badge = el("span", { class: "badge screen-badge", testid: "remote-screen", text: t("screen.label"), hidden: true });
    view.stage.appendChild(this.badge);
  }

  set(on: boolean): void {
    show(this.badge, on);
    this.view.stage.classList.toggle("remote-screen", on);
    this.view.remoteVideo.dataset.screen = String(on);
  }
}

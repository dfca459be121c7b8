// The call view both pages share: remote video (+ separate <audio>), the
// self-view, mic/camera toggles, end button, network quality and the other
// party's mute indicators, the "recording" badge. Apps add their own extra
// controls.

import type { CallState } from "./call";
import { el, setText, show } from "./dom";
import { t, type MessageKey } from "./i18n";
import type { NetworkLevel } from "./netquality";

export interface CallViewOptions {
  /** Texts of the indicators for the other party's muted mic / camera. */
  remoteAudioMutedText: MessageKey;
  remoteVideoMutedText: MessageKey;
  /** `muted` attribute on the remote <video> (its sound plays in the <audio> anyway). */
  remoteVideoMuted: boolean;
}

const NET_KEYS: Record<NetworkLevel, MessageKey> = { good: "net.good", fair: "net.fair", poor: "net.poor" };

export class CallView {
  readonly root: HTMLElement;
  readonly stage: HTMLElement;
  readonly remoteVideo: HTMLVideoElement;
  readonly remoteAudio: HTMLAudioElement;
  readonly localVideo: HTMLVideoElement;
  readonly micButton: HTMLButtonElement;
  readonly cameraButton: HTMLButtonElement;
  readonly endButton: HTMLButtonElement;
  readonly unmuteButton: HTMLButtonElement;
  /** Extra controls go here (switch camera, ...). */
  readonly controls: HTMLElement;
  /** A line over the remote video: connecting, waiting for the other party... */
  readonly notice: HTMLElement;
  /** Overlay over the remote video (one-way placeholder). */
  readonly placeholder: HTMLElement;
  private readonly network: HTMLElement;
  private readonly networkLabel: HTMLElement;
  private readonly remoteAudioMuted: HTMLElement;
  private readonly remoteVideoMuted: HTMLElement;
  /** "● REC" while the call is recorded (`setRecording`). */
  private readonly recordingBadge: HTMLElement;

  constructor(opts: CallViewOptions) {
    this.remoteVideo = el("video", {
      class: "remote-video",
      testid: "remote-video",
      attrs: { autoplay: true, playsinline: true, muted: opts.remoteVideoMuted, "aria-label": t("call.remoteVideo") },
    });
    // The attribute alone does not mute a dynamically created element.
    this.remoteVideo.muted = opts.remoteVideoMuted;
    this.remoteVideo.autoplay = true;
    this.remoteVideo.playsInline = true;
    this.remoteAudio = el("audio", { class: "remote-audio", attrs: { autoplay: true } });
    this.remoteAudio.autoplay = true;
    this.localVideo = el("video", {
      class: "local-video mirrored",
      testid: "local-video",
      attrs: { autoplay: true, playsinline: true, muted: true, "aria-label": t("call.localVideo") },
    });
    this.localVideo.muted = true;
    this.localVideo.autoplay = true;
    this.localVideo.playsInline = true;

    this.notice = el("div", { class: "call-notice", attrs: { role: "status", "aria-live": "polite" }, hidden: true });
    this.placeholder = el("div", { class: "remote-placeholder", hidden: true });
    this.remoteAudioMuted = el("span", {
      class: "badge badge-muted",
      testid: "remote-audio-muted",
      text: t(opts.remoteAudioMutedText),
      hidden: true,
    });
    this.remoteVideoMuted = el("span", {
      class: "badge badge-muted",
      testid: "remote-video-muted",
      text: t(opts.remoteVideoMutedText),
      hidden: true,
    });
    this.recordingBadge = el(
      "span",
      {
        class: "badge badge-rec",
        testid: "recording-indicator",
        attrs: { title: t("recording.indicatorLabel"), "aria-label": t("recording.indicatorLabel"), role: "img" },
        hidden: true,
      },
      [el("span", { class: "rec-dot", text: "●", attrs: { "aria-hidden": "true" } }), t("recording.indicator")],
    );
    this.network = el("span", { class: "net-level", testid: "network-quality", attrs: { "data-level": "" } });
    this.networkLabel = el("span", { class: "net-label", text: t("net.label") });
    const networkBox = el("span", { class: "badge net" }, [this.networkLabel, this.network]);
    this.unmuteButton = el("button", {
      class: "btn btn-primary unmute",
      testid: "tap-to-unmute",
      text: t("call.tapToUnmute"),
      attrs: { type: "button" },
      hidden: true,
    });

    this.stage = el("div", { class: "stage" }, [
      this.remoteVideo,
      this.placeholder,
      this.notice,
      el("div", { class: "indicators" }, [this.recordingBadge, this.remoteAudioMuted, this.remoteVideoMuted, networkBox]),
      this.unmuteButton,
      this.localVideo,
    ]);

    this.micButton = el("button", { class: "btn toggle", testid: "toggle-mic", attrs: { type: "button" } });
    this.cameraButton = el("button", { class: "btn toggle", testid: "toggle-camera", attrs: { type: "button" } });
    this.endButton = el("button", { class: "btn btn-danger", testid: "end-call", text: t("call.end"), attrs: { type: "button" } });
    this.controls = el("div", { class: "call-controls" }, [this.micButton, this.cameraButton]);
    const bar = el("div", { class: "call-bar" }, [this.controls, this.endButton]);
    this.root = el("section", { class: "call" }, [this.stage, this.remoteAudio, bar]);
    this.setMic(true);
    this.setCamera(true, true);
    this.setNetwork(null);
  }

  setMic(on: boolean): void {
    this.micButton.dataset.on = String(on);
    this.micButton.setAttribute("aria-pressed", String(!on));
    setText(this.micButton, t(on ? "call.micOff" : "call.micOn"));
  }

  setCamera(on: boolean, available: boolean): void {
    this.cameraButton.dataset.on = String(on && available);
    this.cameraButton.setAttribute("aria-pressed", String(!on));
    this.cameraButton.disabled = !available;
    setText(this.cameraButton, t(on && available ? "call.camOff" : "call.camOn"));
    this.localVideo.classList.toggle("off", !on || !available);
  }

  setNetwork(level: NetworkLevel | null): void {
    setText(this.network, level ?? "");
    this.network.dataset.level = level ?? "";
    this.network.setAttribute("aria-label", level ? t(NET_KEYS[level]) : "");
    this.network.title = level ? t(NET_KEYS[level]) : "";
    show(this.network.parentElement ?? this.network, level !== null);
  }

  /** The other party's announced mic / camera state. */
  setRemoteMedia(audio: boolean, video: boolean): void {
    show(this.remoteAudioMuted, !audio);
    show(this.remoteVideoMuted, !video);
  }

  /** Shows the "● REC" badge over the remote video while the call is recorded. */
  setRecording(on: boolean): void {
    show(this.recordingBadge, on);
  }

  setAudioBlocked(blocked: boolean): void {
    show(this.unmuteButton, blocked);
  }

  /** Mirrors the self-view (front camera only). */
  setMirror(mirror: boolean): void {
    this.localVideo.classList.toggle("mirrored", mirror);
  }

  /** Shows the self-view; call again after its tracks changed (camera switch). */
  attachLocal(stream: MediaStream | null): void {
    this.localVideo.srcObject = null;
    this.localVideo.srcObject = stream;
    if (stream) this.localVideo.play().catch(() => undefined);
  }

  /** Shows a line over the remote video (or hides it with null). */
  setNotice(text: string | null): void {
    setText(this.notice, text ?? "");
    show(this.notice, text !== null);
  }

  /** The notice for a call state, or `fallback` when connected. */
  noticeForState(state: CallState, fallback: string | null): string | null {
    switch (state) {
      case "idle":
      case "connecting":
        return t("call.connecting");
      case "reconnecting":
        return t("call.reconnecting");
      case "replaced":
        return t("call.replaced");
      default:
        return fallback;
    }
  }

  setPlaceholder(text: string | null): void {
    setText(this.placeholder, text ?? "");
    show(this.placeholder, text !== null);
    this.stage.classList.toggle("one-way", text !== null);
  }
}

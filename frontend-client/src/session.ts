// The client's live call: control channel, media join, toggles, camera
// switch, the other party's state, and the end. The interaction's functions
// (`JoinInfo.features.enabled`) decide which tools exist at all.

import type {
  EventKind,
  InteractionStatus,
  JoinInfo,
  JoinRequest,
  JoinResponse,
  MaxQuality,
  MediaAccess,
  VideoMode,
} from "@shared/protocol";
import { api, ApiError, type Auth } from "@shared/api";
import { Call, type CallState } from "@shared/call";
import { CallView } from "@shared/callview";
import { ControlChannel, type WelcomeInfo } from "@shared/control";
import { el, setText, show } from "@shared/dom";
import { callTools, featuresOf } from "@shared/features";
import { t } from "@shared/i18n";
import { isFinished, statusLabel } from "@shared/labels";
import { LocalMedia } from "@shared/media";
import { timingMark } from "@shared/timing";
import { ClientCallTools } from "./calltools";
import { ClientChat } from "./chatpanel";
import { ClientRequests } from "./requests";
import { ClientScreenshots } from "./screenshots";
import { brandHeader } from "./screens";
import { joined, type JoinedRecord } from "./store";

export type Outcome = InteractionStatus | "replaced";

/** How long to wait for the control channel's status after the gateway closed the room. */
const END_CONFIRM_MS = 1_000;

export interface SessionOptions {
  linkToken: string;
  record: JoinedRecord;
  info: JoinInfo;
  local: LocalMedia;
  onFinished: (outcome: Outcome) => void;
}

/** Posts consent for the link (again) and stores the fresh client token. */
export async function joinWithConsent(linkToken: string): Promise<JoinedRecord> {
  const body: JoinRequest = { consent: true };
  const answer = await api<JoinResponse>("POST", `/api/join/${encodeURIComponent(linkToken)}`, body, { kind: "none" });
  return joined.save(linkToken, answer);
}

export class ClientSession {
  readonly root: HTMLElement;
  private record: JoinedRecord;
  private readonly view: CallView;
  private readonly control: ControlChannel;
  private readonly call: Call;
  /** The agent's pointer on the self-view, and screen sharing. */
  private readonly tools: ClientCallTools;
  /** The chat panel (opened and closed from the call bar). */
  private readonly chat: ClientChat;
  /** `take-screenshot` and the picture viewer. */
  private readonly shots: ClientScreenshots;
  /** The agent's location and HD photo requests, and the `send-geolocation` button. */
  private readonly requests: ClientRequests;
  private readonly statusEl: HTMLElement;
  private readonly statusLabelEl: HTMLElement;
  private readonly switchButton: HTMLButtonElement;
  private status: InteractionStatus;
  private videoMode: VideoMode;
  private quality: MaxQuality;
  private callState: CallState = "idle";
  private agentInRoom = false;
  private agentVideo = true;
  private agentAudio = true;
  private finished = false;
  private renewing: Promise<JoinedRecord> | null = null;

  constructor(private readonly opts: SessionOptions) {
    this.record = opts.record;
    this.status = opts.info.status;
    this.videoMode = opts.info.features.video_mode;
    this.quality = opts.info.features.max_quality;
    const local = opts.local;
    const enabled = opts.info.features.enabled as JoinInfo["features"]["enabled"] | undefined;
    const tools = callTools(featuresOf(enabled));

    this.view = new CallView({
      remoteAudioMutedText: "client.agentAudioMuted",
      remoteVideoMutedText: "client.agentVideoMuted",
      remoteVideoMuted: true,
    });
    this.switchButton = el("button", {
      class: "btn toggle",
      testid: "switch-camera",
      text: t("client.switchCamera"),
      attrs: { type: "button" },
      hidden: true,
    });
    this.view.controls.appendChild(this.switchButton);
    this.chat = new ClientChat(
      this.record.interaction_id,
      {
        token: async () => (await this.token()).client_token,
        renew: async () => {
          try {
            await this.renewToken();
            return true;
          } catch {
            return false;
          }
        },
      },
      { panel: tools.chat, files: tools.files },
    );
    if (this.chat.toggle) this.view.controls.appendChild(this.chat.toggle);
    this.view.micButton.addEventListener("click", () => this.toggleMic());
    this.view.cameraButton.addEventListener("click", () => this.toggleCamera());
    this.switchButton.addEventListener("click", () => void this.switchCamera());
    this.view.endButton.addEventListener("click", () => void this.end());
    this.view.unmuteButton.addEventListener("click", () => this.call.unblockAudio());

    this.statusEl = el("span", { class: "status-value", testid: "interaction-status" });
    this.statusLabelEl = el("span", { class: "status-label" });
    this.root = el("div", { class: "screen call-screen" }, [
      el("div", { class: "call-top" }, [
        brandHeader(opts.info.branding),
        el("p", { class: "status-line" }, [this.statusEl, this.statusLabelEl]),
      ]),
      el("div", { class: "call-main" }, [this.view.root, this.chat.root]),
    ]);

    this.control = new ControlChannel({
      interactionId: this.record.interaction_id,
      getToken: async () => (await this.token()).client_token,
      onUnauthorized: async () => {
        try {
          await this.renewToken();
          return true;
        } catch {
          return false;
        }
      },
    });
    this.chat.attach(this.control);
    this.shots = new ClientScreenshots(this.record.interaction_id, this.view, this.chat, tools.screenshots);
    this.shots.attach(this.control);
    this.call = new Call({
      fetchMedia: () => this.fetchMedia(),
      local,
      remoteVideo: this.view.remoteVideo,
      remoteAudio: this.view.remoteAudio,
    });
    this.tools = new ClientCallTools(this.view, this.call, local, () => this.sendMediaState(), {
      pointer: tools.pointer,
      screenShare: tools.screenShare,
    });
    this.requests = new ClientRequests({
      interactionId: this.record.interaction_id,
      control: this.control,
      chat: this.chat.controller,
      auth: this.chat.auth,
      track: () => local.videoTrack,
      location: tools.location,
      photo: tools.photo,
      autoLocation: enabled ? tools.autoLocation : null,
    });
    const { geo, photo } = this.requests;
    if (geo) {
      this.view.controls.appendChild(geo.button);
      this.root.append(geo.status, geo.prompt);
    }
    if (photo) this.view.stage.appendChild(photo.overlay);
    this.renderStatus();
    // The call is recorded: the "● REC" badge stays over the video until the end.
    this.view.setRecording(opts.info.features.record === true);
    this.view.attachLocal(local.stream);
    this.renderLocal();
    this.renderRemote();
  }

  /** Opens the control channel and joins the room; `joinTapAt` marks a tap on "join". */
  start(joinTapAt?: number): void {
    if (joinTapAt !== undefined) this.control.send(timingMark("join_tap", joinTapAt));
    this.control.on("welcome", (w) => this.onWelcome(w));
    this.control.on("event", ({ event, live }) => {
      if (live) this.onEvent(event.event);
    });
    this.control.on("closed", ({ code }) => {
      if (!this.finished && (code === 4403 || code === 4404)) this.finish("ended");
    });
    this.call.on("state", (s) => this.onCallState(s));
    this.call.on("network", (level) => this.view.setNetwork(level));
    this.call.on("audioBlocked", (blocked) => this.view.setAudioBlocked(blocked));
    this.call.on("access", (a) => this.applySettings(a.video_mode, a.max_quality));
    this.call.on("peer", (p) => {
      if (p.role !== "agent") return;
      this.agentInRoom = p.present;
      this.renderNotice();
    });
    this.call.on("error", (err) => console.warn("call error", err));
    this.control.start();
    this.sendMediaState();
    this.call.start();
    void this.updateSwitchButton();
    navigator.mediaDevices?.addEventListener?.("devicechange", this.onDeviceChange);
  }

  private readonly onDeviceChange = (): void => {
    void this.updateSwitchButton();
  };

  // ---- tokens ----

  private async token(): Promise<JoinedRecord> {
    if (this.record.expires_at - Date.now() > 30_000) return this.record;
    return this.renewToken();
  }

  private renewToken(): Promise<JoinedRecord> {
    this.renewing ??= joinWithConsent(this.opts.linkToken)
      .then((r) => {
        this.record = r;
        return r;
      })
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  private auth(): Auth {
    return { kind: "bearer", token: this.record.client_token };
  }

  private async fetchMedia(): Promise<MediaAccess> {
    const path = `/api/interactions/${encodeURIComponent(this.record.interaction_id)}/media`;
    await this.token();
    try {
      return await api<MediaAccess>("POST", path, undefined, this.auth());
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      await this.renewToken();
      return api<MediaAccess>("POST", path, undefined, this.auth());
    }
  }

  // ---- control ----

  private onWelcome(w: WelcomeInfo): void {
    const s = w.interaction;
    this.agentAudio = s.peer_audio;
    this.agentVideo = s.peer_video;
    this.tools.setPeerScreen(s.peer_screen);
    this.applySettings(s.video_mode, s.max_quality);
    this.renderRemote();
    this.setStatus(s.status);
    if (w.first) this.sendMediaState();
  }

  private onEvent(e: EventKind): void {
    switch (e.type) {
      case "status":
        this.setStatus(e.status);
        break;
      case "peer_media":
        if (e.party === "agent") {
          this.agentAudio = e.audio;
          this.agentVideo = e.video;
          this.tools.setPeerScreen(e.screen);
          this.renderRemote();
        }
        break;
      case "settings":
        this.applySettings(e.video_mode, e.max_quality);
        break;
      case "ended":
        this.setStatus("ended");
        break;
      default:
        break;
    }
  }

  private setStatus(status: InteractionStatus): void {
    this.status = status;
    this.renderStatus();
    if (isFinished(status)) this.finish(status);
  }

  private applySettings(mode: VideoMode, quality: MaxQuality): void {
    if (quality !== this.quality) {
      this.quality = quality;
      void this.call.setMaxQuality(quality);
    }
    this.videoMode = mode;
    this.renderRemote();
  }

  // ---- call ----

  private onCallState(state: CallState): void {
    this.callState = state;
    if (state === "ended") {
      // The gateway closed the room: stop the camera now; the control
      // channel tells ended from failed, give its status a moment.
      const fallback: InteractionStatus = this.call.endReason === "failed" ? "failed" : "ended";
      this.opts.local.stop();
      this.view.setNotice(null);
      setTimeout(() => {
        if (!this.finished) this.setStatus(isFinished(this.status) ? this.status : fallback);
      }, END_CONFIRM_MS);
      return;
    }
    if (state === "replaced") {
      this.finish("replaced");
      return;
    }
    if (state === "failed") {
      this.finish("failed");
      return;
    }
    this.renderNotice();
  }

  private renderNotice(): void {
    const waiting = this.callState === "connected" && !this.agentInRoom ? t("client.waitingAgent") : null;
    this.view.setNotice(this.view.noticeForState(this.callState, waiting));
  }

  private renderRemote(): void {
    const oneWay = this.videoMode === "one_way";
    this.view.setPlaceholder(oneWay ? t("client.oneWayPlaceholder") : null);
    // In one-way mode the agent sends no video by design: no "camera off" badge.
    this.view.setRemoteMedia(this.agentAudio, oneWay || this.agentVideo);
  }

  private renderStatus(): void {
    setText(this.statusEl, this.status);
    this.statusEl.dataset.status = this.status;
    setText(this.statusLabelEl, statusLabel(this.status));
  }

  private renderLocal(): void {
    const local = this.opts.local;
    this.view.setMirror(local.frontFacing);
    this.view.setMic(local.micOn);
    this.view.micButton.disabled = !local.audioTrack;
    this.view.setCamera(local.cameraOn, !!local.videoTrack);
  }

  private sendMediaState(): void {
    const local = this.opts.local;
    const screen = this.tools.sharing;
    this.control.send({
      type: "media_state",
      audio: !!local.audioTrack && local.micOn,
      video: (!!local.videoTrack && local.cameraOn) || screen,
      screen,
    });
  }

  private toggleMic(): void {
    const local = this.opts.local;
    local.setMic(!local.micOn);
    this.renderLocal();
    this.sendMediaState();
  }

  private toggleCamera(): void {
    const local = this.opts.local;
    if (!local.videoTrack) return;
    local.setCamera(!local.cameraOn);
    this.renderLocal();
    this.sendMediaState();
  }

  private async switchCamera(): Promise<void> {
    this.switchButton.disabled = true;
    try {
      await this.opts.local.switchCamera(this.quality);
    } catch (err) {
      console.warn("camera switch failed", err);
    } finally {
      this.switchButton.disabled = false;
      this.renderLocal();
      this.tools.showLocal();
    }
  }

  private async updateSwitchButton(): Promise<void> {
    const count = await LocalMedia.cameraCount();
    show(this.switchButton, count > 1 && !!this.opts.local.videoTrack);
  }

  // ---- end ----

  private async end(): Promise<void> {
    this.view.endButton.disabled = true;
    try {
      const path = `/api/interactions/${encodeURIComponent(this.record.interaction_id)}/end`;
      await api<unknown>("POST", path, {}, this.auth());
      this.finish("ended");
    } catch (err) {
      if (err instanceof ApiError && (err.code === "interaction_ended" || err.status === 409)) {
        this.finish("ended");
      } else {
        console.warn("ending the call failed", err);
        this.view.endButton.disabled = false;
      }
    }
  }

  private finish(outcome: Outcome): void {
    if (this.finished) return;
    this.finished = true;
    navigator.mediaDevices?.removeEventListener?.("devicechange", this.onDeviceChange);
    this.tools.stop();
    this.shots.stop();
    this.requests.dispose();
    this.call.clear();
    this.call.stop(outcome === "replaced" ? "replaced" : "ended");
    this.control.clear();
    this.control.close();
    this.chat.finish();
    this.opts.local.stop();
    if (outcome !== "replaced") joined.put(this.opts.linkToken, { ...this.record, finished: outcome });
    this.opts.onFinished(outcome);
  }
}

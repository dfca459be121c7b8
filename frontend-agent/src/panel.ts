// The interaction panel: client details, the client link and its delivery,
// live status and presence, the settings, the call (which starts as soon
// as the panel opens an unfinished interaction: control channel + media join)
// and, for a recorded call, its recording. The interaction's own copy of the
// call functions (`Interaction.features`) decides which tools exist.

import type {
  EventKind,
  Interaction,
  InteractionStatus,
  MaxQuality,
  MediaAccess,
  UpdateInteractionRequest,
  VideoMode,
} from "@shared/protocol";
import { api, ApiError, freshAccessToken, refreshSession } from "@shared/api";
import { Call, type CallState } from "@shared/call";
import { CallView } from "@shared/callview";
import { ControlChannel, type WelcomeInfo } from "@shared/control";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { allowedModes, callTools, featuresOf, qualitiesUpTo } from "@shared/features";
import { t } from "@shared/i18n";
import { isFinished, statusLabel } from "@shared/labels";
import type { LocalMedia } from "@shared/media";
import { isMaxQuality, isVideoMode } from "@shared/quality";
import { onFirstFrame, timingMark } from "@shared/timing";
import { AgentCallTools } from "./calltools";
import { AgentChat } from "./chatpanel";
import { CustomFieldsBox } from "./customfields/box";
import { RecordingBox } from "./recordingbox";
import { AgentRequests } from "./requests";
import { DeliveryBox } from "./deliverybox";
import { LinkBox } from "./linkbox";
import { AgentMedia } from "./localmedia";
import { qualitySelect, videoModeSelect } from "./options";
import { scheduleLine } from "./schedule/summary";
import { AgentScreenshots } from "./screenshots";
import { links, shortLinks } from "./store";

/** How long to wait for the control channel's status after the gateway closed the room. */
const END_CONFIRM_MS = 1_000;

export interface PanelHost {
  /** The agent asked for a new interaction (after the end). */
  newInteraction(): void;
  /** Something the recent list shows changed. */
  changed(): void;
}

export class InteractionPanel {
  readonly root: HTMLElement;
  readonly id: string;
  private status: InteractionStatus;
  private videoMode: VideoMode;
  private quality: MaxQuality;
  private clientOnline: boolean;
  private clientInRoom = false;
  private callState: CallState = "idle";
  private control: ControlChannel | null = null;
  private call: Call | null = null;
  private local: LocalMedia | null = null;
  private readonly view: CallView;
  /** Pointer on the client's video and screen sharing. */
  private readonly tools: AgentCallTools;
  /** The chat beside the video (stays, read-only, after the call). */
  private readonly chat: AgentChat;
  /** Location and HD photo requests, and the `geolocation` box. */
  private readonly requests: AgentRequests;
  /** Screenshots of the client's video, the viewer and the drawing editor. */
  private readonly shots: AgentScreenshots;
  /** The "● REC" badge during the call, then the recording (processing, player, download). */
  private readonly recording: RecordingBox;
  /** The admins' custom fields, editable. */
  private readonly fields: CustomFieldsBox;
  private disposed = false;
  private finished = false;
  private firstFrameSent = false;
  private cancelFirstFrame: (() => void) | null = null;

  private readonly statusEl: HTMLElement;
  private readonly statusLabelEl: HTMLElement;
  private readonly presenceEl: HTMLElement;
  private readonly linkBox: LinkBox;
  private readonly deliveries: DeliveryBox;
  /** Opened from the list (no event log, maybe no short link): read it in full. */
  private readonly needsRead: boolean;
  private readonly modeSelect: HTMLSelectElement;
  private readonly qualitySelect: HTMLSelectElement;
  private readonly oneWayNote: HTMLElement;
  /** The agent's camera and microphone, and why they could not be opened. */
  private readonly media = new AgentMedia();
  private readonly error: HTMLElement;

  constructor(
    interaction: Interaction,
    private readonly host: PanelHost,
  ) {
    this.id = interaction.id;
    this.status = interaction.status;
    this.videoMode = interaction.video_mode;
    this.quality = interaction.max_quality;
    this.clientOnline = interaction.presence.client;
    if (interaction.client_url) links.set(this.id, interaction.client_url);
    if (interaction.short_url) shortLinks.set(this.id, interaction.short_url);
    this.needsRead = interaction.events.length === 0;
    const features = featuresOf(interaction.features);
    const tools = callTools(features);

    this.statusEl = el("span", { class: "status-value", testid: "interaction-status" });
    this.statusLabelEl = el("span", { class: "status-label", testid: "interaction-status-label" });
    this.presenceEl = el("span", { class: "presence", testid: "client-presence" });

    this.modeSelect = videoModeSelect(this.videoMode, allowedModes(features));
    this.qualitySelect = qualitySelect(this.quality, qualitiesUpTo(features.max_quality));
    this.modeSelect.addEventListener("change", () => {
      if (isVideoMode(this.modeSelect.value)) void this.patch({ video_mode: this.modeSelect.value });
    });
    this.qualitySelect.addEventListener("change", () => {
      if (isMaxQuality(this.qualitySelect.value)) void this.patch({ max_quality: this.qualitySelect.value });
    });
    this.oneWayNote = el("p", { class: "muted one-way-note", text: t("panel.oneWayNote"), hidden: true });
    this.error = el("p", { class: "error", testid: "panel-error", attrs: { role: "alert" }, hidden: true });
    this.linkBox = new LinkBox(this.id, (text) => this.showError(text));
    this.deliveries = new DeliveryBox(
      this.id,
      { phone: interaction.client_phone, email: interaction.client_email, telegram: interaction.client_telegram },
      {
        showError: (text) => this.showError(text),
        clearError: () => show(this.error, false),
        ended: () => this.setStatus(isFinished(this.status) ? this.status : "ended"),
      },
    );
    this.deliveries.applyEvents(interaction.events);

    this.view = new CallView({
      remoteAudioMutedText: "panel.remoteAudioMuted",
      remoteVideoMutedText: "panel.remoteVideoMuted",
      remoteVideoMuted: false,
    });
    this.view.micButton.addEventListener("click", () => this.toggleMic());
    this.view.cameraButton.addEventListener("click", () => this.toggleCamera());
    this.view.endButton.addEventListener("click", () => void this.endCall());
    this.view.unmuteButton.addEventListener("click", () => this.call?.unblockAudio());
    this.tools = new AgentCallTools(this.view, () => this.sendMediaState(), { pointer: tools.pointer, screenShare: tools.screenShare });
    this.chat = new AgentChat(this.id, { panel: tools.chat, files: tools.files });
    this.requests = new AgentRequests(this.view, interaction.locations ?? [], { location: tools.location, photo: tools.photo });
    this.shots = new AgentScreenshots(this.id, this.view, this.chat, tools.screenshots);
    this.recording = new RecordingBox(this.id, interaction, this.view, this.chat.auth);
    this.fields = new CustomFieldsBox(this.id, interaction.custom_fields);

    const details = [interaction.client_phone, interaction.client_email, interaction.client_telegram].filter(
      (v): v is string => !!v,
    );
    this.root = el("section", { class: "panel", testid: "interaction-panel", attrs: { "data-id": this.id } }, [
      el("header", { class: "panel-head card" }, [
        el("h2", { text: interaction.client_name || t("panel.noClientName") }),
        details.length ? el("p", { class: "muted", text: details.join(" · ") }) : null,
        interaction.schedule ? el("p", { class: "schedule-info", testid: "schedule-info", text: scheduleLine(interaction.schedule) }) : null,
        el("p", { class: "status-row" }, [
          el("span", { class: "muted", text: `${t("status.label")}: ` }),
          this.statusEl,
          this.statusLabelEl,
          this.presenceEl,
        ]),
        this.linkBox.root,
        this.deliveries.root,
        this.requests.root,
        this.fields.root,
        el("div", { class: "row settings" }, [
          el("label", { class: "field" }, [el("span", { class: "field-label", text: t("new.videoMode") }), this.modeSelect]),
          el("label", { class: "field" }, [el("span", { class: "field-label", text: t("new.quality") }), this.qualitySelect]),
        ]),
        this.oneWayNote,
        this.media.error,
        this.error,
      ]),
      this.recording.root,
      el("div", { class: `call-with-chat${this.chat.root ? "" : " no-chat"}` }, [this.view.root, this.chat.root]),
    ]);
    this.renderStatus();
    this.renderPresence();
    this.renderMode();
  }

  /** Starts the live part (control channel + call) unless the interaction is over. */
  start(): void {
    this.deliveries.start();
    this.recording.start();
    void this.fields.start();
    if (this.needsRead) void this.readInteraction();
    if (isFinished(this.status)) {
      this.finish(this.status);
      return;
    }
    this.startControl();
    void this.startCall();
  }

  /** Leaves the interaction's live parts (the interaction itself goes on). */
  dispose(): void {
    this.disposed = true;
    this.deliveries.dispose();
    this.chat.dispose();
    this.shots.dispose();
    this.recording.dispose();
    this.fields.dispose();
    this.stopLive();
  }

  /** The event log (past deliveries) and the short link, which the list view leaves out. */
  private async readInteraction(): Promise<void> {
    try {
      const i = await api<Interaction>("GET", `/api/interactions/${encodeURIComponent(this.id)}`);
      if (this.disposed) return;
      if (i.short_url) shortLinks.set(this.id, i.short_url);
      this.linkBox.refresh();
      this.deliveries.applyEvents(i.events);
      this.recording.update(i);
      this.fields.update(i.custom_fields);
    } catch (err) {
      console.warn("could not read the interaction", errorText(err));
    }
  }

  // ---- live: control channel ----

  private startControl(): void {
    const control = new ControlChannel({
      interactionId: this.id,
      getToken: () => freshAccessToken(),
      onUnauthorized: async () => (await refreshSession()) !== null,
    });
    this.control = control;
    control.on("welcome", (w) => this.onWelcome(w));
    control.on("event", ({ event, live }) => {
      // Delivery rows fold replayed events too (idempotent by seq).
      if (event.event.type === "delivery") this.deliveries.applyEvent(event, live);
      else if (event.event.type === "recording_ready" || event.event.type === "recording_failed") this.recording.applyEvent(event);
      else {
        // The client's media connecting means a recording is coming.
        if (event.event.type === "media") this.recording.applyEvent(event);
        if (live) this.onEvent(event.event);
      }
    });
    control.on("error", (e) => console.warn(`control error ${e.code}: ${e.message}`));
    control.on("closed", ({ code }) => {
      if (this.finished || this.disposed) return;
      if (code === 4401 || code === 4403 || code === 4404) this.showError(t("err.session_expired"));
    });
    this.chat.attach(control);
    this.requests.attach(control);
    this.shots.attach(control);
    control.start();
  }

  private onWelcome(w: WelcomeInfo): void {
    const s = w.interaction;
    this.clientOnline = s.presence.client;
    this.renderPresence();
    this.view.setRemoteMedia(s.peer_audio, s.peer_video);
    this.tools.setPeerScreen(s.peer_screen);
    this.applySettings(s.video_mode, s.max_quality);
    this.setStatus(s.status);
    if (w.first) this.sendMediaState();
  }

  private onEvent(e: EventKind): void {
    switch (e.type) {
      case "status":
        this.setStatus(e.status);
        break;
      case "presence":
        if (e.party === "client") {
          this.clientOnline = e.online;
          this.renderPresence();
        }
        break;
      case "peer_media":
        if (e.party === "client") {
          this.view.setRemoteMedia(e.audio, e.video);
          this.tools.setPeerScreen(e.screen);
        }
        break;
      case "settings":
        this.applySettings(e.video_mode, e.max_quality);
        break;
      case "ended":
        this.setStatus("ended");
        break;
      case "connect_timing":
        console.info(`connect_timing ${e.ms} ms`);
        break;
      default:
        break;
    }
  }

  private setStatus(status: InteractionStatus): void {
    const changed = status !== this.status;
    this.status = status;
    this.renderStatus();
    if (changed) this.host.changed();
    if (isFinished(status)) this.finish(status);
  }

  // ---- live: media ----

  private async startCall(): Promise<void> {
    const local = await this.media.open(this.videoMode, this.quality);
    if (this.disposed || this.finished) {
      local.stop();
      return;
    }
    this.local = local;
    this.view.attachLocal(local.stream);
    this.view.setMirror(local.frontFacing);
    this.sendMediaState();

    const call = new Call({
      fetchMedia: () => api<MediaAccess>("POST", `/api/interactions/${encodeURIComponent(this.id)}/media`),
      local,
      remoteVideo: this.view.remoteVideo,
      remoteAudio: this.view.remoteAudio,
    });
    this.call = call;
    this.tools.attach(call, local);
    call.on("state", (s) => this.onCallState(s));
    call.on("network", (level) => this.view.setNetwork(level));
    call.on("audioBlocked", (blocked) => this.view.setAudioBlocked(blocked));
    call.on("access", (a) => this.applySettings(a.video_mode, a.max_quality));
    call.on("peer", (p) => {
      if (p.role !== "client") return;
      this.clientInRoom = p.present;
      this.renderNotice();
    });
    call.on("remoteVideo", () => this.watchFirstFrame());
    call.on("error", (err) => console.warn("call error", err));
    await this.applyMode();
    call.start();
  }

  private onCallState(state: CallState): void {
    if (this.disposed || this.finished) return;
    this.callState = state;
    this.renderNotice();
    if (state === "failed") this.showError(t("err.generic", { message: this.call?.endReason ?? state }));
    if (state === "ended") {
      // The gateway closed the room. The control channel tells ended from
      // failed; give its status event a moment to arrive.
      const fallback: InteractionStatus = this.call?.endReason === "failed" ? "failed" : "ended";
      this.view.setNotice(null);
      setTimeout(() => {
        if (!this.finished && !this.disposed) this.setStatus(isFinished(this.status) ? this.status : fallback);
      }, END_CONFIRM_MS);
    }
  }

  private renderNotice(): void {
    const waiting = this.callState === "connected" && !this.clientInRoom ? t("panel.waitingClient") : null;
    this.view.setNotice(this.view.noticeForState(this.callState, waiting));
  }

  private watchFirstFrame(): void {
    if (this.firstFrameSent) return;
    this.cancelFirstFrame?.();
    this.cancelFirstFrame = onFirstFrame(this.view.remoteVideo, () => {
      if (this.firstFrameSent) return;
      this.firstFrameSent = true;
      this.control?.send(timingMark("first_remote_frame"));
    });
  }

  private sendMediaState(): void {
    const local = this.local;
    if (!local || !this.control) return;
    const screen = this.tools.sharing && this.videoMode === "two_way";
    this.control.send({
      type: "media_state",
      audio: !!local.audioTrack && local.micOn,
      video: (!!local.videoTrack && local.cameraOn && this.videoMode === "two_way") || screen,
      screen,
    });
  }

  private toggleMic(): void {
    const local = this.local;
    if (!local) return;
    local.setMic(!local.micOn);
    this.view.setMic(local.micOn);
    this.sendMediaState();
  }

  private toggleCamera(): void {
    const local = this.local;
    if (!local || this.videoMode !== "two_way") return;
    local.setCamera(!local.cameraOn);
    this.renderMode();
    this.sendMediaState();
  }

  // ---- settings ----

  private async patch(body: UpdateInteractionRequest): Promise<void> {
    show(this.error, false);
    try {
      const updated = await api<Interaction>("PATCH", `/api/interactions/${encodeURIComponent(this.id)}`, body);
      this.applySettings(updated.video_mode, updated.max_quality);
      this.setStatus(updated.status);
    } catch (err) {
      this.showError(errorText(err));
      this.modeSelect.value = this.videoMode;
      this.qualitySelect.value = this.quality;
    }
  }

  private applySettings(mode: VideoMode, quality: MaxQuality): void {
    this.modeSelect.value = mode;
    this.qualitySelect.value = quality;
    if (quality !== this.quality) {
      this.quality = quality;
      void this.call?.setMaxQuality(quality);
    }
    if (mode !== this.videoMode) {
      this.videoMode = mode;
      void this.applyMode();
    }
  }

  /** One-way: no camera captured, nothing on the video sender. Two-way: camera on. */
  private async applyMode(): Promise<void> {
    const local = this.local;
    this.renderMode();
    if (!local || this.finished) return;
    try {
      if (this.videoMode === "one_way") {
        await local.stopVideo();
        this.view.attachLocal(local.stream);
      } else if (!local.videoTrack) {
        await local.startVideo(this.quality);
        this.view.attachLocal(local.stream);
        this.view.setMirror(local.frontFacing);
      }
    } catch (err) {
      this.media.showError(err);
    }
    this.renderMode();
    this.sendMediaState();
  }

  private renderMode(): void {
    const oneWay = this.videoMode === "one_way";
    const local = this.local;
    show(this.oneWayNote, oneWay);
    this.tools.setVideoMode(this.videoMode);
    this.view.setCamera(local ? local.cameraOn : true, !oneWay && (!local || !!local.videoTrack));
    this.view.setMic(local ? local.micOn : true);
    this.view.micButton.disabled = !!local && !local.audioTrack;
  }

  // ---- end ----

  private async endCall(): Promise<void> {
    const button = this.view.endButton;
    button.disabled = true;
    try {
      const answer = await api<Interaction>("POST", `/api/interactions/${encodeURIComponent(this.id)}/end`, {});
      this.setStatus(isFinished(answer.status) ? answer.status : "ended");
    } catch (err) {
      if (err instanceof ApiError && err.code === "interaction_ended") {
        this.setStatus(isFinished(this.status) ? this.status : "ended");
      } else {
        this.showError(errorText(err));
        button.disabled = false;
      }
    }
  }

  private finish(status: InteractionStatus): void {
    if (this.finished) return;
    this.finished = true;
    this.stopLive();
    this.recording.setFinished();
    this.view.root.hidden = true;
    if (!this.disposed) this.chat.end();
    this.modeSelect.disabled = true;
    this.qualitySelect.disabled = true;
    const newButton = el("button", {
      class: "btn btn-primary",
      testid: "new-interaction",
      text: t("panel.newInteraction"),
      attrs: { type: "button" },
    });
    newButton.addEventListener("click", () => this.host.newInteraction());
    const endText = el("p", {
      class: "end-text",
      testid: "call-ended",
      text: t(status === "failed" ? "panel.failed" : "panel.ended"),
      attrs: { "data-status": status, role: "status" },
    });
    this.root.appendChild(el("div", { class: "card end-view" }, [endText, newButton]));
    this.host.changed();
  }

  private stopLive(): void {
    this.tools.stop();
    this.requests.stop();
    this.shots.stop();
    this.cancelFirstFrame?.();
    this.cancelFirstFrame = null;
    this.call?.clear();
    this.call?.stop("ended");
    this.call = null;
    this.local?.stop();
    this.local = null;
    this.view.attachLocal(null);
    this.control?.clear();
    this.control?.close();
    this.control = null;
  }

  // ---- status ----

  private renderStatus(): void {
    setText(this.statusEl, this.status);
    this.statusEl.dataset.status = this.status;
    setText(this.statusLabelEl, statusLabel(this.status));
    this.linkBox.setFinished(isFinished(this.status));
    this.deliveries.setFinished(isFinished(this.status));
  }

  private renderPresence(): void {
    this.presenceEl.dataset.online = String(this.clientOnline);
    setText(this.presenceEl, t(this.clientOnline ? "panel.clientOnline" : "panel.clientOffline"));
  }

  private showError(text: string): void {
    setText(this.error, text);
    show(this.error, true);
  }
}

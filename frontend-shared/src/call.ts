// One party's media call through the gateway (docs/signaling.md): join the
// room over the signaling socket, one RTCPeerConnection with exactly two
// transceivers (audio, then video, both sendrecv) and the `collab` data
// channel (the pointer), trickle ICE, polite perfect negotiation, remote
// media into a <video> and an <audio>, network quality from stats, a shared
// screen instead of the camera, and rejoining with a fresh MediaAccess and a
// new peer connection when the connection is lost.

import type { IceCandidate, MaxQuality, MediaAccess, Party, SignalOut } from "./protocol";
import { ApiError } from "./api";
import { CollabChannel } from "./collab";
import { Emitter } from "./emitter";
import { backoffDelay } from "./backoff";
import type { LocalMedia } from "./media";
import { decideRemoteDescription } from "./negotiation";
import { extractSample, networkLevel, type LossCounters, type NetworkLevel, type StatLike } from "./netquality";
import { COLLAB_LABEL } from "./pointer/wire";
import { capEncodings, QUALITY_PROFILES } from "./quality";
import { resolveSignalingUrl, SignalingSocket } from "./signaling";

export type CallState = "idle" | "connecting" | "connected" | "reconnecting" | "ended" | "replaced" | "failed";

export interface CallEvents {
  state: CallState;
  network: NetworkLevel;
  /** Every MediaAccess fetched (video_mode / max_quality as the server sees them). */
  access: MediaAccess;
  /** A new remote video track is on the remote <video>. */
  remoteVideo: MediaStreamTrack;
  /** Whether the browser blocked autoplay of the remote audio. */
  audioBlocked: boolean;
  /** The other party entered or left the room (signaling `joined` / `peer`). */
  peer: { role: Party; present: boolean };
  error: unknown;
}

export interface CallOptions {
  /** POST /api/interactions/{id}/media with this party's token. */
  fetchMedia: () => Promise<MediaAccess>;
  local: LocalMedia;
  remoteVideo: HTMLVideoElement;
  remoteAudio: HTMLAudioElement;
}

/** `connectionState` "disconnected" for longer than this means: rejoin. */
const DISCONNECTED_GRACE_MS = 3_000;
const STATS_MS = 2_000;

/** Error codes of POST .../media after which rejoining is pointless. */
const TERMINAL_CODES = new Set(["interaction_ended", "link_expired", "interaction_not_found", "forbidden"]);

function toIceCandidate(c: RTCIceCandidate): IceCandidate {
  const init = c.toJSON();
  const out: IceCandidate = { candidate: init.candidate ?? c.candidate };
  if (init.sdpMid !== null && init.sdpMid !== undefined) out.sdpMid = init.sdpMid;
  if (init.sdpMLineIndex !== null && init.sdpMLineIndex !== undefined) out.sdpMLineIndex = init.sdpMLineIndex;
  if (init.usernameFragment !== null && init.usernameFragment !== undefined) out.usernameFragment = init.usernameFragment;
  return out;
}

/** State of one join attempt: a signaling socket and (after `joined`) a peer connection. */
interface Leg {
  id: number;
  access: MediaAccess;
  sig: SignalingSocket;
  pc: RTCPeerConnection | null;
  audioSender: RTCRtpSender | null;
  videoSender: RTCRtpSender | null;
  makingOffer: boolean;
  settingRemoteAnswer: boolean;
  pendingCandidates: RTCIceCandidateInit[];
  /** Signaling frames are handled one after another. */
  chain: Promise<void>;
  disconnectTimer: ReturnType<typeof setTimeout> | undefined;
}

export class Call extends Emitter<CallEvents> {
  state: CallState = "idle";
  network: NetworkLevel | null = null;
  endReason: string | null = null;
  private leg: Leg | null = null;
  private legs = 0;
  private attempt = 0;
  private everConnected = false;
  private stopped = false;
  private quality: MaxQuality = "720p";
  private rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private lossCounters: LossCounters | undefined;
  private qualityChain: Promise<void> = Promise.resolve();
  /** A shared screen: sent instead of the camera while set. */
  private screenTrack: MediaStreamTrack | null = null;
  /** The `collab` data channel of the current peer connection (pointer). */
  readonly collab = new CollabChannel();

  constructor(private readonly opts: CallOptions) {
    super();
    opts.local.setVideoSink((track) => this.replaceVideoTrack(track));
  }

  /** Joins the room (fetches a MediaAccess first). */
  start(): void {
    if (this.state !== "idle") return;
    void this.join();
  }

  /** Leaves the call for good (the page ends it or leaves it); local tracks are the page's. */
  stop(state: "ended" | "replaced" | "failed" = "ended", reason: string | null = null): void {
    if (this.stopped) return;
    this.stopped = true;
    this.endReason = reason;
    if (this.rejoinTimer !== undefined) clearTimeout(this.rejoinTimer);
    this.teardownLeg();
    this.stopStats();
    this.opts.local.setVideoSink(null);
    for (const el of [this.opts.remoteVideo, this.opts.remoteAudio]) {
      const stream = el.srcObject;
      if (stream instanceof MediaStream) for (const t of stream.getTracks()) t.stop();
      el.srcObject = null;
    }
    this.setState(state);
  }

  /** Applies a `max_quality`: sender bitrate cap and capture height. */
  async setMaxQuality(q: MaxQuality): Promise<void> {
    this.quality = q;
    await this.applyQuality();
  }

  /** Puts a camera track (or none) on the video sender; no renegotiation. A shared screen stays on. */
  async replaceVideoTrack(track: MediaStreamTrack | null): Promise<void> {
    await this.putVideo(this.screenTrack ?? track);
  }

  /** Sends a shared screen instead of the camera (null: the camera again); no renegotiation. */
  async setScreenTrack(track: MediaStreamTrack | null): Promise<void> {
    this.screenTrack = track;
    await this.putVideo(track ?? this.opts.local.videoTrack);
  }

  private async putVideo(track: MediaStreamTrack | null): Promise<void> {
    const sender = this.leg?.videoSender;
    if (sender) {
      try {
        await sender.replaceTrack(track);
      } catch (err) {
        console.warn("replaceTrack failed", err);
      }
    }
    await this.applyQuality();
  }

  /** Retries the remote audio after a user gesture (autoplay was blocked). */
  unblockAudio(): void {
    this.playAudio();
  }

  private setState(state: CallState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state);
  }

  private async join(): Promise<void> {
    if (this.stopped) return;
    this.setState(this.everConnected ? "reconnecting" : "connecting");
    let access: MediaAccess;
    try {
      access = await this.opts.fetchMedia();
    } catch (err) {
      if (this.stopped) return;
      this.emit("error", err);
      if (err instanceof ApiError && (TERMINAL_CODES.has(err.code) || err.status === 410 || err.status === 409)) {
        this.stop(err.code === "forbidden" ? "failed" : "ended", err.code);
      } else if (err instanceof ApiError && err.status === 401) {
        this.stop("failed", err.code);
      } else {
        this.scheduleRejoin();
      }
      return;
    }
    if (this.stopped) return;
    this.quality = access.max_quality;
    this.emit("access", access);

    let sig: SignalingSocket;
    try {
      sig = new SignalingSocket(resolveSignalingUrl(access.signaling_url, location));
    } catch (err) {
      this.emit("error", err);
      this.scheduleRejoin();
      return;
    }
    const leg: Leg = {
      id: ++this.legs,
      access,
      sig,
      pc: null,
      audioSender: null,
      videoSender: null,
      makingOffer: false,
      settingRemoteAnswer: false,
      pendingCandidates: [],
      chain: Promise.resolve(),
      disconnectTimer: undefined,
    };
    this.leg = leg;
    sig.on("open", () => sig.send({ type: "join", token: access.room_token }));
    sig.on("message", (msg) => {
      leg.chain = leg.chain.then(() => this.onSignal(leg, msg)).catch((err: unknown) => {
        console.warn("signaling frame failed", msg.type, err);
      });
    });
    sig.on("close", ({ code, reason }) => {
      if (this.leg !== leg || this.stopped) return;
      console.info(`signaling closed (${code} ${reason}); rejoining`);
      this.lostConnection(leg);
    });
  }

  private async onSignal(leg: Leg, msg: SignalOut): Promise<void> {
    if (this.leg !== leg || this.stopped) return;
    switch (msg.type) {
      case "joined":
        this.createPeer(leg);
        this.emit("peer", { role: msg.role === "agent" ? "client" : "agent", present: msg.other_present });
        break;
      case "offer":
      case "answer":
        await this.onRemoteDescription(leg, { type: msg.type, sdp: msg.sdp });
        break;
      case "candidate":
        await this.onRemoteCandidate(leg, msg.candidate);
        break;
      case "peer":
        this.emit("peer", { role: msg.role, present: msg.present });
        break;
      case "closed":
        if (msg.reason === "replaced") this.stop("replaced", msg.reason);
        else this.stop("ended", msg.reason);
        break;
      case "error":
        console.warn(`signaling error ${msg.code}: ${msg.message}`);
        this.emit("error", new ApiError(0, msg.code, msg.message));
        break;
      case "pong":
        break;
    }
  }

  private createPeer(leg: Leg): void {
    if (leg.pc) return;
    const pc = new RTCPeerConnection({
      iceServers: leg.access.ice_servers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential })),
      // `?relay=1`: media only through TURN (a diagnostic for networks that need it).
      iceTransportPolicy: forceRelay() ? "relay" : "all",
    });
    leg.pc = pc;
    const local = this.opts.local;
    // Exactly two transceivers, in this order: audio, then video.
    leg.audioSender = pc.addTransceiver(local.audioTrack ?? "audio", { direction: "sendrecv", streams: [local.stream] }).sender;
    const video = this.screenTrack ?? local.videoTrack;
    leg.videoSender = pc.addTransceiver(video ?? "video", { direction: "sendrecv", streams: [local.stream] }).sender;
    // Before the first offer, so that it has the data channel's m=application section.
    this.collab.attach(pc.createDataChannel(COLLAB_LABEL, { ordered: true }));

    pc.onnegotiationneeded = () => {
      void this.makeOffer(leg);
    };
    pc.onicecandidate = (ev) => {
      if (this.leg === leg && ev.candidate && ev.candidate.candidate) {
        leg.sig.send({ type: "candidate", candidate: toIceCandidate(ev.candidate) });
      }
    };
    pc.ontrack = (ev) => {
      if (this.leg === leg) this.onRemoteTrack(ev.track);
    };
    pc.onconnectionstatechange = () => {
      if (this.leg !== leg) return;
      this.onConnectionState(leg, pc.connectionState);
    };
  }

  private async makeOffer(leg: Leg): Promise<void> {
    const pc = leg.pc;
    if (!pc || this.leg !== leg) return;
    try {
      leg.makingOffer = true;
      await pc.setLocalDescription();
      const desc = pc.localDescription;
      // A colliding gateway offer may have rolled ours back meanwhile.
      if (this.leg === leg && desc && desc.type === "offer" && pc.signalingState === "have-local-offer") {
        leg.sig.send({ type: "offer", sdp: desc.sdp });
      }
    } catch (err) {
      console.warn("creating an offer failed", err);
    } finally {
      leg.makingOffer = false;
    }
  }

  private async onRemoteDescription(leg: Leg, desc: { type: "offer" | "answer"; sdp: string }): Promise<void> {
    const pc = leg.pc;
    if (!pc) return;
    const action = decideRemoteDescription(desc.type, {
      polite: true,
      makingOffer: leg.makingOffer,
      signalingState: pc.signalingState,
      settingRemoteAnswer: leg.settingRemoteAnswer,
    });
    if (action === "ignore") return;
    if (action === "rollback-then-apply") {
      try {
        await pc.setLocalDescription({ type: "rollback" });
      } catch {
        // setRemoteDescription rolls back implicitly where supported
      }
    }
    leg.settingRemoteAnswer = desc.type === "answer";
    try {
      await pc.setRemoteDescription(desc);
    } finally {
      leg.settingRemoteAnswer = false;
    }
    const pending = leg.pendingCandidates;
    leg.pendingCandidates = [];
    for (const c of pending) await this.addCandidate(pc, c);
    if (desc.type === "offer") {
      await pc.setLocalDescription();
      const answer = pc.localDescription;
      if (this.leg === leg && answer && answer.type === "answer") leg.sig.send({ type: "answer", sdp: answer.sdp });
    }
    await this.applyQuality();
  }

  private async onRemoteCandidate(leg: Leg, candidate: IceCandidate): Promise<void> {
    const pc = leg.pc;
    if (!pc || !pc.remoteDescription) {
      leg.pendingCandidates.push(candidate);
      return;
    }
    await this.addCandidate(pc, candidate);
  }

  private async addCandidate(pc: RTCPeerConnection, candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await pc.addIceCandidate(candidate);
    } catch (err) {
      console.warn("addIceCandidate failed", err);
    }
  }

  private onRemoteTrack(track: MediaStreamTrack): void {
    if (track.kind === "video") {
      const video = this.opts.remoteVideo;
      video.srcObject = new MediaStream([track]);
      video.play().catch(() => {
        // autoplay of a video without sound is allowed; "playing" follows frames
      });
      this.emit("remoteVideo", track);
    } else if (track.kind === "audio") {
      this.opts.remoteAudio.srcObject = new MediaStream([track]);
      this.playAudio();
    }
  }

  private playAudio(): void {
    const audio = this.opts.remoteAudio;
    if (!audio.srcObject) return;
    audio
      .play()
      .then(() => this.emit("audioBlocked", false))
      .catch((err: unknown) => {
        if (err instanceof Error && err.name === "NotAllowedError") this.emit("audioBlocked", true);
      });
  }

  private onConnectionState(leg: Leg, state: RTCPeerConnectionState): void {
    if (leg.disconnectTimer !== undefined && state !== "disconnected") {
      clearTimeout(leg.disconnectTimer);
      leg.disconnectTimer = undefined;
    }
    switch (state) {
      case "connected":
        this.attempt = 0;
        this.everConnected = true;
        this.setState("connected");
        this.startStats();
        void this.applyQuality();
        break;
      case "disconnected":
        if (leg.disconnectTimer === undefined) {
          leg.disconnectTimer = setTimeout(() => {
            leg.disconnectTimer = undefined;
            if (this.leg === leg && leg.pc?.connectionState === "disconnected") this.lostConnection(leg);
          }, DISCONNECTED_GRACE_MS);
        }
        break;
      case "failed":
        this.lostConnection(leg);
        break;
      default:
        break;
    }
  }

  /** The leg is gone: drop it and join again with a fresh MediaAccess. */
  private lostConnection(leg: Leg): void {
    if (this.leg !== leg || this.stopped) return;
    this.teardownLeg();
    this.scheduleRejoin();
  }

  private scheduleRejoin(): void {
    if (this.stopped || this.rejoinTimer !== undefined) return;
    this.setState(this.everConnected ? "reconnecting" : "connecting");
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.rejoinTimer = setTimeout(() => {
      this.rejoinTimer = undefined;
      void this.join();
    }, delay);
  }

  private teardownLeg(): void {
    const leg = this.leg;
    this.leg = null;
    if (!leg) return;
    if (leg.disconnectTimer !== undefined) clearTimeout(leg.disconnectTimer);
    leg.sig.close();
    this.collab.detach();
    if (leg.pc) {
      leg.pc.onnegotiationneeded = null;
      leg.pc.onicecandidate = null;
      leg.pc.ontrack = null;
      leg.pc.onconnectionstatechange = null;
      leg.pc.close();
    }
    this.lossCounters = undefined;
  }

  /** Applies the quality to the current sender and camera, one run at a time. */
  private applyQuality(): Promise<void> {
    this.qualityChain = this.qualityChain.then(() => this.applyQualityNow()).catch((err: unknown) => console.warn("quality", err));
    return this.qualityChain;
  }

  private async applyQualityNow(): Promise<void> {
    const profile = QUALITY_PROFILES[this.quality];
    const sender = this.leg?.videoSender;
    if (sender && sender.track) {
      const params = capEncodings(sender.getParameters(), profile.maxBitrate);
      if (params) {
        try {
          await sender.setParameters(params);
        } catch (err) {
          console.warn("setParameters failed", err);
        }
      }
    }
    const track = this.opts.local.videoTrack;
    if (track && track.readyState === "live") {
      const height = track.getConstraints().height;
      const ideal = typeof height === "object" && height !== null ? height.ideal : height;
      if (ideal !== profile.height) {
        try {
          await track.applyConstraints({ height: { ideal: profile.height } });
        } catch (err) {
          console.warn("applyConstraints failed", err);
        }
      }
    }
  }

  private startStats(): void {
    if (this.statsTimer !== undefined) return;
    this.statsTimer = setInterval(() => {
      void this.sampleStats();
    }, STATS_MS);
  }

  private stopStats(): void {
    if (this.statsTimer !== undefined) clearInterval(this.statsTimer);
    this.statsTimer = undefined;
  }

  private async sampleStats(): Promise<void> {
    const pc = this.leg?.pc;
    if (!pc || pc.connectionState !== "connected") return;
    let report: RTCStatsReport;
    try {
      report = await pc.getStats();
    } catch {
      return;
    }
    const stats: StatLike[] = [];
    report.forEach((value: unknown) => {
      if (typeof value === "object" && value !== null && "id" in value && "type" in value) stats.push(value as StatLike);
    });
    const sendingVideo = !!this.leg?.videoSender?.track && this.opts.local.cameraOn;
    const { sample, counters } = extractSample(stats, this.lossCounters, sendingVideo);
    this.lossCounters = counters;
    const level = networkLevel(sample);
    if (level !== this.network) {
      this.network = level;
      this.emit("network", level);
    }
  }
}

/** Whether the page was opened with `?relay=1` (TURN only). */
export function forceRelay(search: string = typeof location === "undefined" ? "" : location.search): boolean {
  return new URLSearchParams(search).get("relay") === "1";
}

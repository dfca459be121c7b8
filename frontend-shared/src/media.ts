// The page's own microphone and camera: capture, mute toggles, camera switch.
// The self-view stream holds the current tracks; a "video sink" (the call's
// video sender) is told when the camera track changes.

import type { MaxQuality } from "./protocol";
import { videoConstraints } from "./quality";

export type MediaErrorKind = "denied" | "not-found" | "failed";

export class MediaError extends Error {
  constructor(
    readonly kind: MediaErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "MediaError";
  }
}

/** Classifies a getUserMedia failure. Pure. */
export function classifyMediaError(err: unknown): MediaErrorKind {
  const name = err instanceof Error || (typeof err === "object" && err !== null && "name" in err) ? String((err as { name: unknown }).name) : "";
  if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return "not-found";
  return "failed";
}

function toMediaError(err: unknown): MediaError {
  if (err instanceof MediaError) return err;
  return new MediaError(classifyMediaError(err), err instanceof Error ? err.message : String(err));
}

export type Facing = "user" | "environment";
type VideoSink = (track: MediaStreamTrack | null) => Promise<void>;

export class LocalMedia {
  /** The self-view stream (current audio and video tracks). */
  readonly stream = new MediaStream();
  audioTrack: MediaStreamTrack | null = null;
  videoTrack: MediaStreamTrack | null = null;
  /** What the user chose with the toggles (kept across camera restarts). */
  micOn = true;
  cameraOn = true;
  private facing: Facing | undefined;
  private videoSink: VideoSink | null = null;

  /** Opens the microphone and (if `video`) the camera. Throws `MediaError`. */
  static async open(opts: { audio: boolean; video: boolean; quality: MaxQuality }): Promise<LocalMedia> {
    const media = new LocalMedia();
    if (!navigator.mediaDevices?.getUserMedia) throw new MediaError("failed", "getUserMedia is not available");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: opts.audio,
        video: opts.video ? videoConstraints(opts.quality, "user") : false,
      });
      for (const track of stream.getTracks()) media.adopt(track);
    } catch (err) {
      throw toMediaError(err);
    }
    return media;
  }

  /** Whether this browser has more than one camera. */
  static async cameraCount(): Promise<number> {
    try {
      const devices = await navigator.mediaDevices.enumerateDevices();
      return devices.filter((d) => d.kind === "videoinput").length;
    } catch {
      return 0;
    }
  }

  /** The call's video sender: told (and awaited) before an old camera track stops. */
  setVideoSink(sink: VideoSink | null): void {
    this.videoSink = sink;
  }

  /** True unless the camera is known to face away (the self-view is mirrored only then). */
  get frontFacing(): boolean {
    return this.facing !== "environment";
  }

  setMic(on: boolean): void {
    this.micOn = on;
    if (this.audioTrack) this.audioTrack.enabled = on;
  }

  setCamera(on: boolean): void {
    this.cameraOn = on;
    if (this.videoTrack) this.videoTrack.enabled = on;
  }

  /** Starts the camera if it is not running (two-way mode switched on mid-call). */
  async startVideo(quality: MaxQuality): Promise<MediaStreamTrack> {
    if (this.videoTrack && this.videoTrack.readyState === "live") return this.videoTrack;
    let track: MediaStreamTrack | undefined;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(quality, this.facing ?? "user") });
      track = stream.getVideoTracks()[0];
    } catch (err) {
      throw toMediaError(err);
    }
    if (!track) throw new MediaError("not-found", "no video track");
    this.adopt(track);
    await this.videoSink?.(track);
    return track;
  }

  /** Stops the camera (one-way mode for the agent): the sender sends nothing. */
  async stopVideo(): Promise<void> {
    const old = this.videoTrack;
    if (!old) return;
    this.videoTrack = null;
    this.stream.removeTrack(old);
    await this.videoSink?.(null);
    old.stop();
  }

  /**
   * Switches to the other camera: opens it (facingMode, else the next
   * device), hands it to the sender (`replaceTrack`, no renegotiation), then
   * stops the old track. Returns the new track.
   */
  async switchCamera(quality: MaxQuality): Promise<MediaStreamTrack | null> {
    const old = this.videoTrack;
    if (!old) return null;
    const settings = old.getSettings();
    const target: Facing = settings.facingMode === "environment" ? "user" : "environment";
    let track: MediaStreamTrack | null = null;
    let stoppedOld = false;
    const tryOpen = async (constraints: MediaTrackConstraints): Promise<MediaStreamTrack | null> => {
      try {
        const s = await navigator.mediaDevices.getUserMedia({ video: constraints });
        return s.getVideoTracks()[0] ?? null;
      } catch (err) {
        // Many phones cannot open two cameras at once: free the old one and retry.
        if (!stoppedOld && err instanceof Error && err.name === "NotReadableError") {
          old.stop();
          stoppedOld = true;
          const s = await navigator.mediaDevices.getUserMedia({ video: constraints }).catch(() => null);
          return s?.getVideoTracks()[0] ?? null;
        }
        return null;
      }
    };
    track = await tryOpen(videoConstraints(quality, { exact: target }));
    if (!track) {
      const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput");
      const index = devices.findIndex((d) => d.deviceId === settings.deviceId);
      const next = devices[(index + 1) % Math.max(1, devices.length)];
      if (next && next.deviceId !== settings.deviceId) {
        track = await tryOpen({ ...videoConstraints(quality), deviceId: { exact: next.deviceId } });
      }
    }
    if (!track) {
      if (stoppedOld) await this.restoreAfterFailedSwitch(quality);
      return null;
    }
    this.stream.removeTrack(old);
    this.videoTrack = null;
    this.adopt(track);
    await this.videoSink?.(track);
    old.stop();
    return track;
  }

  /** Stops every track (end of the call). */
  stop(): void {
    for (const track of this.stream.getTracks()) track.stop();
    this.audioTrack?.stop();
    this.videoTrack?.stop();
    this.videoSink = null;
  }

  private async restoreAfterFailedSwitch(quality: MaxQuality): Promise<void> {
    const old = this.videoTrack;
    if (old) this.stream.removeTrack(old);
    this.videoTrack = null;
    try {
      await this.startVideo(quality);
    } catch {
      await this.videoSink?.(null);
    }
  }

  private adopt(track: MediaStreamTrack): void {
    if (track.kind === "audio") {
      if (this.audioTrack) this.stream.removeTrack(this.audioTrack);
      this.audioTrack = track;
      track.enabled = this.micOn;
    } else {
      if (this.videoTrack) this.stream.removeTrack(this.videoTrack);
      this.videoTrack = track;
      track.enabled = this.cameraOn;
      const facing = track.getSettings().facingMode;
      if (facing === "user" || facing === "environment") this.facing = facing;
    }
    this.stream.addTrack(track);
  }
}

// The agent's pointer and screen sharing in the interaction panel's call
// view: the `pointer-toggle` and `share-screen` controls, the pointer layer
// over the client's video, the self-view while sharing, and the "screen"
// look when the client shares. The panel tells it about the call, the video
// mode and the client's media state. A switched-off pointer or screen
// sharing has no control at all.

import type { VideoMode } from "@shared/protocol";
import type { Call } from "@shared/call";
import type { CallView } from "@shared/callview";
import type { LocalMedia } from "@shared/media";
import { ScreenShare } from "@shared/screenshare";
import { RemoteScreen, ShareScreenControl, showLocalSource } from "@shared/screenshareui";
import { AgentPointer } from "./pointer";

export interface AgentToolOptions {
  pointer: boolean;
  screenShare: boolean;
}

export class AgentCallTools {
  private call: Call | null = null;
  private local: LocalMedia | null = null;
  private readonly pointer: AgentPointer | null;
  private readonly share: ScreenShare | null;
  private readonly shareControl: ShareScreenControl | null;
  private readonly remoteScreen: RemoteScreen;

  /** `onShareChange`: the page's media state changed (send `media_state`). */
  constructor(
    private readonly view: CallView,
    onShareChange: () => void,
    opts: AgentToolOptions,
  ) {
    this.pointer = opts.pointer ? new AgentPointer(view.remoteVideo) : null;
    this.remoteScreen = new RemoteScreen(view);
    if (this.pointer) view.controls.append(this.pointer.toggle);
    if (opts.screenShare) {
      const share = new ScreenShare((track) => this.call?.setScreenTrack(track) ?? Promise.resolve());
      this.share = share;
      this.shareControl = new ShareScreenControl(share);
      share.on("change", (track) => {
        if (this.local) showLocalSource(this.view, this.local, track);
        onShareChange();
      });
      view.controls.append(this.shareControl.root);
    } else {
      this.share = null;
      this.shareControl = null;
    }
  }

  /** Whether the agent's video is a shared screen now. */
  get sharing(): boolean {
    return this.share?.active ?? false;
  }

  /** The call started (its collab channel carries the pointer). */
  attach(call: Call, local: LocalMedia): void {
    this.call = call;
    this.local = local;
    this.pointer?.bind(call.collab);
    // Sharing started before the call had its media.
    const screen = this.share?.track ?? null;
    if (screen) {
      void call.setScreenTrack(screen);
      showLocalSource(this.view, local, screen);
    }
  }

  /** One-way: the client does not get the agent's video, so no sharing. */
  setVideoMode(mode: VideoMode): void {
    const oneWay = mode === "one_way";
    this.shareControl?.setBlocked(oneWay ? "screen.oneWay" : null);
    if (oneWay && this.share?.active) void this.share.stop();
  }

  /** The client's video is (or stopped being) a shared screen. */
  setPeerScreen(on: boolean): void {
    this.remoteScreen.set(on);
  }

  /** The call is over: stop sharing and pointing. */
  stop(): void {
    if (this.share) void this.share.stop();
    this.pointer?.dispose();
    this.shareControl?.dispose();
    this.call = null;
  }
}

// The agent's pointer and screen sharing in the interaction panel's call
// view: the `pointer-toggle` and `share-screen` controls, the pointer layer
// over the client's video, the self-view while sharing, and the "screen"
// look when the client shares. The panel tells it about the call, the video
// mode and the client's media state.

import type { VideoMode } from "@shared/protocol";
import type { Call } from "@shared/call";
import type { CallView } from "@shared/callview";
import type { LocalMedia } from "@shared/media";
import { ScreenShare } from "@shared/screenshare";
import { RemoteScreen, ShareScreenControl, showLocalSource } from "@shared/screenshareui";
import { AgentPointer } from "./pointer";

export class AgentCallTools {
  private call: Call | null = null;
  private local: LocalMedia | null = null;
  private readonly pointer: AgentPointer;
  private readonly share: ScreenShare;
  private readonly shareControl: ShareScreenControl;
  private readonly remoteScreen: RemoteScreen;

  /** `onShareChange`: the page's media state changed (send `media_state`). */
  constructor(
    private readonly view: CallView,
    onShareChange: () => void,
  ) {
    this.pointer = new AgentPointer(view.remoteVideo);
    this.share = new ScreenShare((track) => this.call?.setScreenTrack(track) ?? Promise.resolve());
    this.shareControl = new ShareScreenControl(this.share);
    this.remoteScreen = new RemoteScreen(view);
    this.share.on("change", (track) => {
      if (this.local) showLocalSource(this.view, this.local, track);
      onShareChange();
    });
    view.controls.append(this.pointer.toggle, this.shareControl.root);
  }

  /** Whether the agent's video is a shared screen now. */
  get sharing(): boolean {
    return this.share.active;
  }

  /** The call started (its collab channel carries the pointer). */
  attach(call: Call, local: LocalMedia): void {
    this.call = call;
    this.local = local;
    this.pointer.bind(call.collab);
    // Sharing started before the call had its media.
    const screen = this.share.track;
    if (screen) {
      void call.setScreenTrack(screen);
      showLocalSource(this.view, local, screen);
    }
  }

  /** One-way: the client does not get the agent's video, so no sharing. */
  setVideoMode(mode: VideoMode): void {
    const oneWay = mode === "one_way";
    this.shareControl.setBlocked(oneWay ? "screen.oneWay" : null);
    if (oneWay && this.share.active) void this.share.stop();
  }

  /** The client's video is (or stopped being) a shared screen. */
  setPeerScreen(on: boolean): void {
    this.remoteScreen.set(on);
  }

  /** The call is over: stop sharing and pointing. */
  stop(): void {
    void this.share.stop();
    this.pointer.dispose();
    this.shareControl.dispose();
    this.call = null;
  }
}

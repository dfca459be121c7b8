// The client's side of the pointer and of screen sharing: the agent's pointer
// drawn over the self-view, a `share-screen` toggle on desktop browsers, the
// self-view while sharing, and the "screen" look when the agent shares.
// A switched-off pointer or screen sharing has no layer / button at all.

import type { Call } from "@shared/call";
import type { CallView } from "@shared/callview";
import type { LocalMedia } from "@shared/media";
import { ScreenShare } from "@shared/screenshare";
import { RemoteScreen, ShareScreenControl, showLocalSource } from "@shared/screenshareui";
import { ClientPointer } from "./pointer";

export interface ClientToolOptions {
  pointer: boolean;
  screenShare: boolean;
}

export class ClientCallTools {
  private readonly pointer: ClientPointer | null;
  private readonly share: ScreenShare | null;
  private readonly shareControl: ShareScreenControl | null;
  private readonly remoteScreen: RemoteScreen;

  /** `onShareChange`: the page's media state changed (send `media_state`). */
  constructor(
    private readonly view: CallView,
    call: Call,
    private readonly local: LocalMedia,
    onShareChange: () => void,
    opts: ClientToolOptions,
  ) {
    this.pointer = opts.pointer ? new ClientPointer(view.localVideo) : null;
    this.pointer?.bind(call.collab);
    // The agent's shared screen is shown as such whatever the client may do.
    this.remoteScreen = new RemoteScreen(view);
    if (opts.screenShare) {
      const share = new ScreenShare((track) => call.setScreenTrack(track));
      this.share = share;
      this.shareControl = new ShareScreenControl(share);
      share.on("change", () => {
        this.showLocal();
        onShareChange();
      });
      view.controls.append(this.shareControl.root);
    } else {
      this.share = null;
      this.shareControl = null;
    }
  }

  /** Whether the client's video is a shared screen now. */
  get sharing(): boolean {
    return this.share?.active ?? false;
  }

  /** Shows the self-view again (after a camera switch): the screen while sharing, else the camera. */
  showLocal(): void {
    showLocalSource(this.view, this.local, this.share?.track ?? null);
    this.pointer?.redraw();
  }

  /** The agent's video is (or stopped being) a shared screen. */
  setPeerScreen(on: boolean): void {
    this.remoteScreen.set(on);
  }

  stop(): void {
    if (this.share) void this.share.stop();
    this.shareControl?.dispose();
    this.pointer?.dispose();
  }
}

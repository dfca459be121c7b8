// The client's side of the pointer and of screen sharing: the agent's pointer
// drawn over the self-view, a `share-screen` toggle on desktop browsers, the
// self-view while sharing, and the "screen" look when the agent shares.

import type { Call } from "@shared/call";
import type { CallView } from "@shared/callview";
import type { LocalMedia } from "@shared/media";
import { ScreenShare } from "@shared/screenshare";
import { RemoteScreen, ShareScreenControl, showLocalSource } from "@shared/screenshareui";
import { ClientPointer } from "./pointer";

export class ClientCallTools {
  private readonly pointer: ClientPointer;
  private readonly share: ScreenShare;
  private readonly shareControl: ShareScreenControl;
  private readonly remoteScreen: RemoteScreen;

  /** `onShareChange`: the page's media state changed (send `media_state`). */
  constructor(
    private readonly view: CallView,
    call: Call,
    private readonly local: LocalMedia,
    onShareChange: () => void,
  ) {
    this.pointer = new ClientPointer(view.localVideo);
    this.pointer.bind(call.collab);
    this.share = new ScreenShare((track) => call.setScreenTrack(track));
    this.shareControl = new ShareScreenControl(this.share);
    this.remoteScreen = new RemoteScreen(view);
    this.share.on("change", () => {
      this.showLocal();
      onShareChange();
    });
    view.controls.append(this.shareControl.root);
  }

  /** Whether the client's video is a shared screen now. */
  get sharing(): boolean {
    return this.share.active;
  }

  /** Shows the self-view again (after a camera switch): the screen while sharing, else the camera. */
  showLocal(): void {
    showLocalSource(this.view, this.local, this.share.track);
    this.pointer.redraw();
  }

  /** The agent's video is (or stopped being) a shared screen. */
  setPeerScreen(on: boolean): void {
    this.remoteScreen.set(on);
  }

  stop(): void {
    void this.share.stop();
    this.shareControl.dispose();
    this.pointer.dispose();
  }
}

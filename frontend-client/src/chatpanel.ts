// The client's chat: a panel that opens and closes with the chat button of
// the call bar (which counts unread messages). On a phone it is a sheet
// over the lower part of the video; on a wide screen it stands beside the
// video and starts open.

import { api, ApiError } from "@shared/api";
import { ChatController } from "@shared/chat/controller";
import type { FileActions } from "@shared/chat/filemessage";
import type { ChatAuth } from "@shared/chat/transfer";
import { ChatView } from "@shared/chat/view";
import type { ControlChannel } from "@shared/control";

/** Wide enough to show the chat beside the video from the start. */
const WIDE = "(min-width: 800px)";

export class ClientChat {
  readonly root: HTMLElement;
  /** The chat button with the unread badge, for the call bar. */
  readonly toggle: HTMLButtonElement;
  /** The chat itself (location and photo messages go through it too). */
  readonly controller: ChatController;
  private readonly view: ChatView;

  constructor(interactionId: string, readonly auth: ChatAuth) {
    const rest = async <T>(method: string, path: string): Promise<T> => {
      const call = async (): Promise<T> => api<T>(method, path, undefined, { kind: "bearer", token: (await auth.token()) ?? "" });
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 401 || !(await auth.renew())) throw err;
        return call();
      }
    };
    this.controller = new ChatController({ interactionId, me: "client", auth, rest });
    const wide = typeof matchMedia === "function" && matchMedia(WIDE).matches;
    this.view = new ChatView({
      controller: this.controller,
      auth,
      open: wide,
      toggleIn: "elsewhere",
    });
    this.root = this.view.root;
    this.root.classList.add("client-chat");
    this.toggle = this.view.toggle;
  }

  /** Follows the call's control channel (call before it starts). */
  attach(control: ControlChannel): void {
    this.controller.attach(control);
  }

  /** What pictures in messages open (the viewer). */
  setFileActions(actions: FileActions): void {
    this.view.setFileActions(actions);
  }

  /** The call is over: the page leaves the chat and keeps nothing of it. */
  finish(): void {
    this.view.dispose();
    this.controller.forget();
  }
}

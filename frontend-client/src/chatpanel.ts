// The client's chat: a panel that opens and closes with the chat button of
// the call bar (which counts unread messages). On a phone it is a sheet
// over the lower part of the video; on a wide screen it stands beside the
// video and starts open. Without the chat function there is no panel and no
// button, but the controller stays: locations, photos and screenshots travel
// as chat messages.

import { api, ApiError } from "@shared/api";
import { ChatController } from "@shared/chat/controller";
import type { FileActions } from "@shared/chat/filemessage";
import type { ChatAuth } from "@shared/chat/transfer";
import { ChatView } from "@shared/chat/view";
import type { ControlChannel } from "@shared/control";

/** Wide enough to show the chat beside the video from the start. */
const WIDE = "(min-width: 800px)";

export interface ClientChatOptions {
  /** The chat panel exists (the chat function is on). */
  panel: boolean;
  /** Files can be attached in it. */
  files: boolean;
}

export class ClientChat {
  /** The panel (null without the chat function). */
  readonly root: HTMLElement | null;
  /** The chat button with the unread badge, for the call bar (null without a panel). */
  readonly toggle: HTMLButtonElement | null;
  /** The chat itself (location and photo messages go through it too). */
  readonly controller: ChatController;
  private readonly view: ChatView | null;

  constructor(interactionId: string, readonly auth: ChatAuth, opts: ClientChatOptions) {
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
    if (!opts.panel) {
      this.view = null;
      this.root = null;
      this.toggle = null;
      return;
    }
    const wide = typeof matchMedia === "function" && matchMedia(WIDE).matches;
    this.view = new ChatView({
      controller: this.controller,
      auth,
      open: wide,
      toggleIn: "elsewhere",
      files: opts.files,
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
    this.view?.setFileActions(actions);
  }

  /** The call is over: the page leaves the chat and keeps nothing of it. */
  finish(): void {
    this.view?.dispose();
    this.controller.forget();
  }
}

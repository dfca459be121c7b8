// The agent's chat beside the video: live over the interaction's control
// channel during the call, read-only from the history after it (or when a
// finished interaction is opened from the list). The page title counts
// unread messages, so a console in a background tab shows them. Without the
// chat function there is no panel, but the controller stays: screenshots,
// photos and locations travel as chat messages.

import { api, freshAccessToken, refreshSession } from "@shared/api";
import { ChatController } from "@shared/chat/controller";
import type { FileActions } from "@shared/chat/filemessage";
import type { ChatAuth } from "@shared/chat/transfer";
import { ChatView } from "@shared/chat/view";
import type { ControlChannel } from "@shared/control";
import { t } from "@shared/i18n";
import type { FileInfo } from "@shared/protocol";

export interface AgentChatOptions {
  /** The chat panel exists (the chat function is on). */
  panel: boolean;
  /** Files can be attached in it. */
  files: boolean;
}

export class AgentChat {
  /** The panel (null without the chat function). */
  readonly root: HTMLElement | null;
  /** The agent's authorization for file requests (screenshots, the viewer). */
  readonly auth: ChatAuth;
  readonly controller: ChatController;
  private readonly view: ChatView | null;
  private readonly offChanged: () => void;

  constructor(interactionId: string, opts: AgentChatOptions) {
    const auth: ChatAuth = (this.auth = {
      token: () => freshAccessToken(),
      renew: async () => (await refreshSession()) !== null,
    });
    this.controller = new ChatController({
      interactionId,
      me: "agent",
      auth,
      rest: (method, path) => api(method, path),
    });
    if (opts.panel) {
      this.view = new ChatView({ controller: this.controller, auth, open: true, toggleIn: "head", files: opts.files });
      this.root = this.view.root;
      this.root.classList.add("agent-chat");
      this.offChanged = this.controller.on("changed", () => this.renderTitle());
    } else {
      this.view = null;
      this.root = null;
      this.offChanged = () => undefined;
    }
  }

  /** Whether the chat panel is there (else pictures must be shown another way). */
  get hasPanel(): boolean {
    return this.view !== null;
  }

  /** Live: follows the call's control channel (call before it starts). */
  attach(control: ControlChannel): void {
    this.controller.attach(control);
  }

  /** Sends a file uploaded outside the composer (a screenshot) as a message. */
  sendUploaded(info: FileInfo): boolean {
    return this.controller.sendUploaded(info);
  }

  /** What pictures in messages open (viewer, editor). */
  setFileActions(actions: FileActions): void {
    this.view?.setFileActions(actions);
  }

  /** The call is over (or was when opened): the history, read-only. */
  end(): void {
    if (this.view) void this.controller.end();
    else this.controller.forget();
  }

  dispose(): void {
    this.offChanged();
    this.view?.dispose();
    this.controller.dispose();
    document.title = t("app.agentTitle");
  }

  private renderTitle(): void {
    const unread = this.controller.log.unread();
    const base = t("app.agentTitle");
    document.title = unread > 0 ? `(${unread}) ${base}` : base;
  }
}

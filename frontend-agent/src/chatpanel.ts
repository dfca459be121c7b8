// The agent's chat beside the video: live over the interaction's control
// channel during the call, read-only from the history after it (or when a
// finished interaction is opened from the list). The page title counts
// unread messages, so a console in a background tab shows them.

import { api, freshAccessToken, refreshSession } from "@shared/api";
import { ChatController } from "@shared/chat/controller";
import type { FileActions } from "@shared/chat/filemessage";
import type { ChatAuth } from "@shared/chat/transfer";
import { ChatView } from "@shared/chat/view";
import type { ControlChannel } from "@shared/control";
import { t } from "@shared/i18n";
import type { FileInfo } from "@shared/protocol";

export class AgentChat {
  readonly root: HTMLElement;
  /** The agent's authorization for file requests (screenshots, the viewer). */
  readonly auth: ChatAuth;
  private readonly controller: ChatController;
  private readonly view: ChatView;
  private readonly offChanged: () => void;

  constructor(interactionId: string) {
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
    this.view = new ChatView({ controller: this.controller, auth, open: true, toggleIn: "head" });
    this.root = this.view.root;
    this.root.classList.add("agent-chat");
    this.offChanged = this.controller.on("changed", () => this.renderTitle());
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
    this.view.setFileActions(actions);
  }

  /** The call is over (or was when opened): the history, read-only. */
  end(): void {
    void this.controller.end();
  }

  dispose(): void {
    this.offChanged();
    this.view.dispose();
    this.controller.dispose();
    document.title = t("app.agentTitle");
  }

  private renderTitle(): void {
    const unread = this.controller.log.unread();
    const base = t("app.agentTitle");
    document.title = unread > 0 ? `(${unread}) ${base}` : base;
  }
}

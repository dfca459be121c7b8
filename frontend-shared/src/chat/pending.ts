// This page's chat messages that have no `chat_ack` yet, kept in
// sessionStorage per interaction: a reload (or a tab that crashed) resends
// them with the same client_msg_id, and the server stores each once.

import type { FileInfo } from "../protocol";
import type { PendingMessage } from "./model";
import { isLocationDraft } from "../geo/format";

const PREFIX = "va.chat.pending.";

function isFileInfo(v: unknown): v is FileInfo {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === "string" && typeof r.name === "string" && typeof r.size === "number" && typeof r.content_type === "string";
}

function isPending(v: unknown): v is PendingMessage {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.client_msg_id === "string" &&
    r.client_msg_id !== "" &&
    typeof r.text === "string" &&
    typeof r.after === "number" &&
    typeof r.at === "number" &&
    (r.file === undefined || isFileInfo(r.file)) &&
    (r.location === undefined || isLocationDraft(r.location)) &&
    (r.request_id === undefined || typeof r.request_id === "string") &&
    r.failed === undefined
  );
}

/** The waiting messages in a stored value; anything malformed is dropped. Pure. */
export function decodePending(raw: string | null): PendingMessage[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter(isPending) : [];
}

/** The stored value for waiting messages (refused ones are not kept). Pure. */
export function encodePending(list: readonly PendingMessage[]): string {
  return JSON.stringify(
    list
      .filter((p) => !p.failed)
      .map((p) => ({
        client_msg_id: p.client_msg_id,
        text: p.text,
        after: p.after,
        at: p.at,
        ...(p.file ? { file: p.file } : {}),
        ...(p.location ? { location: p.location } : {}),
        ...(p.request_id ? { request_id: p.request_id } : {}),
      })),
  );
}

export class PendingStore {
  private readonly key: string;

  constructor(
    interactionId: string,
    private readonly storage: Storage | null = safeSessionStorage(),
  ) {
    this.key = PREFIX + interactionId;
  }

  load(): PendingMessage[] {
    try {
      return decodePending(this.storage?.getItem(this.key) ?? null);
    } catch {
      return [];
    }
  }

  save(list: readonly PendingMessage[]): void {
    try {
      const live = list.filter((p) => !p.failed);
      if (live.length === 0) this.storage?.removeItem(this.key);
      else this.storage?.setItem(this.key, encodePending(live));
    } catch {
      // storage full or disabled: the messages still go while the page lives
    }
  }

  clear(): void {
    try {
      this.storage?.removeItem(this.key);
    } catch {
      // nothing to do
    }
  }
}

function safeSessionStorage(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null;
  }
}

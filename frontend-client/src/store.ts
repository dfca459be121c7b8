// The client token of this link, kept in sessionStorage keyed by the link
// token: a reload goes straight back into the call without asking consent
// again.

import type { InteractionStatus, JoinResponse } from "@shared/protocol";

export interface JoinedRecord {
  client_token: string;
  interaction_id: string;
  /** Epoch ms when the client token expires. */
  expires_at: number;
  /** Set when the call is over: a reload shows the end screen. */
  finished?: InteractionStatus;
  /** The post-call survey was sent or skipped: a reload does not ask again. */
  survey_done?: boolean;
}

const PREFIX = "va.client.";

function isRecord(v: unknown): v is JoinedRecord {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.client_token === "string" && typeof r.interaction_id === "string" && typeof r.expires_at === "number";
}

export const joined = {
  get(linkToken: string): JoinedRecord | null {
    try {
      const raw = sessionStorage.getItem(PREFIX + linkToken);
      const parsed: unknown = raw ? JSON.parse(raw) : null;
      return isRecord(parsed) ? parsed : null;
    } catch {
      return null;
    }
  },
  save(linkToken: string, answer: JoinResponse): JoinedRecord {
    const record: JoinedRecord = {
      client_token: answer.client_token,
      interaction_id: answer.interaction_id,
      expires_at: Date.now() + answer.expires_in * 1000,
    };
    this.put(linkToken, record);
    return record;
  },
  put(linkToken: string, record: JoinedRecord): void {
    try {
      sessionStorage.setItem(PREFIX + linkToken, JSON.stringify(record));
    } catch {
      // storage disabled: a reload asks for consent again
    }
  },
};

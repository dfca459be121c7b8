// Which "send the link" buttons the agent may press, and why not. Pure.

import type { Channel, Channels } from "@shared/protocol";

export const CHANNELS: readonly Channel[] = ["sms", "telegram", "email", "webhook"];

/** The client's contacts as the interaction has them. */
export interface Contacts {
  phone: string | null;
  email: string | null;
  telegram: string | null;
}

/** What the console knows of the platform's channels (fetched once per session). */
export type ChannelsState = { kind: "loading" } | { kind: "error" } | { kind: "ready"; channels: Channels };

/** Why a channel's button is disabled. */
export type Unavailable =
  | "ended"
  | "loading"
  | "channels_error"
  | "not_configured"
  | "no_phone"
  | "no_email"
  | "no_telegram"
  | "no_contact";

const has = (v: string | null | undefined): boolean => !!v && v.trim() !== "";

/** Whether the interaction has the contact a channel sends to. */
export function contactFor(channel: Channel, c: Contacts): Unavailable | null {
  switch (channel) {
    case "sms":
      return has(c.phone) ? null : "no_phone";
    case "email":
      return has(c.email) ? null : "no_email";
    case "telegram":
      return has(c.telegram) ? null : "no_telegram";
    case "webhook":
      return has(c.phone) || has(c.email) || has(c.telegram) ? null : "no_contact";
  }
}

/**
 * Null when the channel's button may be pressed, else why not. The call
 * being over wins; then what the platform offers; then the client's contact.
 */
export function unavailable(channel: Channel, state: ChannelsState, contacts: Contacts, finished: boolean): Unavailable | null {
  if (finished) return "ended";
  if (state.kind === "loading") return "loading";
  if (state.kind === "error") return "channels_error";
  if (!state.channels[channel]) return "not_configured";
  return contactFor(channel, contacts);
}

/** The contact a channel most likely goes to (until the delivery itself says). */
export function likelyDestination(channel: Channel, c: Contacts): string | null {
  const pick = (v: string | null): string | null => (has(v) ? (v as string).trim() : null);
  switch (channel) {
    case "sms":
      return pick(c.phone);
    case "email":
      return pick(c.email);
    case "telegram":
      return pick(c.telegram);
    case "webhook":
      return null;
  }
}

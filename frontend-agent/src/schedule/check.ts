// The "schedule a call" form checked before sending: a time in the future
// in a known zone, minutes before as a whole number within what the server
// takes, and a contact for the chosen channel. Pure.

import type { Channel } from "@shared/protocol";
import { isZone, localInputToInstant } from "@shared/zones";
import { type Contacts, contactFor, type Unavailable } from "../availability";

/** The longest lead the server takes: a week. */
export const MAX_LEAD_MINUTES = 10_080;
export const DEFAULT_LEAD_MINUTES = 15;

export type ScheduleProblem = "no_time" | "past" | "bad_zone" | "bad_lead" | Extract<Unavailable, "no_phone" | "no_email" | "no_telegram" | "no_contact">;

export interface ScheduleInput {
  /** `YYYY-MM-DDTHH:MM` in the client's zone. */
  local: string;
  timeZone: string;
  /** Minutes before, as typed. */
  lead: string;
  channel: Channel;
  contacts: Contacts;
}

export type ScheduleCheck = { ok: true; at: Date; lead: number } | { ok: false; problem: ScheduleProblem };

export function checkSchedule(input: ScheduleInput, now: Date): ScheduleCheck {
  if (!isZone(input.timeZone)) return { ok: false, problem: "bad_zone" };
  const at = localInputToInstant(input.local, input.timeZone);
  if (!at) return { ok: false, problem: "no_time" };
  if (at.getTime() <= now.getTime()) return { ok: false, problem: "past" };
  const leadText = input.lead.trim();
  const lead = leadText === "" ? DEFAULT_LEAD_MINUTES : Number(leadText);
  if (!Number.isInteger(lead) || lead < 0 || lead > MAX_LEAD_MINUTES) return { ok: false, problem: "bad_lead" };
  const contact = contactFor(input.channel, input.contacts);
  if (contact === "no_phone" || contact === "no_email" || contact === "no_telegram" || contact === "no_contact") return { ok: false, problem: contact };
  return { ok: true, at, lead };
}

/** The default time offered: the next quarter hour at least an hour from now. */
export function defaultStart(now: Date): Date {
  const quarter = 15 * 60_000;
  return new Date(Math.ceil((now.getTime() + 3_600_000) / quarter) * quarter);
}

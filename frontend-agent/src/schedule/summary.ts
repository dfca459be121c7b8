// A scheduled call in words: its time in the client's zone (and in the
// agent's own when they differ), how and when the link goes, its state.

import type { Schedule, ScheduleState } from "@shared/protocol";
import { lang, t, type MessageKey } from "@shared/i18n";
import { channelLabel } from "@shared/labels";
import { browserZone, formatInZone } from "@shared/zones";

const STATE_KEYS: Record<ScheduleState, MessageKey> = {
  pending: "sched.state.pending",
  link_sent: "sched.state.link_sent",
  started: "sched.state.started",
  cancelled: "sched.state.cancelled",
  missed: "sched.state.missed",
};

export function scheduleStateLabel(state: ScheduleState): string {
  const key = Object.prototype.hasOwnProperty.call(STATE_KEYS, state) ? STATE_KEYS[state] : undefined;
  return key ? t(key) : state;
}

/** "7 Dec 2026, 14:30 (Europe/Moscow; your time 12:30)". */
export function scheduleTime(at: string, timeZone: string): string {
  const theirs = formatInZone(at, timeZone, lang());
  const mine = browserZone();
  const own = mine !== timeZone ? formatInZone(at, mine, lang()) : null;
  return own && own !== theirs ? t("sched.timeBoth", { time: theirs, zone: timeZone, own }) : t("sched.timeOne", { time: theirs, zone: timeZone });
}

/** The line the interaction panel shows for a scheduled call. */
export function scheduleLine(s: Schedule): string {
  return t("sched.info", {
    time: scheduleTime(s.at, s.time_zone),
    channel: channelLabel(s.send_via),
    lead: s.lead_minutes,
    state: scheduleStateLabel(s.state),
  });
}

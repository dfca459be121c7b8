// Which scheduled calls to show: the upcoming ones in order, and the
// reminders not shown yet (each call's reminder shows once per browser
// tab: the ids shown are kept in sessionStorage).

import type { ScheduledCall } from "@shared/protocol";

const KEY = "va.agent.reminded";
/** Ids kept (the oldest are forgotten). */
const KEEP = 200;

/** Not cancelled, soonest first. Pure. */
export function upcoming(items: readonly ScheduledCall[]): ScheduledCall[] {
  return items
    .filter((c) => c.schedule.state !== "cancelled")
    .sort((a, b) => Date.parse(a.schedule.at) - Date.parse(b.schedule.at));
}

/** The calls whose reminder has not been shown (each once, even if listed twice). Pure. */
export function unseen(items: readonly ScheduledCall[], shown: ReadonlySet<string>): ScheduledCall[] {
  const out: ScheduledCall[] = [];
  const seen = new Set(shown);
  for (const c of upcoming(items)) {
    if (seen.has(c.interaction_id)) continue;
    seen.add(c.interaction_id);
    out.push(c);
  }
  return out;
}

export const reminded = {
  load(): Set<string> {
    try {
      const parsed: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? "[]");
      return new Set(Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === "string") : []);
    } catch {
      return new Set();
    }
  },
  add(id: string): void {
    const ids = [...this.load()].filter((x) => x !== id);
    ids.push(id);
    try {
      sessionStorage.setItem(KEY, JSON.stringify(ids.slice(-KEEP)));
    } catch {
      // storage disabled: the reminder may show again after a reload
    }
  },
};

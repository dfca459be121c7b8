// Pure: the Reports filters as the form holds them and as the list and the
// Excel export take them (`GET /api/interactions`, `GET
// /api/reports/interactions.xlsx`: the same query).

export interface ReportFilters {
  /** `YYYY-MM-DD`, the viewer's day (inclusive). */
  from: string;
  /** `YYYY-MM-DD`, the viewer's day (inclusive). */
  to: string;
  agentId: string;
  teamId: string;
  status: string;
  quality: string;
  phone: string;
  fieldKey: string;
  fieldValue: string;
}

/** A local date as `YYYY-MM-DD`. */
export function isoDay(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The default: the last 7 days, today included. */
export function lastWeek(now: Date = new Date()): { from: string; to: string } {
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 6);
  return { from: isoDay(from), to: isoDay(now) };
}

/** `YYYY-MM-DD` (the viewer's day) plus `plusDays` → the instant that day starts, ISO; null when not a date. */
export function dayStart(date: string, plusDays = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Why the filters cannot be sent, or null. */
export function filterProblem(f: ReportFilters): "range" | "field" | null {
  const from = dayStart(f.from);
  const to = dayStart(f.to);
  if (from && to && from > to) return "range";
  if (f.fieldValue.trim() && !f.fieldKey) return "field";
  return null;
}

/** The query parameters (empty ones are left out by `query()`). */
export function filterParams(f: ReportFilters): Record<string, string | undefined> {
  const fieldOn = !!f.fieldKey && !!f.fieldValue.trim();
  return {
    from: dayStart(f.from) ?? undefined,
    // Inclusive: up to the start of the next day.
    to: dayStart(f.to, 1) ?? undefined,
    agent_id: f.agentId || undefined,
    team_id: f.teamId || undefined,
    status: f.status || undefined,
    quality: f.quality || undefined,
    phone: f.phone.trim() || undefined,
    field_key: fieldOn ? f.fieldKey : undefined,
    field_value: fieldOn ? f.fieldValue.trim() : undefined,
  };
}

// Times of scheduled calls in the client's time zone (IANA, e.g.
// "Europe/Moscow"): the wall-clock time an agent types for the client
// turned into an instant (RFC 3339 for `POST /api/schedules`), and an
// instant written in a zone. Pure (Intl only).

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows the zone. */
export function isTimeZone(timeZone: string): boolean {
  if (!timeZone) return false;
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallIn(ms: number, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The zone's offset from UTC at an instant, ms (Moscow: +3 h). */
export function zoneOffset(ms: number, timeZone: string): number {
  const w = wallIn(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a wall-clock time (`YYYY-MM-DDTHH:MM`, as a
 * `datetime-local` input gives it) in `timeZone`, or null when it is not a
 * time or the zone is unknown. A time skipped by a clock change is read
 * with the offset before it (02:30 on a spring-forward night is 03:30); a
 * time that happens twice is the first one.
 */
export function zonedToInstant(local: string, timeZone: string): Date | null {
  const m = WALL.exec(local);
  if (!m || !isTimeZone(timeZone)) return null;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return null;
  // The offsets around the time: the earlier reading wins where they differ.
  const before = zoneOffset(wall - 86_400_000, timeZone);
  const after = zoneOffset(wall + 86_400_000, timeZone);
  const candidates = [wall - before, wall - after].sort((a, b) => a - b);
  for (const t of candidates) {
    if (wall - zoneOffset(t, timeZone) === t) return new Date(t);
  }
  // Skipped by a clock change: the offset before the change.
  return new Date(wall - before);
}

/** `YYYY-MM-DDTHH:MM` of an instant in `timeZone` (for a `datetime-local` input). */
export function instantToLocalInput(d: Date, timeZone: string): string {
  const w = wallIn(d.getTime(), timeZone);
  const p = (n: number, len = 2): string => String(n).padStart(len, "0");
  return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}`;
}

/** An instant as people read it in a zone: "7 Dec 2026, 14:30". */
export function formatInZone(at: Date | string, timeZone: string, lang: "ru" | "en"): string {
  const d = typeof at === "string" ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return "";
  const zone = isTimeZone(timeZone) ? timeZone : "UTC";
  return new Intl.DateTimeFormat(lang === "ru" ? "ru-RU" : "en-GB", { timeZone: zone, dateStyle: "medium", timeStyle: "short" }).format(d);
}

/** The browser's zone (UTC when it cannot tell). */
export function browserTimeZone(): string {
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return tz && isTimeZone(tz) ? tz : "UTC";
  } catch {
    return "UTC";
  }
}

/** The zones to choose from (the runtime's list, with `always` in it), sorted. */
export function timeZones(always: readonly string[] = []): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  const set = new Set([...zones, "UTC", ...always.filter(isTimeZone)]);
  return [...set].sort((a, b) => a.localeCompare(b));
}

// Wall-clock times in IANA time zones ("Europe/Moscow"): a scheduled call is
// booked in the client's zone and shown in the viewer's and the client's.
// A wall-clock time comes as a date and a time (`YYYY-MM-DD`, `HH:MM`, as
// `date` and `time` inputs give them) or as one `YYYY-MM-DDTHH:MM` (as a
// `datetime-local` input gives it). Pure (Intl only).

export interface Wall {
  /** `YYYY-MM-DD` */
  date: string;
  /** `HH:MM` */
  time: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows this IANA zone. */
export function isZone(zone: string): boolean {
  if (!zone) return false;
  try {
    partsFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function fieldsIn(instant: number, zone: string): Fields {
  const out: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of partsFormatter(zone).formatToParts(new Date(instant))) {
    if (p.type in out) out[p.type as keyof Fields] = Number(p.value);
  }
  // Some engines say 24 for midnight even with h23.
  if (out.hour === 24) out.hour = 0;
  return out;
}

/** The zone's offset from UTC at `instant`, in ms (Moscow: +3 h). */
export function zoneOffsetMs(instant: number, zone: string): number {
  const f = fieldsIn(instant, zone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;
const LOCAL_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * The instant (epoch ms) of a wall-clock date and time in `zone`; null when
 * the input is not a date/time or the zone is unknown. A time skipped by a
 * clock change is read with the offset before it, i.e. moves forward by the
 * change (02:30 on a spring-forward night is 03:30); a time that happens
 * twice is the earlier instant.
 */
export function wallToInstant(date: string, time: string, zone: string): number | null {
  const d = DATE_RE.exec(date);
  const t = TIME_RE.exec(time);
  if (!d || !t || !isZone(zone)) return null;
  const [y, mo, da, h, mi] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23 || mi > 59) return null;
  const wall = Date.UTC(y, mo - 1, da, h, mi);
  if (new Date(wall).getUTCDate() !== da) return null;
  // The offsets around the time: the earlier reading wins where they differ.
  const before = zoneOffsetMs(wall - DAY_MS, zone);
  const after = zoneOffsetMs(wall + DAY_MS, zone);
  for (const at of [wall - before, wall - after].sort((a, b) => a - b)) {
    if (wall - zoneOffsetMs(at, zone) === at) return at;
  }
  // Skipped by a clock change: the offset before the change.
  return wall - before;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** The wall-clock date and time of an instant in `zone`. */
export function instantToWall(instant: number, zone: string): Wall {
  const f = fieldsIn(instant, zone);
  return { date: `${String(f.year).padStart(4, "0")}-${pad(f.month)}-${pad(f.day)}`, time: `${pad(f.hour)}:${pad(f.minute)}` };
}

/** {@link wallToInstant} of a `datetime-local` value (`YYYY-MM-DDTHH:MM`). */
export function localInputToInstant(local: string, zone: string): Date | null {
  const m = LOCAL_RE.exec(local);
  const at = m?.[1] !== undefined && m[2] !== undefined ? wallToInstant(m[1], m[2], zone) : null;
  return at === null ? null : new Date(at);
}

/** `YYYY-MM-DDTHH:MM` of an instant in `zone` (for a `datetime-local` input). */
export function instantToLocalInput(at: Date, zone: string): string {
  const w = instantToWall(at.getTime(), zone);
  return `${w.date}T${w.time}`;
}

/** `+03:00`, `-04:30`, `±00:00` → `+00:00`. */
export function offsetLabel(offsetMs: number): string {
  const sign = offsetMs < 0 ? "-" : "+";
  const mins = Math.round(Math.abs(offsetMs) / 60_000);
  return `${sign}${pad(Math.floor(mins / 60))}:${pad(mins % 60)}`;
}

/**
 * An instant (epoch ms, a Date or an RFC 3339 string) as people read it in
 * `zone` (UTC when the zone is unknown): `7 Dec 2026, 14:30`; "" when it is
 * not a time.
 */
export function formatInZone(at: number | Date | string, zone: string, lang: "ru" | "en"): string {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return "";
  return new Intl.DateTimeFormat(lang === "ru" ? "ru-RU" : "en-GB", {
    timeZone: isZone(zone) ? zone : "UTC",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(d);
}

/** The browser's zone (UTC when it cannot tell). */
export function browserZone(): string {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone && isZone(zone) ? zone : "UTC";
  } catch {
    return "UTC";
  }
}

/** The zones a user may pick, sorted: the runtime's list with UTC and the known ones of `extra` in it. */
export function zoneChoices(extra: readonly string[] = []): string[] {
  let all: string[] = [];
  try {
    all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  } catch {
    all = [];
  }
  const set = new Set([...all, "UTC", ...extra.filter(isZone)]);
  return [...set].sort((a, b) => a.localeCompare(b));
}

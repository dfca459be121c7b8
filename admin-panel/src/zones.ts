// Pure: wall-clock times in IANA time zones (a scheduled call is booked in
// the client's zone and shown in the viewer's and the client's).

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

/**
 * The instant (epoch ms) of a wall-clock date and time in `zone`; null when
 * the input is not a date/time. A time skipped by a DST change moves forward
 * by the change; a repeated one takes the earlier instant.
 */
export function wallToInstant(date: string, time: string, zone: string): number | null {
  const d = DATE_RE.exec(date);
  const t = TIME_RE.exec(time);
  if (!d || !t) return null;
  const [y, mo, da, h, mi] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23 || mi > 59) return null;
  const guess = Date.UTC(y, mo - 1, da, h, mi);
  if (new Date(guess).getUTCDate() !== da) return null;
  // Two passes: the offset at the first estimate may differ across a change.
  const first = guess - zoneOffsetMs(guess - zoneOffsetMs(guess, zone), zone);
  const earlier = guess - zoneOffsetMs(first - 3 * 3600_000, zone);
  const w = instantToWall(earlier, zone);
  return w.date === date && w.time === time ? earlier : first;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** The wall-clock date and time of an instant in `zone`. */
export function instantToWall(instant: number, zone: string): Wall {
  const f = fieldsIn(instant, zone);
  return { date: `${f.year}-${pad(f.month)}-${pad(f.day)}`, time: `${pad(f.hour)}:${pad(f.minute)}` };
}

/** `+03:00`, `-04:30`, `±00:00` → `+00:00`. */
export function offsetLabel(offsetMs: number): string {
  const sign = offsetMs < 0 ? "-" : "+";
  const mins = Math.round(Math.abs(offsetMs) / 60_000);
  return `${sign}${pad(Math.floor(mins / 60))}:${pad(mins % 60)}`;
}

/** A time in words in `zone`: `12 Mar 2026, 15:00`. */
export function formatInZone(instant: number, zone: string, lang: "ru" | "en"): string {
  return new Intl.DateTimeFormat(lang === "ru" ? "ru-RU" : "en-GB", {
    timeZone: zone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(instant));
}

/** The browser's zone (UTC when it has none). */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** The zones a user may pick: the runtime's list when it has one, with `extra` in it. */
export function zoneChoices(extra: readonly string[] = []): string[] {
  let all: string[] = [];
  try {
    all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  } catch {
    all = [];
  }
  const set = new Set(all);
  for (const z of ["UTC", ...extra]) if (z) set.add(z);
  return [...set].sort((a, b) => a.localeCompare(b));
}

// Pure: a call's metrics series (vc-stat, `GET /api/interactions/{id}/metrics`)
// as the charts draw it: one time axis for both directions, the moments the
// quality dropped (loss over 5 % or the video bitrate falling by more than
// half from one sample to the next) and the worst of them.

import type { Direction, MetricsPoint } from "@shared/protocol";

/** Loss above this (percent) marks a drop. */
export const LOSS_MARK = 5;
/** A video bitrate below this share of the sample before marks a drop. */
export const BITRATE_FALL = 0.5;
/** The gateway's sampling period, seconds (a drop is shaded this wide). */
export const SAMPLE_S = 5;

export const DIRECTIONS: readonly Direction[] = ["client_to_agent", "agent_to_client"];

type Field = "video_kbps" | "audio_kbps" | "video_loss_pct" | "audio_loss_pct" | "jitter_ms" | "rtt_ms" | "height" | "fps";

/** Both directions on one time axis (`t`, seconds since the call became active). */
export interface AlignedSeries {
  /** Sorted, distinct sample times. */
  t: number[];
  /** `values(direction, field)[i]` is the value at `t[i]`, `null` where none. */
  values(direction: Direction, field: Field): (number | null)[];
}

export function align(series: readonly MetricsPoint[]): AlignedSeries {
  const times = [...new Set(series.map((p) => p.t).filter((t) => Number.isFinite(t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i] as const));
  const byDirection = new Map<Direction, (MetricsPoint | undefined)[]>();
  for (const d of DIRECTIONS) byDirection.set(d, new Array<MetricsPoint | undefined>(times.length).fill(undefined));
  for (const p of series) {
    const i = index.get(p.t);
    const row = byDirection.get(p.direction);
    if (i !== undefined && row) row[i] = p;
  }
  return {
    t: times,
    values(direction, field) {
      const row = byDirection.get(direction) ?? [];
      return times.map((_, i) => {
        const v = row[i]?.[field];
        return typeof v === "number" && Number.isFinite(v) ? v : null;
      });
    },
  };
}

export type DropKind = "video_loss" | "audio_loss" | "bitrate";

/** A moment the quality dropped. */
export interface Drop {
  t: number;
  direction: Direction;
  kind: DropKind;
  /** The loss (percent) or the bitrate after the fall (kbit/s). */
  value: number;
  /** For a bitrate fall: the bitrate before (kbit/s). */
  before?: number;
}

/** How bad a drop is, to pick the worst: loss in percent, a fall as the share lost (0..100). */
export function severity(d: Drop): number {
  if (d.kind === "bitrate") return d.before && d.before > 0 ? (1 - d.value / d.before) * 100 : 0;
  return d.value;
}

/** Every drop, in time order. */
export function findDrops(series: readonly MetricsPoint[]): Drop[] {
  const drops: Drop[] = [];
  for (const direction of DIRECTIONS) {
    const points = series.filter((p) => p.direction === direction && Number.isFinite(p.t)).sort((a, b) => a.t - b.t);
    let before: number | undefined;
    for (const p of points) {
      if (p.video_loss_pct !== undefined && p.video_loss_pct > LOSS_MARK) {
        drops.push({ t: p.t, direction, kind: "video_loss", value: p.video_loss_pct });
      }
      if (p.audio_loss_pct !== undefined && p.audio_loss_pct > LOSS_MARK) {
        drops.push({ t: p.t, direction, kind: "audio_loss", value: p.audio_loss_pct });
      }
      if (p.video_kbps !== undefined) {
        if (before !== undefined && before > 0 && p.video_kbps < before * BITRATE_FALL) {
          drops.push({ t: p.t, direction, kind: "bitrate", value: p.video_kbps, before });
        }
        before = p.video_kbps;
      }
    }
  }
  return drops.sort((a, b) => a.t - b.t || a.direction.localeCompare(b.direction));
}

/** The worst drop: the highest loss, else the steepest bitrate fall; the earliest of equals. */
export function worstDrop(drops: readonly Drop[]): Drop | null {
  let worst: Drop | null = null;
  const rank = (d: Drop): number => (d.kind === "bitrate" ? 0 : 1);
  for (const d of drops) {
    if (!worst || rank(d) > rank(worst) || (rank(d) === rank(worst) && severity(d) > severity(worst))) worst = d;
  }
  return worst;
}

/** Time spans (seconds, [from, to]) to shade: each drop one sample wide, overlaps merged. */
export function dropSpans(drops: readonly Drop[], width = SAMPLE_S): [number, number][] {
  const spans = drops.map((d) => [d.t - width / 2, d.t + width / 2] as [number, number]).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** Seconds as a clock: `02:15`, `1:02:15`; negative times with a minus. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "";
  const sign = seconds < 0 ? "−" : "";
  const s = Math.round(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, "0")}:${ss}` : `${sign}${String(m).padStart(2, "0")}:${ss}`;
}

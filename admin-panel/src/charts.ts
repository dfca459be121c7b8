// The quality charts of a call (uPlot, canvas): one per concern over the
// call's time (seconds since it became active): video bitrate, packet loss,
// round trip and jitter, picture height and frame rate, both directions.
// Moments where the quality dropped (metricsmodel.ts) are shaded on every
// chart, and the worst one is said in words under them.

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { el, replaceChildren } from "@shared/dom";
import type { Direction, MetricsPoint } from "@shared/protocol";
import { align, clock, dropSpans, findDrops, LOSS_MARK, worstDrop, type AlignedSeries, type Drop } from "./metricsmodel";
import { ta, type AdminKey } from "./messages";
import { directionLabel, num } from "./reportlabels";

const COLORS: Record<Direction, string> = { client_to_agent: "#2563eb", agent_to_client: "#d97706" };
const SHADE = "rgba(220, 38, 38, 0.13)";
const HEIGHT = 190;

type Field = Parameters<AlignedSeries["values"]>[1];

interface Line {
  direction: Direction;
  field: Field;
  /** The legend's words for the kind (video, audio, RTT, ...). */
  what: AdminKey;
  dashed?: boolean;
  /** A second y scale (right axis). */
  right?: boolean;
}

interface ChartSpec {
  testid: string;
  title: AdminKey;
  unit: AdminKey;
  rightUnit?: AdminKey;
  lines: Line[];
  /** A horizontal line at this value (the loss mark). */
  mark?: number;
}

const both = (field: Field, what: AdminKey, extra: Partial<Line> = {}): Line[] =>
  (["client_to_agent", "agent_to_client"] as const).map((direction) => ({ direction, field, what, ...extra }));

const SPECS: readonly ChartSpec[] = [
  { testid: "chart-bitrate", title: "charts.bitrate", unit: "unit.kbps", lines: both("video_kbps", "charts.video") },
  {
    testid: "chart-loss",
    title: "charts.loss",
    unit: "unit.pct",
    lines: [...both("video_loss_pct", "charts.video"), ...both("audio_loss_pct", "charts.audio", { dashed: true })],
    mark: LOSS_MARK,
  },
  {
    testid: "chart-rtt",
    title: "charts.rtt",
    unit: "unit.ms",
    lines: [...both("rtt_ms", "charts.rttLine"), ...both("jitter_ms", "charts.jitter", { dashed: true })],
  },
  {
    testid: "chart-video",
    title: "charts.video",
    unit: "unit.px",
    rightUnit: "unit.fps",
    lines: [...both("height", "charts.height"), ...both("fps", "charts.fps", { dashed: true, right: true })],
  },
];

/** The words under the charts: the worst moment, or that there was none. */
export function worstText(drop: Drop | null): string {
  if (!drop) return ta("charts.noDrops", { mark: num(LOSS_MARK) });
  const at = clock(drop.t);
  const direction = directionLabel(drop.direction);
  if (drop.kind === "bitrate") {
    return ta("charts.worstBitrate", { at, direction, before: num(drop.before ?? 0), value: num(drop.value) });
  }
  return ta(drop.kind === "video_loss" ? "charts.worstVideoLoss" : "charts.worstAudioLoss", { at, direction, value: num(drop.value, 1) });
}

export class QualityCharts {
  readonly root: HTMLElement;
  private plots: uPlot[] = [];
  private observer: ResizeObserver | null = null;

  constructor() {
    this.root = el("section", { class: "card quality-charts", testid: "quality-charts" });
  }

  /** Draws the charts of `series` (replacing any drawn before). The root must be in the document. */
  render(series: readonly MetricsPoint[]): void {
    this.destroy();
    const data = align(series);
    const drops = findDrops(series);
    const spans = dropSpans(drops);
    const worst = worstDrop(drops);
    this.root.dataset.points = String(series.length);
    this.root.dataset.drops = String(drops.length);
    const grid = el("div", { class: "chart-grid" });
    const note = el("p", { class: "charts-worst", testid: "quality-worst", text: worstText(worst) });
    if (worst) {
      note.dataset.t = String(worst.t);
      note.dataset.kind = worst.kind;
    }
    replaceChildren(this.root, [
      el("h2", { text: ta("charts.title") }),
      el("p", { class: "muted small", text: ta("charts.help", { mark: num(LOSS_MARK) }) }),
      grid,
      note,
    ]);
    if (data.t.length === 0) {
      grid.append(el("p", { class: "muted", testid: "charts-empty", text: ta("charts.empty") }));
      return;
    }
    const boxes: HTMLElement[] = [];
    for (const spec of SPECS) {
      const box = el("div", { class: "chart-box" });
      const fig = el("figure", { class: "chart", testid: spec.testid, attrs: { "aria-label": ta(spec.title) } }, [
        el("figcaption", { text: `${ta(spec.title)} (${ta(spec.unit, { n: "" }).trim()}${spec.rightUnit ? `, ${ta(spec.rightUnit, { n: "" }).trim()}` : ""})` }),
        box,
      ]);
      grid.append(fig);
      boxes.push(box);
    }
    SPECS.forEach((spec, i) => {
      const box = boxes[i];
      if (box) this.plots.push(this.plot(spec, data, spans, box));
    });
    this.observer = new ResizeObserver(() => this.resize(boxes));
    for (const b of boxes) this.observer.observe(b);
  }

  destroy(): void {
    this.observer?.disconnect();
    this.observer = null;
    for (const p of this.plots) p.destroy();
    this.plots = [];
  }

  private resize(boxes: HTMLElement[]): void {
    this.plots.forEach((p, i) => {
      const w = Math.floor(boxes[i]?.clientWidth ?? 0);
      if (w > 0 && Math.abs(w - p.width) > 2) p.setSize({ width: w, height: HEIGHT });
    });
  }

  private plot(spec: ChartSpec, data: AlignedSeries, spans: [number, number][], box: HTMLElement): uPlot {
    const unit = (key: AdminKey) => (v: number) => ta(key, { n: num(v, 1) });
    const series: uPlot.Series[] = [
      { label: ta("charts.time"), value: (_u, v) => (v === null ? "—" : clock(v)) },
      ...spec.lines.map((l) => ({
        label: `${ta(l.what)}: ${directionLabel(l.direction)}`,
        stroke: COLORS[l.direction],
        width: 2,
        dash: l.dashed ? [6, 4] : undefined,
        scale: l.right ? "right" : "y",
        spanGaps: true,
        points: { show: data.t.length < 60, size: 4 },
        value: (_u: uPlot, v: number | null) => (v === null ? "—" : unit(l.right && spec.rightUnit ? spec.rightUnit : spec.unit)(v)),
      })),
    ];
    const axes: uPlot.Axis[] = [
      { values: (_u, splits) => splits.map((s) => clock(s)) },
      { scale: "y", size: 56, values: (_u, splits) => splits.map((s) => num(s, 1)) },
    ];
    const scales: uPlot.Scales = { x: { time: false }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(max, spec.mark ? spec.mark * 1.5 : 1)] } };
    if (spec.rightUnit) {
      scales.right = { range: (_u, min, max) => [Math.min(0, min), Math.max(max, 1)] };
      axes.push({ scale: "right", side: 1, size: 48, grid: { show: false }, values: (_u, splits) => splits.map((s) => num(s, 1)) });
    }
    const mark = spec.mark;
    const opts: uPlot.Options = {
      width: Math.max(280, Math.floor(box.clientWidth || 600)),
      height: HEIGHT,
      scales,
      axes,
      series,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      hooks: {
        drawClear: [
          (u: uPlot) => {
            const ctx = u.ctx;
            const { left, top, width, height } = u.bbox;
            ctx.save();
            ctx.fillStyle = SHADE;
            for (const [a, b] of spans) {
              const x0 = Math.max(left, u.valToPos(a, "x", true));
              const x1 = Math.min(left + width, u.valToPos(b, "x", true));
              if (x1 > x0) ctx.fillRect(x0, top, x1 - x0, height);
            }
            ctx.restore();
          },
        ],
        draw: [
          (u: uPlot) => {
            if (mark === undefined) return;
            const y = u.valToPos(mark, "y", true);
            const { left, top, width, height } = u.bbox;
            if (y < top || y > top + height) return;
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = "rgba(220, 38, 38, 0.7)";
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1;
            ctx.beginPath();
            ctx.moveTo(left, y);
            ctx.lineTo(left + width, y);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
    const aligned: uPlot.AlignedData = [data.t, ...spec.lines.map((l) => data.values(l.direction, l.field))];
    return new uPlot(opts, aligned, box);
  }
}

// The metrics summary of a call (`metrics-summary`): the quality verdict
// with its reasons, how long each step took, who ended it and why,
// reconnects, each direction's bitrate / loss / jitter / picture / frame
// rate, round trips, the client's device. Also the quality badge the list
// and the page share.

import { el, type Child } from "@shared/dom";
import type { CallMetricsSummary, DirectionMetrics, Quality } from "@shared/protocol";
import { DIRECTIONS } from "./metricsmodel";
import { ta, type AdminKey } from "./messages";
import { deviceText, directionLabel, endedByLabel, issueLabel, num, range, seconds, duration, when } from "./reportlabels";

/** The rating as a coloured badge (`data-rating`) and the reasons in short words. */
export function qualityBadge(q: Quality | undefined, withIssues = true): HTMLElement {
  const rating = q?.rating ?? "unknown";
  const badge = el("span", { class: "quality-badge", testid: "quality-badge", text: ta(`quality.${rating}`) });
  badge.dataset.rating = rating;
  const issues = withIssues ? (q?.issues ?? []) : [];
  const root = el("span", { class: "quality" }, [
    badge,
    issues.length ? el("span", { class: "quality-issues small", testid: "quality-issues", text: issues.map(issueLabel).join(", ") }) : null,
  ]);
  root.dataset.rating = rating;
  return root;
}

/** A `<dl>` of label → value pairs (values `—` when missing). */
function facts(pairs: readonly (readonly [AdminKey, Child, string?])[]): HTMLElement {
  return el(
    "dl",
    { class: "facts" },
    pairs.map(([label, value, testid]) => el("div", { class: "fact", testid }, [el("dt", { text: ta(label) }), el("dd", {}, [value ?? "—"])])),
  );
}

function resolution(d: DirectionMetrics): string {
  const h = d.video.height;
  if (!h) return "—";
  const main = ta("metrics.resolution", { main: ta("unit.p", { n: num(h.avg) }), min: num(h.min), max: num(h.max) });
  const w = d.video.width;
  return w ? `${main} · ${ta("metrics.width", { n: num(w) })}` : main;
}

function directions(m: CallMetricsSummary): HTMLElement {
  const rows: [AdminKey, (d: DirectionMetrics) => string, string][] = [
    ["metrics.videoBitrate", (d) => range(d.video.bitrate_kbps, "unit.kbps"), "metrics-bitrate"],
    ["metrics.videoLoss", (d) => range(d.video.loss_pct, "unit.pct", 1), "metrics-video-loss"],
    ["metrics.audioBitrate", (d) => range(d.audio.bitrate_kbps, "unit.kbps"), "metrics-audio-bitrate"],
    ["metrics.audioLoss", (d) => range(d.audio.loss_pct, "unit.pct", 1), "metrics-audio-loss"],
    ["metrics.jitter", (d) => range(d.video.jitter_ms ?? d.audio.jitter_ms, "unit.ms"), "metrics-jitter"],
    ["metrics.resolutionLabel", resolution, "metrics-resolution"],
    ["metrics.fps", (d) => range(d.video.fps, "unit.fps"), "metrics-fps"],
  ];
  return el("div", { class: "table-wrap" }, [
    el("table", { class: "list metrics-table", testid: "metrics-directions" }, [
      el("thead", {}, [el("tr", {}, [el("th", { attrs: { scope: "col" } }), ...DIRECTIONS.map((d) => el("th", { text: directionLabel(d), attrs: { scope: "col" } }))])]),
      el(
        "tbody",
        {},
        rows.map(([label, value, testid]) =>
          el("tr", {}, [
            el("th", { text: ta(label), attrs: { scope: "row" } }),
            ...DIRECTIONS.map((d) => {
              const td = el("td", { testid, text: value(m[d]) });
              td.dataset.direction = d;
              return td;
            }),
          ]),
        ),
      ),
    ]),
  ]);
}

/** The server's own words when nobody gave a reason ("ended by the agent"): the "by whom" says it already. */
function isDefaultReason(reason: string): boolean {
  return /^ended by the (agent|client|supervisor|system)$/i.test(reason.trim());
}

/** The summary's body (put into the `metrics-summary` card). */
export function metricsSummary(m: CallMetricsSummary): Child[] {
  const t = m.timing;
  const q = m.quality;
  const ended = m.ended_by ? (m.end_reason && !isDefaultReason(m.end_reason) ? ta("metrics.endedWhy", { by: endedByLabel(m.ended_by), reason: m.end_reason }) : endedByLabel(m.ended_by)) : "—";
  const verdict = el("div", { class: "verdict", testid: "metrics-verdict" }, [
    qualityBadge(q, false),
    el("span", { class: "muted small", text: q.issues.length ? ta("metrics.because", { issues: q.issues.map(issueLabel).join(", ") }) : ta(`metrics.verdict.${q.rating}`) }),
  ]);
  verdict.dataset.rating = q.rating;
  return [
    verdict,
    el("h3", { text: ta("metrics.timing") }),
    facts([
      ["metrics.linkSent", when(t.link_sent_at), "metrics-link-sent"],
      ["metrics.toOpened", seconds(t.to_link_opened_s), "metrics-to-opened"],
      ["metrics.toJoined", seconds(t.to_joined_s), "metrics-to-joined"],
      ["metrics.toConnected", seconds(t.to_connected_s), "metrics-to-connected"],
      ["metrics.waiting", seconds(t.waiting_s), "metrics-waiting"],
      ["metrics.talk", duration(t.talk_s), "metrics-talk"],
      ["metrics.endedBy", ended, "metrics-ended-by"],
      ["metrics.reconnects", ta("metrics.reconnectsValue", { agent: m.reconnects.agent, client: m.reconnects.client }), "metrics-reconnects"],
    ]),
    el("h3", { text: ta("metrics.media") }),
    directions(m),
    facts([
      ["metrics.rttAgent", range(m.agent_rtt_ms, "unit.ms"), "metrics-rtt-agent"],
      ["metrics.rttClient", range(m.client_rtt_ms, "unit.ms"), "metrics-rtt-client"],
      ["metrics.device", deviceText(m.device), "metrics-device"],
      ["metrics.activity", ta("metrics.activityValue", { chat: m.chat_messages, files: m.files, screenshots: m.screenshots }), "metrics-activity"],
      ["metrics.samples", String(m.samples), "metrics-samples"],
      ["metrics.computed", when(m.computed_at), "metrics-computed"],
    ]),
  ];
}

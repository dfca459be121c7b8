// Wire values of the reports in words (ru/en), and numbers, times and
// durations in the viewer's language.

import { lang } from "@shared/i18n";
import { channelLabel, deliveryStatusLabel, failureReasonLabel, statusLabel } from "@shared/labels";
import type { ClientDevice, Direction, EndedBy, EventKind, FileKind, MinAvgMax, QualityIssue, QualityRating } from "@shared/protocol";
import { clock } from "./metricsmodel";
import { isAdminKey, scheduleStateLabel, ta, type AdminKey } from "./messages";

function keyed(key: string, fallback: string): string {
  return isAdminKey(key) ? ta(key) : fallback;
}

export function locale(): string {
  return lang() === "ru" ? "ru-RU" : "en-GB";
}

/** A number with at most `digits` decimals, in the viewer's language. */
export function num(n: number, digits = 0): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}

/** Date and time (seconds included). */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "short", timeStyle: "medium" }).format(d);
}

/** Only the time of day. */
export function timeOfDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return new Intl.DateTimeFormat(locale(), { timeStyle: "medium" }).format(d);
}

/** A duration in seconds: `02:15` (or `—`). */
export function duration(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined || !Number.isFinite(seconds) ? "—" : clock(seconds);
}

/** Seconds with one decimal: `3.4 s` / `3,4 с`. */
export function seconds(s: number | null | undefined): string {
  return s === null || s === undefined || !Number.isFinite(s) ? "—" : ta("unit.s", { n: num(s, 1) });
}

/** `min / avg / max` with a unit key. */
export function range(m: MinAvgMax | undefined, unit: AdminKey, digits = 0): string {
  if (!m) return "—";
  return ta("metrics.range", { avg: ta(unit, { n: num(m.avg, digits) }), min: num(m.min, digits), max: num(m.max, digits) });
}

export function qualityLabel(r: QualityRating): string {
  return keyed(`quality.${r}`, r);
}

export function issueLabel(i: QualityIssue): string {
  return keyed(`issue.${i}`, i);
}

export function directionLabel(d: Direction): string {
  return keyed(`direction.${d}`, d);
}

export function fileKindLabel(k: FileKind): string {
  return keyed(`fileKind.${k}`, k);
}

export function endedByLabel(b: EndedBy): string {
  return keyed(`endedBy.${b}`, b);
}

/** `Chrome 120 · Linux` plus "mobile" when it is. */
export function deviceText(d: ClientDevice | undefined): string {
  if (!d) return "—";
  const browser = [d.browser, d.browser_version?.split(".")[0]].filter(Boolean).join(" ");
  const os = [d.os, d.os_version].filter(Boolean).join(" ");
  const parts = [browser, os].filter(Boolean);
  if (d.mobile) parts.push(ta("device.mobile"));
  return parts.length ? parts.join(" · ") : d.user_agent || "—";
}

function partyLabel(p: string): string {
  return keyed(`party.${p}`, p);
}

/** One event of the interaction's log in words (`agent`: the interaction's agent, to name the creator). */
export function eventText(e: EventKind, agent: { id: string; name: string }): string {
  switch (e.type) {
    case "created":
      return e.by === agent.id ? ta("event.created", { by: agent.name }) : ta("event.createdByOther");
    case "status":
      return e.reason ? ta("event.statusWhy", { status: statusLabel(e.status), reason: e.reason }) : ta("event.status", { status: statusLabel(e.status) });
    case "link_opened":
      return ta("event.link_opened");
    case "consent_given":
      return ta("event.consent_given");
    case "link_renewed":
      return ta("event.link_renewed");
    case "presence":
      return ta(e.online ? "event.online" : "event.offline", { party: partyLabel(e.party) });
    case "media":
      return ta(e.connected ? "event.mediaUp" : "event.mediaDown", { party: partyLabel(e.party) });
    case "peer_media": {
      const on = (b: boolean): string => ta(b ? "event.on" : "event.off");
      return ta(e.screen ? "event.peerScreen" : "event.peerMedia", { party: partyLabel(e.party), audio: on(e.audio), video: on(e.video) });
    }
    case "settings":
      return ta("event.settings", { mode: keyed(`videoMode.${e.video_mode}`, e.video_mode), quality: e.max_quality });
    case "connect_timing":
      return ta("event.connect_timing", { s: num(e.ms / 1000, 1) });
    case "delivery": {
      const base = ta("event.delivery", { channel: channelLabel(e.channel), status: deliveryStatusLabel(e.status, e.channel) });
      return e.reason ? `${base}: ${failureReasonLabel(e.reason)}` : base;
    }
    case "requested":
      return ta("event.requested", { what: keyed(`request.${e.what}`, e.what) });
    case "request_answered":
      return ta("event.request_answered", { what: keyed(`request.${e.what}`, e.what), outcome: keyed(`outcome.${e.outcome}`, e.outcome) });
    case "recording_ready":
      return ta("event.recording_ready", { duration: duration(e.duration_s) });
    case "recording_failed":
      return ta("event.recording_failed", { reason: e.reason });
    case "file_deleted":
      return e.class === "recordings" ? ta("event.recordingDeleted") : ta("event.fileDeleted", { name: e.name });
    case "schedule":
      return ta("event.schedule", { state: scheduleStateLabel(e.state), at: when(e.at) });
    case "reminder":
      return ta("event.reminder");
    case "ended":
      return e.reason ? ta("event.endedWhy", { by: endedByLabel(e.by), reason: e.reason }) : ta("event.ended", { by: endedByLabel(e.by) });
  }
}

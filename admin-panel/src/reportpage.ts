// One interaction's page (`#/reports/<id>`): who, when and how it went, the
// metrics summary and quality charts (vc-stat), the timeline, the chat,
// files and screenshots, locations, survey answers, the recording and the
// custom fields. Reached from a Reports row or by its URL (reload-safe).

import { api, ApiError } from "@shared/api";
import { el, replaceChildren } from "@shared/dom";
import { isFinished, statusLabel } from "@shared/labels";
import type { CallMetrics, CallMetricsSummary, ChatHistory, ChatMessage, CustomFieldDef, CustomFieldsSettings, FileInfo, Interaction } from "@shared/protocol";
import { QualityCharts } from "./charts";
import { errorText } from "./errors";
import * as history from "./history";
import { ta } from "./messages";
import { metricsSummary, qualityBadge } from "./metricsview";
import { duration, when } from "./reportlabels";
import { button, StatusLine } from "./ui";

const enc = encodeURIComponent;

/** What the metrics endpoint said: the series, "not yet", or unavailable (with why). */
type MetricsAnswer = { kind: "ready"; metrics: CallMetrics } | { kind: "not_ready" } | { kind: "error"; error: unknown };

async function readMetrics(id: string): Promise<MetricsAnswer> {
  try {
    return { kind: "ready", metrics: await api<CallMetrics>("GET", `/api/interactions/${enc(id)}/metrics`) };
  } catch (err) {
    if (err instanceof ApiError && (err.code === "metrics_not_ready" || err.status === 409)) return { kind: "not_ready" };
    return { kind: "error", error: err };
  }
}

/** `null` when the read failed (the block says it could not be read). */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch {
    return null;
  }
}

/** The client in a line: name, else phone, e-mail, Telegram. */
export function clientName(i: Pick<Interaction, "client_name" | "client_phone" | "client_email" | "client_telegram">): string {
  return i.client_name ?? i.client_phone ?? i.client_email ?? i.client_telegram ?? ta("reports.noClient");
}

export class InteractionPage {
  readonly root: HTMLElement;
  private readonly body = el("div", { class: "report-page-body" });
  private readonly status = new StatusLine("interaction-page-status");
  private readonly charts = new QualityCharts();
  private readonly summary = el("section", { class: "card", testid: "metrics-summary" });
  private readonly blobs = new history.Blobs();
  private closed = false;

  constructor(readonly id: string) {
    const back = el("a", { class: "back-link", testid: "report-back", text: ta("reports.back"), attrs: { href: "#reports" } });
    this.root = el("article", { class: "section report-page", testid: "interaction-page" }, [back, this.status.root, this.body]);
    this.root.dataset.id = id;
  }

  async load(): Promise<void> {
    let i: Interaction;
    try {
      i = await api<Interaction>("GET", `/api/interactions/${enc(this.id)}`);
    } catch (err) {
      if (this.closed) return;
      replaceChildren(this.body, [el("p", { class: "notice", testid: "interaction-error", text: errorText(err) })]);
      this.root.dataset.loaded = "error";
      return;
    }
    const [chat, files, fields, metrics] = await Promise.all([
      orNull(api<ChatHistory>("GET", `/api/interactions/${enc(this.id)}/messages`)),
      orNull(api<FileInfo[]>("GET", `/api/interactions/${enc(this.id)}/files`)),
      orNull(api<CustomFieldsSettings>("GET", "/api/settings/custom-fields")),
      isFinished(i.status) ? readMetrics(this.id) : Promise.resolve<MetricsAnswer>({ kind: "not_ready" }),
    ]);
    if (this.closed) return;
    this.render(i, chat?.items ?? null, files, fields?.fields ?? [], metrics);
    this.root.dataset.loaded = "true";
  }

  close(): void {
    this.closed = true;
    this.charts.destroy();
    this.blobs.revoke();
  }

  private header(i: Interaction, m: CallMetricsSummary | undefined): HTMLElement {
    const talk = m?.timing.talk_s ?? (i.started_at && i.ended_at ? (Date.parse(i.ended_at) - Date.parse(i.started_at)) / 1000 : undefined);
    const contacts = [i.client_phone, i.client_email, i.client_telegram].filter((x): x is string => !!x).join(" · ");
    const state = el("span", { class: "state", testid: "interaction-state", text: statusLabel(i.status) });
    state.dataset.state = i.status;
    const fact = (label: Parameters<typeof ta>[0], value: string | HTMLElement, testid?: string): HTMLElement =>
      el("div", { class: "fact", testid }, [el("dt", { text: ta(label) }), el("dd", {}, [value])]);
    return el("header", { class: "card report-head" }, [
      el("h1", { testid: "interaction-client", text: clientName(i) }),
      contacts ? el("p", { class: "muted", text: contacts }) : null,
      el("dl", { class: "facts" }, [
        fact("reports.agent", i.agent_name, "interaction-agent"),
        fact("reports.status", state),
        fact("reports.quality", qualityBadge(m?.quality)),
        fact("reports.created", when(i.created_at), "interaction-created"),
        fact("reports.started", when(i.started_at), "interaction-started"),
        fact("reports.ended", when(i.ended_at), "interaction-ended"),
        fact("reports.talk", duration(talk), "interaction-talk"),
        fact("reports.mode", ta(`videoMode.${i.video_mode}`)),
      ]),
    ]);
  }

  private render(i: Interaction, chat: ChatMessage[] | null, files: FileInfo[] | null, defs: CustomFieldDef[], metrics: MetricsAnswer): void {
    const m = metrics.kind === "ready" ? metrics.metrics.summary : i.metrics;
    replaceChildren(this.body, [
      this.header(i, m),
      this.summary,
      this.charts.root,
      el("div", { class: "history-grid" }, [
        history.timeline(i),
        history.chat(chat, this.status),
        history.files(files, this.blobs, this.status),
        history.locations(i.locations),
        history.survey(i.survey),
        history.recording(i.recording, i.record, this.blobs, this.status),
        history.customFields(i.custom_fields, defs),
      ]),
    ]);
    this.renderMetrics(i, m, metrics);
  }

  private renderMetrics(i: Interaction, m: CallMetricsSummary | undefined, answer: MetricsAnswer): void {
    const title = el("h2", { text: ta("metrics.title") });
    if (m) {
      this.summary.dataset.state = "ready";
      replaceChildren(this.summary, [title, ...metricsSummary(m)]);
    } else {
      const why = !isFinished(i.status) ? ta("metrics.callNotOver") : answer.kind === "error" ? errorText(answer.error) : ta("metrics.notReady");
      this.summary.dataset.state = isFinished(i.status) ? "pending" : "not_over";
      const refresh = button(ta("metrics.refresh"), "metrics-refresh", "plain", true);
      refresh.addEventListener("click", () => {
        refresh.disabled = true;
        void this.reloadMetrics(i).finally(() => {
          refresh.disabled = false;
        });
      });
      replaceChildren(this.summary, [title, el("p", { class: "muted", testid: "metrics-not-ready", text: why }), isFinished(i.status) ? refresh : null]);
    }
    if (answer.kind === "ready") {
      this.charts.root.dataset.state = "ready";
      // The charts measure their box: draw once the page is laid out.
      requestAnimationFrame(() => {
        if (!this.closed) this.charts.render(answer.metrics.series);
      });
    } else {
      this.charts.destroy();
      this.charts.root.dataset.state = answer.kind === "not_ready" ? "not_ready" : "error";
      const why = answer.kind === "error" && m ? ta("charts.unavailable") : !isFinished(i.status) ? ta("metrics.callNotOver") : ta("metrics.notReady");
      replaceChildren(this.charts.root, [el("h2", { text: ta("charts.title") }), el("p", { class: "muted", testid: "charts-not-ready", text: why })]);
    }
  }

  private async reloadMetrics(before: Interaction): Promise<void> {
    let i = before;
    try {
      i = await api<Interaction>("GET", `/api/interactions/${enc(this.id)}`);
    } catch (err) {
      this.status.failed(err);
      return;
    }
    const answer = isFinished(i.status) ? await readMetrics(this.id) : ({ kind: "not_ready" } as const);
    if (this.closed) return;
    this.renderMetrics(i, answer.kind === "ready" ? answer.metrics.summary : i.metrics, answer);
  }
}

// Storage (admin): usage per class and free disk space, how long each class
// is kept and when the cleanup runs, a dry run, a cleanup now, the log.

import { api } from "@shared/api";
import { humanSize } from "@shared/chat/text";
import { el, field, replaceChildren, setText, show } from "@shared/dom";
import { lang } from "@shared/i18n";
import type { CleanupLog, CleanupReport, CleanupRequest, RetentionSettings, StorageClass, StorageUsage } from "@shared/protocol";
import { browserZone, formatInZone } from "@shared/zones";
import { storageClassLabel, ta } from "./messages";
import { query } from "./rest";
import type { Section } from "./section";
import { busy, button, cell, confirmAction, heading, input, Pager, StatusLine, table } from "./ui";
import { isCron5, parseDays } from "./validate";

const CLASSES: readonly StorageClass[] = ["chat_files", "screenshots", "recordings"];
const LOG_PAGE = 10;

function size(bytes: number): string {
  return humanSize(bytes, lang());
}

function when(iso: string | undefined): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : formatInZone(t, browserZone(), lang());
}

export class StorageSection implements Section {
  readonly root: HTMLElement;
  private readonly usage = table("storage-usage", [ta("storage.class"), ta("storage.files"), ta("storage.size")]);
  private readonly disk = el("p", { testid: "storage-disk" });
  private readonly bar = el("progress", { class: "disk-bar", testid: "storage-disk-bar", attrs: { max: "100" } });
  private readonly usageStatus = new StatusLine("storage-status");
  private readonly days = new Map<StorageClass, HTMLInputElement>();
  private readonly cron = input("retention-schedule", { spellcheck: "false", autocapitalize: "none", placeholder: "0 3 * * *" });
  private readonly nextRun = el("p", { class: "muted small", testid: "retention-next-run" });
  private readonly saveRetention = button(ta("action.save"), "retention-save", "primary");
  private readonly retentionStatus = new StatusLine("retention-status");
  private readonly dryRun = button(ta("storage.dryRun"), "cleanup-dry-run");
  private readonly runNow = button(ta("storage.runNow"), "cleanup-run", "danger");
  private readonly cleanupStatus = new StatusLine("cleanup-status");
  private readonly result = el("div", { class: "cleanup-result", testid: "cleanup-result", hidden: true });
  private readonly log = table("cleanup-log", [ta("storage.logWhen"), ta("storage.logKind"), ta("storage.files"), ta("storage.size")]);
  private readonly logPager = new Pager("cleanup-log", LOG_PAGE, () => void this.loadLog());

  constructor() {
    const dayFields = CLASSES.map((c) => {
      const n = input(`retention-${c}`, { type: "number", min: "1", max: "36500", step: "1", placeholder: ta("storage.forever") });
      this.days.set(c, n);
      return field(ta("storage.keepDays", { what: storageClassLabel(c) }), n);
    });
    this.saveRetention.type = "submit";
    const retention = el("form", { class: "card form", testid: "retention", attrs: { novalidate: true } }, [
      el("h2", { text: ta("storage.retention") }),
      el("p", { class: "muted small", text: ta("storage.retentionHelp") }),
      el("div", { class: "row" }, dayFields),
      field(ta("storage.cron"), this.cron),
      el("p", { class: "muted small", text: ta("storage.cronHelp") }),
      this.nextRun,
      this.retentionStatus.root,
      el("div", { class: "actions" }, [this.saveRetention]),
    ]);
    retention.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submitRetention();
    });
    this.dryRun.addEventListener("click", () => void this.cleanup(true));
    this.runNow.addEventListener("click", () => void this.cleanup(false));
    this.root = el("section", { class: "section", testid: "storage" }, [
      heading(ta("nav.storage")),
      el("section", { class: "card" }, [el("h2", { text: ta("storage.usage") }), this.usageStatus.root, this.usage.root, this.bar, this.disk]),
      retention,
      el("section", { class: "card" }, [
        el("h2", { text: ta("storage.cleanup") }),
        el("div", { class: "actions start" }, [this.dryRun, this.runNow]),
        this.cleanupStatus.root,
        this.result,
        el("h3", { text: ta("storage.log") }),
        this.log.root,
        this.logPager.root,
      ]),
    ]);
  }

  async load(): Promise<void> {
    await Promise.all([this.loadUsage(), this.loadRetention(), this.loadLog()]);
  }

  private async loadUsage(): Promise<void> {
    let u: StorageUsage;
    try {
      u = await api<StorageUsage>("GET", "/api/storage");
    } catch (err) {
      this.usageStatus.failed(err);
      return;
    }
    this.usageStatus.clear();
    const rows = CLASSES.map((c) => {
      const x = u.usage.find((r) => r.class === c) ?? { class: c, files: 0, bytes: 0 };
      const tr = el("tr", { testid: "usage-row" }, [cell(storageClassLabel(c)), cell(String(x.files)), cell(el("span", { testid: "usage-size", text: size(x.bytes) }))]);
      tr.dataset.class = c;
      tr.dataset.bytes = String(x.bytes);
      tr.dataset.files = String(x.files);
      return tr;
    });
    const total = u.usage.reduce((s, r) => s + r.bytes, 0);
    const totalRow = el("tr", { class: "total", testid: "usage-total" }, [cell(ta("storage.total")), cell(String(u.usage.reduce((s, r) => s + r.files, 0))), cell(size(total))]);
    replaceChildren(this.usage.body, [...rows, totalRow]);
    const used = u.disk_total_bytes - u.disk_free_bytes;
    this.bar.value = u.disk_total_bytes > 0 ? Math.round((used / u.disk_total_bytes) * 100) : 0;
    let text = ta("storage.disk", { free: size(u.disk_free_bytes), total: size(u.disk_total_bytes) });
    if (u.quota_bytes !== undefined) text += ` ${ta("storage.quota", { quota: size(u.quota_bytes) })}`;
    setText(this.disk, text);
    this.disk.dataset.free = String(u.disk_free_bytes);
    this.root.dataset.loaded = "true";
  }

  private async loadRetention(): Promise<void> {
    try {
      this.fillRetention(await api<RetentionSettings>("GET", "/api/storage/retention"));
    } catch (err) {
      this.retentionStatus.failed(err);
    }
  }

  private fillRetention(r: RetentionSettings): void {
    const values: Record<StorageClass, number | null> = { chat_files: r.chat_files_days, screenshots: r.screenshots_days, recordings: r.recordings_days };
    for (const c of CLASSES) {
      const n = this.days.get(c);
      const v = values[c];
      if (n) n.value = v === null ? "" : String(v);
    }
    this.cron.value = r.schedule;
    setText(this.nextRun, r.next_run ? ta("storage.nextRun", { time: when(r.next_run) }) : "");
    if (r.next_run) this.nextRun.dataset.at = r.next_run;
  }

  private submitRetention(): void {
    const parsed: Partial<Record<StorageClass, number | null>> = {};
    for (const c of CLASSES) {
      const n = this.days.get(c);
      const v = parseDays(n?.value ?? "");
      if (v === "invalid") {
        this.retentionStatus.error(ta("storage.badDays", { what: storageClassLabel(c) }));
        n?.focus();
        return;
      }
      parsed[c] = v;
    }
    const schedule = this.cron.value.trim().replace(/\s+/g, " ");
    if (!isCron5(schedule)) {
      this.retentionStatus.error(ta("storage.badCron"));
      this.cron.focus();
      return;
    }
    const body: RetentionSettings = {
      chat_files_days: parsed.chat_files ?? null,
      screenshots_days: parsed.screenshots ?? null,
      recordings_days: parsed.recordings ?? null,
      schedule,
    };
    void busy(
      this.saveRetention,
      this.retentionStatus,
      async () => {
        const saved = await api<RetentionSettings | undefined>("PUT", "/api/storage/retention", body);
        if (saved) this.fillRetention(saved);
        else await this.loadRetention();
      },
      ta("storage.saved"),
    );
  }

  private async cleanup(dry: boolean): Promise<void> {
    if (!dry && !(await confirmAction(ta("storage.runConfirm"), ta("storage.runNow")))) return;
    const body: CleanupRequest = { dry_run: dry };
    const other = dry ? this.runNow : this.dryRun;
    other.disabled = true;
    try {
      await busy(dry ? this.dryRun : this.runNow, this.cleanupStatus, async () => {
        const report = await api<CleanupReport>("POST", "/api/storage/cleanup", body);
        this.showReport(report);
        this.logPager.offset = 0;
        await Promise.all([dry ? Promise.resolve() : this.loadUsage(), this.loadLog()]);
      });
    } finally {
      other.disabled = false;
    }
  }

  private showReport(r: CleanupReport): void {
    const summary = r.dry_run
      ? r.files === 0
        ? ta("storage.dryNothing")
        : ta("storage.dryWould", { n: r.files, size: size(r.bytes) })
      : ta("storage.deleted", { n: r.files, size: size(r.bytes) });
    this.cleanupStatus.ok(summary);
    const items = table("cleanup-items", [ta("storage.file"), ta("storage.class"), ta("storage.size"), ta("storage.created")]);
    replaceChildren(
      items.body,
      r.items.map((it) => {
        const tr = el("tr", { testid: "cleanup-item" }, [cell(it.name), cell(storageClassLabel(it.class)), cell(size(it.size)), cell(when(it.created_at))]);
        tr.dataset.fileId = it.file_id;
        tr.dataset.class = it.class;
        return tr;
      }),
    );
    show(items.empty, r.items.length === 0);
    const more = r.files > r.items.length ? el("p", { class: "muted small", text: ta("storage.more", { n: r.files - r.items.length }) }) : null;
    replaceChildren(this.result, [items.root, more]);
    this.result.dataset.dryRun = String(r.dry_run);
    this.result.dataset.files = String(r.files);
    show(this.result, true);
  }

  private async loadLog(): Promise<void> {
    let log: CleanupLog;
    try {
      log = await api<CleanupLog>("GET", `/api/storage/cleanup/log${query({ limit: LOG_PAGE, offset: this.logPager.offset })}`);
    } catch (err) {
      this.cleanupStatus.failed(err);
      return;
    }
    replaceChildren(
      this.log.body,
      log.items.map((r) => {
        const kind = `${r.dry_run ? ta("storage.kindDry") : ta("storage.kindReal")} · ${r.trigger === "schedule" ? ta("storage.bySchedule") : ta("storage.byHand")}`;
        const tr = el("tr", { testid: "cleanup-log-row" }, [cell(when(r.started_at)), cell(kind), cell(String(r.files)), cell(size(r.bytes))]);
        tr.dataset.dryRun = String(r.dry_run);
        tr.dataset.trigger = r.trigger;
        return tr;
      }),
    );
    show(this.log.empty, log.items.length === 0);
    this.logPager.update(log.items.length, log.total);
  }
}

// The interaction panel's "Recording" section (for interactions with
// `record: true`), live and for history: the "● REC" badge on the video
// during the call, "being processed" after it (reading the interaction every
// few seconds until `recording` is there or a `recording_failed` event
// says why not), then a player with duration and size and a download.
//
// The file (`GET /api/files/{id}`) needs the bearer header, which a
// `<video src>` cannot send, so it is fetched with the shared download helper
// into a Blob and played from an object URL. Recordings up to
// AUTO_LOAD_MAX_BYTES (a normal call is tens of MB) are loaded as soon as the
// section shows them; a larger one waits until the agent presses "Load",
// play or "Download". The object URL is revoked, and a running download
// aborted, when the panel closes or shows another interaction.

import { api, ApiError } from "@shared/api";
import type { CallView } from "@shared/callview";
import { humanSize } from "@shared/chat/text";
import { type ChatAuth, downloadFile, saveBlob } from "@shared/chat/transfer";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { lang, t } from "@shared/i18n";
import type { Interaction, InteractionEvent, RecordingInfo } from "@shared/protocol";
import {
  autoLoad,
  formatDuration,
  percentOf,
  pollDelay,
  RecordingModel,
  recordingFileName,
  recordingMime,
  type RecordingView,
} from "./recordingmodel";

type Purpose = "play" | "download";

export class RecordingBox {
  readonly root: HTMLElement;
  private readonly model: RecordingModel;
  private readonly statusEl: HTMLElement;
  private readonly readyEl: HTMLElement;
  private readonly player: HTMLVideoElement;
  private readonly durationEl: HTMLElement;
  private readonly sizeEl: HTMLElement;
  private readonly startedEl: HTMLElement;
  private readonly audioOnlyEl: HTMLElement;
  private readonly partialEl: HTMLElement;
  private readonly loadButton: HTMLButtonElement;
  private readonly downloadButton: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressText: HTMLElement;
  private readonly error: HTMLElement;

  private started = false;
  private disposed = false;
  /** Reading the interaction stopped after an answer that will not change (403, 404). */
  private gaveUp = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reading = false;
  private attempt = 0;

  /** The recording the player is set up for. */
  private info: RecordingInfo | null = null;
  private blob: Blob | null = null;
  private url: string | null = null;
  private loading: Promise<Blob | null> | null = null;
  private aborter = new AbortController();

  constructor(
    private readonly interactionId: string,
    interaction: Interaction,
    private readonly view: CallView,
    private readonly auth: ChatAuth,
  ) {
    this.model = new RecordingModel(interaction, Date.now());

    this.statusEl = el("p", { class: "recording-status", testid: "recording-status", attrs: { role: "status", "aria-live": "polite" } });
    this.player = el("video", {
      class: "recording-player",
      testid: "recording-player",
      attrs: { controls: true, playsinline: true, preload: "metadata", "aria-label": t("recording.player") },
    });
    this.player.playsInline = true;
    // Play pressed before the file is here: fetch it, then play.
    this.player.addEventListener("play", () => {
      if (!this.url) void this.load("play").then((blob) => blob && this.player.play().catch(() => undefined));
    });
    this.durationEl = el("span", { class: "recording-duration", testid: "recording-duration" });
    this.sizeEl = el("span", { class: "recording-size", testid: "recording-size" });
    this.startedEl = el("span", { class: "recording-started muted" });
    this.audioOnlyEl = el("p", { class: "muted recording-note", testid: "recording-audio-only", text: t("recording.audioOnly"), hidden: true });
    this.partialEl = el("p", { class: "recording-note recording-partial", testid: "recording-partial", text: t("recording.partial"), hidden: true });
    this.loadButton = el("button", { class: "btn btn-small", testid: "recording-load", attrs: { type: "button" }, hidden: true });
    this.loadButton.addEventListener("click", () => void this.load("play"));
    this.downloadButton = el("button", {
      class: "btn btn-small",
      testid: "recording-download",
      text: t("recording.download"),
      attrs: { type: "button" },
    });
    this.downloadButton.addEventListener("click", () => void this.download());
    this.progress = el("progress", { class: "recording-progress", testid: "recording-progress", attrs: { max: "100", value: "0" }, hidden: true });
    this.progressText = el("span", { class: "muted", attrs: { "aria-live": "polite" }, hidden: true });
    this.error = el("p", { class: "error", testid: "recording-error", attrs: { role: "alert" }, hidden: true });

    this.readyEl = el("div", { class: "recording-ready", hidden: true }, [
      this.player,
      el("p", { class: "recording-meta" }, [this.durationEl, this.sizeEl, this.startedEl]),
      this.audioOnlyEl,
      this.partialEl,
      el("div", { class: "recording-actions" }, [this.loadButton, this.downloadButton, this.progress, this.progressText]),
    ]);
    this.root = el("section", { class: "card recording-box", testid: "recording", attrs: { "aria-labelledby": `recording-title-${interactionId}` } }, [
      el("h3", { class: "recording-title", text: t("recording.title"), attrs: { id: `recording-title-${interactionId}` } }),
      this.statusEl,
      this.readyEl,
      this.error,
    ]);
    this.render();
  }

  /** Starts reading the interaction while the recording is processed. */
  start(): void {
    this.started = true;
    this.schedule();
  }

  /** A fresh read of the interaction. */
  update(interaction: Interaction): void {
    this.model.applyInteraction(interaction, Date.now());
    this.refresh();
  }

  /** An event of the control channel (replayed or live). */
  applyEvent(event: InteractionEvent): void {
    this.model.applyEvent(event);
    this.refresh();
  }

  /** The call is over. */
  setFinished(): void {
    this.model.setFinished(Date.now());
    this.refresh();
  }

  /** The panel closes: no more reads, the download stops, the object URL goes. */
  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.view.setRecording(false);
    this.releaseFile();
  }

  private refresh(): void {
    if (this.disposed) return;
    this.render();
    this.schedule();
  }

  // ---- what it shows ----

  private render(): void {
    const v = this.model.view(Date.now());
    this.root.dataset.state = v.state;
    show(this.root, v.state !== "off");
    this.view.setRecording(v.state === "live");
    this.root.setAttribute("aria-busy", String(v.state === "processing"));
    this.statusEl.classList.toggle("error", v.state === "failed");
    setText(this.statusEl, statusText(v));
    show(this.statusEl, v.state !== "ready" && v.state !== "off");
    show(this.readyEl, v.state === "ready");
    if (v.state === "ready") this.showInfo(v.info);
  }

  private showInfo(info: RecordingInfo): void {
    if (this.info?.file_id === info.file_id) return;
    this.releaseFile();
    this.info = info;
    const size = humanSize(info.size, lang());
    setText(this.durationEl, t("recording.duration", { duration: formatDuration(info.duration_s) }));
    setText(this.sizeEl, t("recording.size", { size }));
    const started = new Date(info.started_at);
    const fmt = new Intl.DateTimeFormat(lang(), { dateStyle: "short", timeStyle: "short" });
    setText(this.startedEl, Number.isNaN(started.getTime()) ? "" : t("recording.startedAt", { time: fmt.format(started) }));
    show(this.audioOnlyEl, !info.has_video);
    show(this.partialEl, info.partial);
    this.player.classList.toggle("audio-only", !info.has_video);
    Object.assign(this.readyEl.dataset, {
      fileId: info.file_id,
      format: info.format,
      hasVideo: String(info.has_video),
      partial: String(info.partial),
      size: String(info.size),
      durationS: String(info.duration_s),
    });
    setText(this.loadButton, t("recording.load", { size }));
    show(this.loadButton, true);
    if (autoLoad(info)) void this.load("play");
  }

  // ---- the file ----

  /** Fetches the recording once (concurrent callers share it) and gives it to the player. */
  private load(purpose: Purpose): Promise<Blob | null> {
    const info = this.info;
    if (this.blob) return Promise.resolve(this.blob);
    if (!info || this.disposed) return Promise.resolve(null);
    if (this.loading) return this.loading;
    const signal = this.aborter.signal;
    this.loadButton.disabled = true;
    show(this.error, false);
    this.setProgress(purpose, 0);
    this.loading = (async () => {
      try {
        const blob = await downloadFile(
          { id: info.file_id, size: info.size, content_type: recordingMime(info.format) },
          this.auth,
          (loaded, total) => this.setProgress(purpose, percentOf(loaded, total)),
          signal,
        );
        if (signal.aborted || this.info !== info) return null;
        this.blob = blob;
        this.url = URL.createObjectURL(blob);
        this.player.src = this.url;
        this.player.dataset.loaded = "true";
        show(this.loadButton, false);
        return blob;
      } catch (err) {
        if (signal.aborted || this.info !== info) return null;
        setText(this.error, t("recording.loadFailed", { reason: errorText(err) }));
        show(this.error, true);
        this.loadButton.disabled = false;
        return null;
      } finally {
        if (!signal.aborted && this.info === info) {
          this.loading = null;
          show(this.progress, false);
          show(this.progressText, false);
        }
      }
    })();
    return this.loading;
  }

  private async download(): Promise<void> {
    const info = this.info;
    if (!info) return;
    this.downloadButton.disabled = true;
    try {
      const blob = await this.load("download");
      if (!blob || this.disposed || this.info !== info) return;
      saveBlob(blob, recordingFileName(this.interactionId, info));
      this.downloadButton.dataset.downloaded = "true";
    } finally {
      this.downloadButton.disabled = false;
    }
  }

  private setProgress(purpose: Purpose, percent: number): void {
    this.progress.value = percent;
    setText(this.progressText, t(purpose === "download" ? "recording.downloading" : "recording.loading", { percent }));
    show(this.progress, true);
    show(this.progressText, true);
  }

  /** Stops a download and lets the player's file go. */
  private releaseFile(): void {
    this.aborter.abort();
    this.aborter = new AbortController();
    this.loading = null;
    this.blob = null;
    this.info = null;
    if (this.url) {
      this.player.removeAttribute("src");
      this.player.load();
      URL.revokeObjectURL(this.url);
    }
    this.url = null;
    delete this.player.dataset.loaded;
    this.loadButton.disabled = false;
    show(this.progress, false);
    show(this.progressText, false);
  }

  // ---- reading the interaction while processing ----

  private schedule(): void {
    if (!this.started || this.disposed || this.gaveUp || this.reading || this.timer !== undefined) return;
    if (!this.model.waiting) return;
    const v = this.model.view(Date.now());
    const delay = this.model.readyUnread ? 0 : pollDelay(this.attempt++, v.state === "processing" && v.slow);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.read();
    }, delay);
  }

  private async read(): Promise<void> {
    if (this.disposed) return;
    this.reading = true;
    try {
      const i = await api<Interaction>("GET", `/api/interactions/${encodeURIComponent(this.interactionId)}`);
      if (this.disposed) return;
      this.model.applyInteraction(i, Date.now());
      if (!this.gaveUp) show(this.error, false);
    } catch (err) {
      if (this.disposed) return;
      if (!retryable(err)) {
        this.gaveUp = true;
        setText(this.error, t("recording.readFailed", { reason: errorText(err) }));
        show(this.error, true);
      }
    } finally {
      this.reading = false;
      this.refresh();
    }
  }
}

/** The status line of a state (`ready` and `off` have none). */
function statusText(v: RecordingView): string {
  switch (v.state) {
    case "live":
      return t("recording.live");
    case "processing":
      return v.slow ? `${t("recording.processing")} ${t("recording.slow")}` : t("recording.processing");
    case "failed":
      return t("recording.failed", { reason: v.reason });
    case "deleted": {
      const at = new Date(v.at);
      const when = Number.isNaN(at.getTime()) ? v.at : new Intl.DateTimeFormat(lang(), { dateStyle: "short", timeStyle: "short" }).format(at);
      return t("recording.deleted", { at: when });
    }
    default:
      return "";
  }
}

/** Network trouble, rate limits and server errors pass; a refusal does not. */
function retryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.status === 0 || err.status === 429 || err.status >= 500;
}

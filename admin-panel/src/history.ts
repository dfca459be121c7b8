// The record of one interaction on its report page: the event timeline, the
// chat, files and screenshots, locations, survey answers, the recording and
// the custom fields. Text from people goes in as text nodes only; files are
// fetched with the bearer header and shown from object URLs, which `Blobs`
// revokes when the page closes.

import { humanSize } from "@shared/chat/text";
import { saveBlob } from "@shared/chat/transfer";
import { el, replaceChildren, type Child } from "@shared/dom";
import { locationBlock } from "@shared/geo/locationview";
import { lang } from "@shared/i18n";
import type { ChatMessage, CustomFieldDef, CustomValue, FileInfo, Interaction, Location, RecordingInfo, SurveyResponse } from "@shared/protocol";
import { ta, type AdminKey } from "./messages";
import { duration, eventText, fileKindLabel, timeOfDay, when } from "./reportlabels";
import { getBlob } from "./rest";
import { button, type StatusLine } from "./ui";

const PICTURES: ReadonlySet<string> = new Set(["screenshot", "photo", "annotated"]);

function filePath(id: string): string {
  return `/api/files/${encodeURIComponent(id)}`;
}

/** Object URLs of one page, revoked together. */
export class Blobs {
  private urls: string[] = [];

  url(blob: Blob): string {
    const u = URL.createObjectURL(blob);
    this.urls.push(u);
    return u;
  }

  revoke(): void {
    for (const u of this.urls) URL.revokeObjectURL(u);
    this.urls = [];
  }
}

/** A card with a heading; `body` goes under it, or "nothing" when empty. */
export function block(testid: string, title: AdminKey, body: Child[], emptyText: AdminKey = "history.none"): HTMLElement {
  const has = body.some((c) => c !== null && c !== undefined && c !== false);
  const root = el("section", { class: "card history-block", testid }, [el("h2", { text: ta(title) }), ...(has ? body : [el("p", { class: "muted", text: ta(emptyText) })])]);
  root.dataset.count = String(body.filter(Boolean).length);
  return root;
}

/** A button that downloads a file with the bearer header (`data-downloaded` once saved). */
function downloadButton(id: string, name: string, status: StatusLine, testid = "history-download"): HTMLButtonElement {
  const b = button(ta("history.download"), testid, "plain", true);
  b.dataset.fileId = id;
  b.addEventListener("click", () => {
    if (b.disabled) return;
    b.disabled = true;
    void getBlob(filePath(id))
      .then(({ blob }) => {
        saveBlob(blob, name);
        b.dataset.downloaded = "true";
      })
      .catch((err: unknown) => status.failed(err))
      .finally(() => {
        b.disabled = false;
      });
  });
  return b;
}

// ---- timeline ----

export function timeline(i: Interaction): HTMLElement {
  const agent = { id: i.agent_id, name: i.agent_name };
  const items = [...i.events]
    .sort((a, b) => a.seq - b.seq)
    .map((e) => {
      const li = el("li", { class: "timeline-event", testid: "timeline-event" }, [
        el("time", { class: "muted", text: when(e.at), attrs: { datetime: e.at } }),
        el("span", { text: eventText(e.event, agent) }),
      ]);
      li.dataset.type = e.event.type;
      li.dataset.seq = String(e.seq);
      return li;
    });
  return block("timeline", "history.timeline", items.length ? [el("ol", { class: "timeline" }, items)] : []);
}

// ---- chat ----

function fileLine(f: FileInfo, status: StatusLine): HTMLElement {
  return el("div", { class: "history-attachment" }, [
    el("span", { class: "file-name", text: f.name }),
    el("span", { class: "muted small", text: humanSize(f.size, lang()) }),
    f.deleted_at ? deletedNote(f.deleted_at, "history-chat-deleted") : downloadButton(f.id, f.name, status, "history-chat-download"),
  ]);
}

/** In place of a download: the retention policy deleted the file. */
function deletedNote(at: string, testid: string): HTMLElement {
  return el("span", { class: "muted small", testid, text: ta("history.fileDeleted", { at: when(at) }) });
}

function locationLine(loc: Location): HTMLElement {
  return locationBlock(loc);
}

export function chat(messages: readonly ChatMessage[] | null, status: StatusLine): HTMLElement {
  if (messages === null) return block("history-chat", "history.chat", [], "history.unavailable");
  const items = [...messages]
    .sort((a, b) => a.seq - b.seq)
    .map((m) => {
      const li = el("li", { class: `history-message from-${m.from}`, testid: "history-message" }, [
        el("div", { class: "history-meta" }, [
          el("strong", { text: m.author ?? ta(m.from === "agent" ? "party.agent" : "party.client") }),
          el("time", { class: "muted small", text: timeOfDay(m.at), attrs: { datetime: m.at, title: when(m.at) } }),
        ]),
        m.text ? el("p", { class: "history-text", testid: "history-message-text", text: m.text }) : null,
        m.file ? fileLine(m.file, status) : null,
        m.location ? locationLine(m.location) : null,
      ]);
      li.dataset.from = m.from;
      li.dataset.seq = String(m.seq);
      return li;
    });
  return block("history-chat", "history.chat", items.length ? [el("ol", { class: "history-messages" }, items)] : []);
}

// ---- files ----

function thumbnail(f: FileInfo, blobs: Blobs): HTMLElement {
  const img = el("img", { class: "history-thumb", testid: "history-thumbnail", attrs: { alt: f.name } });
  img.dataset.loaded = "false";
  const path = f.thumbnail ? `${filePath(f.id)}/thumbnail` : filePath(f.id);
  void getBlob(path)
    .then(({ blob }) => {
      img.src = blobs.url(blob);
      img.dataset.loaded = "true";
    })
    .catch(() => {
      img.dataset.loaded = "error";
    });
  return img;
}

/** The badge of a file without a picture: its extension (`PDF`), else `FILE`. */
function extension(name: string): string {
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(name);
  return m?.[1] ? m[1].toUpperCase() : "FILE";
}

export function files(list: readonly FileInfo[] | null, blobs: Blobs, status: StatusLine): HTMLElement {
  if (list === null) return block("history-files", "history.files", [], "history.unavailable");
  const rows = list
    .filter((f) => f.kind !== "recording")
    .map((f) => {
      const picture = PICTURES.has(f.kind) && f.content_type.startsWith("image/");
      const li = el("li", { class: "history-file", testid: "history-file" }, [
        picture ? thumbnail(f, blobs) : el("span", { class: "history-file-icon", text: extension(f.name), attrs: { "aria-hidden": "true" } }),
        el("div", { class: "when" }, [
          el("span", { class: "file-name", testid: "history-file-name", text: f.name }),
          el("span", { class: "muted small", text: `${fileKindLabel(f.kind)} · ${humanSize(f.size, lang())} · ${when(f.created_at)}` }),
        ]),
        downloadButton(f.id, f.name, status),
      ]);
      li.dataset.fileId = f.id;
      li.dataset.kind = f.kind;
      li.dataset.size = String(f.size);
      return li;
    });
  return block("history-files", "history.files", rows.length ? [el("ul", { class: "history-file-list" }, rows)] : []);
}

// ---- locations ----

export function locations(list: readonly Location[]): HTMLElement {
  return block("history-locations", "history.locations", list.length ? [el("div", { class: "history-locations" }, list.map((l) => locationBlock(l)))] : []);
}

// ---- survey ----

export function survey(s: SurveyResponse | undefined): HTMLElement {
  if (!s) return block("history-survey", "history.survey", [], "history.noSurvey");
  const l = lang();
  const rows = s.answers.map((a) => {
    let answer = "—";
    if (a.rating !== undefined) answer = ta("history.rating", { n: a.rating });
    else if (a.choice) answer = a.choice[l] || a.choice.en;
    else if (a.text !== undefined) answer = a.text;
    const row = el("div", { class: "history-answer", testid: "survey-answer" }, [
      el("dt", { text: a.question[l] || a.question.en }),
      el("dd", { text: answer }),
    ]);
    row.dataset.questionId = a.question_id;
    row.dataset.kind = a.kind;
    return row;
  });
  return block("history-survey", "history.survey", [
    el("p", { class: "muted small", text: ta("history.surveyAt", { at: when(s.submitted_at) }) }),
    rows.length ? el("dl", { class: "history-answers" }, rows) : null,
  ]);
}

// ---- recording ----

export function recording(r: RecordingInfo | undefined, recorded: boolean, blobs: Blobs, status: StatusLine): HTMLElement {
  if (!r) return block("history-recording", "history.recording", [], recorded ? "history.recordingPending" : "history.notRecorded");
  const info = el("p", {}, [
    el("span", { testid: "history-recording-duration", text: ta("history.recordingInfo", { duration: duration(r.duration_s), size: humanSize(r.size, lang()), format: r.format }) }),
    r.partial ? el("span", { class: "muted small", text: ` ${ta("history.recordingPartial")}` }) : null,
    r.has_video ? null : el("span", { class: "muted small", text: ` ${ta("history.audioOnly")}` }),
  ]);
  if (r.deleted_at) {
    const gone = block("history-recording", "history.recording", [info, el("p", {}, [deletedNote(r.deleted_at, "history-recording-deleted")])]);
    gone.dataset.fileId = r.file_id;
    gone.dataset.state = "deleted";
    return gone;
  }
  const player = el("div", { class: "history-player" });
  const play = button(ta("history.play"), "history-recording-play", "plain", true);
  play.addEventListener("click", () => {
    play.disabled = true;
    void getBlob(filePath(r.file_id))
      .then(({ blob }) => {
        const video = el("video", { testid: "history-recording-player", attrs: { controls: true, preload: "metadata" } });
        video.src = blobs.url(blob);
        replaceChildren(player, [video]);
        play.hidden = true;
      })
      .catch((err: unknown) => {
        status.failed(err);
        play.disabled = false;
      });
  });
  const root = block("history-recording", "history.recording", [
    info,
    el("div", { class: "actions start" }, [play, downloadButton(r.file_id, `recording-${r.started_at.slice(0, 19).replace(/[:T]/g, "-")}.${r.format}`, status, "history-recording-download")]),
    player,
  ]);
  root.dataset.fileId = r.file_id;
  root.dataset.duration = String(r.duration_s);
  root.dataset.state = "stored";
  return root;
}

// ---- custom fields ----

export function customFields(values: Readonly<Record<string, CustomValue>>, defs: readonly CustomFieldDef[]): HTMLElement {
  const l = lang();
  const keys = Object.keys(values);
  // The admins' order first, then values of fields removed since.
  const ordered = [...defs.map((d) => d.key).filter((k) => keys.includes(k)), ...keys.filter((k) => !defs.some((d) => d.key === k))];
  const rows = ordered.map((k) => {
    const def = defs.find((d) => d.key === k);
    const row = el("div", { class: "history-answer", testid: "history-field" }, [el("dt", { text: def ? def.label[l] || def.label.en || k : k }), el("dd", { text: String(values[k] ?? "") })]);
    row.dataset.key = k;
    return row;
  });
  return block("history-fields", "history.fields", rows.length ? [el("dl", { class: "history-answers" }, rows)] : []);
}

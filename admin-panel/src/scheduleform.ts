// Booking a call (supervisors: for an agent of their teams; admins: for any
// agent): the client's contacts, the date and time in the client's time
// zone (the browser's by default), how and when the link goes out.

import { api } from "@shared/api";
import { el, field, setText } from "@shared/dom";
import { lang } from "@shared/i18n";
import { channelLabel } from "@shared/labels";
import type { Channel, CreateScheduleRequest, Interaction, Language, User } from "@shared/protocol";
import { browserZone, formatInZone, instantToWall, isZone, wallToInstant, zoneChoices } from "@shared/zones";
import { ta } from "./messages";
import { busy, button, input, options, selectBox, StatusLine } from "./ui";

export const CHANNELS: readonly Channel[] = ["sms", "telegram", "email", "webhook"];

/** A `<select>` of IANA zones with `zone` chosen (added when the runtime's list lacks it). */
export function zoneSelect(testid: string, zone: string): HTMLSelectElement {
  return selectBox(testid, ta("schedule.zone"), zoneChoices([zone]).map((z) => [z, z] as const), zone);
}

/** Which contact a channel needs; null when any will do. */
export function contactFor(channel: Channel): "phone" | "email" | "telegram" | null {
  return channel === "sms" ? "phone" : channel === "email" ? "email" : channel === "telegram" ? "telegram" : null;
}

export class ScheduleForm {
  readonly root: HTMLElement;
  private readonly agent = selectBox("new-schedule-agent", ta("schedule.agent"), [["", ta("schedule.pickAgent")]]);
  private readonly name = input("new-schedule-name", { maxlength: "200", autocomplete: "off" });
  private readonly phone = input("new-schedule-phone", { type: "tel", autocomplete: "off", placeholder: "+7 900 000-00-00" });
  private readonly email = input("new-schedule-email", { type: "email", autocomplete: "off" });
  private readonly telegram = input("new-schedule-telegram", { autocomplete: "off", placeholder: "@username" });
  private readonly date = input("new-schedule-date", { type: "date" });
  private readonly time = input("new-schedule-time", { type: "time" });
  private readonly zone = zoneSelect("new-schedule-zone", browserZone());
  private readonly channel = selectBox("new-schedule-channel", ta("schedule.channel"), CHANNELS.map((c) => [c, channelLabel(c)] as const), "sms");
  private readonly lead = input("new-schedule-lead", { type: "number", min: "0", max: "10080", step: "1" });
  private readonly language = selectBox("new-schedule-language", ta("schedule.language"), [["ru", "Русский"], ["en", "English"]], lang());
  private readonly preview = el("p", { class: "muted small", testid: "new-schedule-preview", attrs: { "aria-live": "polite" } });
  private readonly submit = button(ta("schedule.create"), "schedule-create", "primary");
  private readonly status = new StatusLine("schedule-create-status");

  constructor(private readonly onCreated: (i: Interaction) => void) {
    this.lead.value = "15";
    // Tomorrow at the next full hour, in the chosen zone.
    const next = Date.now() + 24 * 3600_000;
    const w = instantToWall(next - (next % 3600_000) + 3600_000, this.zone.value);
    this.date.value = w.date;
    this.time.value = w.time;
    for (const n of [this.date, this.time, this.zone]) n.addEventListener("input", () => this.renderPreview());
    this.zone.addEventListener("change", () => this.renderPreview());
    this.submit.type = "submit";
    const form = el("form", { class: "form", testid: "schedule-create-form", attrs: { novalidate: true } }, [
      el("div", { class: "row" }, [field(ta("schedule.agent"), this.agent), field(ta("schedule.clientName"), this.name)]),
      el("div", { class: "row" }, [field(ta("schedule.phone"), this.phone), field(ta("schedule.email"), this.email), field(ta("schedule.telegram"), this.telegram)]),
      el("div", { class: "row" }, [field(ta("schedule.date"), this.date), field(ta("schedule.time"), this.time), field(ta("schedule.zone"), this.zone)]),
      this.preview,
      el("div", { class: "row" }, [field(ta("schedule.channel"), this.channel), field(ta("schedule.lead"), this.lead), field(ta("schedule.language"), this.language)]),
      this.status.root,
      el("div", { class: "actions" }, [this.submit]),
    ]);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send();
    });
    this.root = el("details", { class: "card", testid: "schedule-new" }, [el("summary", { testid: "schedule-new-toggle", text: ta("schedule.new") }), form]);
    this.renderPreview();
  }

  setAgents(agents: readonly User[]): void {
    const keep = this.agent.value;
    options(this.agent, [["", ta("schedule.pickAgent")], ...agents.filter((a) => !a.disabled).map((a) => [a.id, `${a.name} (${a.login})`] as const)]);
    if (keep && agents.some((a) => a.id === keep)) this.agent.value = keep;
  }

  private instant(): number | null {
    return isZone(this.zone.value) ? wallToInstant(this.date.value, this.time.value, this.zone.value) : null;
  }

  private renderPreview(): void {
    const at = this.instant();
    const mine = browserZone();
    if (at === null) setText(this.preview, "");
    else if (mine === this.zone.value) setText(this.preview, ta("schedule.previewSame", { time: formatInZone(at, mine, lang()) }));
    else setText(this.preview, ta("schedule.previewYours", { time: formatInZone(at, mine, lang()), zone: mine }));
  }

  private send(): void {
    const bad = (control: HTMLElement, message: string): void => {
      this.status.error(message);
      control.focus();
    };
    if (!this.agent.value) return bad(this.agent, ta("schedule.noAgent"));
    const at = this.instant();
    if (at === null) return bad(this.date, ta("schedule.badTime"));
    if (at <= Date.now()) return bad(this.time, ta("schedule.past"));
    const ch = this.channel.value as Channel;
    const phone = this.phone.value.trim();
    const email = this.email.value.trim();
    const telegram = this.telegram.value.trim();
    const need = contactFor(ch);
    if (need === "phone" && !phone) return bad(this.phone, ta("schedule.needPhone"));
    if (need === "email" && !email) return bad(this.email, ta("schedule.needEmail"));
    if (need === "telegram" && !telegram) return bad(this.telegram, ta("schedule.needTelegram"));
    if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) return bad(this.email, ta("schedule.badEmail"));
    const lead = Number(this.lead.value);
    if (!/^\d+$/.test(this.lead.value.trim()) || lead > 10080) return bad(this.lead, ta("schedule.badLead"));
    const body: CreateScheduleRequest = {
      agent_id: this.agent.value,
      at: new Date(at).toISOString(),
      time_zone: this.zone.value,
      send_via: ch,
      lead_minutes: lead,
      language: this.language.value as Language,
    };
    if (this.name.value.trim()) body.client_name = this.name.value.trim();
    if (phone) body.client_phone = phone;
    if (email) body.client_email = email;
    if (telegram) body.client_telegram = telegram;
    void busy(
      this.submit,
      this.status,
      async () => {
        const created = await api<Interaction>("POST", "/api/schedules", body);
        for (const n of [this.name, this.phone, this.email, this.telegram]) n.value = "";
        this.onCreated(created);
      },
      ta("schedule.created"),
    );
  }
}

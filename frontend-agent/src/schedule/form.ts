// "Schedule a call" -> POST /api/schedules: the client's contacts, the date
// and time as the client reads it (`schedule-at`) in the client's time zone
// (`schedule-tz`, the browser's by default), the channel the link goes by
// (`schedule-channel`) and how many minutes before (`schedule-lead`), the
// message language, the video settings and the custom fields.

import type { Channel, CreateScheduleRequest, Interaction } from "@shared/protocol";
import { api } from "@shared/api";
import { el, field, replaceChildren, select, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { lang, t, type MessageKey } from "@shared/i18n";
import { channelLabel } from "@shared/labels";
import { browserZone, instantToLocalInput, zoneChoices } from "@shared/zones";
import { CHANNELS } from "../availability";
import { loadChannels } from "../channels";
import { callSettingsInputs, contactInputs, contactValues, selectedMode, selectedQuality } from "../form";
import { type ConsoleSettings, loadSettings } from "../settings";
import { checkSchedule, DEFAULT_LEAD_MINUTES, defaultStart, MAX_LEAD_MINUTES, type ScheduleProblem } from "./check";
import { scheduleTime } from "./summary";

const PROBLEM_KEYS: Record<ScheduleProblem, MessageKey> = {
  no_time: "sched.badTime",
  past: "sched.past",
  bad_zone: "sched.badZone",
  bad_lead: "sched.badLead",
  no_phone: "delivery.why.no_phone",
  no_email: "delivery.why.no_email",
  no_telegram: "delivery.why.no_telegram",
  no_contact: "delivery.why.no_contact",
};

export interface ScheduleFormHost {
  /** A call was scheduled (the list should show it). */
  scheduled(i: Interaction): void;
  /** Back to the "new interaction" form. */
  cancel(): void;
}

export function scheduleForm(host: ScheduleFormHost): HTMLElement {
  const root = el("div", { class: "schedule-box" }, [
    el("section", { class: "card schedule-form" }, [el("p", { class: "muted", text: t("common.loading") })]),
  ]);
  void loadSettings().then((s) => replaceChildren(root, [buildForm(s, host)]));
  return root;
}

function buildForm(s: ConsoleSettings, host: ScheduleFormHost): HTMLElement {
  const contacts = contactInputs("schedule-");
  const { name, phone, email, telegram } = contacts;

  const zone = browserZone();
  const at = el("input", { testid: "schedule-at", attrs: { type: "datetime-local", required: true, name: "schedule-at", step: "60" } });
  at.value = instantToLocalInput(defaultStart(new Date()), zone);
  const tz = select("schedule-tz", zoneChoices([zone]).map((z) => [z, z] as const), zone, t("sched.tz"));
  const channel = select("schedule-channel", CHANNELS.map((c) => [c, channelLabel(c)] as const), "sms", t("sched.channel"));
  const lead = el("input", {
    testid: "schedule-lead",
    attrs: { type: "number", min: "0", max: String(MAX_LEAD_MINUTES), step: "1", name: "schedule-lead", inputmode: "numeric" },
  });
  lead.value = String(DEFAULT_LEAD_MINUTES);
  const language = select(
    "schedule-language",
    [
      ["ru", t("delivery.lang.ru")],
      ["en", t("delivery.lang.en")],
    ],
    lang(),
    t("delivery.language"),
  );
  const inputs = callSettingsInputs(s);
  const channelHint = el("p", { class: "muted", testid: "schedule-channel-hint", hidden: true });
  const error = el("p", { class: "error", testid: "schedule-error", attrs: { role: "alert" }, hidden: true });
  const done = el("p", { class: "ok", testid: "schedule-created", attrs: { role: "status" }, hidden: true });
  const submit = el("button", {
    class: "btn btn-primary",
    testid: "schedule-submit",
    text: t("sched.submit"),
    attrs: { type: "submit", disabled: inputs.noModes !== null },
  });
  const cancel = el("button", { class: "btn", testid: "schedule-close", text: t("sched.cancel"), attrs: { type: "button" } });
  cancel.addEventListener("click", () => host.cancel());

  // Say so when the chosen channel is not set up (the server would refuse to send).
  const renderChannel = (configured: Partial<Record<Channel, boolean>> | null): void => {
    const c = channel.value as Channel;
    const off = configured !== null && configured[c] === false;
    setText(channelHint, off ? t("delivery.why.not_configured", { channel: channelLabel(c) }) : "");
    show(channelHint, off);
  };
  let configured: Partial<Record<Channel, boolean>> | null = null;
  loadChannels()
    .then((c) => {
      configured = c;
      renderChannel(configured);
    })
    .catch(() => undefined);
  channel.addEventListener("change", () => renderChannel(configured));

  const form = el("form", { class: "card schedule-form", testid: "schedule-form", attrs: { novalidate: true } }, [
    el("h2", { text: t("sched.title") }),
    inputs.notice,
    ...contacts.fields,
    el("div", { class: "row" }, [field(t("sched.at"), at), field(t("sched.tz"), tz)]),
    el("div", { class: "row" }, [field(t("sched.channel"), channel), field(t("sched.lead"), lead), field(t("delivery.language"), language)]),
    channelHint,
    el("div", { class: "row" }, [field(t("new.videoMode"), inputs.mode), field(t("new.quality"), inputs.quality)]),
    inputs.noModes,
    inputs.fields.root,
    error,
    done,
    el("div", { class: "button-row" }, [submit, cancel]),
  ]);

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    show(done, false);
    const sendVia = channel.value as Channel;
    const check = checkSchedule(
      {
        local: at.value,
        timeZone: tz.value,
        lead: lead.value,
        channel: sendVia,
        contacts: { phone: phone.value, email: email.value, telegram: telegram.value },
      },
      new Date(),
    );
    if (!check.ok) {
      setText(error, t(PROBLEM_KEYS[check.problem]));
      show(error, true);
      const where: Record<typeof check.problem, HTMLElement> = {
        no_time: at,
        past: at,
        bad_zone: tz,
        bad_lead: lead,
        no_phone: phone,
        no_email: email,
        no_telegram: telegram,
        no_contact: phone,
      };
      where[check.problem].focus();
      return;
    }
    const customFields = inputs.fields.collect();
    if (customFields === null) return;
    const body: CreateScheduleRequest = {
      at: check.at.toISOString(),
      time_zone: tz.value,
      send_via: sendVia,
      lead_minutes: check.lead,
      language: language.value === "en" ? "en" : "ru",
      video_mode: selectedMode(inputs.mode),
    };
    const quality = selectedQuality(inputs.quality);
    if (quality) body.max_quality = quality;
    if (Object.keys(customFields).length) body.custom_fields = customFields;
    Object.assign(body, contactValues(contacts));

    submit.disabled = true;
    setText(submit, t("sched.submitting"));
    show(error, false);
    api<Interaction>("POST", "/api/schedules", body)
      .then((created) => {
        const when = created.schedule ? scheduleTime(created.schedule.at, created.schedule.time_zone) : scheduleTime(body.at, tz.value);
        setText(done, t("sched.created", { time: when }));
        show(done, true);
        done.dataset.id = created.id;
        for (const input of [name, phone, email, telegram]) input.value = "";
        host.scheduled(created);
      })
      .catch((err: unknown) => {
        setText(error, errorText(err));
        show(error, true);
      })
      .finally(() => {
        submit.disabled = false;
        setText(submit, t("sched.submit"));
      });
  });
  return form;
}

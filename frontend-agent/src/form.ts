// The "new interaction" form -> POST /api/interactions. It opens once the
// admins' settings are read (settings.ts): only the video modes and
// qualities the platform allows, the recording choice only when recording
// is on, and the custom fields (required ones checked before sending).

import type { CreateInteractionRequest, Interaction, MaxQuality, VideoMode } from "@shared/protocol";
import { api } from "@shared/api";
import { el, field, replaceChildren, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { allowedModes, clampQuality, pickMode, qualitiesUpTo } from "@shared/features";
import { t } from "@shared/i18n";
import { DEFAULT_QUALITY, isMaxQuality, isVideoMode } from "@shared/quality";
import { FieldSet } from "./customfields/inputs";
import { qualitySelect, videoModeSelect } from "./options";
import { type ConsoleSettings, loadSettings } from "./settings";

/** The parts both call forms share: video mode, quality, custom fields. */
export interface CallSettingsInputs {
  mode: HTMLSelectElement;
  quality: HTMLSelectElement;
  fields: FieldSet;
  /** "No video mode is on" (shown when the platform allows none). */
  noModes: HTMLElement | null;
  /** Settings could not be read (the server checks the form). */
  notice: HTMLElement | null;
}

export function callSettingsInputs(s: ConsoleSettings): CallSettingsInputs {
  const modes = allowedModes(s.features);
  const mode = videoModeSelect(pickMode("two_way", modes) ?? "two_way", modes);
  const quality = qualitySelect(clampQuality(DEFAULT_QUALITY, s.features.max_quality), qualitiesUpTo(s.features.max_quality));
  return {
    mode,
    quality,
    fields: new FieldSet(s.fields),
    noModes: modes.length ? null : el("p", { class: "error", testid: "no-video-mode", text: t("new.noModes"), attrs: { role: "alert" } }),
    notice: s.problem ? el("p", { class: "muted", testid: "settings-error", text: t("new.settingsFailed", { reason: s.problem }) }) : null,
  };
}

export function selectedMode(mode: HTMLSelectElement): VideoMode {
  return isVideoMode(mode.value) ? mode.value : "two_way";
}

export function selectedQuality(quality: HTMLSelectElement): MaxQuality | undefined {
  return isMaxQuality(quality.value) ? quality.value : undefined;
}

function contactInput(testid: string, type: string): HTMLInputElement {
  return el("input", { testid, attrs: { type, autocomplete: "off", name: testid } });
}

/** The client's contacts, as both call forms ask for them. */
export interface ContactInputs {
  name: HTMLInputElement;
  phone: HTMLInputElement;
  email: HTMLInputElement;
  telegram: HTMLInputElement;
  /** The labelled fields, laid out (name; phone and e-mail side by side; Telegram). */
  fields: HTMLElement[];
}

/** The contact inputs; their hooks are `<prefix>client-name`, `-phone`, `-email`, `-telegram`. */
export function contactInputs(prefix = ""): ContactInputs {
  const name = contactInput(`${prefix}client-name`, "text");
  const phone = contactInput(`${prefix}client-phone`, "tel");
  const email = contactInput(`${prefix}client-email`, "email");
  const telegram = contactInput(`${prefix}client-telegram`, "text");
  telegram.placeholder = "@username";
  const fields = [
    field(t("new.clientName"), name),
    el("div", { class: "row" }, [field(t("new.phone"), phone), field(t("new.email"), email)]),
    field(t("new.telegram"), telegram),
  ];
  return { name, phone, email, telegram, fields };
}

type ClientContacts = Pick<CreateInteractionRequest, "client_name" | "client_phone" | "client_email" | "client_telegram">;

/** The contacts typed, trimmed; the empty ones left out of the request. */
export function contactValues(c: ContactInputs): ClientContacts {
  const out: ClientContacts = {};
  const opt = (v: string): string | undefined => v.trim() || undefined;
  const clientName = opt(c.name.value);
  const clientPhone = opt(c.phone.value);
  const clientEmail = opt(c.email.value);
  const clientTelegram = opt(c.telegram.value);
  if (clientName) out.client_name = clientName;
  if (clientPhone) out.client_phone = clientPhone;
  if (clientEmail) out.client_email = clientEmail;
  if (clientTelegram) out.client_telegram = clientTelegram;
  return out;
}

/** The form, filled in once the settings are read. */
export function newInteractionForm(onCreated: (i: Interaction) => void): HTMLElement {
  const root = el("div", { class: "new-interaction-box" }, [
    el("section", { class: "card new-interaction" }, [el("p", { class: "muted", text: t("common.loading") })]),
  ]);
  void loadSettings().then((s) => replaceChildren(root, [buildForm(s, onCreated)]));
  return root;
}

function buildForm(s: ConsoleSettings, onCreated: (i: Interaction) => void): HTMLElement {
  const contacts = contactInputs();
  const inputs = callSettingsInputs(s);
  // The server's default (`[server] record_calls`) unless the agent says otherwise.
  const record = s.features.recording
    ? el("select", { testid: "record-call", attrs: { "aria-label": t("new.record") } }, [
        el("option", { text: t("new.recordDefault"), attrs: { value: "" } }),
        el("option", { text: t("new.recordYes"), attrs: { value: "yes" } }),
        el("option", { text: t("new.recordNo"), attrs: { value: "no" } }),
      ])
    : null;
  const submit = el("button", {
    class: "btn btn-primary",
    testid: "create-interaction",
    text: t("new.create"),
    attrs: { type: "submit", disabled: inputs.noModes !== null },
  });
  const error = el("p", { class: "error", testid: "form-error", attrs: { role: "alert" }, hidden: true });

  const form = el("form", { class: "card new-interaction", attrs: { novalidate: true } }, [
    el("h2", { text: t("new.title") }),
    inputs.notice,
    ...contacts.fields,
    el("div", { class: "row" }, [
      field(t("new.videoMode"), inputs.mode),
      field(t("new.quality"), inputs.quality),
      record ? field(t("new.record"), record) : null,
    ]),
    inputs.noModes,
    inputs.fields.root,
    error,
    submit,
  ]);

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    const customFields = inputs.fields.collect();
    if (customFields === null) return;
    const body: CreateInteractionRequest = { video_mode: selectedMode(inputs.mode) };
    const quality = selectedQuality(inputs.quality);
    if (quality) body.max_quality = quality;
    if (record?.value === "yes") body.record = true;
    if (record?.value === "no") body.record = false;
    if (Object.keys(customFields).length) body.custom_fields = customFields;
    Object.assign(body, contactValues(contacts));

    submit.disabled = true;
    setText(submit, t("new.creating"));
    show(error, false);
    api<Interaction>("POST", "/api/interactions", body)
      .then((created) => onCreated(created))
      .catch((err: unknown) => {
        setText(error, errorText(err));
        show(error, true);
      })
      .finally(() => {
        submit.disabled = false;
        setText(submit, t("new.create"));
      });
  });
  return form;
}
